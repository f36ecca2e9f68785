"""Candidate values for the CHECKs the solver left unsolved, and what the database accepted.

When the solver in :mod:`ormprobe.synth.constraints` can't read a CHECK, the row's
values for the columns it names are replaced by candidates (the column's own provider
values and their simpler variants, the CHECK's literals, boundaries) until Python, or
failing that the database, accepts one. What the database accepted is remembered per
CHECK, so later rows start from it instead of searching again; values a unique column
got from a candidate are remembered too, so no later row repeats them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ormprobe.graph import ConstraintInfo
from ormprobe.synth.constraints import Candidate, check_columns, repair_candidates
from ormprobe.synth.factories.column_values import ColumnValues
from ormprobe.synth.factories.tables import ModelColumn, TableRules, check_label


@dataclass
class Accepted:
    """What the database accepted for one CHECK only it could judge (filled in as rows
    are inserted, hence mutable).

    Attributes:
        values: per column that may repeat, the accepted value: reused as it is.
        sources: per unique column, the kind of candidate accepted (``provider/alnum``):
            later rows try fresh candidates of that kind first.
    """

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


class Candidates:
    """Candidates for unsolved CHECKs, and the memory of what the database accepted."""

    def __init__(self, rules: TableRules, column_values: ColumnValues) -> None:
        self._rules = rules
        self._values = column_values
        # What the database accepted for CHECKs only it could judge, per (table, check),
        # and the values unique columns got from candidates (never to be repeated).
        self._learned: dict[tuple[str, str], Accepted] = {}
        self._used: dict[tuple[str, str], set[tuple[str, str]]] = {}

    def for_check(
        self,
        table: str,
        check: ConstraintInfo,
        columns: Mapping[str, ModelColumn],
        stored: Mapping[str, Any],
        frozen: Iterable[str],
    ) -> list[Candidate]:
        """Values to try for the columns ``check`` names, most promising first.

        Keys and foreign keys stay as they are: changing them would break links and
        identities, not repair a CHECK. Values a unique column already got from a
        candidate are left out.
        """
        info = self._rules.graph.table(table)
        dialect = self._rules.dialect
        linked = {name for fk in info.foreign_keys for name in fk.columns}
        held = {*frozen, *linked, *info.primary_key}
        named = [n for n in check_columns(check, info, dialect) if n not in held]
        extra = {n: self._values.samples(columns[n].info) for n in named if n in columns}
        found = repair_candidates(
            check,
            info,
            stored,
            dialect=dialect,
            frozen=[c.name for c in info.columns if c.name not in extra],
            extra=extra,
        )
        return [c for c in found if not self.used_before(table, c.column, c.value)]

    def accepted(self, table: str, check: ConstraintInfo) -> Accepted | None:
        """What the database accepted for ``check`` before, if anything."""
        return self._learned.get((table, check_label(check)))

    def learn(self, table: str, check: ConstraintInfo, candidate: Candidate) -> None:
        """Remember a candidate the database accepted: the value itself for a column that
        may repeat, the kind of candidate for a unique one."""
        memory = self._learned.setdefault((table, check_label(check)), Accepted())
        self.use(table, candidate)
        if self._rules.must_be_unique(self._rules.column_info(table, candidate.column)):
            memory.sources[candidate.column] = candidate.source
        else:
            memory.values[candidate.column] = candidate.value

    def use(self, table: str, candidate: Candidate) -> None:
        """Remember a candidate given to a unique column, so no later row repeats it."""
        if self._rules.must_be_unique(self._rules.column_info(table, candidate.column)):
            self._used.setdefault((table, candidate.column), set()).add(_value_key(candidate.value))

    def collides(self, table: str, stored: Mapping[str, Any]) -> bool:
        """True when a unique column's value is one a candidate already took."""
        return any(self.used_before(table, name, value) for name, value in stored.items())

    def used_before(self, table: str, column: str, value: Any) -> bool:
        used = self._used.get((table, column))
        return used is not None and _value_key(value) in used


def _value_key(value: Any) -> tuple[str, str]:
    """A hashable stand-in for any value (JSON documents and lists included)."""
    return type(value).__name__, repr(value)
