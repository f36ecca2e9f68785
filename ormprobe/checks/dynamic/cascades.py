"""Database confirmations of the OP2xx cascade checks."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from ormprobe.checks import cascades
from ormprobe.checks.dynamic.context import DynamicContext
from ormprobe.checks.dynamic.dberrors import ErrorKind
from ormprobe.checks.dynamic.scenarios import (
    ChildState,
    RemovalObservation,
    attach,
    attribute_for,
    identity,
    link_lines,
    observe_orphan_removal,
    observe_parent_delete,
    orm_nulled,
    recorded_warnings,
    secondary_key,
    variable,
)
from ormprobe.checks.registry import Subject
from ormprobe.findings import Finding, Severity
from ormprobe.graph import Direction, ForeignKeyInfo, RelationshipInfo


def _parent_delete(ctx: DynamicContext, subject: Subject, *, loaded: bool = False) -> RemovalObservation:
    rel: RelationshipInfo = subject.obj
    ctx.require_models([rel.model, rel.target])
    key = "parent-delete-loaded" if loaded else "parent-delete"
    observation = ctx.observe(key, subject, lambda: observe_parent_delete(ctx, rel, loaded=loaded))
    if observation.setup_error is not None:
        ctx.skip(f"could not link a {rel.target} to a {rel.model}: {observation.setup_error}")
    return observation


def _delete_reproducer(ctx: DynamicContext, rel: RelationshipInfo, expected: str, *, loaded: bool) -> str:
    parent, child = variable(rel.model), variable(rel.target)
    if child == parent:
        child = f"{child}_child"
    return ctx.reproducer(
        [
            f"{parent} = f.create({rel.model!r})",
            f"{child} = f.new({rel.target!r}, unlinked={list(rel.fk_columns)!r})",
            link_lines(rel, parent, child),
            f"session.add({child})",
            "session.flush()",
            *([] if loaded else ["session.expire_all()  # as if the parent were freshly loaded"]),
            f"session.delete({parent})",
            f"session.flush()  # {expected}",
        ]
    )


@cascades.delete_nulls_required_fk.confirms
def _confirm_delete_nulls_required_fk(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    predicted = ctx.predicted(subject)
    # With the children loaded, as after showing them: passive_deletes=True no longer
    # protects them, and the ORM's own handling is what shows.
    observation = _parent_delete(ctx, subject, loaded=True)
    if orm_nulled(observation.error, rel.fk_columns):
        assert observation.error is not None
        yield ctx.proven(
            subject,
            predicted,
            f"{observation.error.exception}: {observation.error.message}",
            message=f"deleting a {rel.model} sets NOT NULL {', '.join(rel.fk_columns)} to NULL",
            reproducer=_delete_reproducer(ctx, rel, observation.error.message, loaded=True),
        )
    elif predicted:
        outcome = (
            f"the delete failed differently: {observation.error.message}"
            if observation.error
            else "the delete succeeded"
        )
        ctx.contradicted(subject, predicted, outcome)


@cascades.passive_deletes_without_ondelete.confirms
def _confirm_passive_deletes_without_ondelete(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    predicted = ctx.predicted(subject)
    if rel.direction is Direction.MANYTOMANY:
        observation = _owner_delete_with_association(ctx, subject)
    else:
        observation = _parent_delete(ctx, subject)
    refused = observation.error is not None and observation.error.kind is ErrorKind.FOREIGN_KEY
    dangling = observation.error is None and any(
        not child.deleted and not child.nulled for child in observation.children
    )
    if refused or dangling:
        evidence = (
            f"{observation.error.exception}: {observation.error.message}"
            if observation.error
            else "the children survived, still pointing at the deleted row"
        )
        yield ctx.proven(
            subject,
            predicted,
            evidence,
            message=f"{rel.name} has passive_deletes but deletes fail",
            reproducer=_delete_reproducer(ctx, rel, evidence, loaded=False)
            if rel.direction is not Direction.MANYTOMANY
            else None,
        )
    elif predicted:
        ctx.contradicted(subject, predicted, "the database accepted the delete")


@cascades.ondelete_bypassed_by_orm.confirms
def _confirm_ondelete_bypassed_by_orm(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    predicted = ctx.predicted(subject)
    observation = _parent_delete(ctx, subject)
    child_table = rel.fk_columns[0].rpartition(".")[0]
    orm_nulled = [s for s in observation.statements if s.upper().startswith("UPDATE") and child_table in s]
    if observation.error is None and orm_nulled and predicted:
        survivors = sum(1 for child in observation.children if not child.deleted)
        evidence = f"the ORM sent `{orm_nulled[0]}` before deleting the parent"
        if predicted[0].severity is Severity.ERROR:
            evidence += f"; {survivors} child row(s) survived with a NULL parent"
        yield ctx.proven(
            subject,
            predicted,
            evidence,
            reproducer=_delete_reproducer(
                ctx,
                rel,
                "children are UPDATEd to NULL instead of the database's ON DELETE",
                loaded=False,
            ),
        )
    elif predicted:
        outcome = (
            f"the delete failed: {observation.error.message}"
            if observation.error
            else "the ORM did not update the children"
        )
        ctx.contradicted(subject, predicted, outcome)


@cascades.orphan_nulls_required_fk.confirms
def _confirm_orphan_nulls_required_fk(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    ctx.require_models([rel.model, rel.target])
    predicted = ctx.predicted(subject)
    observation = ctx.observe("orphan-removal", subject, lambda: observe_orphan_removal(ctx, rel))
    if observation.setup_error is not None:
        ctx.skip(f"could not link a {rel.target} to a {rel.model}: {observation.setup_error}")
    if orm_nulled(observation.error, rel.fk_columns):
        assert observation.error is not None
        parent, child = variable(rel.model), variable(rel.target) + "_child"
        remove = f"{parent}.{rel.key}.remove({child})" if rel.uselist else f"{parent}.{rel.key} = None"
        yield ctx.proven(
            subject,
            predicted,
            f"{observation.error.exception}: {observation.error.message}",
            message=f"removing a child from {rel.name} fails",
            reproducer=ctx.reproducer(
                [
                    f"{parent} = f.create({rel.model!r})",
                    f"{child} = f.new({rel.target!r}, unlinked={list(rel.fk_columns)!r})",
                    link_lines(rel, parent, child),
                    f"session.add({child})",
                    "session.flush()",
                    remove,
                    f"session.flush()  # {observation.error.message}",
                ]
            ),
        )
    elif predicted:
        ctx.contradicted(subject, predicted, "removing the child succeeded")


@cascades.set_null_on_not_null_fk.confirms
def _confirm_set_null_on_not_null_fk(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    fk: ForeignKeyInfo = subject.obj
    predicted = ctx.predicted(subject)
    failure = next((f for f in ctx.state.schema.failed if f.table == fk.table), None)
    if failure is not None and predicted:
        yield ctx.proven(
            subject, predicted, f"CREATE TABLE {fk.table} failed: {failure.error.splitlines()[0]}"
        )
        return
    if subject.model is None:
        ctx.skip(f"no model maps {fk.table}")
    ctx.require_models([subject.model])
    child = ctx.create(subject.model)
    parent_table = ctx.table(fk.target_table)
    values = {
        target: getattr(child, attribute_for(ctx.graph, subject.model, f"{fk.table}.{column}"))
        for column, target in zip(fk.columns, fk.target_columns, strict=False)
    }
    condition = sa.and_(*(parent_table.c[name] == value for name, value in values.items()))
    with ctx.attempt() as deleting:
        ctx.session.execute(sa.delete(parent_table).where(condition))
    error = ctx.error_of(deleting)
    if error is not None and error.kind is ErrorKind.NOT_NULL and predicted:
        yield ctx.proven(subject, predicted, f"DELETE FROM {fk.target_table}: {error.message}")
    elif predicted:
        ctx.contradicted(
            subject,
            predicted,
            f"deleting the parent row {'failed: ' + error.message if error else 'succeeded'}",
        )


@cascades.delete_cascade_on_many_to_one.confirms
def _confirm_delete_cascade_on_many_to_one(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    ctx.require_models([rel.model, rel.target])
    predicted = ctx.predicted(subject)
    parent = ctx.create(rel.target)
    children = [ctx.new(rel.model, unlinked=rel.fk_columns) for _ in range(2)]
    for child in children:
        setattr(child, rel.key, parent)
    ctx.session.add_all(children)
    ctx.session.flush()
    parent_row, sibling = identity(parent), children[1]
    ctx.session.expire_all()
    with ctx.attempt() as deleting:
        ctx.session.delete(children[0])
    lost_parent = not ctx.exists(parent) if not deleting.failed else False
    if (lost_parent or deleting.failed) and predicted:
        if deleting.failed:
            evidence = (
                f"deleting one {rel.model} tried to delete the shared {rel.target} and failed: "
                f"{deleting.message}"
            )
        else:
            sibling_gone = not ctx.exists(sibling)
            evidence = f"deleting one {rel.model} deleted {rel.target} {parent_row}" + (
                f" and its other {rel.model}" if sibling_gone else ""
            )
        yield ctx.proven(subject, predicted, evidence)
    elif predicted:
        ctx.contradicted(subject, predicted, f"the {rel.target} survived")


@cascades.delete_cascade_on_many_to_many.confirms
def _confirm_delete_cascade_on_many_to_many(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    ctx.require_models([rel.model, rel.target])
    ctx.require_tables([rel.secondary] if rel.secondary else [])
    predicted = ctx.predicted(subject)
    owners = [ctx.create(rel.model) for _ in range(2)]
    shared = ctx.create(rel.target)
    for owner in owners:
        attach(rel, owner, [shared])
    ctx.session.flush()
    ctx.session.expire_all()
    with ctx.attempt() as deleting:
        ctx.session.delete(owners[0])
    gone = deleting.failed or not ctx.exists(shared)
    if gone and predicted:
        evidence = (
            f"the delete failed: {deleting.message}"
            if deleting.failed
            else f"deleting one {rel.model} deleted the {rel.target} the other {rel.model} still links to"
        )
        yield ctx.proven(subject, predicted, evidence)
    elif predicted:
        ctx.contradicted(subject, predicted, f"the shared {rel.target} survived")


@cascades.cascade_without_save_update.confirms
def _confirm_cascade_without_save_update(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    ctx.require_models([rel.model, rel.target])
    predicted = ctx.predicted(subject)
    if rel.direction is Direction.MANYTOONE:
        owner = ctx.new(rel.model, unlinked=rel.fk_columns)
        ctx.session.add(owner)
        attached = ctx.new(rel.target)
        with recorded_warnings() as warned, ctx.attempt() as flushing:
            setattr(owner, rel.key, attached)
    else:
        owner = ctx.create(rel.model)
        unlinked = rel.fk_columns if rel.direction is Direction.ONETOMANY else ()
        attached = ctx.new(rel.target, unlinked=unlinked)
        with recorded_warnings() as warned, ctx.attempt() as flushing:
            attach(rel, owner, [attached])
    inserted = not flushing.failed and sa.inspect(attached).persistent
    if not inserted and predicted:
        evidence = flushing.message or (warned[0] if warned else f"the {rel.target} was never INSERTed")
        yield ctx.proven(subject, predicted, evidence)
    elif predicted:
        ctx.contradicted(subject, predicted, f"the attached {rel.target} was inserted")


def _owner_delete_with_association(
    ctx: DynamicContext, subject: Subject, *, side: str | None = None
) -> RemovalObservation:
    """Link two objects through the secondary table with Core, then delete one with the ORM."""
    rel: RelationshipInfo = subject.obj
    assert rel.secondary is not None
    ctx.require_models([rel.model, rel.target])
    ctx.require_tables([rel.secondary])
    owner, other = ctx.create(rel.model), ctx.create(rel.target)
    owner_key = secondary_key(ctx, rel, owner, owner_side=True)
    other_key = secondary_key(ctx, rel, other, owner_side=False)
    with ctx.attempt() as linking:
        ctx.session.execute(sa.insert(ctx.table(rel.secondary)).values(**owner_key, **other_key))
    if linking.failed:
        return RemovalObservation(error=None, setup_error=linking.message)
    victim = other if side == rel.target and side != rel.model else owner
    ctx.session.expire_all()
    with ctx.attempt() as deleting:
        ctx.session.delete(victim)
    error = ctx.error_of(deleting)
    if error is not None:
        return RemovalObservation(error=error)
    left = ctx.rows(rel.secondary, **(other_key if victim is other else owner_key))
    return RemovalObservation(error=None, children=tuple(ChildState(False, (1,)) for _ in left))


def _refused_elsewhere(ctx: DynamicContext, rel: RelationshipInfo, model: str) -> str | None:
    """Why the database refuses to delete a new ``model`` that has no rows in
    ``rel.secondary``, if it does: the control that tells whether a failed delete is the
    secondary table's doing (SQLite does not say which foreign key failed). A new object
    that gets rows there anyway (the models write them) is no control: None."""
    assert rel.secondary is not None
    control = ctx.create(model)
    if ctx.rows(rel.secondary, **secondary_key(ctx, rel, control, owner_side=model == rel.model)):
        return None
    ctx.session.expire_all()
    with ctx.attempt() as deleting:
        ctx.session.delete(control)
    error = ctx.error_of(deleting)
    return None if error is None else f"{error.exception}: {error.message}"


@cascades.secondary_rows_left_behind.confirms
def _confirm_secondary_rows_left_behind(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    predicted = ctx.predicted(subject)
    gaps = cascades.secondary_cleanup_gaps(ctx.graph, rel)
    sides = [model for model, _ in gaps] or [rel.model]
    for side in sides:
        observation = _owner_delete_with_association(ctx, subject, side=side)
        if observation.setup_error is not None:
            ctx.skip(f"could not insert an association row: {observation.setup_error}")
        if observation.error is not None and observation.error.kind is ErrorKind.FOREIGN_KEY:
            refused = _refused_elsewhere(ctx, rel, side)
            if refused is not None:
                ctx.skip(
                    f"a {side} without {rel.secondary} rows can't be deleted either ({refused}): "
                    f"something other than {rel.secondary} refuses the delete"
                )
            evidence = f"deleting a {side}: {observation.error.exception}: {observation.error.message}"
        elif observation.error is None and observation.children:
            evidence = f"deleting a {side} left {len(observation.children)} row(s) in {rel.secondary}"
        else:
            continue
        yield ctx.proven(
            subject, predicted, evidence, message=f"deleting a {side} leaves rows in {rel.secondary}"
        )
        return
    if predicted:
        ctx.contradicted(subject, predicted, "deleting each side removed its association rows")
