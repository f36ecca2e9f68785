"""Proof that made objects link to rows that exist: :meth:`Factories.verify_links`.

The database enforces foreign keys anyway; this proves ormprobe linked what it meant,
with one ``SELECT`` per referenced table for any number of objects. The SELECTs go
through stand-in ``Table`` s built from the graph, never the user's metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import sqlalchemy as sa

from ormprobe.errors import SynthesisError
from ormprobe.graph import ModelGraph, TableInfo
from ormprobe.synth.plan import Link, ModelPlan

# The keys to look for: per (referenced table, referenced columns), each key with the
# first link that holds it ("Model.attr"), for the error message.
WantedKeys = dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], str]]


class LinkVerifier:
    """Checks the foreign keys of objects against the rows in the session's database."""

    def __init__(self, graph: ModelGraph, plans: Mapping[str, ModelPlan]) -> None:
        self._graph = graph
        self._plans = plans
        self._probe_tables: dict[str, sa.Table] = {}
        self._model_of_class = {m.class_: m.name for m in graph.models if m.class_ is not None}

    def wanted(self, made: Iterable[tuple[str | None, Any]]) -> WantedKeys:
        """The keys the filled links of ``made`` (model or None, object) point at.

        Raises:
            SynthesisError: a required link is NULL.
        """
        wanted: WantedKeys = {}
        for model, obj in made:
            for link, keys, owner in self._filled_links(obj, model):
                group = wanted.setdefault((link.fk.target_table, link.fk.target_columns), {})
                group.setdefault(keys, f"{owner}.{'/'.join(link.attributes)}")
        return wanted

    def check(self, session: Any, wanted: WantedKeys) -> int:
        """Look the keys up, one SELECT per referenced table; how many were checked.

        Raises:
            SynthesisError: a link points at no row.
        """
        for (table, columns), owners in wanted.items():
            found = _existing_keys(session, self._probe_table(table), columns, list(owners))
            for missing, owner in owners.items():
                if missing not in found:
                    raise SynthesisError(
                        f"{owner} = {missing!r} points at no row of {table}",
                        target=owner.partition(".")[0],
                    )
        return sum(len(owners) for owners in wanted.values())

    def _filled_links(self, obj: Any, model: str | None) -> Iterator[tuple[Link, tuple[Any, ...], str]]:
        """(link, key values, model) of every filled foreign key of ``obj``.

        Raises:
            SynthesisError: a required link is NULL.
        """
        name = model or self._model_of_class.get(type(obj))
        if name is None:
            raise SynthesisError(f"{type(obj).__name__} is not a model of this graph")
        for link in self._plans[self._plans[name].concrete].links:
            keys = tuple(getattr(obj, attribute) for attribute in link.attributes)
            if all(key is not None for key in keys):
                yield link, keys, name
            elif link.required:
                raise SynthesisError(
                    f"{name}.{'/'.join(link.attributes)} is NULL, but "
                    f"{link.fk.name or link.fk.table} requires a parent",
                    target=name,
                )

    def _probe_table(self, name: str) -> sa.Table:
        if name not in self._probe_tables:
            self._probe_tables[name] = _probe_table(self._graph.table(name))
        return self._probe_tables[name]


def _existing_keys(
    session: Any, table: sa.Table, columns: tuple[str, ...], keys: list[tuple[Any, ...]]
) -> set[tuple[Any, ...]]:
    """Which of ``keys`` (values of ``columns``) exist in ``table``: one SELECT."""
    selected = [table.c[name] for name in columns]
    if len(selected) == 1:
        condition = selected[0].in_([key[0] for key in keys])
    else:
        condition = sa.tuple_(*selected).in_(keys)
    rows = session.execute(sa.select(*selected).where(condition)).all()
    return {tuple(row) for row in rows}


def _probe_table(table: TableInfo) -> sa.Table:
    """A stand-in ``Table`` with the columns and types of ``table``, for SELECTs.

    Built from the graph, not taken from the user's metadata; a ``Table`` (not a bare
    ``table()``) so that the sandbox's ``schema_translate_map`` (MySQL schemas live in
    scratch databases of their own) applies to it.
    """
    name = table.name.removeprefix(f"{table.schema}.") if table.schema else table.name
    columns = [sa.Column(c.name, c.sa_type) for c in table.columns]
    return sa.Table(name, sa.MetaData(), *columns, schema=table.schema)
