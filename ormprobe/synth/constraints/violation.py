""":func:`violating_value`: a value that breaks a CHECK yet fits the column's type.

Candidates come from the CHECK itself (just outside each literal bound, the other
columns' values) and from the column's type (NULL, empty and long text, 0 and ±1);
:func:`~ormprobe.synth.constraints.evaluation.evaluate` judges each.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from sqlglot import exp

from ormprobe.graph import ColumnInfo, ConstraintInfo, TableInfo
from ormprobe.synth.constraints.column_types import text_length, type_holds, value_kind
from ormprobe.synth.constraints.evaluation import evaluate
from ormprobe.synth.constraints.parsing import parse_check
from ormprobe.synth.constraints.stepping import shift, step_of, to_column_type
from ormprobe.synth.constraints.terms import TableColumns, coerce_literal, column_term, constant_value


def violating_value(
    check: ConstraintInfo,
    table: TableInfo,
    row: Mapping[str, Any],
    *,
    dialect: str | None = None,
) -> tuple[str, Any] | None:
    """A ``(column, value)`` that makes ``check`` false while fitting the column's type.

    Candidates come from the CHECK's own literals and relations (just outside each
    bound, outside the ``IN`` list, too short, wrong case, NULL for ``IS NOT NULL``...);
    the first one that :func:`evaluate` says the database must reject (with the rest of
    ``row`` unchanged) and that the column's type can hold is returned.

    Only violations every database agrees on count: ``lower(x) = x`` has none that
    MySQL's case-insensitive collations would reject, so it gets None.

    Args:
        check: a CHECK constraint of ``table``.
        table: its table.
        row: a row that satisfies the CHECK (values by column name).
        dialect: the SQLAlchemy dialect name to parse with first.

    Returns:
        The column's database name and the ORM value to put there, or None when no
        such value can be derived (unreadable CHECK, enum-only values...).
    """
    if check.kind != "check" or not check.sqltext:
        return None
    tree = parse_check(check.sqltext, dialect)
    if tree is None:
        return None
    cols = TableColumns.of(table.columns)
    for name, candidate in _violation_candidates(tree, cols, row):
        column = cols.columns[name]
        if not type_holds(candidate, column):
            continue
        trial = {**row, name: candidate}
        if evaluate(check.sqltext, trial, columns=cols.columns, dialect=dialect) is False:
            return name, candidate
    return None


def _violation_candidates(
    tree: exp.Expression, table: TableColumns, row: Mapping[str, Any]
) -> Iterator[tuple[str, Any]]:
    for node in tree.walk():
        term = column_term(node, table) if isinstance(node, exp.Column) else None
        if term is not None:
            yield from ((term.column, v) for v in generic_candidates(table.columns[term.column], row))
    for literal_column, literal in column_literals(tree, table):
        column = table.columns[literal_column]
        yield from ((literal_column, v) for v in around(literal, column))
    yield from relative_candidates(tree, table, row)


def relative_candidates(
    tree: exp.Expression, table: TableColumns, row: Mapping[str, Any]
) -> Iterator[tuple[str, Any]]:
    """Values at and around the other columns' values: ``ends_at > starts_at``."""
    names = [n for c in tree.find_all(exp.Column) if (n := table.resolve(c)) is not None]
    for name in dict.fromkeys(names):
        for other in dict.fromkeys(names):
            if other != name and row.get(other) is not None:
                yield from ((name, v) for v in around(row[other], table.columns[name]))


def column_literals(tree: exp.Expression, table: TableColumns) -> Iterator[tuple[str, Any]]:
    """(column, constant) pairs for every constant compared with a column in the tree."""
    for node in tree.walk():
        columns = [table.resolve(c) for c in node.find_all(exp.Column)]
        names = [c for c in columns if c is not None]
        if not names:
            continue
        for child in node.iter_expressions():
            if not isinstance(child, exp.Expression):
                continue
            is_constant, value = constant_value(child)
            if is_constant and value is not None:
                for name in dict.fromkeys(names):
                    yield name, coerce_literal(value, table.columns[name])


def around(value: Any, column: ColumnInfo) -> Iterator[Any]:
    """Values just at, below and above a constant, in the column's type."""
    kind = value_kind(column.sa_type)
    step = step_of(column)
    if kind == "str" and isinstance(value, str):
        yield from _text_variants(value, column)
        return
    if kind == "str" and isinstance(value, int) and not isinstance(value, bool):
        yield from ("x" * n for n in (value - 1, value + 1, value) if n >= 0)
        return
    if step is None:
        return
    base = to_column_type(value, column, "=")
    if base is None:
        return
    for move in (-1, 1, 0, -2, 2, -100, 100):
        try:
            yield shift(base, step, move)
        except (TypeError, OverflowError, ArithmeticError):
            continue


def _text_variants(value: str, column: ColumnInfo) -> Iterator[str]:
    limit = text_length(column.sa_type)
    variants = [
        value,
        value + "zz",
        "zz" + value,
        value[:-1],
        value.upper() if value != value.upper() else value.lower(),
        f" {value} ",
        "zz-not-allowed",
        "",
    ]
    for variant in variants:
        yield variant if limit is None else variant[:limit]


def generic_candidates(column: ColumnInfo, row: Mapping[str, Any]) -> Iterator[Any]:
    """Values CHECKs often reject: NULL, 0, ±1, empty and long text, steps from the current value."""
    current = row.get(column.name)
    yield None
    kind = value_kind(column.sa_type)
    if kind == "bool":
        yield from (False, True)
    elif kind == "str":
        limit = text_length(column.sa_type) or 64
        samples = ["", "x", "ZZ", " x ", "x" * limit]
        if isinstance(current, str):
            samples += [current.upper(), current.lower(), f" {current} "[:limit], current[:1]]
        yield from samples
    elif kind == "int":
        yield from (0, -1, 1, -1000, 1000)
    elif kind in ("decimal", "float"):
        zero = Decimal(0) if kind == "decimal" else 0.0
        yield from (zero, zero - 1, zero + 1, zero - 1000, zero + 1000)
    step = step_of(column)
    if current is not None and step is not None and not isinstance(current, (str, bool)):
        for move in (-1, 1, -24, 24, -1000, 1000):
            try:
                yield shift(current, step, move)
            except (TypeError, OverflowError, ArithmeticError):
                continue
