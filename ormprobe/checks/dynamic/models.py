"""Database confirmation of OP401: every model can be created with its required parents."""

from __future__ import annotations

from collections.abc import Iterator

from ormprobe.checks import models
from ormprobe.checks.dynamic.context import DynamicContext, SynthesisFailure
from ormprobe.checks.dynamic.dberrors import DBError, ErrorKind
from ormprobe.checks.registry import Subject
from ormprobe.errors import SynthesisError
from ormprobe.findings import Finding
from ormprobe.graph import ModelInfo
from ormprobe.synth.plan import required_order


@models.build.confirms
def _confirm_build(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    model: ModelInfo = subject.obj
    predicted = ctx.predicted(subject)
    try:
        needed = required_order(ctx.state.factories.plans, ctx.state.factories.plans[model.name].concrete)
    except SynthesisError as cycle:
        ctx.state.unbuildable[model.name] = str(cycle)
        yield ctx.finding(
            subject,
            f"{model.name} can't be inserted: its required foreign keys form a cycle",
            evidence=str(cycle),
            fix="make one foreign key of the cycle nullable (with "
            "post_update=True on its relationship) or DEFERRABLE INITIALLY DEFERRED",
            dialect=ctx.dialect,
        )
        return
    for name in needed:
        if name != needed[-1] and name in ctx.state.unbuildable:
            ctx.state.unbuildable[model.name] = f"needs a {name}, which can't be created"
            ctx.skip(f"needs a {name}, which can't be created: {ctx.state.unbuildable[name]}")
        if not ctx.graph.model(name).configured:
            ctx.skip(f"{name}'s mappers failed to configure; see OP901")
        for table in ctx.graph.model(name).tables:
            if not ctx.state.schema.usable(table):
                ctx.state.unbuildable[model.name] = f"table {table} could not be created"
                ctx.skip(f"table {table} could not be created on {ctx.dialect}")
    with ctx.attempt() as creating:
        ctx.create(model.name)
    error = ctx.error_of(creating)
    if error is None:
        if predicted:
            ctx.contradicted(subject, predicted, f"a {model.name} was inserted")
        return
    ctx.state.unbuildable[model.name] = error.message
    if error.kind is ErrorKind.FK_MISMATCH:
        ctx.skip(f"the database refuses a foreign key of {model.name} ({error.message}); see OP301")
    defaulted = _defaulted_column(ctx, model, error)
    if defaulted is not None:
        ctx.skip(f"{defaulted}'s default produced NULL; see OP502[{defaulted}]")
    if predicted and error.kind is ErrorKind.NOT_NULL:
        yield ctx.proven(
            subject,
            predicted,
            f"{error.exception}: {error.message}",
            reproducer=ctx.reproducer([f"f.create({model.name!r})  # {error.message}"]),
        )
        return
    raise SynthesisFailure(
        f"ormprobe could not synthesize a valid {model.name}: {error.exception}: {error.message}; "
        f'if a value is at fault, set it in [tool.ormprobe.values] "{model.name}.<column>"'
    )


def _defaulted_column(ctx: DynamicContext, model: ModelInfo, error: DBError) -> str | None:
    """``Model.attr`` of the NOT NULL column with a default that the error names, if any."""
    if error.kind is not ErrorKind.NOT_NULL:
        return None
    for column in model.columns:
        has_default = column.default is not None or column.server_default is not None
        if has_default and not column.nullable and error.names_column(column.name):
            return f"{model.name}.{column.attribute}"
    return None
