"""Scenarios the dynamic checks share: linking through a relationship, deleting a parent,
removing a child, and reading the outcome back from the database.

Each observation is plain data (frozen dataclasses), so several checks can judge one
run of the same scenario: deleting a parent once tells OP201, OP203 and OP204 what
they need.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import exc as sa_exc

from ormprobe.checks.dynamic.context import DynamicContext, row_clause
from ormprobe.checks.dynamic.dberrors import DBError, ErrorKind
from ormprobe.graph import Direction, ModelGraph, RelationshipInfo

__all__ = [
    "ChildState",
    "RemovalObservation",
    "attach",
    "attribute_for",
    "capture_statements",
    "child_states",
    "identity",
    "items_of",
    "observe_orphan_removal",
    "observe_parent_delete",
    "secondary_key",
]


@dataclass(frozen=True, slots=True)
class ChildState:
    """What became of one child row after an operation on its parent."""

    deleted: bool
    fk_values: tuple[Any, ...] = ()

    @property
    def nulled(self) -> bool:
        """The row survived with every relationship FK column NULL."""
        return not self.deleted and all(v is None for v in self.fk_values)


@dataclass(frozen=True, slots=True)
class RemovalObservation:
    """The outcome of deleting a parent, or of removing a child from it.

    Attributes:
        error: the classified error, when the flush failed.
        children: the children's rows afterwards (when it did not fail).
        statements: the SQL the ORM sent during the operation.
        setup_error: why the scenario could not even be set up (then nothing was tried).
    """

    error: DBError | None
    children: tuple[ChildState, ...] = ()
    statements: tuple[str, ...] = ()
    setup_error: str | None = None
    parent_deleted: bool = False

    @property
    def failed(self) -> bool:
        """The operation itself failed."""
        return self.error is not None


def identity(obj: Any) -> tuple[Any, ...] | None:
    """The primary key identity of a persistent object."""
    state = sa.inspect(obj)
    return tuple(state.identity) if state.identity is not None else None


def attribute_for(graph: ModelGraph, model: str, qualified: str) -> str:
    """The attribute key of ``model`` that maps the ``table.column`` named ``qualified``."""
    table, _, column = qualified.rpartition(".")
    for info in graph.model(model).columns:
        if info.table == table and info.name == column:
            assert info.attribute is not None
            return info.attribute
    return column


def attach(rel: RelationshipInfo, owner: Any, related: Sequence[Any]) -> None:
    """Link ``related`` to ``owner`` through the relationship attribute, as users do."""
    value = getattr(owner, rel.key)
    if rel.uselist:
        adder = getattr(value, "append", None) or value.add  # write_only collections .add()
        for item in related:
            adder(item)
    else:
        setattr(owner, rel.key, related[0] if related else None)


def detach(rel: RelationshipInfo, owner: Any, item: Any) -> None:
    """Remove ``item`` from ``owner``'s relationship (collection remove or set to None)."""
    if rel.uselist:
        getattr(owner, rel.key).remove(item)
    else:
        setattr(owner, rel.key, None)


def secondary_key(
    ctx: DynamicContext, rel: RelationshipInfo, obj: Any, *, owner_side: bool
) -> dict[str, Any]:
    """The ``rel.secondary`` columns that point at ``obj`` (on the owner's side of
    ``rel``, or the target's), with ``obj``'s values for them."""
    pairs, model = (rel.sync_pairs, rel.model) if owner_side else (rel.secondary_sync_pairs, rel.target)
    return {
        dest.rpartition(".")[2]: getattr(obj, attribute_for(ctx.graph, model, source))
        for source, dest in pairs
    }


