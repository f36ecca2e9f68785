""":func:`repair_candidates`: values that may make an unsolved CHECK hold, for the database to judge.

When the solver can't read a CHECK, the database is the oracle; these candidates
(provider values, the CHECK's literals and their neighbours, boundaries) narrow what to
ask it, those Python knows the database accepts first.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlglot import exp

from ormprobe.graph import ColumnInfo, ConstraintInfo, TableInfo
from ormprobe.synth.constraints.column_types import text_length, type_holds, value_kind
from ormprobe.synth.constraints.evaluation import evaluate
from ormprobe.synth.constraints.parsing import parse_check
from ormprobe.synth.constraints.terms import TableColumns
from ormprobe.synth.constraints.violation import (
    around,
    column_literals,
    generic_candidates,
    relative_candidates,
)

# Python evaluations per call of repair_candidates: enough for every boundary, literal and
# caller-supplied value of a few columns, cheap next to one database round trip.
_REPAIR_POOL = 600


@dataclass(frozen=True, slots=True)
class Candidate:
    """One column changed so that a CHECK may hold.

    Attributes:
        column: the column's database name.
        value: the ORM value to put there.
        verdict: True when :func:`evaluate` says the database must accept the row, None
            when only the database can tell.
        source: where the value comes from: the label the caller gave an ``extra`` value
            (``"provider"``...), or ``"literal"``, ``"relative"``, ``"boundary"``.
    """

    column: str
    value: Any
    verdict: bool | None
    source: str = "boundary"


def repair_candidates(
    check: ConstraintInfo,
    table: TableInfo,
    row: Mapping[str, Any],
    *,
    dialect: str | None = None,
    frozen: Collection[str] = (),
    extra: Mapping[str, Sequence[tuple[str, Any]]] | None = None,
) -> list[Candidate]:
    """Single-column changes to ``row`` that may make ``check`` hold, most promising first.

    For a CHECK the solver could not turn into domains, the database has the last word;
    this narrows what to ask it. Candidates are the caller's own values (``extra``: other
    values of the column's provider), then boundaries (0, ±1, the CHECK's literals and
    their neighbours, the other columns' values, short and long text). Those Python can
    evaluate and the database must accept come first; those it can't tell about follow;
    those it knows the database rejects, or the column's type can't hold, are left out.

    Args:
        check: a CHECK constraint of ``table``.
        table: its table.
        row: the row as it will be inserted (values by column name, ORM values).
        dialect: the SQLAlchemy dialect name to parse with first.
        frozen: columns that must not change (chosen by the caller, foreign keys).
        extra: more ``(source label, value)`` pairs to try per column, before the
            generic ones.

    Returns:
        At most a few hundred candidates; empty when nothing is left to try.

    Example:
        >>> from ormprobe.synth.constraints.examples import example_table
        >>> t = example_table("abs(x) < 5")
        >>> [c.value for c in repair_candidates(t.constraints[0], t, {"x": 12})][:3]
        [4, 3, 0]
    """
    if check.kind != "check" or not check.sqltext:
        return []
    cols = TableColumns.of(table.columns)
    tree = parse_check(check.sqltext, dialect)
    names = _check_columns(check, tree, cols)
    movable = [name for name in names if name not in frozen]
    pool = itertools.islice(_repair_pool(tree, cols, row, movable, extra or {}), _REPAIR_POOL)
    accepted: list[Candidate] = []
    unknown: list[Candidate] = []
    seen: set[tuple[str, str, str]] = set()
    for name, source, value in pool:
        key = (name, type(value).__name__, repr(value))
        if key in seen or not type_holds(value, cols.columns[name]):
            continue
        seen.add(key)
        trial = {**row, name: value}
        verdict = (
            None if tree is None else evaluate(check.sqltext, trial, columns=cols.columns, dialect=dialect)
        )
        if verdict is True:
            accepted.append(Candidate(name, value, True, source))
        elif verdict is None:
            unknown.append(Candidate(name, value, None, source))
    return accepted + unknown


def check_columns(check: ConstraintInfo, table: TableInfo, dialect: str | None = None) -> list[str]:
    """The database names of the columns a CHECK names, in order of appearance.

    Example:
        >>> from ormprobe.synth.constraints.examples import example_table
        >>> t = example_table("abs(x) < 5")
        >>> check_columns(t.constraints[0], t)
        ['x']
    """
    tree = parse_check(check.sqltext, dialect) if check.sqltext else None
    return _check_columns(check, tree, TableColumns.of(table.columns))


def _check_columns(check: ConstraintInfo, tree: exp.Expression | None, table: TableColumns) -> list[str]:
    """The columns a CHECK names: from its tree, else from what SQLAlchemy recorded."""
    named: list[str] = []
    if tree is not None:
        named = [n for node in tree.find_all(exp.Column) if (n := table.resolve(node))]
    named.extend(c for c in check.columns if c in table.columns)
    return list(dict.fromkeys(named))


def _repair_pool(
    tree: exp.Expression | None,
    table: TableColumns,
    row: Mapping[str, Any],
    names: Sequence[str],
    extra: Mapping[str, Sequence[tuple[str, Any]]],
) -> Iterator[tuple[str, str, Any]]:
    wanted = set(names)
    for name in names:
        yield from ((name, source, value) for source, value in extra.get(name, ()))
    if tree is not None:
        for name, literal in column_literals(tree, table):
            if name in wanted:
                column = table.columns[name]
                yield from ((name, "literal", v) for v in around(literal, column))
        relative = relative_candidates(tree, table, row)
        yield from ((n, "relative", v) for n, v in relative if n in wanted)
    for name in names:
        column = table.columns[name]
        yield from ((name, "boundary", v) for v in generic_candidates(column, row))
        yield from ((name, "boundary", v) for v in _boundary_values(column))


def _boundary_values(column: ColumnInfo) -> Iterator[Any]:
    """Small numbers and texts of many lengths: where hand-written CHECKs draw lines."""
    kind = value_kind(column.sa_type)
    if kind == "int":
        yield from (*range(2, 21), *range(-2, -11, -1), 50, 99, 100, 255, 1024, 10**6)
    elif kind == "decimal":
        yield from (Decimal(n) for n in (*range(2, 11), -2, 50, 100, 1000))
        yield from (Decimal("0.5"), Decimal("0.01"), Decimal("0.99"))
    elif kind == "float":
        yield from (0.5, 0.1, 0.99, 2.0, 10.0, 100.0, -0.5)
    elif kind == "str":
        limit = text_length(column.sa_type) or 255
        texts = ["a", "ab", "abc", "abcd", "A", "ABC", "1", "12", "123", "a1", "a-b", "a_b"]
        texts += ["x" * n for n in (5, 8, 10, 16, 32, 64, 100, 255)]
        yield from (text for text in texts if len(text) <= limit)
