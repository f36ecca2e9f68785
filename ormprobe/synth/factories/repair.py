"""A row's values made to pass its CHECKs in Python, before the database sees it.

Column-vs-column CHECKs the solver read (``ends_at > starts_at``) are made to hold by
moving one of the two values. An unsolved CHECK Python can evaluate is repaired with a
value the database accepted before, or a candidate Python knows passes. What Python
can't vouch for is left to the database (:mod:`.oracle`). Attributes the caller passed
are never changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ormprobe.graph import ModelGraph
from ormprobe.synth.constraints import satisfy_relations
from ormprobe.synth.factories.candidates import Candidates
from ormprobe.synth.factories.scopes import GIVEN, UNSET
from ormprobe.synth.factories.tables import ModelColumn, TableRules, by_name, write_back


class RowRepair:
    """Adjusts rows to the CHECKs of their tables, as far as Python can tell."""

    def __init__(self, graph: ModelGraph, rules: TableRules, candidates: Candidates) -> None:
        self._graph = graph
        self._rules = rules
        self._candidates = candidates

    def prepare(self, model: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The row as it will be inserted: relations made to hold, CHECKs repaired."""
        row = {key: value for key, value in kwargs.items() if value is not UNSET}
        given = GIVEN.get()
        for table in self._graph.model(model).tables:
            columns = self._rules.columns(model, table)
            row = self._satisfy(table, columns, row, given)
            row = self._repair_in_python(table, columns, row, given)
        return row

    def needs_oracle(self, model: str, row: Mapping[str, Any]) -> bool:
        """True when an unsolved CHECK of the row's tables is one Python can't vouch for."""
        for table in self._graph.model(model).tables:
            unsolved = self._rules.unsolved(table)
            if not unsolved:
                continue
            columns = self._rules.columns(model, table)
            stored = by_name(columns, row)
            if any(self._rules.verdict(check, columns, stored) is not True for check in unsolved):
                return True
        return False

    def _satisfy(
        self,
        table: str,
        columns: Mapping[str, ModelColumn],
        row: dict[str, Any],
        given: frozenset[str],
    ) -> dict[str, Any]:
        """Make column-vs-column CHECKs (``ends_at > starts_at``) hold for this row."""
        analysis = self._rules.analysis(table)
        if not analysis.relations:
            return row
        stored = by_name(columns, row)
        fixed = [name for name, c in columns.items() if c.attribute in given]
        infos = {name: c.info for name, c in columns.items()}
        adjusted = satisfy_relations(stored, analysis, infos, fixed=fixed)
        return write_back(columns, row, adjusted)

    def _repair_in_python(
        self,
        table: str,
        columns: Mapping[str, ModelColumn],
        row: dict[str, Any],
        given: frozenset[str],
    ) -> dict[str, Any]:
        """Unsolved CHECKs Python can judge: reuse what the database accepted before,
        or pick a candidate Python knows it accepts. The rest is left to the oracle."""
        for check in self._rules.unsolved(table):
            stored = by_name(columns, row)
            verdict = self._rules.verdict(check, columns, stored)
            if verdict is True and not self._candidates.collides(table, stored):
                continue
            memory = self._candidates.accepted(table, check)
            if memory is not None and memory.values:
                reused = {n: v for n, v in memory.values.items() if columns[n].attribute not in given}
                if self._rules.verdict(check, columns, {**stored, **reused}) is not False:
                    row = write_back(columns, row, reused)
                    continue
            frozen = [n for n, c in columns.items() if c.attribute in given]
            found = self._candidates.for_check(table, check, columns, stored, frozen)
            choice = next((c for c in found if c.verdict is True), None)
            if choice is None and memory is not None:
                # The database accepted values of this kind before: start from one.
                choice = next((c for c in found if memory.sources.get(c.column) == c.source), None)
            if choice is not None:
                self._candidates.use(table, choice)
                row = write_back(columns, row, {choice.column: choice.value})
        return row
