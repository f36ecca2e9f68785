"""DEFERRABLE cycles: a row made before the parent it points at.

Required foreign keys in a loop have no INSERT order, unless one of them is
``DEFERRABLE INITIALLY DEFERRED``: the database checks it at commit. The row is then
inserted first with the key its parent *will* have (an explicit key, counted down so it
never meets an autoincrement key); the parent is made right after it, with that key and
its own link pointing back at the row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ormprobe.errors import SynthesisError
from ormprobe.graph import ModelGraph
from ormprobe.synth import values
from ormprobe.synth.factories.column_values import ColumnValues
from ormprobe.synth.factories.keys import countdown_source
from ormprobe.synth.factories.scopes import GIVEN, SCOPE, Scope, assigned_parent
from ormprobe.synth.plan import Link, closes_cycle
from ormprobe.synth.source import deferred_parent_hook

if TYPE_CHECKING:
    from ormprobe.synth.factories.graph_factories import Factories


def deferred_key_source(graph: ModelGraph, link: Link) -> values.Declaration:
    """The key column of a DEFERRABLE cycle link: the key its parent will be made with."""
    column = graph.table(link.fk.target_table).column(link.fk.target_columns[0])
    return values.Declaration(
        countdown_source(column),
        note=f"DEFERRABLE: the {link.parent} it points at is made after the row "
        f"({deferred_parent_hook(link)})",
    )


def deferred_key(graph: ModelGraph, column_values: ColumnValues, model: str, link: Link) -> Any:
    """The key a deferred-cycle link points at: the row being completed, when this
    row is the parent it creates; else the key its new parent will have."""
    completing = assigned_parent(SCOPE.get(), link)
    if completing is not None:
        return getattr(completing, link.target_attributes[0])
    return _reserve_key(graph, column_values, model, link)


def _reserve_key(graph: ModelGraph, column_values: ColumnValues, model: str, link: Link) -> Any:
    """The key a deferred-cycle parent will be created with, counted down like the
    explicit keys of self-referencing rows, so it never meets an autoincrement key."""
    if link.parent is None or len(link.fk.target_columns) != 1:
        raise SynthesisError(
            f"{model}: the DEFERRABLE cycle through {'/'.join(link.attributes)} has a "
            "composite key; set it in [tool.ormprobe.values]",
            target=model,
        )
    table = graph.table(link.fk.target_table)
    return column_values.next_explicit_key(table.column(link.fk.target_columns[0]))


def create_deferred_parents(factories: Factories, model: str, obj: Any, scope: Scope) -> None:
    """Create the parents of deferred-cycle links, pointing back at ``obj``.

    The row was inserted with the keys they will have (the database checks those
    foreign keys at commit); each parent's own link to the row reuses ``obj``.
    """
    plan = factories.plans[model]
    given = GIVEN.get()
    for link in plan.required_links:
        if link.attributes[0] in given or not closes_cycle(factories.plans, model, link):
            continue
        if assigned_parent(scope, link) is not None:
            continue  # this row is itself the parent of the row it points at
        assert link.parent is not None
        if sa.inspect(obj).pending:
            factories._session().flush()  # the parent copies this row's key
        for table in factories.graph.model(model).tables:
            scope.assigned[(model, table)] = obj
        target = link.target_attributes[0]
        factories.factory(link.parent).create(**{target: getattr(obj, link.attributes[0])})
