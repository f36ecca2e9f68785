"""Database confirmations of the OP5xx default checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ormprobe.checks import defaults
from ormprobe.checks.dynamic.context import DynamicContext, SynthesisFailure
from ormprobe.checks.dynamic.dberrors import ErrorKind
from ormprobe.checks.dynamic.scenarios import attribute_for
from ormprobe.checks.registry import Subject
from ormprobe.findings import Finding
from ormprobe.graph import ColumnInfo
from ormprobe.synth import values


def _model(ctx: DynamicContext, subject: Subject) -> str:
    if subject.model is None:
        ctx.skip("no model maps this table; ormprobe inserts rows through models")
    # The model itself may be unbuildable because of the very default under test.
    ctx.require_models([subject.model], parents_only=True)
    return subject.model


@defaults.default_evaluated_once.confirms
def _confirm_default_evaluated_once(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    _table, column = subject.obj
    predicted = ctx.predicted(subject)
    model = _model(ctx, subject)
    attribute = attribute_for(ctx.graph, model, column.qualified_name)
    rows = []
    for _ in range(2):
        obj = ctx.new(model)
        if attribute in _set_attributes(obj):
            ctx.skip(f"{attribute} is set when a {model} is constructed, so its default never applies")
        with ctx.attempt() as inserting:
            ctx.session.add(obj)
        if inserting.failed:
            yield ctx.proven(subject, predicted, f"the second insert failed: {inserting.message}")
            return
        rows.append(ctx.row(obj))
    first, second = (r.get(column.name) if r else None for r in rows)
    if first is not None and first == second and predicted:
        yield ctx.proven(subject, predicted, f"two rows inserted apart both got {column.name}={first!r}")
    elif predicted:
        ctx.contradicted(subject, predicted, f"the rows got {first!r} and {second!r}")


@defaults.default_not_applied.confirms
def _confirm_default_not_applied(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    _table, column = subject.obj
    model = _model(ctx, subject)
    attribute = attribute_for(ctx.graph, model, column.qualified_name)
    obj = ctx.new(model)
    if attribute in _set_attributes(obj):
        ctx.skip(f"{attribute} is set when a {model} is constructed, so its default is not what fills it")
    with ctx.attempt() as inserting:
        ctx.session.add(obj)
    error = ctx.error_of(inserting)
    if error is None:
        return
    if error.kind is ErrorKind.NOT_NULL and error.names_column(column.name):
        default = column.default.text if column.default else column.server_default
        yield ctx.finding(
            subject,
            f"{subject.name}'s default {default} produced NULL: the insert is refused",
            evidence=f"{error.exception}: {error.message}",
            dialect=ctx.dialect,
            fix="make the default return a value in every environment, or nullable=True",
            reproducer=ctx.reproducer([f"f.create({model!r})  # {error.message}"]),
        )
        return
    raise SynthesisFailure(f"could not insert a {model} to observe {attribute}'s default: {error.message}")


def _set_attributes(obj: Any) -> set[str]:
    """Attributes given a value since the object was made (its constructor included)."""
    import sqlalchemy as sa

    return set(sa.inspect(obj).dict)


@defaults.server_onupdate_without_trigger.confirms
def _confirm_server_onupdate_without_trigger(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    _table, column = subject.obj
    model = _model(ctx, subject)
    attribute = attribute_for(ctx.graph, model, column.qualified_name)
    sentinel = _sentinel(column)
    if sentinel is None:
        ctx.skip(f"no way to tell an update of a {column.type} column from its first value")
    obj = ctx.new(model, **{attribute: sentinel})
    ctx.session.add(obj)
    ctx.session.flush()
    other = _updatable(ctx, model, exclude=attribute)
    if other is None:
        ctx.skip(f"{model} has no other plain column to update")
    info, new_value = other
    assert info.attribute is not None
    setattr(obj, info.attribute, new_value)
    ctx.session.flush()
    row = ctx.row(obj)
    if row is not None and row.get(column.name) == sentinel:
        yield ctx.finding(
            subject,
            f"{subject.name} did not change when its row was updated",
            evidence=f"UPDATE of {info.name} left {column.name}={sentinel!r}; nothing in the "
            "database generates it (server_onupdate only describes a trigger)",
            fix=f"{attribute} = mapped_column(..., onupdate=func.now()) or create the trigger",
            dialect=ctx.dialect,
        )


def _sentinel(column: ColumnInfo) -> Any:
    """An old value that any generated value on update differs from."""
    python_type = column.python_type
    if python_type == "datetime":
        return dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=dt.UTC if column.timezone else None)
    if python_type == "date":
        return dt.date(2001, 2, 3)
    if python_type == "int":
        return -424242
    return None


def _updatable(ctx: DynamicContext, model: str, *, exclude: str) -> tuple[ColumnInfo, Any] | None:
    for info in ctx.graph.model(model).columns:
        if info.attribute == exclude or info.primary_key or info.foreign_keys or info.generated:
            continue
        if info.server_onupdate or info.onupdate or not values.needs_value(info):
            continue
        provider = values.provider_for(info, model=model, unique=True)
        return info, provider(values.context(777_777))
    return None
