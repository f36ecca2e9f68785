"""Database confirmations of the OP3xx key and constraint checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from ormprobe.checks import keys
from ormprobe.checks.context import StaticContext
from ormprobe.checks.dynamic.context import DynamicContext, row_clause
from ormprobe.checks.dynamic.dberrors import ErrorKind
from ormprobe.checks.dynamic.scenarios import attribute_for
from ormprobe.checks.registry import Subject
from ormprobe.findings import Finding
from ormprobe.graph import ColumnInfo, ConstraintInfo, ForeignKeyInfo, TableInfo
from ormprobe.synth import constraints, values

_SERVER_TYPES = {
    "postgresql": ("sqlalchemy.dialects.postgresql.",),
    "mysql": ("sqlalchemy.dialects.mysql.",),
}


def _ddl_failure(ctx: DynamicContext, table: str) -> Any:
    return next((f for f in ctx.state.schema.failed if f.table == table), None)


@keys.fk_target_not_unique.confirms
def _confirm_fk_target_not_unique(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    fk: ForeignKeyInfo = subject.obj
    predicted = ctx.predicted(subject)
    if not predicted:
        return
    failure = _ddl_failure(ctx, fk.table)
    if failure is not None:
        yield ctx.proven(
            subject, predicted, f"CREATE TABLE {fk.table} failed: {failure.error.splitlines()[0]}"
        )
        return
    if subject.model is None:
        ctx.skip(f"no model maps {fk.table}")
    ctx.require_tables([fk.table, fk.target_table])
    with ctx.attempt() as inserting:
        ctx.create(subject.model)
    error = ctx.error_of(inserting)
    if error is not None and error.kind is ErrorKind.FK_MISMATCH:
        yield ctx.proven(subject, predicted, f"INSERT INTO {fk.table}: {error.message}")
    elif error is None:
        # MariaDB/InnoDB accept an FK to merely indexed columns: a child can then match
        # several parents. That is the defect, shown rather than assumed.
        yield ctx.proven(
            subject,
            predicted,
            f"{ctx.dialect} accepted the foreign key; {fk.target_table}"
            f"({', '.join(fk.target_columns)}) may repeat, so a {fk.table} row can match "
            "several parents",
        )
    else:
        ctx.skip(f"could not insert a {subject.model}: {error.message}")


@keys.duplicate_constraint_name.confirms
def _confirm_duplicate_constraint_name(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    table: TableInfo = subject.obj
    predicted = ctx.predicted(subject)
    failure = _ddl_failure(ctx, table.name)
    if predicted and failure is not None:
        yield ctx.proven(
            subject, predicted, f"{failure.statement.splitlines()[0][:120]}: {failure.error.splitlines()[0]}"
        )
    elif predicted:
        ctx.contradicted(subject, predicted, f"{table.name} was created")


@keys.composite_fk_partially_nullable.confirms
def _confirm_composite_fk_partially_nullable(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    fk: ForeignKeyInfo = subject.obj
    predicted = ctx.predicted(subject)
    if subject.model is None:
        ctx.skip(f"no model maps {fk.table}")
    ctx.require_models([subject.model])
    table = ctx.graph.table(fk.table)
    target = ctx.graph.table(fk.target_table)
    columns = [f"{fk.table}.{c}" for c in fk.columns]
    dangling: dict[str, Any] = {}
    for column, target_column, nullable in zip(fk.columns, fk.target_columns, fk.nullable, strict=False):
        attribute = attribute_for(ctx.graph, subject.model, f"{fk.table}.{column}")
        if nullable and not any(v is None for v in dangling.values()):
            dangling[attribute] = None
        else:
            dangling[attribute] = _missing_value(target.column(target_column))
    row = ctx.new(subject.model, unlinked=columns, **dangling)
    with ctx.attempt() as inserting:
        ctx.session.add(row)
    if not inserting.failed:
        yield ctx.proven(
            subject,
            predicted,
            f"{table.name} row with {dangling} was accepted; no {fk.target_table} row matches",
            message=f"{fk.label} accepts dangling rows",
        )
    elif predicted:
        ctx.contradicted(subject, predicted, f"the half-NULL row was refused: {inserting.message}")


def _missing_value(column: ColumnInfo) -> Any:
    """A value of the column's type that no synthesized row has (a far sequence number)."""
    provider = values.provider_for(column, unique=True)
    return provider(values.context(987_654))


