"""What a table asks of the rows written into it: CHECK analysis, uniqueness, its columns.

One :class:`TableRules` per :class:`Factories`, caching the CHECK analysis of each table,
because every factory writing a table (the subclasses of a single-table hierarchy too)
must agree on it. Rows travel by attribute key (what the constructor takes) while CHECKs
speak of database columns: :func:`by_name` and :func:`write_back` translate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ormprobe.graph import ColumnInfo, ConstraintInfo, ModelGraph
from ormprobe.synth import values
from ormprobe.synth.constraints import CheckAnalysis, analyze_checks, evaluate
from ormprobe.synth.plan import ModelPlan


@dataclass(frozen=True, slots=True)
class ModelColumn:
    """A column of one model's table, with the attribute that holds it."""

    info: ColumnInfo
    attribute: str


def check_label(check: ConstraintInfo) -> str:
    """How :func:`analyze_checks` names a CHECK in ``unsolved``."""
    return check.name or check.sqltext or "<CHECK without text>"


def by_name(columns: Mapping[str, ModelColumn], row: Mapping[str, Any]) -> dict[str, Any]:
    """The row's values of ``columns``, by database name."""
    return {name: row[c.attribute] for name, c in columns.items() if c.attribute in row}


def write_back(
    columns: Mapping[str, ModelColumn], row: dict[str, Any], stored: Mapping[str, Any]
) -> dict[str, Any]:
    """``row`` with the values of ``stored`` (database names) under their attributes."""
    out = dict(row)
    for name, value in stored.items():
        column = columns.get(name)
        if column is not None and (column.attribute in out or value is not None):
            out[column.attribute] = value
    return out


class TableRules:
    """The CHECKs and unique keys of the graph's tables, as the factories need them.

    Attributes:
        graph: the models.
        dialect: the SQLAlchemy dialect name CHECKs are parsed for.
    """

    def __init__(self, graph: ModelGraph, dialect: str | None) -> None:
        self.graph = graph
        self.dialect = dialect
        self._checks: dict[str, CheckAnalysis] = {}
        self._unsolved_checks: dict[str, tuple[ConstraintInfo, ...]] = {}

    def analysis(self, table: str) -> CheckAnalysis:
        """What the CHECKs of ``table`` require, given the columns rows leave unset."""
        if table not in self._checks:
            info = self.graph.table(table)
            unset = [c.name for c in info.columns if not values.needs_value(c)]
            self._checks[table] = analyze_checks(info, self.dialect, unset=unset)
        return self._checks[table]

    def unsolved(self, table: str) -> tuple[ConstraintInfo, ...]:
        """The CHECKs of ``table`` the solver could not turn into domains and relations."""
        if table not in self._unsolved_checks:
            unsolved = set(self.analysis(table).unsolved)
            self._unsolved_checks[table] = tuple(
                c
                for c in self.graph.table(table).constraints
                if c.kind == "check" and check_label(c) in unsolved
            )
        return self._unsolved_checks[table]

    def must_be_unique(self, column: ColumnInfo) -> bool:
        """True when the column is in a PRIMARY KEY, UNIQUE constraint or unique index."""
        if column.unique or column.primary_key:
            return True
        table = self.graph.table(column.table)
        return any(
            c.kind in ("unique", "primary_key") and column.name in c.columns for c in table.constraints
        ) or any(i.unique and column.name in i.columns for i in table.indexes)

    def valued_columns(self, plan: ModelPlan) -> list[ColumnInfo]:
        """The columns a row gets values for: those left to nobody else, plus those a
        CHECK relates to them (a ``server_default`` that ``ends_at > starts_at`` needs)."""
        chosen = []
        for column in plan.columns:
            if column.attribute is None:
                continue
            forced = column.name in self.analysis(column.table).needs_values
            explicit = column.attribute in plan.explicit_key
            if explicit or forced or values.needs_value(column):
                chosen.append(column)
        return chosen

    def columns(self, model: str, table: str) -> dict[str, ModelColumn]:
        """The model's columns in ``table``, by database name."""
        return {
            c.name: ModelColumn(c, c.attribute)
            for c in self.graph.model(model).columns
            if c.table == table and c.attribute is not None
        }

    def column_info(self, table: str, name: str) -> ColumnInfo:
        return next(c for c in self.graph.table(table).columns if c.name == name)

    def verdict(
        self, check: ConstraintInfo, columns: Mapping[str, ModelColumn], stored: Mapping[str, Any]
    ) -> bool | None:
        """Whether ``check`` holds for ``stored`` (database names); None when Python can't tell."""
        if not check.sqltext:
            return None
        infos = {name: c.info for name, c in columns.items()}
        return evaluate(check.sqltext, stored, columns=infos, dialect=self.dialect)
