"""The database as oracle: inserting a row whose CHECKs only the database can judge.

The row is inserted inside a SAVEPOINT; when the database rejects it for a CHECK, the
row is tried again with candidates for the columns that CHECK names, one CHECK search
at a time, within a budget of tries. What worked is remembered (:class:`Candidates`)
for later rows; when nothing works, a :class:`SynthesisError` names the constraint and
the ``[tool.ormprobe.values]`` way out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc as sa_exc

from ormprobe.errors import SynthesisError
from ormprobe.graph import ConstraintInfo, ModelGraph
from ormprobe.synth.constraints import Candidate
from ormprobe.synth.factories.candidates import Candidates
from ormprobe.synth.factories.check_violations import first_line, violated_check
from ormprobe.synth.factories.construction import Construction
from ormprobe.synth.factories.scopes import GIVEN
from ormprobe.synth.factories.tables import TableRules, by_name, check_label

# Inserts one row may try before giving up, in total and per CHECK. Candidates Python
# knows the database accepts come first, so one try is the usual cost.
_ROW_TRIALS = 48
_CHECK_TRIALS = 24


@dataclass
class Search:
    """The candidate search for one CHECK the database rejected while inserting one row
    (advanced as the database answers, hence mutable).

    Attributes:
        table: the CHECK's table.
        check: the CHECK.
        base: the row (attribute keys) when the CHECK first failed; candidates change it.
        candidates: what is left to try, as (attribute, candidate).
        tried: how many candidates the database has rejected.
        chosen: the candidate in the row now.
    """

    table: str
    check: ConstraintInfo
    base: dict[str, Any]
    candidates: Iterator[tuple[str, Candidate]]
    tried: int = 0
    chosen: tuple[str, Candidate] | None = None


class DatabaseOracle:
    """Inserts rows the database must judge, searching candidates for rejected CHECKs."""

    def __init__(
        self, graph: ModelGraph, rules: TableRules, candidates: Candidates, construction: Construction
    ) -> None:
        self._graph = graph
        self._rules = rules
        self._candidates = candidates
        self._construction = construction

    def insert(self, session: Any, model: str, model_class: type, row: dict[str, Any]) -> Any:
        """Insert inside SAVEPOINTs, trying candidates for each CHECK the database rejects."""
        searches: dict[str, Search] = {}
        last: Search | None = None
        for _ in range(_ROW_TRIALS):
            try:
                with session.begin_nested():
                    obj = self._construction.make(model_class, row)
                    session.add(obj)
                    session.flush()
            except sa_exc.DBAPIError as exc:
                found = violated_check(self._graph, self._rules, model, exc)
                if found is None:
                    # A candidate may break something else (a unique value taken by a
                    # row the caller made); that candidate failed, not the row.
                    if last is None or last.chosen is None:
                        raise
                    last.tried += 1
                    row = self._next_candidate(model, last, exc)
                    continue
                table, check = found
                last = searches.get(check_label(check))
                if last is None:
                    last = self._start_search(model, table, check, row)
                    searches[check_label(check)] = last
                else:
                    last.tried += 1
                row = self._next_candidate(model, last, exc)
                continue
            self._learn(searches.values())
            return obj
        assert last is not None
        raise self._defeated(model, last, None)

    def _start_search(self, model: str, table: str, check: ConstraintInfo, row: dict[str, Any]) -> Search:
        columns = self._rules.columns(model, table)
        given = GIVEN.get()
        frozen = [n for n, c in columns.items() if c.attribute in given]
        found = self._candidates.for_check(table, check, columns, by_name(columns, row), frozen)
        memory = self._candidates.accepted(table, check)
        if memory is not None:
            remembered = [
                Candidate(n, v, None, "learned") for n, v in memory.values.items() if n not in frozen
            ]
            # Candidates of a kind the database accepted before go first.
            found = remembered + sorted(found, key=lambda c: memory.sources.get(c.column) != c.source)
        ordered = ((columns[c.column].attribute, c) for c in found)
        return Search(table, check, dict(row), itertools.islice(ordered, _CHECK_TRIALS))

    def _next_candidate(self, model: str, search: Search, exc: Exception) -> dict[str, Any]:
        chosen = next(search.candidates, None)
        if chosen is None:
            raise self._defeated(model, search, exc) from exc
        search.chosen = chosen
        attribute, candidate = chosen
        return {**search.base, attribute: candidate.value}

    def _learn(self, searches: Iterable[Search]) -> None:
        """Remember what the database accepted for each CHECK searched."""
        for search in searches:
            if search.chosen is None:
                continue
            _attribute, candidate = search.chosen
            self._candidates.learn(search.table, search.check, candidate)

    def _defeated(self, model: str, search: Search, exc: Exception | None) -> SynthesisError:
        check = search.check
        columns = self._rules.columns(model, search.table)
        named = [c.attribute for n, c in columns.items() if n in check.columns] or [
            c.attribute for c in columns.values()
        ]
        attribute = named[0]
        said = f"; the database said: {first_line(exc)}" if exc is not None else ""
        return SynthesisError(
            f"{model}: CHECK {check.name or '(unnamed)'} ({check.sqltext}) rejected every "
            f"value ormprobe tried for {', '.join(named)} ({search.tried + 1} tries on "
            f"{self._rules.dialect or 'the database'}){said}; set a valid one in pyproject.toml: "
            f'[tool.ormprobe.values] "{model}.{attribute}" = ...',
            target=f"{model}.{attribute}",
        )
