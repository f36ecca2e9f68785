"""OP3xx: keys and constraints — what the schema declares and what the database enforces."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from ormprobe.checks import targets
from ormprobe.checks.context import StaticContext
from ormprobe.checks.registry import Stability, Subject, check
from ormprobe.findings import Finding, Severity
from ormprobe.graph import (
    ColumnInfo,
    ConstraintInfo,
    Direction,
    ForeignKeyInfo,
    ModelGraph,
    ModelInfo,
    RelationshipInfo,
    TableInfo,
)

__all__ = [
    "annotation_nullability_mismatch",
    "check_not_enforced",
    "composite_fk_partially_nullable",
    "ddl_failed",
    "duplicate_constraint_name",
    "enum_not_enforced",
    "fk_cycle_without_post_update",
    "fk_target_not_unique",
    "fk_without_index",
    "not_null_not_enforced",
    "unique_not_enforced",
    "varchar_without_length",
]


def _resolved(graph: ModelGraph, fk: ForeignKeyInfo) -> bool:
    return graph.has_table(fk.target_table)


@check(
    "OP301",
    "fk-target-not-unique",
    Severity.ERROR,
    proven=True,
    subjects=targets.foreign_key_subjects(_resolved),
    tags=("fk",),
)
def fk_target_not_unique(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """A foreign key references a primary key or UNIQUE columns.

    ## Why is this bad?
    A foreign key must identify exactly one parent row. PostgreSQL and MySQL refuse to
    create a table whose foreign key references non-unique columns; SQLite creates it
    and then fails every insert with "foreign key mismatch"; MariaDB accepts it when
    the columns are merely indexed, and children may then reference several parents.
    It usually means the FK points at one column of a composite key.

    ## Example
    ```python
    class Line(Base):
        order_no = mapped_column(ForeignKey("order.number"))  # order's PK is (region, number)
    ```

    ## Use instead
    ```python
    class Line(Base):
        __table_args__ = (ForeignKeyConstraint(["region", "order_no"],
                                               ["order.region", "order.number"]),)
    ```
    """
    fk: ForeignKeyInfo = subject.obj
    if not fk.target_is_unique:
        yield ctx.finding(
            subject,
            f"{fk.label} references columns that are neither primary key nor unique",
            fix=f"reference {fk.target_table}'s primary key, or add UniqueConstraint"
            f"({', '.join(repr(c) for c in fk.target_columns)}) to {fk.target_table}",
        )


def duplicate_names(graph: ModelGraph, dialect: str, table: TableInfo) -> list[str]:
    """Names in ``table`` that make its CREATE fail on ``dialect``.

    The first table to use a name gets it; a later table (in creation order) reusing it
    fails. Where names must be unique: SQLite and PostgreSQL index names per schema
    (PostgreSQL also counts unique and primary-key constraints, which are indexes);
    MySQL/MariaDB index names per table and foreign key names per database.
    """
    own = Counter(_index_names(table, dialect))
    clashes = {name for name, count in own.items() if count > 1}
    earlier = graph.tables[: graph.tables.index(table)]
    if dialect == "mysql":
        taken = {fk.name for t in earlier for fk in t.foreign_keys if fk.name}
        fk_names = Counter(fk.name for fk in table.foreign_keys if fk.name)
        clashes |= {name for name, count in fk_names.items() if count > 1 or name in taken}
    else:
        taken = {n for t in earlier if t.schema == table.schema for n in _index_names(t, dialect)}
        clashes |= {name for name in own if name in taken}
    return sorted(clashes)


def _index_names(table: TableInfo, dialect: str) -> list[str]:
    names = [i.name for i in table.indexes if i.name]
    if dialect == "postgresql":
        names += [c.name for c in table.constraints if c.name and c.kind in ("unique", "primary_key")]
    return names


@check(
    "OP302",
    "duplicate-constraint-name",
    Severity.ERROR,
    proven=True,
    subjects=targets.table_subjects,
    tags=("schema",),
)
def duplicate_constraint_name(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """Index and constraint names are unique where the database requires it.

    ## Why is this bad?
    ``create_all()`` fails on the second object with the same name — typically
    ``index=True`` on a column plus an explicit ``Index`` that gets the same generated
    name, or one name reused in two tables (SQLite and PostgreSQL want index names
    unique per database, MySQL per table).

    ## Example
    ```python
    email = mapped_column(String(120), index=True)
    __table_args__ = (Index("ix_user_email", "email", unique=True),)
    ```

    ## Use instead
    ```python
    email = mapped_column(String(120))
    __table_args__ = (Index("ix_user_email", "email", unique=True),)
    ```
    """
    table: TableInfo = subject.obj
    clashes = duplicate_names(ctx.graph, ctx.dialect, table)
    if clashes:
        yield ctx.finding(
            subject,
            f"{table.name} uses the name {clashes[0]!r} more than once: CREATE fails",
            fix=f"rename one of the objects called {clashes[0]!r} "
            "(or drop index=True beside an explicit Index)",
        )


def _composite_nullable(graph: ModelGraph, fk: ForeignKeyInfo) -> bool:
    # All-nullable composite FKs are optional references: legitimate. Mixed nullability
    # means the NOT NULL part is meant to be checked, and a NULL elsewhere stops that.
    mixed = fk.any_nullable and not fk.all_nullable
    return fk.composite and mixed and (fk.match or "").upper() != "FULL"


@check(
    "OP303",
    "composite-fk-partially-nullable",
    Severity.WARNING,
    proven=True,
    subjects=targets.foreign_key_subjects(_composite_nullable),
    tags=("fk",),
)
def composite_fk_partially_nullable(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """A composite foreign key with NOT NULL columns can't be half NULL.

    ## Why is this bad?
    Under the default ``MATCH SIMPLE`` a composite foreign key with any column NULL is
    not checked at all: a row with ``(workspace_id=7, agent_id=NULL)`` passes even if
    workspace 7 does not exist, and ``(NULL, 42)`` references nothing.

    ## Example
    ```python
    __table_args__ = (ForeignKeyConstraint(["workspace_id", "agent_id"],
                                           ["agent.workspace_id", "agent.id"]),)
    agent_id = mapped_column(Integer, nullable=True)   # workspace_id NOT NULL
    ```

    ## Use instead
    ```python
    agent_id = mapped_column(Integer, nullable=False)
    # or make the whole reference optional with a CHECK that both are NULL together
    ```
    """
    fk: ForeignKeyInfo = subject.obj
    nullable = [c for c, n in zip(fk.columns, fk.nullable, strict=False) if n]
    yield ctx.finding(
        subject,
        f"{fk.label}: with {nullable[0]} NULL the foreign key is not checked",
        fix=f"make {', '.join(nullable)} NOT NULL, or add a CHECK that the columns are NULL together",
    )


def _required_without_default(graph: ModelGraph, table: TableInfo, column: ColumnInfo) -> bool:
    return not column.nullable and not column.primary_key and column.default is None and not column.generated


@check(
    "OP304",
    "not-null-not-enforced",
    Severity.ERROR,
    needs_database=True,
    subjects=targets.column_subjects(_required_without_default),
    tags=("constraint",),
)
def not_null_not_enforced(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """The database rejects NULL in a NOT NULL column.

    ## Why is this bad?
    If the column was created nullable (a stale migration, a type that ignores
    ``nullable=False``, an ``existing_schema`` that differs from the models), NULLs
    slip in and break every reader that trusts the model.

    ## Example
    A model says ``nullable=False`` but the table in the database allows NULL.

    ## Use instead
    Create the column as the model declares it (``ALTER TABLE ... SET NOT NULL``).
    """
    return ()


def _unique(graph: ModelGraph, table: TableInfo, constraint: ConstraintInfo) -> bool:
    return constraint.kind == "unique"


@check(
    "OP307",
    "unique-not-enforced",
    Severity.ERROR,
    needs_database=True,
    subjects=targets.constraint_subjects(_unique),
    tags=("constraint",),
)
def unique_not_enforced(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """The database rejects a duplicate in a UNIQUE constraint.

    ## Why is this bad?
    Code that relies on a declared uniqueness (look-ups with ``.one()``, upserts) breaks
    when the database does not actually enforce it.

    ## Example
    A ``UniqueConstraint`` declared in the model but missing from the database.

    ## Use instead
    Create the constraint in the database as declared.
    """
    return ()


def _check(graph: ModelGraph, table: TableInfo, constraint: ConstraintInfo) -> bool:
    return constraint.kind == "check" and constraint.sqltext is not None


@check(
    "OP308",
    "check-not-enforced",
    Severity.WARNING,
    needs_database=True,
    subjects=targets.constraint_subjects(_check),
    tags=("constraint",),
)
def check_not_enforced(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """The database rejects a row that violates a CHECK constraint.

    ## Why is this bad?
    Some databases parse CHECK constraints and ignore them (MySQL before 8.0.16), so
    invalid rows are accepted while the model promises they can't exist.

    ## Example
    ``CheckConstraint("quantity > 0")`` on MySQL 5.7.

    ## Use instead
    Enforce the rule where the database can (a newer server, a trigger) or in a
    ``@validates`` hook.
    """
    return ()


def _enum(graph: ModelGraph, table: TableInfo, column: ColumnInfo) -> bool:
    return column.enum_values is not None


@check(
    "OP309",
    "enum-not-enforced",
    Severity.WARNING,
    needs_database=True,
    proven=True,
    subjects=targets.column_subjects(_enum),
    tags=("constraint",),
)
def enum_not_enforced(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """An Enum column rejects values outside the enum.

    ## Why is this bad?
    ``Enum(..., native_enum=False)`` stores a VARCHAR. Without
    ``create_constraint=True`` no CHECK is created, so any string is accepted (by SQLite,
    PostgreSQL and MySQL alike) and reading the row back raises ``LookupError``. A native
    ``Enum`` is enforced by PostgreSQL and MySQL, but SQLite stores it as a VARCHAR too:
    reported as info when the run targets SQLite.

    ## Example
    ```python
    status = mapped_column(Enum(Status, native_enum=False))
    ```

    ## Use instead
    ```python
    status = mapped_column(Enum(Status, native_enum=False, create_constraint=True))
    ```
    """
    _table, column = subject.obj
    if column.enum_constraint:
        return
    if column.native_enum is False:
        yield ctx.finding(
            subject,
            f"{subject.name} is a non-native Enum without a CHECK: any string is accepted",
            fix="Enum(..., native_enum=False, create_constraint=True)",
        )
    elif ctx.dialect == "sqlite":
        # Native enums exist on PostgreSQL and MySQL; SQLite stores a VARCHAR and, without
        # create_constraint, checks nothing. Only a problem where SQLite is deployed.
        yield ctx.finding(
            subject,
            f"{subject.name}: SQLite has no ENUM type and no CHECK was created: any string is accepted",
            fix="Enum(..., create_constraint=True) if the application runs on SQLite",
            severity=Severity.INFO,
            dialect="sqlite",
        )


@check(
    "OP306",
    "ddl-failed",
    Severity.ERROR,
    needs_database=True,
    subjects=targets.table_subjects,
    tags=("schema",),
)
def ddl_failed(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """Every table can be created from the models on the target database.

    Failures explained by a more specific check (a duplicate name, an FK to non-unique
    columns, SET NULL on a NOT NULL column, VARCHAR without length) are reported under
    that check's code; this one reports the rest, with the statement and the error.

    ## Why is this bad?
    A table that can't be created means the models don't describe a schema this
    database accepts: deployments and migrations generated from them fail.

    ## Example
    A server default the column type can't hold: ``mapped_column(Boolean,
    server_default="yes")`` on PostgreSQL.

    ## Use instead
    Fix the statement the finding shows so it runs on the database you deploy to.
    """
    return ()


def _string_without_length(graph: ModelGraph, table: TableInfo, column: ColumnInfo) -> bool:
    is_varchar = column.type_class.rpartition(".")[2] in (
        "String",
        "Unicode",
        "VARCHAR",
        "NVARCHAR",
    )
    return is_varchar and column.length is None


@check(
    "OP310",
    "varchar-without-length",
    Severity.ERROR,
    proven=True,
    subjects=targets.column_subjects(_string_without_length),
    tags=("portability",),
)
def varchar_without_length(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """String columns have a length where the database requires one (MySQL, MariaDB).

    ## Why is this bad?
    MySQL and MariaDB refuse ``CREATE TABLE`` for a ``VARCHAR`` without a length
    ("VARCHAR requires a length on dialect mysql"). SQLite and PostgreSQL accept it,
    so the defect hides until the first deployment to MySQL.

    ## Example
    ```python
    name = mapped_column(String)
    ```

    ## Use instead
    ```python
    name = mapped_column(String(200))   # or Text for unbounded text
    ```
    """
    if ctx.dialect == "mysql":
        yield ctx.finding(
            subject,
            f"{subject.name} is a String without length: MySQL/MariaDB can't create it",
            fix="String(255) (or Text for unbounded text)",
            dialect="mysql",
        )


def fk_cycles(graph: ModelGraph) -> list[tuple[str, ...]]:
    """Cycles of two or more tables linked by foreign keys, each as sorted table names."""
    edges: dict[str, set[str]] = {t.name: set() for t in graph.tables}
    for table in graph.tables:
        for fk in table.foreign_keys:
            if fk.target_table != table.name and fk.target_table in edges:
                edges[table.name].add(fk.target_table)
    cycles: set[tuple[str, ...]] = set()
    for component in _strongly_connected(edges):
        if len(component) > 1:
            cycles.add(tuple(sorted(component)))
    return sorted(cycles)


def _strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative so large schemas can't hit the recursion limit."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def cycle_relationships(graph: ModelGraph, cycle: tuple[str, ...]) -> list[RelationshipInfo]:
    """Writable many-to-one relationships whose FK is an edge inside ``cycle``."""
    members = set(cycle)
    found = []
    for rel in graph.relationships():
        if rel.viewonly or rel.direction is not Direction.MANYTOONE:
            continue
        for fk in graph.foreign_keys_of(rel):
            if fk.table in members and fk.target_table in members and fk.table != fk.target_table:
                found.append(rel)
                break
    return found


def cycle_breaker(graph: ModelGraph, cycle: tuple[str, ...]) -> ForeignKeyInfo:
    """The FK of ``cycle`` where ``use_alter``/``post_update`` belong: a nullable one (a
    row can be inserted first with it NULL), preferring one already marked ``use_alter``."""
    members = set(cycle)
    edges = [
        fk
        for name in cycle
        for fk in graph.table(name).foreign_keys
        if fk.target_table in members and fk.target_table != fk.table
    ]
    return min(edges, key=lambda fk: (not fk.all_nullable, not fk.use_alter, fk.table, fk.columns))


def _cycle_subjects(graph: ModelGraph) -> Iterator[Subject]:
    for cycle in fk_cycles(graph):
        fk = cycle_breaker(graph, cycle)
        owner = targets.column_owner(graph, graph.table(fk.table), fk.columns[0])
        yield Subject(
            targets.foreign_key_name(graph, fk),
            "cycle",
            cycle,
            owner.name if owner else None,
            fk.location,
        )


_cycle_subjects.__name__ = "fk_cycles"


@check(
    "OP305",
    "fk-cycle-without-post-update",
    Severity.ERROR,
    proven=True,
    subjects=_cycle_subjects,
    tags=("fk",),
)
def fk_cycle_without_post_update(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """Tables that reference each other can be inserted (and created) in some order.

    ## Why is this bad?
    When two rows reference each other, one INSERT must come first. Without
    ``post_update=True`` on one of the relationships the flush raises
    ``CircularDependencyError``; without ``use_alter=True`` on one foreign key,
    ``create_all``/``drop_all`` can't order the tables ("Cannot correctly sort tables").

    ## Example
    ```python
    class User(Base):
        current_address_id = mapped_column(ForeignKey("address.id"))
        current_address = relationship("Address", foreign_keys=[current_address_id])
    class Address(Base):
        user_id = mapped_column(ForeignKey("user.id"))
        user = relationship("User", foreign_keys=[user_id])
    ```

    ## Use instead
    ```python
    current_address_id = mapped_column(ForeignKey("address.id", use_alter=True))
    current_address = relationship("Address", foreign_keys=[current_address_id], post_update=True)
    ```
    """
    cycle: tuple[str, ...] = subject.obj
    rels = cycle_relationships(ctx.graph, cycle)
    if len(rels) >= 2 and not any(rel.post_update for rel in rels):
        breaker = cycle_breaker(ctx.graph, cycle)
        labels = " and ".join(targets.table_label(ctx.graph, ctx.graph.table(name)) for name in cycle)
        via = next(
            (r for r in rels if set(r.fk_columns) & {f"{breaker.table}.{c}" for c in breaker.columns}),
            rels[0],
        )
        yield ctx.finding(
            subject,
            f"{labels} reference each other and no relationship has post_update",
            fix=f"{via.key} = relationship(..., post_update=True); ForeignKey(..., use_alter=True) on "
            f"{breaker.table}.{breaker.columns[0]}",
        )


def _annotation_disagrees(graph: ModelGraph, model: ModelInfo, column: ColumnInfo) -> bool:
    if column.annotated_optional is None or column.primary_key or column.generated:
        return False
    if column.annotated_optional:
        # Optional with NOT NULL is fine while a default fills the None before INSERT.
        return not column.nullable and column.default is None and column.server_default is None
    return column.nullable


@check(
    "OP312",
    "annotation-nullability-mismatch",
    Severity.WARNING,
    subjects=targets.attribute_subjects(_annotation_disagrees),
    tags=("constraint", "typing"),
)
def annotation_nullability_mismatch(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """A ``Mapped[...]`` annotation and the column's ``nullable`` agree.

    ## Why is this bad?
    ``Mapped[str]`` promises readers and type checkers a value, but ``nullable=True``
    lets the database hand back None; ``Mapped[str | None]`` invites None, but
    ``nullable=False`` makes the flush of that None fail. An explicit ``nullable=``
    overrides what SQLAlchemy would have derived from the annotation, so one of the two
    is out of date.

    ## Example
    ```python
    nickname: Mapped[str] = mapped_column(String(40), nullable=True)
    ```

    ## Use instead
    ```python
    nickname: Mapped[str | None] = mapped_column(String(40))
    ```
    """
    _table, column = subject.obj
    if column.nullable:
        message = f"{subject.name} is Mapped[...] without None but the column is nullable"
        fix = f"{column.attribute}: Mapped[... | None], or drop nullable=True"
    else:
        message = f"{subject.name} is Mapped[... | None] but the column is NOT NULL without a default"
        fix = f"{column.attribute}: Mapped[...] without None, or nullable=True"
    yield ctx.finding(subject, message, fix=fix)


def _fk_single(graph: ModelGraph, fk: ForeignKeyInfo) -> bool:
    return True


@check(
    "OP311",
    "fk-without-index",
    Severity.INFO,
    stability=Stability.PREVIEW,
    subjects=targets.foreign_key_subjects(_fk_single),
    tags=("fk", "performance"),
)
def fk_without_index(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """Foreign key columns are indexed.

    ## Why is this bad?
    Deleting a parent, and every join from parent to children, scans the whole child
    table when the foreign key column has no index (PostgreSQL and SQLite don't create
    one; InnoDB does, so MySQL/MariaDB are not affected).

    ## Example
    ```python
    order_id = mapped_column(ForeignKey("order.id"))
    ```

    ## Use instead
    ```python
    order_id = mapped_column(ForeignKey("order.id"), index=True)
    ```
    """
    fk: ForeignKeyInfo = subject.obj
    if ctx.dialect == "mysql":
        return
    table = ctx.graph.table(fk.table)
    if not table.column(fk.columns[0]).index:
        yield ctx.finding(
            subject,
            f"{fk.table}.{fk.columns[0]} references {fk.target_table} but has no index",
            fix=f"mapped_column(ForeignKey(...), index=True) on {fk.table}.{fk.columns[0]}",
        )
