"""OP2xx: cascades and delete semantics — what happens to children when a parent goes."""

from __future__ import annotations

from collections.abc import Iterable

from ormprobe.checks import targets
from ormprobe.checks.context import StaticContext
from ormprobe.checks.registry import Subject, check
from ormprobe.findings import Finding, Severity
from ormprobe.graph import Direction, ForeignKeyInfo, ModelGraph, RelationshipInfo

__all__ = [
    "cascade_without_save_update",
    "delete_cascade_on_many_to_many",
    "delete_cascade_on_many_to_one",
    "delete_nulls_required_fk",
    "ondelete_bypassed_by_orm",
    "orphan_nulls_required_fk",
    "passive_deletes_without_ondelete",
    "secondary_rows_left_behind",
    "set_null_on_not_null_fk",
]

DB_HANDLES_DELETE = ("CASCADE", "SET NULL", "SET DEFAULT")


def _ondelete(fk: ForeignKeyInfo) -> str | None:
    return fk.ondelete.upper() if fk.ondelete else None


def _one_to_many_over_required_fk(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    return (
        targets.is_writable(rel) and targets.is_one_to_many(rel) and targets.fk_columns_required(graph, rel)
    )


def relationship_fix(graph: ModelGraph, rel: RelationshipInfo, options: str) -> str:
    """``key = relationship(..., options)``, written where ``rel`` is declared: in the
    ``backref()`` of the other side when a ``backref=`` created it."""
    reverse = graph.reverse_of(rel) if rel.reverse else None
    if reverse is not None and reverse.backref == rel.key:
        return f'{reverse.key} = relationship(..., backref=backref("{rel.key}", {options}))'
    return f"{rel.key} = relationship(..., {options})"


def _parent_delete_fix(graph: ModelGraph, rel: RelationshipInfo) -> str:
    fks = targets.written_foreign_keys(graph, rel)
    if rel.passive_deletes:
        return relationship_fix(graph, rel, 'cascade="all, delete-orphan", passive_deletes=True')
    if fks and _ondelete(fks[0]) in DB_HANDLES_DELETE:
        return (
            relationship_fix(graph, rel, "passive_deletes=True") + f"  # let ON DELETE {fks[0].ondelete} work"
        )
    return (
        relationship_fix(graph, rel, 'cascade="all, delete-orphan"')
        + '  # or ForeignKey(..., ondelete="CASCADE") plus passive_deletes=True'
    )


@check(
    "OP201",
    "delete-nulls-required-fk",
    Severity.ERROR,
    proven=True,
    subjects=targets.relationship_subjects(_one_to_many_over_required_fk),
    tags=("cascade", "delete"),
)
def delete_nulls_required_fk(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """Deleting a parent does not try to set its children's NOT NULL foreign key to NULL.

    Without a ``delete`` cascade, the ORM "detaches" the children of a deleted parent by
    setting their foreign key to NULL — ``passive_deletes=True`` only spares children
    that are not loaded. When that column is NOT NULL (or part of the child's primary key)
    the delete fails.

    ## Why is this bad?
    Every attempt to delete such a parent fails with "NOT NULL constraint failed"
    (PostgreSQL: "null value in column ... violates not-null constraint"; MySQL: "Column
    ... cannot be null"; or, for a key column, SQLAlchemy's "Dependency rule tried to
    blank-out primary key column"). It is the most common defect in real models.

    ## Example
    ```python
    class Workspace(Base):
        agents = relationship("Agent", back_populates="workspace")
    class Agent(Base):
        workspace_id = mapped_column(ForeignKey("workspace.id"), nullable=False)
    ```

    ## Use instead
    ```python
    class Workspace(Base):
        agents = relationship("Agent", back_populates="workspace", cascade="all, delete-orphan")
    # or let the database do it:
    #   ForeignKey("workspace.id", ondelete="CASCADE") and relationship(..., passive_deletes=True)
    ```
    """
    rel: RelationshipInfo = subject.obj
    # passive_deletes=True only spares *unloaded* children; loaded ones are still NULLed.
    if "delete" not in rel.cascade and rel.passive_deletes != "all":
        columns = ", ".join(rel.fk_columns)
        yield ctx.finding(
            subject,
            f"deleting a {rel.model} sets NOT NULL {columns} to NULL: the delete fails",
            fix=_parent_delete_fix(ctx.graph, rel),
        )


@check(
    "OP202",
    "orphan-nulls-required-fk",
    Severity.WARNING,
    proven=True,
    subjects=targets.relationship_subjects(_one_to_many_over_required_fk),
    tags=("cascade", "orphan"),
)
def orphan_nulls_required_fk(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """Removing a child from a collection does not NULL its NOT NULL foreign key.

    ## Why is this bad?
    Without ``delete-orphan``, removing a child from ``parent.children`` (or setting a
    scalar one-to-one to ``None``) makes the ORM set the child's foreign key to NULL.
    Over a NOT NULL column the flush fails, so the collection can't be edited at all.

    ## Example
    ```python
    lines = relationship("InvoiceLine", cascade="all")        # no delete-orphan
    invoice.lines.remove(line); session.flush()               # IntegrityError
    ```

    ## Use instead
    ```python
    lines = relationship("InvoiceLine", cascade="all, delete-orphan")
    ```
    """
    rel: RelationshipInfo = subject.obj
    if "delete-orphan" not in rel.cascade:
        yield ctx.finding(
            subject,
            f"removing a child from {rel.name} sets NOT NULL {', '.join(rel.fk_columns)} to NULL",
            fix=relationship_fix(ctx.graph, rel, 'cascade="all, delete-orphan"'),
        )


def _passive(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    return (
        targets.is_writable(rel)
        and bool(rel.passive_deletes)
        and rel.direction in (Direction.ONETOMANY, Direction.MANYTOMANY)
    )


def _fks_toward_owner(graph: ModelGraph, rel: RelationshipInfo) -> tuple[ForeignKeyInfo, ...]:
    """FKs that reference ``rel``'s owner and would block deleting it: the children's FK
    for one-to-many, the secondary table's FK for many-to-many."""
    return targets.written_foreign_keys(graph, rel)


@check(
    "OP203",
    "passive-deletes-without-ondelete",
    Severity.ERROR,
    proven=True,
    subjects=targets.relationship_subjects(_passive),
    tags=("cascade", "delete"),
)
def passive_deletes_without_ondelete(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """``passive_deletes=True`` is backed by an ``ON DELETE`` rule on the foreign key.

    ## Why is this bad?
    With passive deletes the ORM leaves child rows (or association rows) to the
    database. If the foreign key has no ``ON DELETE CASCADE``/``SET NULL``, the database
    refuses to delete the parent ("FOREIGN KEY constraint failed") — or, where foreign
    keys are not enforced, leaves orphans pointing at nothing.

    ## Example
    ```python
    items = relationship("Item", cascade="all, delete-orphan", passive_deletes=True)
    # Item.order_id = mapped_column(ForeignKey("order.id"))
    ```

    ## Use instead
    ```python
    # Item.order_id = mapped_column(ForeignKey("order.id", ondelete="CASCADE"))
    ```
    """
    rel: RelationshipInfo = subject.obj
    for fk in _fks_toward_owner(ctx.graph, rel):
        if _ondelete(fk) not in DB_HANDLES_DELETE:
            yield ctx.finding(
                subject,
                f"{rel.name} has passive_deletes but {fk.label} has no ON DELETE: deletes fail",
                fix=f'ForeignKey("{fk.target_table}.{fk.target_columns[0]}", ondelete="CASCADE") '
                f"on {fk.table}.{fk.columns[0]}",
            )
            return


def _bypassed(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    if not (targets.is_writable(rel) and targets.is_one_to_many(rel)):
        return False
    if rel.passive_deletes or "delete" in rel.cascade or targets.fk_columns_required(graph, rel):
        return False
    return any(_ondelete(fk) in ("CASCADE", "SET NULL") for fk in targets.written_foreign_keys(graph, rel))


@check(
    "OP204",
    "ondelete-bypassed-by-orm",
    Severity.ERROR,
    proven=True,
    subjects=targets.relationship_subjects(_bypassed),
    tags=("cascade", "delete"),
)
def ondelete_bypassed_by_orm(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """The ORM does not pre-empt the foreign key's ``ON DELETE`` rule.

    ## Why is this bad?
    Without ``passive_deletes`` the ORM loads the children of a deleted parent and sets
    their foreign key to NULL *before* the database sees the delete, so the schema's
    ``ON DELETE CASCADE`` never fires: the children survive with a NULL parent. With
    ``ON DELETE SET NULL`` the outcome is the same as the schema's, reached the slow way
    (one query per parent, one UPDATE per child) — reported as info.

    ## Example
    ```python
    comments = relationship("Comment")
    # Comment.post_id = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), nullable=True)
    ```

    ## Use instead
    ```python
    comments = relationship("Comment", passive_deletes=True)
    ```
    """
    rel: RelationshipInfo = subject.obj
    fk = next(
        fk for fk in targets.written_foreign_keys(ctx.graph, rel) if _ondelete(fk) in ("CASCADE", "SET NULL")
    )
    if _ondelete(fk) == "CASCADE":
        yield ctx.finding(
            subject,
            f"{fk.label} says ON DELETE CASCADE but the ORM NULLs the children first",
            fix=f"{rel.key} = relationship(..., passive_deletes=True)",
        )
    else:
        yield ctx.finding(
            subject,
            f"the ORM NULLs {rel.name} itself; ON DELETE SET NULL would do it in one statement",
            fix=f"{rel.key} = relationship(..., passive_deletes=True)",
            severity=Severity.INFO,
        )


def _set_null(graph: ModelGraph, fk: ForeignKeyInfo) -> bool:
    return _ondelete(fk) == "SET NULL"


@check(
    "OP205",
    "set-null-on-not-null-fk",
    Severity.ERROR,
    proven=True,
    subjects=targets.foreign_key_subjects(_set_null),
    tags=("fk", "delete"),
)
def set_null_on_not_null_fk(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """``ON DELETE SET NULL`` is only used on nullable columns.

    ## Why is this bad?
    When the parent row is deleted the database tries to set a NOT NULL column to NULL
    and refuses the delete (SQLite, PostgreSQL); MariaDB/MySQL already refuse the CREATE
    TABLE (errno 150).

    ## Example
    ```python
    owner_id = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=False)
    ```

    ## Use instead
    ```python
    owner_id = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    # or ondelete="CASCADE" if the row can't exist without its owner
    ```
    """
    fk: ForeignKeyInfo = subject.obj
    required = [c for c, nullable in zip(fk.columns, fk.nullable, strict=False) if not nullable]
    if required:
        yield ctx.finding(
            subject,
            f"ON DELETE SET NULL on NOT NULL {fk.table}.{required[0]}: parent deletes fail",
            fix=f'make {fk.table}.{required[0]} nullable, or use ondelete="CASCADE"',
        )


def _delete_on_many_to_one(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    if not (targets.is_writable(rel) and rel.direction is Direction.MANYTOONE and "delete" in rel.cascade):
        return False
    if rel.single_parent:
        return False
    fks = targets.written_foreign_keys(graph, rel)
    return not any(fk.unique for fk in fks)


@check(
    "OP206",
    "delete-cascade-on-many-to-one",
    Severity.ERROR,
    proven=True,
    subjects=targets.relationship_subjects(_delete_on_many_to_one),
    tags=("cascade", "delete"),
)
def delete_cascade_on_many_to_one(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """A many-to-one relationship does not cascade deletes to the shared parent.

    ## Why is this bad?
    ``cascade="all"`` on the child side means deleting one child deletes its parent —
    and through the parent's own cascade, every sibling. One ``session.delete(line)``
    silently removes the whole invoice.

    ## Example
    ```python
    class InvoiceLine(Base):
        invoice = relationship("Invoice", cascade="all")
    ```

    ## Use instead
    ```python
    class InvoiceLine(Base):
        invoice = relationship("Invoice", back_populates="lines")   # default cascade
    ```
    """
    rel: RelationshipInfo = subject.obj
    yield ctx.finding(
        subject,
        f"deleting one {rel.model} deletes its {rel.target}, shared with other {rel.model} rows",
        fix=f'{rel.key} = relationship("{rel.target}")  # drop "delete" from cascade',
    )


def _delete_on_many_to_many(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    return (
        targets.is_writable(rel)
        and rel.direction is Direction.MANYTOMANY
        and "delete" in rel.cascade
        and not rel.single_parent
    )


@check(
    "OP207",
    "delete-cascade-on-many-to-many",
    Severity.ERROR,
    proven=True,
    subjects=targets.relationship_subjects(_delete_on_many_to_many),
    tags=("cascade", "many-to-many"),
)
def delete_cascade_on_many_to_many(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """A many-to-many relationship does not cascade deletes to the other side.

    ## Why is this bad?
    The objects on the other side are shared. Deleting one post with
    ``cascade="all"`` on ``Post.tags`` deletes its tags, which vanish from every other
    post too.

    ## Example
    ```python
    tags = relationship("Tag", secondary=post_tag, cascade="all")
    ```

    ## Use instead
    ```python
    tags = relationship("Tag", secondary=post_tag, back_populates="posts")
    ```
    """
    rel: RelationshipInfo = subject.obj
    yield ctx.finding(
        subject,
        f"deleting a {rel.model} deletes its {rel.target} objects, shared with other {rel.model} rows",
        fix=f'{rel.key} = relationship("{rel.target}", secondary=...)  # drop "delete" from cascade',
    )


def _no_save_update(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    return targets.is_writable(rel) and "save-update" not in rel.cascade


@check(
    "OP208",
    "cascade-without-save-update",
    Severity.ERROR,
    proven=True,
    subjects=targets.relationship_subjects(_no_save_update),
    tags=("cascade",),
)
def cascade_without_save_update(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """Objects attached through a relationship are added to the session with their parent.

    ## Why is this bad?
    A ``cascade`` setting that names ``delete`` but not ``save-update`` (or ``all``)
    stops the session from adding newly attached objects: ``parent.children.append(c)``
    on a persisted parent never inserts ``c`` (SQLAlchemy only warns "Object of type ...
    not in session, add operation along ... will not proceed").

    ## Example
    ```python
    children = relationship("Child", cascade="delete, delete-orphan")
    ```

    ## Use instead
    ```python
    children = relationship("Child", cascade="all, delete-orphan")
    ```
    """
    rel: RelationshipInfo = subject.obj
    yield ctx.finding(
        subject,
        f"objects attached to {rel.name} are not added to the session: never inserted",
        fix=relationship_fix(ctx.graph, rel, f'cascade="{_with_save_update(rel)}"'),
    )


def _with_save_update(rel: RelationshipInfo) -> str:
    return "all, delete-orphan" if "delete-orphan" in rel.cascade else "all"


def _many_to_many_without_passive(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    return rel.direction is Direction.MANYTOMANY and rel.secondary is not None and not rel.passive_deletes


def secondary_cleanup_gaps(graph: ModelGraph, rel: RelationshipInfo) -> list[tuple[str, ForeignKeyInfo]]:
    """``(model, fk)`` pairs where deleting ``model`` leaves rows in ``rel.secondary``.

    A side cleans the association rows when it has a writable relationship through the
    same secondary table, or when the secondary FK to it says ON DELETE CASCADE.
    """
    assert rel.secondary is not None
    secondary = graph.table(rel.secondary)
    gaps = []
    sides = [(rel.model, rel.fk_columns)]
    # The target side is this relationship's concern only when the target has no
    # relationship through the table at all; otherwise that relationship's own case
    # covers deleting the target.
    if not any(other.secondary == rel.secondary for other in graph.model(rel.target).relationships):
        sides.append((rel.target, rel.secondary_fk_columns))
    for model, columns in sides:
        writable = any(
            other.secondary == rel.secondary and not other.viewonly
            for other in graph.model(model).relationships
        )
        if writable:
            continue
        for fk in secondary.foreign_keys:
            if {f"{fk.table}.{c}" for c in fk.columns} & set(columns) and _ondelete(fk) != "CASCADE":
                gaps.append((model, fk))
    return gaps


@check(
    "OP209",
    "secondary-rows-left-behind",
    Severity.ERROR,
    proven=True,
    subjects=targets.relationship_subjects(_many_to_many_without_passive),
    tags=("many-to-many", "delete"),
)
def secondary_rows_left_behind(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """Deleting either side of a many-to-many removes its association rows.

    ## Why is this bad?
    The ORM deletes rows of a ``secondary`` table only through a writable relationship.
    When the relationship exists on one side only, or is ``viewonly``, deleting an
    object of the other side leaves its association rows behind — and those rows then
    block the delete ("FOREIGN KEY constraint failed") or dangle where foreign keys are
    not enforced.

    ## Example
    ```python
    class Post(Base):
        tags = relationship("Tag", secondary=post_tag)       # Tag has no way back
    # post_tag.tag_id = ForeignKey("tag.id")                  # no ON DELETE
    ```

    ## Use instead
    ```python
    class Post(Base):
        tags = relationship("Tag", secondary=post_tag, back_populates="posts")
    class Tag(Base):
        posts = relationship("Post", secondary=post_tag, back_populates="tags")
    # or ForeignKey("tag.id", ondelete="CASCADE") on the association table
    ```
    """
    rel: RelationshipInfo = subject.obj
    for model, fk in secondary_cleanup_gaps(ctx.graph, rel):
        yield ctx.finding(
            subject,
            f"deleting a {model} leaves rows in {rel.secondary} that reference it",
            fix=f'ForeignKey("{fk.target_table}.{fk.target_columns[0]}", ondelete="CASCADE") on '
            f"{fk.table}.{fk.columns[0]}, or a writable relationship from {model}",
        )
        return
