"""A CHECK's tree -> the ways to make it true, each a set of atoms (:class:`Alternative`).

``AND`` combines the ways of both sides, ``OR`` offers either side's, ``NOT`` is pushed
inwards; a predicate that can't be read becomes an incomplete alternative, so the caller
knows the CHECK as a whole was not understood. Alternatives are produced lazily and at
most :data:`~ormprobe.synth.constraints.atoms.MAX_ALTERNATIVES` per node.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import replace

import sqlalchemy as sa
from sqlglot import exp

from ormprobe.synth.constraints.atoms import (
    MAX_ALTERNATIVES,
    NOT_UNDERSTOOD,
    Alternative,
    Atom,
    DomainAtom,
    TruthAtom,
    bound_domain,
    domain_atom,
)
from ormprobe.synth.constraints.column_types import unwrap
from ormprobe.synth.constraints.compare import FLIPPED, NEGATED, Op
from ormprobe.synth.constraints.domain import Domain
from ormprobe.synth.constraints.linear import linear_atoms
from ormprobe.synth.constraints.parsing import CHAR_LENGTH_FUNCTIONS, COMPARISONS, boolean_value
from ormprobe.synth.constraints.terms import TableColumns, Term, coerce_literal, column_term, constant_value


def alternatives_of(node: exp.Expression, table: TableColumns, negated: bool) -> Iterator[Alternative]:
    """Ways to make ``node`` (or ``NOT node``) true, most useful first, lazily."""
    if isinstance(node, exp.Paren):
        yield from alternatives_of(node.this, table, negated)
    elif isinstance(node, exp.Not):
        yield from alternatives_of(node.this, table, not negated)
    elif isinstance(node, (exp.And, exp.Or)):
        conjunction = isinstance(node, exp.And) != negated
        parts = (node.this, node.expression)
        yield from (_conjoin(parts, table, negated) if conjunction else _disjoin(parts, table, negated))
    elif isinstance(node, exp.Between) and not node.args.get("symmetric"):
        yield from _between(node, table, negated)
    else:
        atoms = _atoms(node, table, negated)
        yield NOT_UNDERSTOOD if atoms is None else Alternative(tuple(atoms), complete=True)


def _conjoin(parts: Sequence[exp.Expression], table: TableColumns, negated: bool) -> Iterator[Alternative]:
    first = list(itertools.islice(alternatives_of(parts[0], table, negated), MAX_ALTERNATIVES))
    second = list(itertools.islice(alternatives_of(parts[1], table, negated), MAX_ALTERNATIVES))
    combined = (
        Alternative(a.atoms + b.atoms, a.complete and b.complete) for a, b in itertools.product(first, second)
    )
    yield from itertools.islice(combined, MAX_ALTERNATIVES)


def _disjoin(parts: Sequence[exp.Expression], table: TableColumns, negated: bool) -> Iterator[Alternative]:
    branches = [
        alt
        for part in parts
        for alt in itertools.islice(alternatives_of(part, table, negated), MAX_ALTERNATIVES)
    ]
    # Branches that force NULL make poor test rows; try them last.
    yield from sorted(branches, key=lambda alt: (not alt.complete, alt.wants_null))


def _between(node: exp.Between, table: TableColumns, negated: bool) -> Iterator[Alternative]:
    subject, low, high = node.this, node.args["low"], node.args["high"]
    lower = _comparison_atoms(subject, ">=" if not negated else "<", low, table)
    upper = _comparison_atoms(subject, "<=" if not negated else ">", high, table)
    if negated:
        for atoms in (lower, upper):
            yield NOT_UNDERSTOOD if atoms is None else Alternative(tuple(atoms), True)
    elif lower is None or upper is None:
        yield NOT_UNDERSTOOD
    else:
        yield Alternative(tuple(lower + upper), complete=True)


def _atoms(node: exp.Expression, table: TableColumns, negated: bool) -> list[Atom] | None:
    """The atoms equivalent to one predicate (None = not understood)."""
    if type(node) in COMPARISONS:
        op = COMPARISONS[type(node)]
        return _comparison_atoms(node.this, NEGATED[op] if negated else op, node.expression, table)
    if node.args.get("negate") and isinstance(node, (exp.Like, exp.ILike, exp.Is)):
        negated = not negated
    if isinstance(node, exp.Is):
        return _is_atoms(node, table, negated)
    if isinstance(node, exp.In):
        return _in_atoms(node, table, negated)
    if isinstance(node, (exp.Like, exp.ILike)):
        return _like_atoms(node, table, negated)
    if isinstance(node, exp.Boolean):
        return [TruthAtom(boolean_value(node) != negated)]
    if isinstance(node, exp.Column):
        return _boolean_column_atoms(node, table, not negated)
    return None


def _comparison_atoms(
    left: exp.Expression, op: Op, right: exp.Expression, table: TableColumns
) -> list[Atom] | None:
    for subject, flipped, other in ((left, op, right), (right, FLIPPED[op], left)):
        atoms = _subject_atoms(subject, flipped, other, table)
        if atoms is not None:
            return atoms
    return linear_atoms(left, op, right, table)


def _subject_atoms(
    subject: exp.Expression, op: Op, other: exp.Expression, table: TableColumns
) -> list[Atom] | None:
    """``subject op other`` where subject is a column or length(column)."""
    term = column_term(subject, table)
    if term is not None:
        return _term_comparison(term, op, other, table)
    length = _length_term(subject, table)
    if length is not None:
        is_constant, value = constant_value(other)
        if is_constant and isinstance(value, int) and not isinstance(value, bool):
            return _length_atoms(length, op, value)
    return None


def _term_comparison(term: Term, op: Op, other: exp.Expression, table: TableColumns) -> list[Atom] | None:
    is_constant, value = constant_value(other)
    if is_constant:
        if value is None:
            # "x = NULL" is never true; "x <> NULL" neither.
            return [TruthAtom(False)]
        literal = coerce_literal(value, table.columns[term.column])
        return [domain_atom(term, bound_domain(op, literal))]
    other_term = column_term(other, table)
    if other_term is not None and other_term.column == term.column:
        return _self_comparison(term, op, other_term)
    return None


def _self_comparison(term: Term, op: Op, other: Term) -> list[Atom] | None:
    """``lower(x) = x`` and friends."""
    if op != "=" or (term.wrapper is None) == (other.wrapper is None):
        return None
    wrapper = term.wrapper or other.wrapper
    return [domain_atom(Term(term.column, wrapper), Domain())]


def _length_term(node: exp.Expression, table: TableColumns) -> Term | None:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Length):
        inner = node.this
    elif isinstance(node, exp.Anonymous) and str(node.this).lower() in CHAR_LENGTH_FUNCTIONS:
        if len(node.expressions) != 1:
            return None
        inner = node.expressions[0]
    else:
        return None
    term = column_term(inner, table)
    if term is None or table.kind(term.column) != "str":
        return None
    return term


def _length_atoms(term: Term, op: Op, n: int) -> list[Atom] | None:
    bounds: dict[Op, Domain] = {
        "=": Domain(min_length=n, max_length=n),
        ">=": Domain(min_length=n),
        ">": Domain(min_length=n + 1),
        "<=": Domain(max_length=n),
        "<": Domain(max_length=n - 1),
    }
    domain = bounds.get(op)
    if domain is None:
        return None
    if domain.max_length is not None and domain.max_length < 0:
        return [TruthAtom(False)]
    if domain.min_length is not None:
        domain = replace(domain, min_length=max(domain.min_length, 0))
    return [domain_atom(term, domain)]


def _is_atoms(node: exp.Is, table: TableColumns, negated: bool) -> list[Atom] | None:
    term = column_term(node.this, table)
    target = node.expression
    if term is None:
        return None
    if isinstance(target, exp.Null):
        domain = Domain(not_null=True) if negated else Domain(null_only=True)
        return [DomainAtom(term.column, domain)]
    if isinstance(target, exp.Boolean) and table.kind(term.column) == "bool":
        if negated:
            # "x IS NOT TRUE" also admits NULL; the non-NULL part is enough.
            return [DomainAtom(term.column, Domain(allowed=(not boolean_value(target),)))]
        return [DomainAtom(term.column, Domain(allowed=(boolean_value(target),), not_null=True))]
    return None


def _in_atoms(node: exp.In, table: TableColumns, negated: bool) -> list[Atom] | None:
    if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
        return None
    term = column_term(node.this, table)
    if term is None:
        return None
    values = []
    for item in node.expressions:
        is_constant, value = constant_value(item)
        if not is_constant:
            return _type_implied(term, table, negated)
        values.append(coerce_literal(value, table.columns[term.column]))
    if not values:
        return None
    if negated:
        if any(v is None for v in values):
            return [TruthAtom(False)]  # x NOT IN (..., NULL) is never true
        empty = any(isinstance(v, str) and v == "" for v in values)
        domain = Domain(excluded=tuple(values), min_length=1 if empty else None)
    else:
        domain = Domain(allowed=tuple(v for v in values if v is not None))
    return [domain_atom(term, domain)]


def _type_implied(term: Term, table: TableColumns, negated: bool) -> list[Atom] | None:
    """The CHECK SQLAlchemy adds for ``Enum``/``Boolean(create_constraint=True)``.

    Rendered without literal binds it reads ``t.col IN (__[POSTCOMPILE_param_1])``; its
    list is the type's own values, which every provider already keeps to.
    """
    if negated:
        return None
    column = table.columns[term.column]
    type_ = unwrap(column.sa_type)
    if isinstance(type_, sa.Enum):
        return [DomainAtom(term.column, Domain(allowed=tuple(type_.enums)))]
    if isinstance(type_, sa.Boolean):
        return [DomainAtom(term.column, Domain(allowed=(False, True)))]
    return None


def _like_atoms(node: exp.Expression, table: TableColumns, negated: bool) -> list[Atom] | None:
    term = column_term(node.this, table)
    is_constant, pattern = constant_value(node.expression)
    if term is None or not is_constant or not isinstance(pattern, str):
        return None
    if table.kind(term.column) != "str":
        return None
    domain = Domain(not_like=(pattern,)) if negated else Domain(like=(pattern,))
    return [domain_atom(term, domain)]


def _boolean_column_atoms(node: exp.Column, table: TableColumns, value: bool) -> list[Atom] | None:
    name = table.resolve(node)
    if name is None or table.kind(name) not in ("bool", "int"):
        return None
    return [DomainAtom(name, Domain(allowed=(value,)))]