def items_of(ctx: DynamicContext, owner: Any, rel: RelationshipInfo) -> list[Any]:
    """What the relationship returns now, for any lazy strategy."""
    if rel.lazy in _NEVER_LAZY_LOADED and rel.key not in sa.inspect(owner).dict:
        _load_eagerly(ctx, owner, rel)
    value = getattr(owner, rel.key)
    if rel.lazy == "write_only":
        return list(ctx.session.scalars(value.select()))
    if rel.lazy == "dynamic":
        return list(value.all())
    if rel.uselist:
        return list(value)
    return [] if value is None else [value]


# Strategies that never load on attribute access, on purpose: the application names the
# relationship in an eager loader option (selectinload) wherever it reads it.
_NEVER_LAZY_LOADED = ("raise", "raise_on_sql", "noload")


def _load_eagerly(ctx: DynamicContext, owner: Any, rel: RelationshipInfo) -> None:
    """Load ``rel`` on ``owner`` the way such an application does: with selectinload."""
    model = type(owner)
    where = row_clause(owner, sa.inspect(model).local_table)
    if where is None:
        return
    query = (
        sa.select(model)
        .where(where)
        .options(sa.orm.selectinload(getattr(model, rel.key)))
        .execution_options(populate_existing=True)
    )
    ctx.session.scalars(query).all()


@contextlib.contextmanager
def capture_statements(ctx: DynamicContext) -> Iterator[list[str]]:
    """Collect the SQL sent on the case's connection inside the block."""
    captured: list[str] = []
    connection = ctx.session.connection()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        captured.append(" ".join(statement.split()))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield captured
    finally:
        event.remove(connection, "before_cursor_execute", record)


def child_states(
    ctx: DynamicContext, rel: RelationshipInfo, table: str, keys: Sequence[dict[str, Any]]
) -> tuple[ChildState, ...]:
    """Read each child row by primary key: gone, or its FK values."""
    fk_names = [c.rpartition(".")[2] for c in rel.fk_columns]
    live = ctx.table(table)
    wanted = sa.or_(*(sa.and_(*(live.c[name] == value for name, value in key.items())) for key in keys))
    found = [dict(r) for r in ctx.session.execute(sa.select(live).where(wanted)).mappings()]
    states = []
    for key in keys:
        row = next((r for r in found if all(r[name] == value for name, value in key.items())), None)
        if row is None:
            states.append(ChildState(deleted=True))
        else:
            states.append(ChildState(deleted=False, fk_values=tuple(row.get(n) for n in fk_names)))
    return tuple(states)


def _primary_key_values(ctx: DynamicContext, obj: Any, table: str) -> dict[str, Any]:
    live = ctx.table(table)
    mapper = sa.inspect(type(obj))
    values = {}
    for column in live.primary_key.columns:
        prop = mapper.get_property_by_column(column)
        values[column.name] = getattr(obj, prop.key)
    return values


def _setup_children(ctx: DynamicContext, rel: RelationshipInfo, count: int) -> tuple[Any, list[Any]]:
    # Everything is made first and flushed once: appending to a persisted parent would
    # load its collection, and flushing half-linked objects is the classic harness bug.
    parent = ctx.new(rel.model)
    children = [ctx.new(rel.target, unlinked=rel.fk_columns) for _ in range(count)]
    with ctx.session.no_autoflush:
        attach(rel, parent, children)
    ctx.session.add_all([parent, *children])
    ctx.session.flush()
    return parent, children


def child_table(ctx: DynamicContext, rel: RelationshipInfo) -> str:
    """The table holding ``rel``'s foreign key columns."""
    return rel.fk_columns[0].rpartition(".")[0]


