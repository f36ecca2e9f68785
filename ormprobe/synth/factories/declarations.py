"""The runtime factories' values as factory_boy source, for ``ormprobe factories``.

The same decisions as the runtime factories, written down: which columns get values,
their providers (described by :func:`ormprobe.synth.values.describe`), explicit keys,
``[tool.ormprobe.values]`` overrides, CHECK relations as ``LazyAttribute`` s, and for a
CHECK ormprobe could not solve, a value Python knows passes it (with a note either way).
:mod:`ormprobe.synth.source` renders the module around them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ormprobe.errors import SynthesisError
from ormprobe.graph import ColumnInfo, ConstraintInfo, ModelGraph, ModelInfo
from ormprobe.synth import values
from ormprobe.synth.constraints import Candidate, check_columns
from ormprobe.synth.factories.candidates import Candidates
from ormprobe.synth.factories.column_values import ColumnValues
from ormprobe.synth.factories.construction import accepts_keywords
from ormprobe.synth.factories.deferred import deferred_key_source
from ormprobe.synth.factories.keys import countdown_source, is_explicit_key
from ormprobe.synth.factories.overrides import override_source, overrides_for
from ormprobe.synth.factories.tables import ModelColumn, TableRules
from ormprobe.synth.plan import ModelPlan, closes_cycle
from ormprobe.synth.source import ModuleHeader, render_module

_NONE = values.Declaration("None")


class SourceDeclarations:
    """Declarations of every model's factory, from the runtime factories' parts."""

    def __init__(
        self,
        graph: ModelGraph,
        plans: dict[str, ModelPlan],
        rules: TableRules,
        column_values: ColumnValues,
        candidates: Candidates,
    ) -> None:
        self._graph = graph
        self._plans = plans
        self._rules = rules
        self._values = column_values
        self._candidates = candidates

    def source_module(self, header: ModuleHeader, overrides: Mapping[str, Any]) -> str:
        """A standalone factory_boy module for every model, as :mod:`.source` renders it."""
        declarations = {
            m.name: self.declarations(m.name, overrides)
            for m in self._graph.models
            if self._plans[m.name].concrete == m.name and m.configured
        }
        assigning = [
            model for model, declared in declarations.items() if not self._takes_keywords(model, declared)
        ]
        return render_module(self._graph, self._plans, declarations, header, assigning=assigning)

    def declarations(self, model: str, overrides: Mapping[str, Any]) -> dict[str, values.Declaration]:
        """The values of ``model``'s factory as factory_boy source, by attribute."""
        plan = self._plans[model]
        info = self._graph.model(plan.concrete)
        applying = overrides_for(self._graph, overrides, plan.concrete)
        out: dict[str, values.Declaration] = {}
        for column in self._rules.valued_columns(plan):
            assert column.attribute is not None
            out[column.attribute] = self._declaration(info, plan, column)
        for link in plan.required_links:
            if closes_cycle(self._plans, plan.concrete, link):
                out[link.attributes[0]] = deferred_key_source(self._graph, link)
        for table in info.tables:
            self._relation_declarations(plan.concrete, table, out, applying)
            self._unsolved_declarations(plan.concrete, table, out, applying)
        for attribute, (key, override) in applying.items():
            out[attribute] = override_source(key, override)
        return out

    def _declaration(self, info: ModelInfo, plan: ModelPlan, column: ColumnInfo) -> values.Declaration:
        if is_explicit_key(plan, column):
            return values.Declaration(
                countdown_source(column),
                note="set explicitly: the row points at itself, so its key must be known",
            )
        try:
            return values.describe(
                column,
                model=info.name,
                unique=self._rules.must_be_unique(column),
                domain=self._rules.analysis(column.table).domains.get(column.name),
                provider=self._values.provider(info, column),
            )
        except SynthesisError as exc:
            return values.Declaration("None", note=f"ormprobe has no value: {exc}")

    def _relation_declarations(
        self,
        model: str,
        table: str,
        out: dict[str, values.Declaration],
        overrides: Mapping[str, Any],
    ) -> None:
        """``ends_at = LazyAttribute(starts_at + 1 hour)`` for each column-vs-column CHECK."""
        columns = self._rules.columns(model, table)
        derived: dict[str, str] = {}
        for relation in self._rules.analysis(table).relations:
            left, right = columns.get(relation.left), columns.get(relation.right)
            if left is None or right is None or left.attribute in overrides:
                continue
            if left.attribute in derived or derived.get(right.attribute) == left.attribute:
                continue  # one rule per column, and never a cycle of LazyAttributes
            if out.get(left.attribute, _NONE).source == "None" or right.attribute not in out:
                continue
            made = values.relation_declaration(relation, left.info, right.attribute)
            if made is not None:
                out[left.attribute] = replace(made, optional=out[left.attribute].optional)
                derived[left.attribute] = right.attribute

    def _unsolved_declarations(
        self,
        model: str,
        table: str,
        out: dict[str, values.Declaration],
        overrides: Mapping[str, Any],
    ) -> None:
        """For a CHECK the solver left alone: a value Python knows passes, and a note."""
        columns = self._rules.columns(model, table)
        info = self._graph.table(table)
        for check in self._rules.unsolved(table):
            named = [
                n
                for n in check_columns(check, info, self._rules.dialect)
                if n in columns and columns[n].attribute in out
            ]
            if not named or any(columns[n].attribute in overrides for n in named):
                continue
            note = f"CHECK {check.name or ''} ({check.sqltext}): make sure values pass it"
            chosen = self._passing_value(table, check, columns, named)
            column = columns[chosen.column if chosen is not None else named[0]]
            rendered = values.render_literal(chosen.value) if chosen is not None else None
            if rendered is not None and not self._rules.must_be_unique(column.info):
                out[column.attribute] = values.Declaration(rendered[0], rendered[1], note=note)
            else:
                out[column.attribute] = replace(out[column.attribute], note=note)

    def _passing_value(
        self,
        table: str,
        check: ConstraintInfo,
        columns: Mapping[str, ModelColumn],
        named: list[str],
    ) -> Candidate | None:
        """A value Python knows passes ``check``, for a row of the providers' values."""
        sample = {n: s[0][1] for n, c in columns.items() if (s := self._values.samples(c.info))}
        found = self._candidates.for_check(table, check, columns, sample, ())
        return next((c for c in found if c.verdict is True and c.column in named), None)

    def _takes_keywords(self, model: str, declared: Mapping[str, Any]) -> bool:
        """Whether the model's constructor takes every attribute its factory sets, and
        needs no argument it doesn't (read from the signature: the runtime factories'
        other reasons to go around a constructor show only when it is called)."""
        names = set(declared)
        for link in self._plans[model].required_links:
            names.update([link.relationship] if link.relationship else link.attributes)
        return accepts_keywords(self._graph.model(model).class_, frozenset(names))
