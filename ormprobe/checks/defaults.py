"""OP5xx: defaults and generated values — what fills a column, and when."""

from __future__ import annotations

from collections.abc import Iterable

from ormprobe.checks import targets
from ormprobe.checks.context import StaticContext
from ormprobe.checks.registry import Subject, check
from ormprobe.findings import Finding, Severity
from ormprobe.graph import ColumnInfo, ModelGraph, TableInfo

__all__ = [
    "default_evaluated_once",
    "default_not_applied",
    "evaluated_once",
    "server_onupdate_without_trigger",
]

# Scalar defaults of these types were almost always meant as callables: a timestamp or
# an id computed once, when the module was imported, is the same for every row.
_ONCE_TYPES = ("datetime", "date", "time", "UUID")


def evaluated_once(graph: ModelGraph, table: TableInfo, column: ColumnInfo) -> bool:
    defaults = (column.default, column.onupdate)
    return any(d is not None and d.kind == "scalar" and d.value_type in _ONCE_TYPES for d in defaults)


@check(
    "OP501",
    "default-evaluated-once",
    Severity.ERROR,
    proven=True,
    subjects=targets.column_subjects(evaluated_once),
    tags=("default",),
)
def default_evaluated_once(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """Time and id defaults are computed per row, not once at import.

    ## Why is this bad?
    ``default=datetime.now()`` calls ``now()`` once, when the models module is imported;
    every row then gets that same timestamp. ``default=uuid.uuid4()`` gives every row the
    same id, so the second insert of a unique column fails.

    ## Example
    ```python
    created_at = mapped_column(DateTime, default=datetime.now())
    ```

    ## Use instead
    ```python
    created_at = mapped_column(DateTime, default=datetime.now)        # the function
    # or server_default=func.now()
    ```
    """
    _table, column = subject.obj
    which = "onupdate" if column.onupdate is not None and column.onupdate.kind == "scalar" else "default"
    value = column.onupdate if which == "onupdate" else column.default
    assert value is not None
    yield ctx.finding(
        subject,
        f"{subject.name} {which}={value.text} was computed once, at import: every row gets it",
        fix=f"{which}=<the function itself, e.g. datetime.now or uuid.uuid4>, or server_default=func.now()",
    )


def _has_default(graph: ModelGraph, table: TableInfo, column: ColumnInfo) -> bool:
    # Only NOT NULL columns: NULL in a nullable column may be what the default meant
    # (a "current user" that is None outside a request), so it proves nothing.
    if (column.primary_key and column.autoincrement) or column.nullable:
        return False
    return (column.default is not None or column.server_default is not None) and not column.computed


@check(
    "OP502",
    "default-not-applied",
    Severity.ERROR,
    needs_database=True,
    subjects=targets.column_subjects(_has_default),
    tags=("default",),
)
def default_not_applied(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """A NOT NULL column with a default is filled when a row is inserted without it.

    ## Why is this bad?
    A ``default`` that returns None (a setting read from an unset environment variable,
    a lookup that finds nothing) or a ``server_default`` that evaluates to NULL leaves the
    column empty, and every INSERT that relies on the default is refused.

    ## Example
    ```python
    plan = mapped_column(String(20), nullable=False,
                         default=lambda: os.environ.get("DEFAULT_PLAN"))
    ```

    ## Use instead
    ```python
    plan = mapped_column(String(20), nullable=False,
                         default=lambda: os.environ.get("DEFAULT_PLAN", "free"))
    ```
    """
    return ()


def _server_onupdate(graph: ModelGraph, table: TableInfo, column: ColumnInfo) -> bool:
    return column.server_onupdate is not None and not column.computed


@check(
    "OP503",
    "server-onupdate-without-trigger",
    Severity.WARNING,
    needs_database=True,
    subjects=targets.column_subjects(_server_onupdate),
    tags=("default",),
)
def server_onupdate_without_trigger(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """A column marked ``server_onupdate`` really changes when its row is updated.

    ## Why is this bad?
    ``server_onupdate=FetchedValue()`` (or ``server_onupdate=func.now()``) only tells
    SQLAlchemy that the database changes the column; it creates no trigger. Unless a
    trigger or ``ON UPDATE`` clause exists, ``updated_at`` keeps its first value forever.

    ## Example
    ```python
    updated_at = mapped_column(DateTime, server_default=func.now(), server_onupdate=func.now())
    ```

    ## Use instead
    ```python
    updated_at = mapped_column(DateTime, server_default=func.now(), onupdate=func.now())
    ```
    """
    return ()
