"""The columns a CHECK names: resolving them, seeing through wrappers, reading constants.

A CHECK names columns as SQL identifiers, possibly wrapped (``lower(email)``,
``CAST(qty AS NUMERIC)``); its constants are literals in SQL's terms, which
:func:`coerce_literal` turns into the column's storage terms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from sqlglot import exp

from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints.column_types import Kind, value_kind
from ormprobe.synth.constraints.compare import CannotTell, temporal_from
from ormprobe.synth.constraints.evaluation import Env, evaluate_node
from ormprobe.synth.constraints.parsing import folded_names, resolve_identifier
from ormprobe.synth.constraints.sqlops import cast_category


@dataclass(frozen=True, slots=True)
class TableColumns:
    """The columns a CHECK may name, for resolving identifiers and literal types."""

    columns: Mapping[str, ColumnInfo]
    folded: Mapping[str, str]

    @classmethod
    def of(cls, columns: Sequence[ColumnInfo]) -> TableColumns:
        by_name = {c.name: c for c in columns}
        return cls(by_name, folded_names(by_name))

    def resolve(self, node: exp.Column) -> str | None:
        return resolve_identifier(node, self.columns, self.folded)

    def kind(self, name: str) -> Kind:
        return value_kind(self.columns[name].sa_type)


@dataclass(frozen=True, slots=True)
class Term:
    """A column as a CHECK mentions it, possibly wrapped: lower(x), trim(x), CAST(x ...)."""

    column: str
    wrapper: Literal["lower", "upper", "trim"] | None = None


def column_term(node: exp.Expression, table: TableColumns) -> Term | None:
    """The column ``node`` is (possibly lower()/upper()/trim()/CAST-wrapped), if any."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Column):
        name = table.resolve(node)
        return None if name is None else Term(name)
    wrappers: dict[type[exp.Expression], Literal["lower", "upper", "trim"]] = {
        exp.Lower: "lower",
        exp.Upper: "upper",
        exp.Trim: "trim",
    }
    wrapper = wrappers.get(type(node))
    if wrapper is not None and node.args.get("expression") is None:
        inner = column_term(node.this, table)
        if inner is not None and inner.wrapper is None and table.kind(inner.column) == "str":
            return Term(inner.column, wrapper)
        return None
    if isinstance(node, exp.Cast) and not isinstance(node, exp.TryCast):
        inner = column_term(node.this, table)
        if inner is not None and _lossless_cast(table.kind(inner.column), cast_category(node)):
            return inner
    return None


def _lossless_cast(kind: Kind, category: str) -> bool:
    """True when CAST(column AS category) keeps every value of ``kind`` unchanged."""
    lossless = {
        "int": {"int", "decimal"},
        "decimal": {"decimal"},
        "float": {"float"},
        "str": {"text"},
        "date": {"date"},
        "datetime": {"datetime"},
        "time": {"time"},
        "bool": {"bool"},
    }
    return category in lossless.get(kind, set())


def constant_value(node: exp.Expression) -> tuple[bool, Any]:
    """(True, value) when ``node`` mentions no column and evaluates in Python."""
    if any(True for _ in node.find_all(exp.Column)):
        return False, None
    try:
        return True, evaluate_node(node, Env.of({}))
    except (CannotTell, ArithmeticError, ValueError, TypeError, OverflowError):
        return False, None


def coerce_literal(value: Any, column: ColumnInfo | None) -> Any:
    """A CHECK literal in the column's storage terms ('2024-01-01' -> date for a DATE)."""
    if column is None or value is None:
        return value
    kind = value_kind(column.sa_type)
    try:
        if kind in ("date", "datetime", "time") and isinstance(value, (str, dt.date)):
            target = {"date": dt.date, "datetime": dt.datetime, "time": dt.time}[kind]
            return _with_zone(temporal_from(value, target), column)
        if kind == "bool" and isinstance(value, int) and value in (0, 1):
            return bool(value)
        if kind == "int" and isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        if kind in ("decimal", "float") and isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
    except CannotTell:
        return value
    return value


def _with_zone(value: Any, column: ColumnInfo) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None and column.timezone:
        return value.replace(tzinfo=dt.UTC)
    return value
