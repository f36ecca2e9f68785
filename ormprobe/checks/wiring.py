"""OP1xx: relationship wiring — round-trips, back-references, one-to-one, self-reference."""

from __future__ import annotations

from collections.abc import Iterable

from ormprobe.checks import targets
from ormprobe.checks.context import StaticContext
from ormprobe.checks.registry import Subject, check
from ormprobe.findings import Finding, Severity
from ormprobe.graph import Direction, ModelGraph, RelationshipInfo

__all__ = [
    "backref_out_of_sync",
    "one_to_one_not_unique",
    "round_trip",
    "secondary_extra_required_column",
    "self_reference_inverted",
]


def _writable(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    return targets.is_writable(rel)


@check(
    "OP101",
    "round-trip",
    Severity.ERROR,
    proven=True,
    subjects=targets.relationship_subjects(_writable),
    tags=("relationship",),
)
def round_trip(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """Linked objects come back through the relationship after flush and reload.

    The check links objects through the attribute (appending to a collection or
    assigning a scalar), flushes, expires everything, reloads the owner with a fresh
    query and compares: the relationship must return exactly the linked objects (in
    ``order_by`` order), the foreign key columns must hold the related keys, and the
    reverse relationship, if any, must agree.

    ## Why is this bad?
    A relationship that does not round-trip silently loses or misplaces links: a wrong
    ``primaryjoin``, an ``order_by`` naming the wrong column, or foreign keys that point
    the other way all show up here as data that reads back differently from how it was
    written.

    ## Example
    ```python
    comments = relationship("Comment", order_by="Post.id")   # orders by the wrong table
    ```

    ## Use instead
    ```python
    comments = relationship("Comment", order_by="Comment.created_at")
    ```
    """
    return ()


def _has_reverse(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    # SQLAlchemy turns in-memory sync off by design when either side is viewonly or
    # says sync_backref: nothing to expect there.
    reverse = graph.reverse_of(rel) if rel.reverse is not None else None
    return (
        targets.is_writable(rel)
        and reverse is not None
        and not reverse.viewonly
        and "sync_backref" not in rel.declared_arguments
        and "sync_backref" not in reverse.declared_arguments
    )


@check(
    "OP102",
    "backref-out-of-sync",
    Severity.WARNING,
    proven=True,
    subjects=targets.relationship_subjects(_has_reverse),
    tags=("relationship",),
)
def backref_out_of_sync(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """Changing one side of a relationship pair updates the other side before flush.

    ## Why is this bad?
    When only one side declares ``back_populates``, SQLAlchemy pairs the two for
    configuration but installs the in-memory synchronisation only on the declaring side.
    Code that sets ``book.author = alice`` then reads ``alice.books`` sees a stale list
    until the next flush and refresh, and logic that validates or counts on it goes
    wrong.

    ## Example
    ```python
    class Author(Base):
        books = relationship("Book", back_populates="author")
    class Book(Base):
        author = relationship("Author")          # no back_populates
    ```

    ## Use instead
    ```python
    class Book(Base):
        author = relationship("Author", back_populates="books")
    ```
    """
    rel: RelationshipInfo = subject.obj
    if rel.back_populates is None and rel.backref is None:
        yield ctx.finding(
            subject,
            f"{rel.name} does not declare back_populates={rel.reverse!r}: changes don't reach "
            f"{rel.target}.{rel.reverse} before flush",
            fix=f'{rel.key} = relationship("{rel.target}", back_populates="{rel.reverse}")',
        )


def _scalar_one_to_many(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    # A self-reference SQLAlchemy guessed the wrong way round is OP104's; remote_side
    # fixes both, so the cause is reported once.
    return (
        targets.is_writable(rel)
        and rel.direction is Direction.ONETOMANY
        and not rel.uselist
        and not _inverted_candidate(graph, rel)
    )


@check(
    "OP103",
    "one-to-one-not-unique",
    Severity.ERROR,
    proven=True,
    subjects=targets.relationship_subjects(_scalar_one_to_many),
    tags=("relationship", "fk"),
)
def one_to_one_not_unique(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """A one-to-one relationship's foreign key is UNIQUE, so the database allows one child.

    ## Why is this bad?
    ``uselist=False`` only tells the ORM to expect one row. Without a unique constraint
    on the foreign key the database happily stores two children for one parent, and
    loading the relationship then warns "Multiple rows returned with uselist=False" and
    picks one of them arbitrarily.

    ## Example
    ```python
    class User(Base):
        profile = relationship("Profile", uselist=False, back_populates="user")
    class Profile(Base):
        user_id = mapped_column(ForeignKey("user.id"))
    ```

    ## Use instead
    ```python
    class Profile(Base):
        user_id = mapped_column(ForeignKey("user.id"), unique=True)
    ```
    """
    rel: RelationshipInfo = subject.obj
    fks = targets.written_foreign_keys(ctx.graph, rel)
    if fks and not any(fk.unique for fk in fks):
        fk = fks[0]
        yield ctx.finding(
            subject,
            f"{rel.name} is one-to-one but {fk.table}({', '.join(fk.columns)}) is not unique",
            fix=f"mapped_column(ForeignKey(...), unique=True) on {fk.table}.{fk.columns[0]}"
            if len(fk.columns) == 1
            else f"UniqueConstraint({', '.join(repr(c) for c in fk.columns)}) on {fk.table}",
        )


def _inverted_candidate(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    return (
        targets.is_writable(rel)
        and rel.self_referential
        and rel.direction is Direction.ONETOMANY
        and not rel.uselist
        and "remote_side" not in rel.declared_arguments
    )


@check(
    "OP104",
    "self-reference-inverted",
    Severity.ERROR,
    proven=True,
    subjects=targets.relationship_subjects(_inverted_candidate),
    tags=("relationship",),
)
def self_reference_inverted(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """A scalar self-referential relationship points the way its name says.

    ## Why is this bad?
    Without ``remote_side`` SQLAlchemy guesses that a self-referential relationship is
    one-to-many. For a scalar attribute such as ``manager`` that guess is backwards:
    ``worker.manager = boss`` writes ``boss.manager_id = worker.id`` — the boss now
    reports to the worker, and no error is raised.

    ## Example
    ```python
    class Employee(Base):
        manager_id = mapped_column(ForeignKey("employee.id"))
        manager = relationship("Employee", uselist=False)
    ```

    ## Use instead
    ```python
    class Employee(Base):
        manager_id = mapped_column(ForeignKey("employee.id"))
        manager = relationship("Employee", remote_side=[id])   # many-to-one
    ```
    """
    rel: RelationshipInfo = subject.obj
    columns = ", ".join(c.rpartition(".")[2] for c in rel.fk_columns) or "the foreign key"
    yield ctx.finding(
        subject,
        f"{rel.name} is configured one-to-many: assigning it writes the other row's {columns}",
        fix=f'{rel.key} = relationship("{rel.target}", remote_side=[{rel.target}.id])',
    )


def _many_to_many(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    return targets.is_writable(rel) and rel.direction is Direction.MANYTOMANY and rel.secondary is not None


@check(
    "OP105",
    "secondary-extra-required-column",
    Severity.ERROR,
    proven=True,
    subjects=targets.relationship_subjects(_many_to_many),
    tags=("relationship", "many-to-many"),
)
def secondary_extra_required_column(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """A many-to-many ``secondary`` table can be filled by the relationship alone.

    ## Why is this bad?
    When the association table has extra NOT NULL columns without a default, appending
    through the plain relationship inserts a row without them and the flush fails with
    a NOT NULL error. Extra data on an association belongs in an association object.

    ## Example
    ```python
    enrollment = Table("enrollment", Base.metadata,
        Column("student_id", ForeignKey("student.id"), primary_key=True),
        Column("course_id", ForeignKey("course.id"), primary_key=True),
        Column("grade", String(2), nullable=False))
    courses = relationship("Course", secondary=enrollment)
    ```

    ## Use instead
    ```python
    class Enrollment(Base):          # an association object carries the grade
        student_id = mapped_column(ForeignKey("student.id"), primary_key=True)
        course_id = mapped_column(ForeignKey("course.id"), primary_key=True)
        grade = mapped_column(String(2))
    ```
    """
    rel: RelationshipInfo = subject.obj
    assert rel.secondary is not None
    secondary = ctx.graph.table(rel.secondary)
    written = {c.rpartition(".")[2] for c in (*rel.fk_columns, *rel.secondary_fk_columns)}
    missing = [
        c.name
        for c in secondary.columns
        if c.name not in written and not c.nullable and c.default is None and not c.generated
    ]
    if missing:
        yield ctx.finding(
            subject,
            f"appending to {rel.name} can't fill NOT NULL {rel.secondary}.{missing[0]}",
            fix=f"give {rel.secondary}.{missing[0]} a default/server_default, or map "
            f"{rel.secondary} as an association object",
        )
