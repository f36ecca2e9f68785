"""Database confirmation of OP401: every model can be created with its required parents."""

from __future__ import annotations

from collections.abc import Iterator

from ormprobe.checks import models
from ormprobe.checks.dynamic.context import DynamicContext, SynthesisFailure
from ormprobe.checks.dynamic.dberrors import ErrorKind
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
        yield ctx.finding(subject, f"{model.name} can't be inserted: its required foreign keys form a cycle",
                          evidence=str(cycle), fix="make one foreign key of the cycle nullable (with "
                          "post_update=True on its relationship) or DEFERRABLE INITIALLY DEFERRED",
                          dialect=ctx.dialect)
        return
    for name in needed:
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
    if predicted and error.kind is ErrorKind.NOT_NULL:
        yield ctx.finding(subject, predicted[0].message, fix=predicted[0].fix, dialect=ctx.dialect,
                          evidence=f"{error.exception}: {error.message}",
                          reproducer=ctx.reproducer([f"f.create({model.name!r})  # {error.message}"]))
        return
    raise SynthesisFailure(
        f"ormprobe could not synthesize a valid {model.name}: {error.exception}: {error.message}; "
        f'if a value is at fault, set it in [tool.ormprobe.values] "{model.name}.<column>"'
    )