def observe_parent_delete(ctx: DynamicContext, rel: RelationshipInfo, *, loaded: bool) -> RemovalObservation:
    """Delete a parent that has children, as an application would, and read the outcome.

    With ``loaded=False`` everything is expired first, as for a parent fetched fresh from
    the database: ``passive_deletes`` then leaves the unloaded children to the database.
    With ``loaded=True`` the children are in memory, as after showing them to a user: the
    ORM processes them itself whatever ``passive_deletes`` says (unless it is ``"all"``).
    """
    count = 2 if rel.uselist else 1
    with ctx.attempt() as setup:
        parent, children = _setup_children(ctx, rel, count)
    if setup.failed:
        return RemovalObservation(error=None, setup_error=setup.message)
    table = child_table(ctx, rel)
    keys = [_primary_key_values(ctx, child, table) for child in children]
    parent_key = _primary_key_values(ctx, parent, sa.inspect(type(parent)).local_table.fullname)
    if not loaded:
        ctx.session.expire_all()
    with capture_statements(ctx) as statements, ctx.attempt() as deleting:
        ctx.session.delete(parent)
    error = ctx.error_of(deleting)
    if error is not None:
        return RemovalObservation(error=error, statements=tuple(statements))
    parent_table = sa.inspect(type(parent)).local_table.fullname
    return RemovalObservation(
        error=None,
        children=child_states(ctx, rel, table, keys),
        statements=tuple(statements),
        parent_deleted=not ctx.rows(parent_table, **parent_key),
    )


def observe_orphan_removal(ctx: DynamicContext, rel: RelationshipInfo) -> RemovalObservation:
    """Remove a child from its parent's relationship and flush."""
    with ctx.attempt() as setup:
        parent, children = _setup_children(ctx, rel, 1)
    if setup.failed:
        return RemovalObservation(error=None, setup_error=setup.message)
    table = child_table(ctx, rel)
    keys = [_primary_key_values(ctx, children[0], table)]
    with capture_statements(ctx) as statements, ctx.attempt() as removing:
        detach(rel, parent, children[0])
    error = ctx.error_of(removing)
    if error is not None:
        return RemovalObservation(error=error, statements=tuple(statements))
    return RemovalObservation(
        error=None, children=child_states(ctx, rel, table, keys), statements=tuple(statements)
    )


@contextlib.contextmanager
def recorded_warnings() -> Iterator[list[str]]:
    """SAWarnings raised inside the block, as messages."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", sa_exc.SAWarning)
        messages: list[str] = []
        yield messages
    messages.extend(
        " ".join(str(w.message).split()) for w in caught if issubclass(w.category, sa_exc.SAWarning)
    )


def orm_nulled(error: DBError | None, columns: Sequence[str]) -> bool:
    """The ORM itself tried to set one of the NOT NULL ``columns`` to NULL.

    Either SQLAlchemy refused before any SQL (blank-out primary key), or the database
    refused an UPDATE — not the DELETE of a parent whose ``ON DELETE SET NULL`` failed,
    which is the schema's doing (OP205).
    """
    if error is None:
        return False
    names_it = error.column is None or any(error.names_column(c) for c in columns)
    if error.kind is ErrorKind.BLANK_OUT_PK:
        return names_it
    return error.kind is ErrorKind.NOT_NULL and names_it and error.verb in ("UPDATE", "")


def verb(rel: RelationshipInfo) -> str:
    """How user code links through ``rel``: ``append`` for collections, ``=`` for scalars."""
    if rel.uselist:
        return "add" if rel.lazy == "write_only" else "append"
    return "="


def link_lines(rel: RelationshipInfo, owner: str, item: str) -> str:
    """Source of linking ``item`` to ``owner`` through ``rel``."""
    if not rel.uselist:
        return f"{owner}.{rel.key} = {item}"
    return f"{owner}.{rel.key}.{verb(rel)}({item})"


def variable(model: str) -> str:
    """A Python variable name for an object of ``model``."""
    base = model.rpartition(".")[2]
    name = "".join("_" + ch.lower() if ch.isupper() else ch for ch in base).lstrip("_")
    return name if name.isidentifier() else "obj"


def direction_word(rel: RelationshipInfo) -> str:
    """``one-to-many`` etc."""
    return rel.direction.value if rel.direction is not Direction.ONETOMANY or rel.uselist else "one-to-one"
