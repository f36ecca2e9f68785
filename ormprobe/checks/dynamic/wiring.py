"""Database confirmations of the OP1xx relationship-wiring checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ormprobe.checks import wiring
from ormprobe.checks.dynamic.context import DynamicContext, SynthesisFailure
from ormprobe.checks.dynamic.dberrors import DBError, ErrorKind
from ormprobe.checks.dynamic.scenarios import (
    attach,
    attribute_for,
    identity,
    items_of,
    link_lines,
    secondary_key,
    variable,
)
from ormprobe.checks.registry import Subject
from ormprobe.findings import Finding
from ormprobe.graph import Direction, RelationshipInfo


class _Mismatch(Exception):
    """The round-trip read back something other than what was written."""


def _blocked_by_other_checks(ctx: DynamicContext, rel: RelationshipInfo) -> None:
    """Skip when a more specific check already explains why linking must fail."""
    if rel.direction is Direction.MANYTOMANY:
        extra = wiring.secondary_extra_required_column
        from ormprobe.checks.context import StaticContext

        static = StaticContext(ctx.graph, extra, ctx.config, ctx.dialect)
        if any(True for _ in extra.predict(static, Subject(rel.name, "relationship", rel))):
            ctx.skip(f"appending to {rel.name} can't work; see OP105[{rel.name}]")


def _judge_link_error(ctx: DynamicContext, rel: RelationshipInfo, error: DBError) -> None:
    """Errors that are not about the relationship: blame the right party, or skip."""
    if error.kind is ErrorKind.FK_MISMATCH:
        ctx.skip(f"the database refuses the foreign key itself ({error.message}); see OP301")
    if error.kind in (ErrorKind.UNIQUE, ErrorKind.CHECK, ErrorKind.DATA):
        raise SynthesisFailure(f"synthesized values for {rel.name} were refused: {error.message}")
    written = {c.rpartition(".")[2] for c in (*rel.fk_columns, *rel.secondary_fk_columns)}
    if error.kind is ErrorKind.NOT_NULL and error.column and error.column.rpartition(".")[2] not in written:
        raise SynthesisFailure(f"synthesis left NOT NULL {error.column} empty: {error.message}")


@wiring.round_trip.confirms
def _confirm_round_trip(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    ctx.require_models([rel.model, rel.target])
    if rel.secondary:
        ctx.require_tables([rel.secondary])
    _blocked_by_other_checks(ctx, rel)
    with ctx.attempt() as linking:
        owner, linked, _decoy = _link(ctx, rel)
    error = ctx.error_of(linking)
    if error is not None:
        _judge_link_error(ctx, rel, error)
        yield _finding(
            ctx,
            subject,
            f"linking through {rel.name} fails at flush",
            f"{error.exception}: {error.message}",
        )
        return
    try:
        with ctx.attempt() as loading:
            ctx.session.expire_all()
            reloaded = items_of(ctx, owner, rel)
        if loading.failed:
            yield _finding(ctx, subject, f"loading {rel.name} fails", loading.message or "")
            return
        _compare(ctx, rel, linked, reloaded)
        _check_keys(ctx, rel, owner, reloaded)
        _compare_reverse(ctx, rel, owner, reloaded)
    except _Mismatch as mismatch:
        yield _finding(ctx, subject, f"{rel.name} does not read back what was linked", str(mismatch))


def _link(ctx: DynamicContext, rel: RelationshipInfo) -> tuple[Any, list[Any], Any]:
    """Link objects through ``rel`` and flush; a decoy pair makes wrong joins visible.

    Every object is built before any is linked, and linking runs without autoflush, so
    no half-linked object is ever flushed (the harness mistake of hand-written suites).
    """
    if rel.direction is Direction.MANYTOONE:
        targets = [ctx.create(rel.target), ctx.create(rel.target)]
        owner, decoy = (ctx.new(rel.model, unlinked=rel.fk_columns) for _ in range(2))
        with ctx.session.no_autoflush:
            setattr(owner, rel.key, targets[0])
            setattr(decoy, rel.key, targets[1])
        ctx.session.add_all([owner, decoy])
        ctx.session.flush()
        return owner, [targets[0]], decoy
    count = 2 if rel.uselist else 1
    # Owners are new too: appending to a persisted owner's collection would load it.
    owner, decoy = ctx.new(rel.model), ctx.new(rel.model)
    unlinked = rel.fk_columns if rel.direction is Direction.ONETOMANY else ()
    linked = [_related(ctx, rel, unlinked) for _ in range(count)]
    decoy_item = _related(ctx, rel, unlinked)
    with ctx.session.no_autoflush:
        attach(rel, owner, linked)
        attach(rel, decoy, [decoy_item])
    ctx.session.add_all([owner, decoy, *linked, decoy_item])
    ctx.session.flush()
    return owner, linked, decoy


def _related(ctx: DynamicContext, rel: RelationshipInfo, unlinked: tuple[str, ...]) -> Any:
    if rel.direction is Direction.MANYTOMANY:
        return ctx.create(rel.target)
    return ctx.new(rel.target, unlinked=unlinked)


def _check_keys(ctx: DynamicContext, rel: RelationshipInfo, owner: Any, reloaded: list[Any]) -> None:
    """The FK columns hold the related key, as read back from the database (the objects
    were expired and reloaded; the secondary table is read with Core)."""
    if rel.direction is Direction.MANYTOMANY:
        assert rel.secondary is not None
        rows = ctx.rows(rel.secondary, **secondary_key(ctx, rel, owner, owner_side=True))
        if len(rows) != len(reloaded):
            raise _Mismatch(f"{len(reloaded)} linked, {len(rows)} rows in {rel.secondary} for the owner")
        return
    many_to_one = rel.direction is Direction.MANYTOONE
    child_model, parent_model = (rel.model, rel.target) if many_to_one else (rel.target, rel.model)
    for item in reloaded:
        child, parent = (owner, item) if many_to_one else (item, owner)
        for source, dest in rel.sync_pairs:
            expected = getattr(parent, attribute_for(ctx.graph, parent_model, source))
            stored = getattr(child, attribute_for(ctx.graph, child_model, dest))
            if stored != expected:
                raise _Mismatch(f"{dest} = {stored!r}, expected {expected!r} ({source})")


def _compare(ctx: DynamicContext, rel: RelationshipInfo, linked: list[Any], reloaded: list[Any]) -> None:
    want = sorted(map(repr, (identity(o) for o in linked)))
    got = sorted(map(repr, (identity(o) for o in reloaded)))
    if want != got:
        raise _Mismatch(f"linked {want}, read back {got}")


def _compare_reverse(ctx: DynamicContext, rel: RelationshipInfo, owner: Any, reloaded: list[Any]) -> None:
    """The reverse relationship agrees. If the reverse can't even be loaded, that is the
    reverse's own defect (its case reports it), not this relationship's."""
    reverse = ctx.graph.reverse_of(rel)
    if reverse is None or reverse.dynamic:
        return
    for item in reloaded:
        with ctx.attempt() as loading:
            back = items_of(ctx, item, reverse)
        if loading.failed:
            return
        if identity(owner) not in {identity(o) for o in back}:
            raise _Mismatch(f"{rel.target}.{reverse.key} does not contain the {rel.model} it was linked to")


def _finding(ctx: DynamicContext, subject: Subject, message: str, evidence: str) -> Finding:
    rel: RelationshipInfo = subject.obj
    owner, other = variable(rel.model), variable(rel.target) + "_item"
    return ctx.finding(
        subject,
        message,
        evidence=evidence,
        dialect=ctx.dialect,
        fix="check the relationship's primaryjoin/order_by/foreign_keys against the columns it names",
        reproducer=ctx.reproducer(
            [
                f"{owner} = f.create({rel.model!r})",
                f"{other} = f.create({rel.target!r})",
                link_lines(rel, owner, other),
                "session.flush()",
                "session.expire_all()",
                f"print({owner}.{rel.key})",
            ]
        ),
    )


@wiring.backref_out_of_sync.confirms
def _confirm_backref_out_of_sync(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    reverse = ctx.graph.reverse_of(rel)
    assert reverse is not None
    predicted = ctx.predicted(subject)
    if reverse.dynamic:
        ctx.skip(
            f"{rel.target}.{reverse.key} is a {reverse.lazy} collection: it has no in-memory state to compare"
        )
    owner, other = _bare(ctx, rel.model), _bare(ctx, rel.target)
    attach(rel, owner, [other])
    back = getattr(other, reverse.key)
    synced = (owner in back) if reverse.uselist else (back is owner)
    if not synced:
        yield ctx.proven(
            subject,
            predicted,
            f"after {link_lines(rel, variable(rel.model), variable(rel.target))}, "
            f"{variable(rel.target)}.{reverse.key} is {back!r}",
            message=f"{rel.name} changes don't reach {rel.target}.{reverse.key}",
            reproducer=ctx.reproducer(
                [
                    f"{variable(rel.model)} = f.build({rel.model!r})",
                    f"{variable(rel.target)}_item = f.build({rel.target!r})",
                    link_lines(rel, variable(rel.model), variable(rel.target) + "_item"),
                    f"print({variable(rel.target)}_item.{reverse.key})  # does not show the link",
                ]
            ),
        )
    elif predicted:
        ctx.contradicted(subject, predicted, "the reverse side was updated")


def _bare(ctx: DynamicContext, model: str) -> Any:
    """An empty instance, made without running the class's ``__init__``.

    Back-reference events live on the instrumented attributes, not in constructors, and
    a constructor may need arguments or touch the database; neither matters here.
    """
    import sqlalchemy.orm as orm

    try:
        return orm.class_mapper(ctx.graph.model(model).class_).class_manager.new_instance()
    except Exception as exc:  # the model's own __new__/__setattr__ may raise anything
        ctx.skip(
            f"{model} can't be instantiated even without __init__ ({type(exc).__name__}); see OP401[{model}]"
        )


@wiring.one_to_one_not_unique.confirms
def _confirm_one_to_one_not_unique(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    ctx.require_models([rel.model, rel.target])
    predicted = ctx.predicted(subject)
    parent = ctx.create(rel.model)
    keys = {
        attribute_for(ctx.graph, rel.target, dest): getattr(
            parent, attribute_for(ctx.graph, rel.model, source)
        )
        for source, dest in rel.sync_pairs
    }
    first = ctx.new(rel.target, unlinked=rel.fk_columns, **keys)
    ctx.session.add(first)
    ctx.session.flush()
    second = ctx.new(rel.target, unlinked=rel.fk_columns, **keys)
    with ctx.attempt() as duplicate:
        ctx.session.add(second)
    if not duplicate.failed:
        yield ctx.proven(
            subject,
            predicted,
            f"two {rel.target} rows with {keys} were accepted",
            message=f"{rel.name} is one-to-one but its FK is not unique",
        )
    elif predicted:
        ctx.contradicted(subject, predicted, f"the second child was refused: {duplicate.message}")


@wiring.self_reference_inverted.confirms
def _confirm_self_reference_inverted(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    ctx.require_models([rel.model])
    predicted = ctx.predicted(subject)
    first, second = ctx.create(rel.model), ctx.create(rel.model)
    setattr(first, rel.key, second)
    ctx.session.flush()
    row = ctx.row(second)
    assert row is not None
    inverted = all(
        row.get(dest.rpartition(".")[2]) == getattr(first, attribute_for(ctx.graph, rel.model, source))
        for source, dest in rel.sync_pairs
    )
    if inverted and rel.sync_pairs:
        columns = ", ".join(d.rpartition(".")[2] for _, d in rel.sync_pairs)
        yield ctx.proven(
            subject,
            predicted,
            f"a.{rel.key} = b wrote b.{columns} = a's key (b now points at a, not a at b)",
            message=f"{rel.name} writes the other row's key",
            reproducer=ctx.reproducer(
                [
                    f"a = f.create({rel.model!r})",
                    f"b = f.create({rel.model!r})",
                    f"a.{rel.key} = b",
                    "session.flush()",
                    f"print(b.{attribute_for(ctx.graph, rel.model, rel.sync_pairs[0][1])})"
                    "  # a's key: inverted",
                ]
            ),
        )
    elif predicted:
        ctx.contradicted(subject, predicted, "the assignment wrote the assigning row's key")


@wiring.secondary_extra_required_column.confirms
def _confirm_secondary_extra_required_column(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    rel: RelationshipInfo = subject.obj
    ctx.require_models([rel.model, rel.target])
    ctx.require_tables([rel.secondary] if rel.secondary else [])
    predicted = ctx.predicted(subject)
    owner, other = ctx.create(rel.model), ctx.create(rel.target)
    with ctx.attempt() as appending:
        attach(rel, owner, [other])
    error = ctx.error_of(appending)
    if error is not None and error.kind is ErrorKind.NOT_NULL:
        yield ctx.proven(
            subject,
            predicted,
            f"{error.exception}: {error.message}",
            message=f"appending to {rel.name} fails",
        )
    elif predicted:
        ctx.contradicted(subject, predicted, f"appending {'failed: ' + error.message if error else 'worked'}")