def _owner_or_skip(ctx: DynamicContext, subject: Subject) -> str:
    if subject.model is None:
        ctx.skip("no model maps this table; ormprobe inserts rows through models")
    ctx.require_models([subject.model])
    return subject.model


@keys.not_null_not_enforced.confirms
def _confirm_not_null_not_enforced(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    table, column = subject.obj
    model = _owner_or_skip(ctx, subject)
    attribute = attribute_for(ctx.graph, model, column.qualified_name)
    # Types that evaluate None themselves (JSON stores it as the JSON value null) reach
    # SQL NULL only through an explicit null().
    missing = sa.null() if getattr(column.sa_type, "should_evaluate_none", False) else None
    try:
        row = ctx.new(model, unlinked=[column.qualified_name], **{attribute: missing})
    except Exception as exc:  # a @validates hook refusing None is the model enforcing it
        ctx.skip(
            f"the model itself refuses None for {attribute} ({type(exc).__name__}); "
            "the database is not reached"
        )
    with ctx.attempt() as inserting:
        ctx.session.add(row)
    if inserting.failed:
        return
    if not _stored_null(ctx, row, table.name, column.name):
        # The model turned None into a value (an __init__ or a hook fills a default):
        # NULL never reached the database, so nothing was shown.
        stored = _stored(ctx, row, table.name, [column.name])[column.name]
        ctx.skip(f"{attribute}=None is stored as {stored!r}, not NULL; the constraint is not reached")
    yield ctx.finding(
        subject,
        f"{subject.name} is NOT NULL in the model but {ctx.dialect} stored NULL",
        evidence=f"a row with {column.name} IS NULL was stored",
        dialect=ctx.dialect,
        fix="ALTER the column to NOT NULL in the database, or nullable=True in the model",
    )


def _orm_values(ctx: DynamicContext, model: str, table: str, obj: Any) -> dict[str, Any]:
    """``obj``'s attribute values of ``table``'s columns, by column name."""
    return {
        c.name: getattr(obj, c.attribute)
        for c in ctx.graph.model(model).columns
        if c.table == table and c.attribute is not None
    }


def _stored(ctx: DynamicContext, obj: Any, table: str, columns: list[str]) -> dict[str, Any]:
    """What the database holds in ``columns`` of ``obj``'s row in ``table`` (Core read)."""
    live = ctx.table(table)
    query = sa.select(*(live.c[name] for name in columns)).where(_persisted_row(obj, live))
    return dict(ctx.session.execute(query).mappings().one())


def _stored_null(ctx: DynamicContext, obj: Any, table: str, column: str) -> bool:
    """Whether ``column`` of ``obj``'s row is SQL NULL (a JSON ``null`` reads back as
    None too, so the database is asked, not the value)."""
    live = ctx.table(table)
    query = sa.select(live.c[column].is_(None)).where(_persisted_row(obj, live))
    return bool(ctx.session.execute(query).scalar_one())


def _persisted_row(obj: Any, table: sa.Table) -> sa.ColumnElement[bool]:
    where = row_clause(obj, table)
    assert where is not None, "only flushed objects are read back"
    return where


@keys.unique_not_enforced.confirms
def _confirm_unique_not_enforced(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    table, constraint = subject.obj
    model = _owner_or_skip(ctx, subject)
    first = ctx.create(model)
    attributes = {attribute_for(ctx.graph, model, f"{table.name}.{c}") for c in constraint.columns}
    copied = {a: getattr(first, a) for a in attributes}
    if any(v is None for v in copied.values()):
        ctx.skip(
            f"the first {model} has NULL in {sorted(a for a, v in copied.items() if v is None)}; "
            "NULLs never collide"
        )
    second = ctx.new(model, unlinked=[f"{table.name}.{c}" for c in constraint.columns], **copied)
    with ctx.attempt() as inserting:
        ctx.session.add(second)
    if inserting.failed:
        return
    columns = list(constraint.columns)
    if _stored(ctx, first, table.name, columns) != _stored(ctx, second, table.name, columns):
        ctx.skip(f"the model changes {sorted(attributes)} on construction; no duplicate could be stored")
    yield ctx.finding(
        subject,
        f"{subject.name} is declared unique but {ctx.dialect} stored a duplicate",
        evidence=f"two {model} rows with {copied} were accepted",
        dialect=ctx.dialect,
        fix="create the UNIQUE constraint in the database as the model declares it",
    )


@keys.check_not_enforced.confirms
def _confirm_check_not_enforced(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    table, constraint = subject.obj
    assert isinstance(constraint, ConstraintInfo) and constraint.sqltext is not None
    model = _owner_or_skip(ctx, subject)
    # A stored row, then an UPDATE of the one column the violation names: its values are
    # the real ones (foreign keys filled at flush), and no relationship rewrites the
    # column on the way to the database as it would in an INSERT.
    row = ctx.create(model)
    violation = constraints.violating_value(constraint, table, _orm_values(ctx, model, table.name, row))
    if violation is None:
        ctx.skip(f"no value that breaks {constraint.sqltext!r} could be derived")
    column, value = violation
    with ctx.attempt() as updating:  # flushed when the block's SAVEPOINT is released
        setattr(row, attribute_for(ctx.graph, model, f"{table.name}.{column}"), value)
    if updating.failed:
        return
    ctx.session.expire(row)
    stored = _orm_values(ctx, model, table.name, row)
    columns = {c.name: c for c in table.columns}
    if constraints.evaluate(constraint.sqltext, stored, columns=columns, dialect=ctx.dialect) is not False:
        ctx.skip(f"the model changed {column}={value!r} before it reached the database; nothing was shown")
    yield ctx.finding(
        subject,
        f"{ctx.dialect} accepted a row that violates CHECK ({constraint.sqltext})",
        evidence=f"an UPDATE to {column}={value!r} was stored",
        dialect=ctx.dialect,
        fix="enforce the rule where the database can (a newer server, a trigger) or in a @validates hook",
    )


@keys.enum_not_enforced.confirms
def _confirm_enum_not_enforced(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    _table, column = subject.obj
    predicted = ctx.predicted(subject)
    if getattr(column.sa_type, "validate_strings", False):
        ctx.skip("validate_strings=True: SQLAlchemy refuses other values before the database sees them")
    model = _owner_or_skip(ctx, subject)
    bogus = _not_a_member(column)
    row = ctx.new(model, **{attribute_for(ctx.graph, model, column.qualified_name): bogus})
    with ctx.attempt() as inserting:
        ctx.session.add(row)
    if not inserting.failed:
        yield ctx.proven(
            subject,
            predicted,
            f"{column.name}={bogus!r} was stored",
            message=f"{ctx.dialect} accepts any string in Enum column {subject.name}",
            fix="Enum(..., create_constraint=True)",
        )
    elif predicted:
        ctx.contradicted(subject, predicted, f"the value was refused: {inserting.message}")


def _not_a_member(column: ColumnInfo) -> str:
    """A string no longer than the enum's longest value that is not one of its values."""
    members = set(column.enum_values or ())
    width = max((len(m) for m in members), default=8)
    for letter in "zqxjkvw":
        candidate = (letter * width)[:width]
        if candidate not in members:
            return candidate
    return "".join(reversed(max(members, key=len))) + "?"


@keys.ddl_failed.confirms
def _confirm_ddl_failed(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    table: TableInfo = subject.obj
    failure = _ddl_failure(ctx, table.name)
    if failure is None:
        skipped = dict(ctx.state.schema.skipped)
        if table.name in skipped:
            ctx.skip(skipped[table.name])
        return
    foreign = [c for c in table.columns if _server_only(c.type_class, ctx.dialect) and _uncompilable(ctx, c)]
    if foreign:
        ctx.skip(
            f"{foreign[0].name} is {foreign[0].type}: it needs a {_backend_of(foreign[0].type_class)} "
            f"database (use --db)"
        )
    explained = _explained_by(ctx, table)
    if explained:
        ctx.skip(f"the CREATE failure is reported as {explained}")
    statement = " ".join(failure.statement.split())
    yield ctx.finding(
        subject,
        f"{table.name} can't be created on {ctx.dialect}",
        evidence=f"{failure.error.splitlines()[0]} in: {statement[:300]}",
        fix="fix the column or constraint the error names",
        dialect=ctx.dialect,
    )


def _uncompilable(ctx: DynamicContext, column: ColumnInfo) -> bool:
    """Whether this database has no rendering of the column's type: a server type with a
    ``with_variant()`` for this backend, or one the backend also has (PostgreSQL's JSON on
    MySQL), is not why a CREATE failed."""
    if column.sa_type is None:
        return True
    try:
        column.sa_type.compile(dialect=ctx.session.get_bind().dialect)
    except Exception:  # CompileError, or a dialect type's own complaint
        return True
    return False


def _server_only(type_class: str, dialect: str) -> bool:
    return any(
        type_class.startswith(prefix)
        for backend, prefixes in _SERVER_TYPES.items()
        if backend != dialect
        for prefix in prefixes
    )


def _backend_of(type_class: str) -> str:
    return "PostgreSQL" if ".postgresql." in type_class else "MySQL/MariaDB"


def _explained_by(ctx: DynamicContext, table: TableInfo) -> str | None:
    """A more specific check whose prediction explains why ``table`` failed to create."""
    from ormprobe.checks import cascades

    specific = (
        keys.fk_target_not_unique,
        cascades.set_null_on_not_null_fk,
        keys.duplicate_constraint_name,
        keys.varchar_without_length,
    )
    for check in specific:
        static = StaticContext(ctx.graph, check, ctx.config, ctx.dialect)
        for subject in check.subjects(ctx.graph):
            if _table_of(subject) == table.name and any(True for _ in check.predict(static, subject)):
                return f"{check.code} ({check.slug})"
    return None


def _table_of(subject: Subject) -> str | None:
    obj = subject.obj
    if isinstance(obj, ForeignKeyInfo):
        return obj.table
    if isinstance(obj, TableInfo):
        return obj.name
    if isinstance(obj, tuple) and obj and isinstance(obj[0], TableInfo):
        return obj[0].name
    return None


@keys.varchar_without_length.confirms
def _confirm_varchar_without_length(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    table, _column = subject.obj
    predicted = ctx.predicted(subject)
    if not predicted:
        return
    failure = _ddl_failure(ctx, table.name)
    if failure is not None:
        yield ctx.proven(
            subject, predicted, f"CREATE TABLE {table.name} failed: {failure.error.splitlines()[0]}"
        )
    else:
        ctx.contradicted(subject, predicted, f"{table.name} was created")


@keys.fk_cycle_without_post_update.confirms
def _confirm_fk_cycle_without_post_update(ctx: DynamicContext, subject: Subject) -> Iterator[Finding]:
    cycle: tuple[str, ...] = subject.obj
    predicted = ctx.predicted(subject)
    rels = keys.cycle_relationships(ctx.graph, cycle)
    if len(rels) < 2:
        return
    models = sorted({r.model for r in rels} | {r.target for r in rels})
    ctx.require_models(models)
    objects = {
        name: ctx.new(name, unlinked=[c for r in rels if r.model == name for c in r.fk_columns])
        for name in models
    }
    for rel in rels:
        setattr(objects[rel.model], rel.key, objects[rel.target])
    with ctx.attempt() as flushing:
        ctx.session.add_all(objects.values())
    error = ctx.error_of(flushing)
    if error is not None and error.kind is ErrorKind.CIRCULAR and predicted:
        yield ctx.proven(subject, predicted, f"{error.exception}: {error.message[:300]}")
    elif predicted:
        outcome = (
            f"the flush failed differently: {error.message}"
            if error
            else "rows referencing each other were flushed"
        )
        ctx.contradicted(subject, predicted, outcome)
