"""Linear comparisons as bounds and relations: ``price * 100 >= 1``, ``a + b <= 10``, ``x > y + 1``.

Both sides are read as ``sum(coefficient * column) + constant``; their difference with
one column left is a bound on it, with two a :class:`~ormprobe.synth.constraints.relation.Relation`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlglot import exp

from ormprobe.synth.constraints.atoms import Atom, DomainAtom, RelationAtom, TruthAtom, bound_domain
from ormprobe.synth.constraints.compare import FLIPPED, Op, apply_op, compare
from ormprobe.synth.constraints.decimals import decimal_of, is_number
from ormprobe.synth.constraints.relation import Relation
from ormprobe.synth.constraints.terms import TableColumns, coerce_literal, column_term, constant_value


@dataclass(frozen=True, slots=True)
class _Linear:
    """``sum(coefficient * column) + constant``; constant is a Decimal or a timedelta."""

    terms: tuple[tuple[str, Decimal], ...]
    constant: Decimal | dt.timedelta

    def plus(self, other: _Linear, sign: int = 1) -> _Linear | None:
        coefficients: dict[str, Decimal] = dict(self.terms)
        for name, coefficient in other.terms:
            coefficients[name] = coefficients.get(name, Decimal(0)) + sign * coefficient
        constant = _add_constants(self.constant, other.constant, sign)
        if constant is None:
            return None
        return _Linear(tuple((n, c) for n, c in coefficients.items() if c != 0), constant)

    def times(self, factor: Decimal) -> _Linear | None:
        if isinstance(self.constant, dt.timedelta) and factor not in (1, -1):
            return None
        constant = (
            self.constant * int(factor) if isinstance(self.constant, dt.timedelta) else self.constant * factor
        )
        return _Linear(tuple((n, c * factor) for n, c in self.terms), constant)


def _add_constants(a: Any, b: Any, sign: int) -> Any:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a + sign * b
    if isinstance(a, dt.timedelta) and isinstance(b, dt.timedelta):
        return a + sign * b
    if isinstance(a, dt.timedelta) and b == 0:
        return a
    if isinstance(b, dt.timedelta) and a == 0:
        return sign * b
    return None


def _linear(node: exp.Expression, table: TableColumns) -> _Linear | None:
    if isinstance(node, exp.Paren):
        return _linear(node.this, table)
    term = column_term(node, table)
    if term is not None:
        if term.wrapper is not None or table.kind(term.column) not in _LINEAR_KINDS:
            return None
        return _Linear(((term.column, Decimal(1)),), Decimal(0))
    is_constant, value = constant_value(node)
    if is_constant:
        return _constant_linear(value)
    if isinstance(node, exp.Neg):
        inner = _linear(node.this, table)
        return None if inner is None else inner.times(Decimal(-1))
    if isinstance(node, (exp.Add, exp.Sub)):
        left, right = _linear(node.this, table), _linear(node.expression, table)
        if left is None or right is None:
            return None
        return left.plus(right, 1 if isinstance(node, exp.Add) else -1)
    if isinstance(node, (exp.Mul, exp.Div)):
        return _scaled(node, table)
    return None


_LINEAR_KINDS = frozenset({"int", "decimal", "float", "date", "datetime", "time", "interval"})


def _constant_linear(value: Any) -> _Linear | None:
    if isinstance(value, dt.timedelta):
        return _Linear((), value)
    if is_number(value):
        return _Linear((), decimal_of(value))
    return None


def _scaled(node: exp.Expression, table: TableColumns) -> _Linear | None:
    left, right = node.this, node.expression
    factor_side, other_side = (right, left) if constant_value(right)[0] else (left, right)
    if isinstance(node, exp.Div) and factor_side is not right:
        return None
    is_constant, factor = constant_value(factor_side)
    if not is_constant or not is_number(factor) or factor == 0:
        return None
    inner = _linear(other_side, table)
    if inner is None:
        return None
    if isinstance(node, exp.Div):
        if any(table.kind(name) == "int" for name, _ in inner.terms):
            return None  # integer division truncates; "x / 2 > 1" is not "x > 2"
        return inner.times(Decimal(1) / decimal_of(factor))
    return inner.times(decimal_of(factor))


def linear_atoms(
    left: exp.Expression, op: Op, right: exp.Expression, table: TableColumns
) -> list[Atom] | None:
    """``left op right`` with both sides linear in the columns, as atoms (None if not)."""
    lhs, rhs = _linear(left, table), _linear(right, table)
    if lhs is None or rhs is None:
        return None
    difference = lhs.plus(rhs, -1)
    if difference is None:
        return None
    terms = difference.terms
    if not terms:
        zero = dt.timedelta() if isinstance(difference.constant, dt.timedelta) else Decimal(0)
        return [TruthAtom(apply_op(op, compare(difference.constant, zero)))]
    if len(terms) == 1:
        return _single_column_bound(terms[0], op, difference.constant, table)
    if len(terms) == 2:
        return _relation_atom(terms, op, difference.constant, table)
    return None


def _single_column_bound(
    term: tuple[str, Decimal], op: Op, constant: Decimal | dt.timedelta, table: TableColumns
) -> list[Atom] | None:
    name, coefficient = term
    if coefficient < 0:
        op = FLIPPED[op]
    bound = _across(constant, coefficient)
    if bound is None:
        return None
    if table.kind(name) in ("date", "datetime", "time") and not isinstance(bound, dt.timedelta):
        return None
    literal = coerce_literal(bound, table.columns[name])
    return [DomainAtom(name, bound_domain(op, literal))]


def _relation_atom(
    terms: tuple[tuple[str, Decimal], ...], op: Op, constant: Decimal | dt.timedelta, table: TableColumns
) -> list[Atom] | None:
    (left, a), (right, b) = terms
    if a < 0:
        op = FLIPPED[op]
    scale = _tidy(-b / a)
    temporal = {table.kind(left), table.kind(right)} & {"date", "datetime", "time"}
    if temporal and scale != 1:
        return None
    offset = _across(constant, a)
    if offset is None:
        return None
    return [RelationAtom(Relation(left, op, right, Decimal(scale), offset))]


def _across(constant: Decimal | dt.timedelta, coefficient: Decimal) -> Any:
    """``-constant / coefficient``: the constant of ``coefficient * x + constant`` moved across.

    None when a time span would have to be divided by something other than 1 or -1.
    """
    if isinstance(constant, dt.timedelta):
        if coefficient not in (1, -1):
            return None
        return -constant * int(coefficient)
    return _tidy(-constant / coefficient)


def _tidy(value: Decimal) -> Decimal | int:
    """Integral Decimals as ints, so domains read ``x >= 1`` rather than ``1.000``."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()
