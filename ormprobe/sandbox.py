# ormprobe.sandbox: the only module that creates engines, connections and sessions.
"""Databases that forget everything: scratch databases, savepoint-isolated sessions.

ormprobe proves behaviour against a real database without ever leaving a trace in it:

- :func:`open_database` gives a :class:`Database` for one run. SQLite runs in memory (or on a
  private copy of a database file). A PostgreSQL or MySQL/MariaDB URL gets a scratch database
  ``ormprobe_<12 hex>`` that is dropped at the end, even on an exception, Ctrl-C or SIGTERM.
  With ``in_place=True`` the run happens inside the given database, in one transaction that
  is always rolled back.
- :meth:`Database.create_schema` creates the tables one at a time; a table whose DDL fails
  becomes a :class:`DDLFailure` (a finding about the models), not a crash.
- :meth:`Database.sandbox` holds one connection and one outer transaction that is always
  rolled back; :meth:`Sandbox.session` gives each case a fresh ``Session`` joined to it
  through a SAVEPOINT, and :meth:`Sandbox.attempt` wraps an operation that may fail in an
  inner SAVEPOINT, so an expected error never poisons the transaction (on PostgreSQL it
  would: "current transaction is aborted").
- :func:`session` is the same isolation for users' own tests;
  :func:`list_scratch_databases` / :func:`drop_scratch_databases` remove what a killed run
  left behind (``ormprobe clean``).

Example:
    >>> import sqlalchemy as sa
    >>> md = sa.MetaData()
    >>> notes = sa.Table("notes", md, sa.Column("id", sa.Integer, primary_key=True))
    >>> with open_database() as db:
    ...     db.create_schema([md]).created
    ...     with db.sandbox() as box, box.session() as s:
    ...         _ = s.execute(notes.insert().values(id=1))
    ...         s.scalar(sa.select(sa.func.count()).select_from(notes))
    ('notes',)
    1
"""

from __future__ import annotations

import re
import secrets
import shutil
import signal
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy import (
    URL,
    Connection,
    Engine,
    ForeignKeyConstraint,
    MetaData,
    NullPool,
    StaticPool,
    Table,
    create_engine,
    event,
    inspect,
    make_url,
    text,
)
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable, sort_tables_and_constraints
from sqlalchemy.sql.ddl import SchemaGenerator

from ormprobe.errors import MissingDependencyError, SandboxError, UsageError

__all__ = [
    "SCRATCH_PREFIX",
    "Attempt",
    "DDLFailure",
    "Database",
    "Sandbox",
    "SchemaResult",
    "StatementStats",
    "drop_scratch_databases",
    "list_scratch_databases",
    "mask_url",
    "open_database",
    "scratch_databases_in_use",
    "session",
]

SCRATCH_PREFIX = "ormprobe_"
"""Every database ormprobe creates starts with this; ``ormprobe clean`` drops only those."""

CONNECT_TIMEOUT_SECONDS = 5
"""How long to wait for a server before saying it is unreachable."""

# The main scratch database, or (MySQL) one per ``schema=`` used by the models.
_SCRATCH_NAME = re.compile(rf"^{SCRATCH_PREFIX}[0-9a-f]{{12}}(?:_\w+)?$")

# A URL that does not parse can't be masked by SQLAlchemy; hide ``user:password@`` by hand.
_RAW_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*(@)")

_STARTED = "ormprobe_statement_started"  # key in Connection.info, see _count_statements

_OBJECT_ADDRESS = re.compile(r"<([\w.]+) object at 0x[0-9a-fA-F]+>")

_SERVER_BACKENDS = ("postgresql", "mysql", "mariadb")
_EXTRAS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}
_DRIVERS = {"postgresql": "psycopg", "mysql": "pymysql", "mariadb": "pymysql"}
_SESSION_RESERVED = frozenset({"bind", "binds", "join_transaction_mode"})

# PyMySQL error codes (the first element of the exception's args).
_MYSQL_UNREACHABLE = frozenset({2003, 2005, 2006, 2013})
_MYSQL_AUTH = frozenset({1044, 1045, 1698})
_MYSQL_UNKNOWN_DATABASE = 1049
_MYSQL_NO_PRIVILEGE = frozenset({1044, 1227})
_PG_INSUFFICIENT_PRIVILEGE = "42501"
_PG_UNREACHABLE_HINTS = (
    "connection refused",
    "could not translate host name",
    "failed to resolve host",
    "timeout expired",
    "timed out",
    "no route to host",
    "network is unreachable",
)
_PG_AUTH_HINTS = ("authentication failed", "role ", "pg_hba.conf", "password")


def mask_url(url: str | URL) -> str:
    """Render a database URL with its password replaced by ``***``.

    Args:
        url: A URL string or :class:`sqlalchemy.URL`; unparsable strings are masked too.

    Returns:
        The URL as text, safe to print or write to a report.

    Example:
        >>> mask_url("postgresql+psycopg://app:s3cret@db.example:5432/app")
        'postgresql+psycopg://app:***@db.example:5432/app'
    """
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return _RAW_PASSWORD.sub(r"\1***\2", url)


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class DDLFailure:
    """A table whose CREATE failed: a finding about the models, not a crash.

    Attributes:
        table: Full table name (``schema.name`` when the table has a schema).
        statement: The DDL that failed, or the best rendering of it when it did not compile.
        error: The database's (or compiler's) message; its first line is the summary.
        dialect: ``engine.dialect.name`` of the database that refused it.
    """

    table: str
    statement: str
    error: str
    dialect: str


@dataclass(frozen=True, slots=True)
class SchemaResult:
    """What :meth:`Database.create_schema` managed to create.

    Attributes:
        created: Full names of the tables that exist and match the models, in dependency
            order.
        failed: Tables whose own DDL failed.
        skipped: ``(table, reason)`` for tables not created (or not usable) because a table
            they reference failed, or because they already exist in an in-place database.
    """

    created: tuple[str, ...]
    failed: tuple[DDLFailure, ...]
    skipped: tuple[tuple[str, str], ...]

    def usable(self, table: str) -> bool:
        """Whether ``table`` (full name) was created and can take rows."""
        return table in self.created


@dataclass(slots=True)
class StatementStats:
    """Statements sent to the database and the seconds the DBAPI spent executing them.

    Filled by engine events on every cursor execution; read it with :meth:`snapshot` before
    and after a unit of work and subtract.

    Attributes:
        statements: Cursor executions so far (an ``executemany`` batch counts once).
        seconds: Wall time spent inside the DBAPI's ``execute``.
    """

    statements: int = 0
    seconds: float = 0.0

    def snapshot(self) -> tuple[int, float]:
        """The current ``(statements, seconds)``."""
        return self.statements, self.seconds


@dataclass(slots=True)
class Attempt:
    """The outcome of :meth:`Sandbox.attempt`.

    Attributes:
        error: The exception the operation raised and the attempt swallowed, if any.
    """

    error: BaseException | None = None

    @property
    def failed(self) -> bool:
        """Whether the operation raised."""
        return self.error is not None

    @property
    def message(self) -> str | None:
        """The first line of the database's (or SQLAlchemy's) message, if it failed."""
        if self.error is None:
            return None
        return _first_line(_error_text(self.error))


# --------------------------------------------------------------------------------------------
# Sandbox: one connection, one outer transaction


class Sandbox:
    """One connection inside one outer transaction that is always rolled back.

    Attributes:
        connection: The connection; every session of this sandbox is bound to it.
    """

    __slots__ = ("connection",)

    def __init__(self, connection: Connection) -> None:
        """Wrap a connection whose outer transaction the caller has begun."""
        self.connection = connection

    @contextmanager
    def session(self, **session_kwargs: Any) -> Iterator[Session]:
        """A fresh Session for one case; everything it did is rolled back on exit.

        The session joins the connection through a SAVEPOINT
        (``join_transaction_mode="create_savepoint"``), and the case as a whole runs inside
        one more SAVEPOINT that is rolled back on exit. The second one matters: a case that
        calls ``session.commit()`` only RELEASEs the session's savepoint, and its rows would
        otherwise be seen by the next case.

        Args:
            **session_kwargs: Passed to :class:`sqlalchemy.orm.Session` (e.g.
                ``autoflush=False``); ``bind`` and ``join_transaction_mode`` are fixed.

        Yields:
            The session. It is closed on exit, so its objects end up detached.

        Raises:
            UsageError: ``bind``, ``binds`` or ``join_transaction_mode`` was passed.
        """
        reserved = sorted(_SESSION_RESERVED.intersection(session_kwargs))
        if reserved:
            raise UsageError(f"sandbox sessions set {', '.join(reserved)} themselves; drop it")
        with self._case_savepoint():
            orm_session = Session(
                bind=self.connection, join_transaction_mode="create_savepoint", **session_kwargs
            )
            try:
                yield orm_session
            finally:
                orm_session.close()

    @contextmanager
    def _case_savepoint(self) -> Iterator[None]:
        """The SAVEPOINT around one case, rolled back on exit and popped off the stack.

        ``ROLLBACK TO SAVEPOINT`` keeps the savepoint open until the transaction ends. The
        run's outer transaction lasts for thousands of cases, and SQLite slows down with
        every savepoint left open (a rollback takes 100x longer late in a run), so on
        SQLite the case savepoint, and every savepoint the case opened inside it, is also
        released. PostgreSQL and MySQL are faster without the extra statement.
        """
        if self.connection.dialect.name != "sqlite":
            case = self.connection.begin_nested()
            try:
                yield
            finally:
                if case.is_active:
                    case.rollback()
            return
        self.connection.exec_driver_sql(f"SAVEPOINT {_CASE_SAVEPOINT}")
        try:
            yield
        finally:
            self.connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {_CASE_SAVEPOINT}")
            self.connection.exec_driver_sql(f"RELEASE SAVEPOINT {_CASE_SAVEPOINT}")

    @contextmanager
    def attempt(self, session: Session) -> Iterator[Attempt]:
        """Run an operation that may fail inside its own SAVEPOINT.

        Database errors and ORM flush errors raised in the block (or while flushing at its
        end) are swallowed into :attr:`Attempt.error`; the savepoint is rolled back, so the
        session and the outer transaction stay usable. Other exceptions, such as a failing
        ``assert`` in the caller's own code, are re-raised after the rollback.

        Args:
            session: A session from :meth:`session`.

        Yields:
            The attempt; read it after the block.

        Example:
            >>> import sqlalchemy as sa
            >>> md = sa.MetaData()
            >>> t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))
            >>> with open_database() as db:
            ...     _ = db.create_schema([md])
            ...     with db.sandbox() as box, box.session() as s:
            ...         _ = s.execute(t.insert().values(id=1))
            ...         with box.attempt(s) as duplicate:
            ...             _ = s.execute(t.insert().values(id=1))
            ...         duplicate.message, s.scalar(sa.select(sa.func.count()).select_from(t))
            ('UNIQUE constraint failed: t.id', 1)
        """
        outcome = Attempt()
        try:
            # begin_nested() as a context manager commits (flushes + RELEASE) on success and
            # rolls back on error, including a flush that fails while committing.
            with session.begin_nested():
                yield outcome
        except (SQLAlchemyError, AssertionError) as exc:
            if not _is_orm_or_database_error(exc):
                raise
            outcome.error = exc


_CASE_SAVEPOINT = "ormprobe_case"


def _is_orm_or_database_error(exc: BaseException) -> bool:
    """Whether ``exc`` came from SQLAlchemy or the database, not from the caller's code.

    The unit of work reports some broken mappings with a bare ``assert`` (``Dependency rule
    tried to blank-out primary key column``); only those AssertionErrors are findings.
    """
    if isinstance(exc, SQLAlchemyError):
        return True
    traceback = exc.__traceback__
    if traceback is None:
        return False
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    module = str(traceback.tb_frame.f_globals.get("__name__", ""))
    return module == "sqlalchemy" or module.startswith("sqlalchemy.")


@contextmanager
def _engine_sandbox(engine: Engine) -> Iterator[Sandbox]:
    """A new connection with an outer transaction that is rolled back on exit."""
    connection = engine.connect()
    try:
        outer = connection.begin()
        _ensure_sqlite_transaction(connection)
        try:
            yield Sandbox(connection)
        finally:
            if outer.is_active:
                outer.rollback()
    finally:
        connection.close()


def _ensure_sqlite_transaction(connection: Connection) -> None:
    """Make sure SQLite really is inside a transaction after ``begin()``.

    Engines from :func:`open_database` emit BEGIN themselves. A user's own pysqlite engine
    does not, and without BEGIN the first SAVEPOINT *starts* a transaction that its RELEASE
    commits to the file. Emitting BEGIN here makes such an engine safe as well.
    """
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if not getattr(dbapi_connection, "in_transaction", True):
        connection.exec_driver_sql("BEGIN")


# --------------------------------------------------------------------------------------------
# Database


class Database:
    """One database for one run: the engine, and how to leave nothing behind.

    Created by :func:`open_database`, which also tears it down.

    Attributes:
        url: The URL of the database actually used, password masked.
        dialect: ``engine.dialect.name``: ``sqlite``, ``postgresql``, ``mysql`` or
            ``mariadb``.
        engine: The engine; on MySQL/MariaDB it routes ``schema=`` names to their scratch
            databases, so read it after :meth:`create_schema`.
        stats: Statement counts of every connection of :attr:`engine`.
        scratch_name: The scratch database's name on a server, else ``None``.
        scratch_url: Where the throwaway copy lives (server scratch database or SQLite copy),
            password masked; ``None`` for in-memory and in-place runs. Print it with
            ``keep=True``.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        admin_url: URL | None = None,
        scratch_name: str | None = None,
        scratch_url: str | None = None,
        in_place: bool = False,
        existing_schema: bool = False,
        keep: bool = False,
        prefilled: bool = False,
    ) -> None:
        """Wrap an engine; see :func:`open_database` for the meaning of the flags.

        ``prefilled`` says the database may already hold tables (a copied SQLite file), so
        :meth:`create_schema` reports those as skipped instead of failing on them.
        """
        self.engine = engine
        self.url = mask_url(engine.url)
        self.dialect = engine.dialect.name
        self.stats = StatementStats()
        self.scratch_name = scratch_name
        self.scratch_url = scratch_url
        self._base_engine = engine
        self._admin_url = admin_url
        self._in_place = in_place
        self._existing_schema = existing_schema
        self._keep = keep
        self._prefilled = prefilled or in_place
        self._open_sandboxes = 0
        self._pinned: Connection | None = None
        self._schema_databases: dict[str, str] = {}
        self._prepared_schemas: set[str] = set()
        _count_statements(engine, self.stats)

    # -- schema ------------------------------------------------------------------------------

    def create_schema(self, metadatas: Sequence[MetaData]) -> SchemaResult:
        """Create every table of ``metadatas``, one at a time, recording failures.

        Tables are created in dependency order the way ``MetaData.create_all`` does it
        (sequences, types, indexes; ``use_alter`` and cyclic foreign keys added last), each
        in its own transaction (a SAVEPOINT in place), so one failure never stops the others.
        With ``existing_schema=True`` nothing is created: each table is reported created if
        the database has it, failed otherwise.

        Args:
            metadatas: The models' MetaData objects.

        Returns:
            Which tables were created, which failed and which were skipped.

        Raises:
            UsageError: Called while a sandbox is open.
            SandboxError: The connection to the database was lost.
        """
        if self._open_sandboxes:
            raise UsageError("create_schema() must run before sandbox() is entered")
        tables = _tables_of(metadatas)
        schemas = {table.schema for table in tables if table.schema}
        # SQLite attaches and MySQL creates databases outside any transaction, so first.
        if self.dialect in ("mysql", "mariadb"):
            problems = self._route_mysql_schemas(schemas)
        elif self.dialect == "sqlite":
            problems = self._attach_sqlite_schemas(schemas)
        else:
            problems = {}
        if self._existing_schema:
            return self._check_existing(tables)
        with self._ddl_connection() as (connection, step):
            if self.dialect == "postgresql":
                problems = _create_pg_schemas(connection, step, schemas)
            builder = _SchemaBuilder(
                connection, step, schema_problems=problems, skip_existing=self._prefilled
            )
            return builder.build(tables)

    @contextmanager
    def _ddl_connection(
        self,
    ) -> Iterator[tuple[Connection, Callable[[], AbstractContextManager[object]]]]:
        """The connection DDL runs on, and how to open one isolated step on it."""
        if self._in_place:
            # DDL must live inside the transaction that will be rolled back.
            pinned = self._pinned_connection()
            yield pinned, pinned.begin_nested
            return
        with self.engine.connect() as connection:
            yield connection, connection.begin

    def _check_existing(self, tables: Sequence[Table]) -> SchemaResult:
        connection = self._pinned_connection() if self._in_place else self.engine.connect()
        try:
            inspector = inspect(connection)
            created: list[str] = []
            failed: list[DDLFailure] = []
            for table in _sorted_tables(tables):
                if inspector.has_table(table.name, schema=table.schema):
                    created.append(table.fullname)
                    continue
                error = f"table {table.fullname} does not exist in {self.url}"
                failed.append(DDLFailure(table.fullname, "", error, self.dialect))
            return SchemaResult(tuple(created), tuple(failed), ())
        finally:
            if not self._in_place:
                connection.close()

    def _route_mysql_schemas(self, schemas: set[str]) -> dict[str, tuple[str, str]]:
        """MySQL: a schema is a database, so give each ``schema=`` its own scratch database."""
        problems: dict[str, tuple[str, str]] = {}
        if self._admin_url is None or self.scratch_name is None:
            return problems  # in place: the schemas are the user's own, left as they are
        for schema in sorted(schemas - set(self._schema_databases)):
            name = f"{self.scratch_name}_{schema}"
            try:
                _create_scratch_database(self._admin_url, name)
            except SandboxError as exc:
                problems[schema] = (f"CREATE DATABASE {name}", str(exc))
                continue
            self._schema_databases[schema] = name
        if self._schema_databases:
            # None is mapped too: MySQL resolves an unqualified REFERENCES in the database of
            # the referencing table, so a foreign key from `audit.log` to `users` must name
            # the main scratch database explicitly.
            routes: dict[str | None, str] = {None: self.scratch_name}
            routes.update(self._schema_databases)
            self.engine = self._base_engine.execution_options(schema_translate_map=routes)
        return problems

    def _attach_sqlite_schemas(self, schemas: set[str]) -> dict[str, tuple[str, str]]:
        """SQLite: a schema is an attached database; attach an in-memory one per schema."""
        problems: dict[str, tuple[str, str]] = {}
        # ATTACH is refused inside a transaction, so use the raw connection before any BEGIN;
        # StaticPool makes it the one connection every sandbox will use.
        with self.engine.connect() as connection:
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                for schema in sorted(schemas - self._prepared_schemas - {"main", "temp"}):
                    statement = f"ATTACH DATABASE ':memory:' AS {_quote(connection, schema)}"
                    try:
                        cursor.execute(statement)
                    except sqlite3.Error as exc:
                        problems[schema] = (statement, str(exc))
                        continue
                    self._prepared_schemas.add(schema)
            finally:
                cursor.close()
        return problems

    # -- sandboxes ---------------------------------------------------------------------------

    @contextmanager
    def sandbox(self) -> Iterator[Sandbox]:
        """One connection and one outer transaction, always rolled back on exit.

        In place, the sandbox is a SAVEPOINT inside the run's single transaction (which also
        holds the tables :meth:`create_schema` made); it is rolled back on exit as well.

        Yields:
            The sandbox.

        Raises:
            UsageError: A second sandbox was opened while one is open on SQLite or in place,
                where every sandbox shares one connection.
        """
        if self._open_sandboxes and (self._in_place or self.dialect == "sqlite"):
            raise UsageError("only one sandbox at a time on SQLite or in place; close the first")
        self._open_sandboxes += 1
        try:
            if self._in_place:
                with self._pinned_sandbox() as box:
                    yield box
            else:
                with _engine_sandbox(self.engine) as box:
                    yield box
        finally:
            self._open_sandboxes -= 1

    @contextmanager
    def _pinned_sandbox(self) -> Iterator[Sandbox]:
        connection = self._pinned_connection()
        outer = connection.begin_nested()
        try:
            yield Sandbox(connection)
        finally:
            if outer.is_active:
                outer.rollback()

    def _pinned_connection(self) -> Connection:
        """In place: the one connection of the run, inside its never-committed transaction."""
        if self._pinned is None:
            self._pinned = self.engine.connect()
            self._pinned.begin()
        return self._pinned

    # -- teardown ----------------------------------------------------------------------------

    def close(self) -> None:
        """Roll back, disconnect and drop the per-schema scratch databases (unless kept).

        Called by :func:`open_database`; the main scratch database is dropped after this.
        """
        try:
            if self._pinned is not None:
                # Closing a connection rolls back whatever it still holds: the whole run.
                self._pinned.close()
                self._pinned = None
        finally:
            self._base_engine.dispose()
            if not self._keep and self._admin_url is not None:
                names, self._schema_databases = list(self._schema_databases.values()), {}
                _drop_databases(self._admin_url, names)


def _count_statements(engine: Engine, stats: StatementStats) -> None:
    """Count cursor executions and the time spent in them, for every connection of engine.

    A statement the database rejects counts too: it was sent, and an expected failure is
    often the point of a check.
    """

    def started(connection: Connection, *_: Any) -> None:
        connection.info[_STARTED] = time.perf_counter()

    def finished(connection: Connection | None) -> None:
        begun = connection.info.pop(_STARTED, None) if connection is not None else None
        if begun is not None:  # None: the error happened before the cursor was used
            stats.statements += 1
            stats.seconds += time.perf_counter() - begun

    event.listen(engine, "before_cursor_execute", started)
    event.listen(engine, "after_cursor_execute", lambda connection, *_: finished(connection))
    event.listen(engine, "handle_error", lambda context: finished(context.connection))


def _tables_of(metadatas: Sequence[MetaData]) -> list[Table]:
    """Every table of the MetaData objects, each once, in declaration order."""
    seen: dict[int, Table] = {}
    for metadata in metadatas:
        for table in metadata.tables.values():
            seen.setdefault(id(table), table)
    return list(seen.values())


def _dependency_order(
    tables: Sequence[Table],
) -> list[tuple[Table | None, list[ForeignKeyConstraint]]]:
    """Tables in creation order with their inline foreign keys, as ``create_all`` orders them.

    The last entry, ``(None, constraints)``, holds the foreign keys to add after every table
    exists: ``use_alter=True`` ones and those that close a dependency cycle.
    """
    ordered = sort_tables_and_constraints(tables)  # type: ignore[no-untyped-call]
    return [(table, list(constraints)) for table, constraints in ordered]


def _sorted_tables(tables: Sequence[Table]) -> list[Table]:
    return [table for table, _ in _dependency_order(tables) if table is not None]


def _create_pg_schemas(
    connection: Connection,
    step: Callable[[], AbstractContextManager[object]],
    schemas: set[str],
) -> dict[str, tuple[str, str]]:
    """PostgreSQL: CREATE SCHEMA for each ``schema=`` of the models that is missing."""
    problems: dict[str, tuple[str, str]] = {}
    for schema in sorted(schemas):
        statement = f"CREATE SCHEMA {_quote(connection, schema)}"
        try:
            with step():
                # Not IF NOT EXISTS: PostgreSQL checks the CREATE right on the database
                # first, and an in-place user may lack it for a schema that already exists.
                if not inspect(connection).has_schema(schema):
                    connection.exec_driver_sql(statement)
        except DBAPIError as exc:
            _raise_if_disconnected(exc)
            problems[schema] = (statement, _error_text(exc))
    return problems


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


# --------------------------------------------------------------------------------------------
# Creating tables one at a time


def _checkfirst_types_and_sequences() -> object:
    """``checkfirst`` that checks only for types and sequences (shared between tables).

    Tables and indexes are never checked: the scratch database is empty, and a name clash
    must surface as the database's own error.
    """
    try:
        from sqlalchemy.sql.ddl import CheckFirst
    except ImportError:  # SQLAlchemy 2.0: a plain bool; create_ok=True skips the table check
        return True
    return CheckFirst.TYPES | CheckFirst.SEQUENCES


class _SchemaBuilder:
    """Creates tables one by one, as ``create_all`` would, and records what went wrong."""

    def __init__(
        self,
        connection: Connection,
        step: Callable[[], AbstractContextManager[object]],
        *,
        schema_problems: Mapping[str, tuple[str, str]],
        skip_existing: bool,
    ) -> None:
        self._connection = connection
        self._step = step
        self._schema_problems = schema_problems
        self._skip_existing = skip_existing
        self._dialect = connection.dialect.name
        self._tables: dict[str, Table] = {}
        self._created: list[str] = []
        self._failed: dict[str, DDLFailure] = {}
        self._skipped: dict[str, str] = {}

    def build(self, tables: Sequence[Table]) -> SchemaResult:
        """Create ``tables`` and return the outcome."""
        deferred: list[ForeignKeyConstraint] = []
        for table, constraints in _dependency_order(tables):
            if table is None:
                deferred.extend(constraints)
                continue
            self._tables[table.fullname] = table
            self._create_table(table, constraints)
        for constraint in deferred:
            self._add_constraint(constraint)
        self._skip_dependents()
        created = tuple(name for name in self._created if self._usable(name))
        return SchemaResult(created, tuple(self._failed.values()), tuple(self._skipped.items()))

    def _create_table(self, table: Table, constraints: Iterable[ForeignKeyConstraint]) -> None:
        blocker = self._blocker(table)
        if blocker is not None:
            self._skipped[table.fullname] = blocker
            return
        if table.schema is not None and table.schema in self._schema_problems:
            statement, error = self._schema_problems[table.schema]
            self._fail(table, statement, f"schema {table.schema} could not be created: {error}")
            return
        if self._skip_existing and self._exists(table):
            self._skipped[table.fullname] = (
                "already exists in the database; pass existing_schema=True to use it as it is"
            )
            return
        try:
            with self._step():
                self._generator().traverse_single(
                    table, create_ok=True, include_foreign_key_constraints=set(constraints)
                )
        except SQLAlchemyError as exc:
            _raise_if_disconnected(exc)
            self._fail(table, _failed_statement(exc, table), _error_text(exc))
            return
        self._created.append(table.fullname)

    def _exists(self, table: Table) -> bool:
        # In its own step: inspecting would otherwise autobegin a transaction on the
        # connection and the next step's begin() would be refused.
        with self._step():
            return inspect(self._connection).has_table(table.name, schema=table.schema)

    def _add_constraint(self, constraint: ForeignKeyConstraint) -> None:
        """Add a ``use_alter`` or cycle-breaking foreign key after all tables exist."""
        owner = constraint.table
        if not self._usable(owner.fullname):
            return
        blocker = self._blocker(owner)
        if blocker is not None:
            self._skipped[owner.fullname] = blocker
            return
        try:
            with self._step():
                self._generator().traverse_single(constraint)
        except SQLAlchemyError as exc:
            _raise_if_disconnected(exc)
            self._fail(owner, _failed_statement(exc, owner), _error_text(exc))

    def _skip_dependents(self) -> None:
        """Mark unusable every created table that references an unusable one, transitively."""
        changed = True
        while changed:
            changed = False
            for name in self._created:
                if not self._usable(name):
                    continue
                blocker = self._blocker(self._tables[name])
                if blocker is not None:
                    self._skipped[name] = blocker
                    changed = True

    def _blocker(self, table: Table) -> str | None:
        """Why ``table`` can't be used because of a table it references, if it can't."""
        for constraint in table.foreign_key_constraints:
            try:
                target = constraint.referred_table
            except SQLAlchemyError:
                continue  # an unresolvable reference is the table's own DDL failure
            if target is table:
                continue
            cause = self._unusable_because(target.fullname)
            if cause is not None:
                return f"references {target.fullname}, which {cause}"
        return None

    def _unusable_because(self, name: str) -> str | None:
        if name in self._failed:
            return f"could not be created: {_first_line(self._failed[name].error)}"
        if name in self._skipped:
            return f"was skipped ({self._skipped[name]})"
        return None

    def _usable(self, name: str) -> bool:
        return name not in self._failed and name not in self._skipped

    def _fail(self, table: Table, statement: str, error: str) -> None:
        self._failed[table.fullname] = DDLFailure(table.fullname, statement, error, self._dialect)

    def _generator(self) -> Any:
        # SchemaGenerator is what MetaData.create_all runs. Driving it one table at a time
        # yields create_all's exact DDL (sequences, enum types via table events, indexes,
        # comments, use_alter handling) while letting each table fail on its own. A fresh
        # one per step: its memo of created types must not outlive a rolled-back step.
        return SchemaGenerator(  # type: ignore[no-untyped-call]
            self._connection.dialect,
            self._connection,
            checkfirst=_checkfirst_types_and_sequences(),
        )


def _failed_statement(exc: SQLAlchemyError, table: Table) -> str:
    """The SQL that failed; for a compile error, the table's CREATE as far as it renders."""
    if isinstance(exc, DBAPIError) and exc.statement:
        return exc.statement.strip()
    try:
        return str(CreateTable(table).compile()).strip()
    except SQLAlchemyError:
        return f"CREATE TABLE {table.fullname} (...)"


def _raise_if_disconnected(exc: SQLAlchemyError) -> None:
    """A lost connection is not a finding about the models: stop the run."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        raise SandboxError(
            f"lost the database connection ({_first_line(_error_text(exc))}); run again"
        ) from exc


def _error_text(exc: BaseException) -> str:
    """The database's message for a DBAPI error, SQLAlchemy's message otherwise."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return _driver_message(exc.orig)
    if exc.args:
        # Compile errors name objects by repr ("<...TypeCompiler object at 0x7f...>"); drop
        # the address so the same failure always reads the same.
        return _OBJECT_ADDRESS.sub(r"\1", str(exc.args[0])).strip()
    return type(exc).__name__


def _driver_message(orig: BaseException) -> str:
    """PyMySQL puts ``(code, message)`` in args; other drivers have a plain message."""
    if len(orig.args) == 2 and isinstance(orig.args[0], int):
        return f"{orig.args[1]} [{orig.args[0]}]"
    return str(orig).strip()


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


# --------------------------------------------------------------------------------------------
# open_database


@contextmanager
def open_database(
    url: str | None = None,
    *,
    keep: bool = False,
    in_place: bool = False,
    existing_schema: bool = False,
    echo: bool = False,
) -> Iterator[Database]:
    """Open a database for one run and leave nothing behind on exit.

    - ``None`` or ``sqlite://``: a fresh in-memory SQLite database.
    - ``sqlite:///path.db``: a private copy of the file (the file itself is never opened for
      writing; ``in_place`` makes no difference).
    - A PostgreSQL or MySQL/MariaDB URL: a scratch database ``ormprobe_<12 hex>`` on that
      server, dropped on exit, on an exception, on Ctrl-C and on SIGTERM (in the main thread
      SIGTERM is turned into KeyboardInterrupt while the database is open). A database killed
      harder than that is removed by :func:`drop_scratch_databases`.

    Args:
        url: SQLAlchemy URL; ``None`` means in-memory SQLite.
        keep: Don't drop the scratch database (or the SQLite copy); print
            :attr:`Database.scratch_url` so the user can look at it.
        in_place: No scratch database: work inside the given database, in one transaction
            that is always rolled back. MySQL/MariaDB commit DDL implicitly, so there it
            needs ``existing_schema=True``.
        existing_schema: Create nothing; use the tables the database already has.
        echo: Log every SQL statement (SQLAlchemy's ``echo``).

    Yields:
        The database.

    Raises:
        UsageError: The URL is malformed or names an unsupported database, or the options
            don't fit together.
        MissingDependencyError: The URL's driver is not installed.
        SandboxError: The server can't be reached, refuses the login, or won't let this user
            create a database.
    """
    parsed = _parse_url(url)
    backend = parsed.get_backend_name()
    _check_options(backend, in_place=in_place, existing_schema=existing_schema)
    with ExitStack() as stack:
        stack.enter_context(_sigterm_interrupts())
        if backend == "sqlite":
            database = _open_sqlite(parsed, stack, keep=keep, existing=existing_schema, echo=echo)
        elif in_place:
            _probe_server(parsed)
            engine = _server_engine(parsed, echo=echo)
            database = Database(engine, in_place=True, existing_schema=existing_schema)
        else:
            database = _open_scratch(parsed, stack, keep=keep, echo=echo)
        stack.callback(database.close)
        yield database


def _check_options(backend: str, *, in_place: bool, existing_schema: bool) -> None:
    if backend in ("mysql", "mariadb") and in_place and not existing_schema:
        raise UsageError(
            f"{backend} commits DDL implicitly, so --in-place can't create tables and roll "
            "them back; create the tables yourself and add --existing-schema"
        )
    if backend in _SERVER_BACKENDS and existing_schema and not in_place:
        raise UsageError(
            "--existing-schema uses tables already in the database, but a fresh scratch "
            "database has none; add --in-place"
        )


def _parse_url(url: str | None) -> URL:
    """Parse and validate a URL; pick ormprobe's driver when the URL names none."""
    if url is None:
        return make_url("sqlite://")
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except NoSuchModuleError as exc:
        raise UsageError(
            f"unknown database or driver in {mask_url(url)}; use sqlite://, "
            "postgresql+psycopg:// or mysql+pymysql://"
        ) from exc
    except (ArgumentError, ValueError) as exc:
        raise UsageError(
            f"malformed database URL {mask_url(url)} ({exc}); "
            "write it as dialect+driver://user:password@host:port/database"
        ) from exc
    backend = parsed.get_backend_name()
    if backend != "sqlite" and backend not in _SERVER_BACKENDS:
        raise UsageError(
            f"ormprobe does not support {backend} ({mask_url(parsed)}); "
            "use SQLite, PostgreSQL or MySQL/MariaDB"
        )
    if "+" not in parsed.drivername and backend in _SERVER_BACKENDS:
        parsed = _default_driver(parsed, backend)
    return parsed


def _default_driver(url: URL, backend: str) -> URL:
    """Use the driver ormprobe's extras install when SQLAlchemy's default is missing."""
    try:
        url.get_dialect().import_dbapi()
    except ImportError:
        return url.set(drivername=f"{backend}+{_DRIVERS[backend]}")
    return url


# -- SQLite ------------------------------------------------------------------------------------


def _open_sqlite(url: URL, stack: ExitStack, *, keep: bool, existing: bool, echo: bool) -> Database:
    source = url.database
    if not source or source == ":memory:":
        return Database(_sqlite_engine(make_url("sqlite://"), echo=echo), existing_schema=existing)
    copy = _copy_sqlite_file(Path(source), stack, keep=keep)
    copy_url = make_url(f"sqlite:///{copy}")
    return Database(
        _sqlite_engine(copy_url, echo=echo),
        scratch_url=mask_url(copy_url),
        existing_schema=existing,
        prefilled=True,
    )


def _copy_sqlite_file(path: Path, stack: ExitStack, *, keep: bool) -> Path:
    """Copy a SQLite file (read-only, through the backup API) into a private temp dir."""
    if not path.is_file():
        raise SandboxError(f"SQLite database file {path} does not exist; check the path")
    workdir = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    if not keep:
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
    copy = workdir / path.name
    # mode=ro: SQLite itself guarantees the user's file is not written; the backup API gives
    # a consistent snapshot even if another process is writing (WAL content included).
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise SandboxError(
            f"cannot read SQLite file {path} ({exc}); check that it is a SQLite database"
        ) from exc
    finally:
        source.close()
    return copy


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    """One shared connection (StaticPool), foreign keys on, SAVEPOINTs that really nest."""
    engine = create_engine(url, echo=echo, poolclass=StaticPool, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's legacy transaction control emits no BEGIN before SAVEPOINT or DDL, so a
    # released savepoint would commit by itself; take BEGIN over (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # A no-op inside a transaction, so it must happen here, once per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


# -- servers -----------------------------------------------------------------------------------


def _open_scratch(url: URL, stack: ExitStack, *, keep: bool, echo: bool) -> Database:
    _probe_server(url)
    name = f"{SCRATCH_PREFIX}{secrets.token_hex(6)}"
    _create_scratch_database(url, name)
    if not keep:
        # Registered before anything else can fail, so the database never outlives the run.
        stack.callback(_drop_databases, url, [name])
    scratch = url.set(database=name)
    return Database(
        _server_engine(scratch, echo=echo),
        admin_url=url,
        scratch_name=name,
        scratch_url=mask_url(scratch),
        keep=keep,
    )


def _connect_args(url: URL) -> dict[str, Any]:
    # Both psycopg and PyMySQL call it connect_timeout; a value in the URL wins.
    if "connect_timeout" in url.query:
        return {}
    return {"connect_timeout": CONNECT_TIMEOUT_SECONDS}


def _server_engine(url: URL, *, echo: bool = False, admin: bool = False) -> Engine:
    """An engine for a server URL; an admin engine autocommits and keeps no pool."""
    options: dict[str, Any] = {"echo": echo, "connect_args": _connect_args(url)}
    if admin:
        options.update(poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        return create_engine(url, **options)
    except ImportError as exc:
        backend = url.get_backend_name()
        raise MissingDependencyError(
            f"the {url.get_driver_name()} driver named in {mask_url(url)} is not installed "
            f"({exc}); install ormprobe[{_EXTRAS[backend]}] and use "
            f"{backend}+{_DRIVERS[backend]}:// URLs"
        ) from exc


@contextmanager
def _admin_connection(url: URL) -> Iterator[Connection]:
    """An autocommit connection to ``url``, with connection errors explained."""
    engine = _server_engine(url, admin=True)
    try:
        try:
            connection = engine.connect()
        except DBAPIError as exc:
            raise _connect_failure(exc, url) from exc
        with connection:
            yield connection
    finally:
        engine.dispose()


def _probe_server(url: URL) -> None:
    """Connect once, so a wrong URL fails fast with one clear message."""
    with _admin_connection(url) as connection:
        connection.execute(text("SELECT 1"))


def _utils_url(url: URL, database: str) -> URL:
    """The URL sqlalchemy-utils needs: mariadb+x reads as mysql+x, short connect timeout."""
    target = url.set(database=database)
    if url.get_backend_name() == "mariadb":
        target = target.set(drivername=f"mysql+{url.get_driver_name()}")
    if "connect_timeout" not in target.query:
        target = target.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_SECONDS)})
    return target


def _create_scratch_database(url: URL, name: str) -> None:
    # Imported here: only server runs need it, and it imports a lot.
    from sqlalchemy_utils import create_database

    encoding = "utf8" if url.get_backend_name() == "postgresql" else "utf8mb4"
    try:
        create_database(_utils_url(url, name), encoding=encoding)
    except DBAPIError as exc:
        raise _create_failure(exc, url, name) from exc


def _drop_databases(url: URL, names: Sequence[str]) -> None:
    """Drop scratch databases after ending every other connection to them."""
    from sqlalchemy_utils import drop_database

    failures: list[str] = []
    for name in names:
        try:
            _terminate_connections(url, name)
            if url.get_backend_name() in ("mysql", "mariadb"):
                _drop_mysql_database(url, name)
            else:
                drop_database(_utils_url(url, name))
        except DBAPIError as exc:
            failures.append(f"{name} ({_first_line(_error_text(exc))})")
    if failures:
        raise SandboxError(
            f"could not drop {', '.join(failures)}; remove them with `ormprobe clean --db {mask_url(url)}`"
        )


def _drop_mysql_database(url: URL, name: str) -> None:
    """DROP DATABASE with foreign key checks off for the statement's session.

    A scratch database for a ``schema=`` is referenced by foreign keys from the main
    scratch database (and the other way round); MySQL refuses to drop either side first
    unless the session disables the checks.
    """
    with _admin_connection(url) as connection:
        connection.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {_quote(connection, name)}")


def _terminate_connections(url: URL, name: str) -> None:
    """End sessions still using ``name`` (a killed run's), or DROP DATABASE waits or fails."""
    with _admin_connection(url) as connection:
        if url.get_backend_name() == "postgresql":
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            return
        ids = connection.execute(
            text("SELECT id FROM information_schema.processlist WHERE db = :name AND id <> CONNECTION_ID()"),
            {"name": name},
        ).scalars()
        for session_id in ids:
            try:
                connection.exec_driver_sql(f"KILL {int(session_id)}")
            except DBAPIError:
                continue  # it ended by itself meanwhile, or we may not kill it: DROP will say


# -- error messages ----------------------------------------------------------------------------


def _server_name(url: URL) -> str:
    backend = url.get_backend_name()
    port = url.port or {"postgresql": 5432}.get(backend, 3306)
    return f"{backend} server at {url.host or 'localhost'}:{port}"


def _scrub(message: str, url: URL) -> str:
    """Never let a password through, even if a driver echoes it back."""
    if url.password:
        message = message.replace(str(url.password), "***")
    return message


def _reason(exc: DBAPIError, url: URL) -> str:
    """The driver's message, first line, without libpq's "connection to ... failed:" prefix."""
    line = _first_line(_error_text(exc))
    if "failed: " in line:
        line = line.rsplit("failed: ", 1)[1]
    return _scrub(line.removeprefix("FATAL:").strip(), url)


def _mysql_code(exc: DBAPIError) -> int | None:
    args = getattr(exc.orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def _connect_failure(exc: DBAPIError, url: URL) -> SandboxError:
    """One line saying why the connection failed and what to do about it."""
    reason = _reason(exc, url)
    lowered = reason.lower()
    code = _mysql_code(exc)
    server = _server_name(url)
    masked = mask_url(url)
    if code in _MYSQL_UNREACHABLE or any(hint in lowered for hint in _PG_UNREACHABLE_HINTS):
        return SandboxError(
            f"cannot reach the {server} ({reason}); check that it is running and that "
            f"host and port are right in {masked}"
        )
    if code == _MYSQL_UNKNOWN_DATABASE or ('database "' in lowered and "not exist" in lowered):
        return SandboxError(
            f"database {url.database!r} does not exist on the {server}; create it or fix "
            f"the database name in {masked}"
        )
    if code in _MYSQL_AUTH or (code is None and any(h in lowered for h in _PG_AUTH_HINTS)):
        return SandboxError(
            f"the {server} refused user {url.username!r} ({reason}); check the user name "
            f"and password in {masked}"
        )
    return SandboxError(f"cannot connect to {masked} ({reason}); check the URL and the server")


def _create_failure(exc: DBAPIError, url: URL, name: str) -> SandboxError:
    reason = _reason(exc, url)
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate == _PG_INSUFFICIENT_PRIVILEGE or _mysql_code(exc) in _MYSQL_NO_PRIVILEGE:
        right = "CREATEDB" if url.get_backend_name() == "postgresql" else "the CREATE privilege"
        return SandboxError(
            f"user {url.username!r} may not create databases on the {_server_name(url)} "
            f"({reason}); grant it {right}, or pass --in-place to run inside "
            f"{url.database!r} in a transaction that is rolled back"
        )
    if "connect" in reason.lower():
        return _connect_failure(exc, url)
    return SandboxError(
        f"could not create scratch database {name} on the {_server_name(url)} ({reason}); "
        "pass --in-place to run inside the given database instead"
    )


# -- SIGTERM -----------------------------------------------------------------------------------


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt while the database is open.

    The default SIGTERM action kills the process without running ``finally`` blocks, which
    would leave the scratch database behind. KeyboardInterrupt (not SystemExit) because
    pytest and click both stop cleanly on it and run their teardown, while pytest reports a
    SystemExit raised inside a test as a mere failure and carries on.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be installed from the main thread
        return
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"ormprobe stopped by signal {signum}")


# --------------------------------------------------------------------------------------------
# Helpers for users' tests and for `ormprobe clean`


@contextmanager
def session(engine_or_url: Engine | str | None = None) -> Iterator[Session]:
    """A savepoint-isolated Session that is always rolled back, for users' own tests.

    Args:
        engine_or_url: An engine to borrow (its database is never committed to), a URL to
            open with :func:`open_database` (a scratch database), or ``None`` for in-memory
            SQLite.

    Yields:
        The session; ``session.commit()`` inside is fine, it is rolled back all the same.

    Example:
        >>> import sqlalchemy as sa
        >>> with session() as s:
        ...     s.scalar(sa.text("PRAGMA foreign_keys"))
        1
    """
    with ExitStack() as stack:
        if isinstance(engine_or_url, Engine):
            box = stack.enter_context(_engine_sandbox(engine_or_url))
        else:
            database = stack.enter_context(open_database(engine_or_url))
            box = stack.enter_context(database.sandbox())
        yield stack.enter_context(box.session())


def list_scratch_databases(url: str) -> list[str]:
    """Names of the ``ormprobe_*`` databases on the server of ``url``, sorted.

    Args:
        url: Any URL the server accepts (its own database is only used to log in).

    Returns:
        Scratch databases, including ones a killed run left behind; empty for SQLite.

    Raises:
        SandboxError: The server can't be reached or refuses the login.
    """
    parsed = _parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return []
    with _admin_connection(parsed) as connection:
        if parsed.get_backend_name() == "postgresql":
            query = text("SELECT datname FROM pg_database WHERE datname LIKE :pattern")
        else:
            query = text("SHOW DATABASES LIKE :pattern")
        names = connection.execute(query, {"pattern": rf"{SCRATCH_PREFIX[:-1]}\_%"}).scalars()
        return sorted(name for name in names if _SCRATCH_NAME.match(name))


def scratch_databases_in_use(url: str) -> set[str]:
    """The listed scratch databases a live run is using now: not leftovers to drop.

    A database counts as in use when a connection other than ours is open to it or to
    another database of the same run (on MySQL a run's ``schema=`` databases carry its
    name plus ``_<schema>``, and its connections sit in the main one). A killed run's
    connections end with its process, so its databases are never in use.

    Args:
        url: Any URL the server accepts.

    Raises:
        SandboxError: The server can't be reached or refuses the login.
    """
    parsed = _parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return set()
    with _admin_connection(parsed) as connection:
        if parsed.get_backend_name() == "postgresql":
            query = text(
                "SELECT DISTINCT datname FROM pg_stat_activity "
                "WHERE datname LIKE :pattern AND pid <> pg_backend_pid()"
            )
        else:
            query = text(
                "SELECT DISTINCT db FROM information_schema.processlist "
                "WHERE db LIKE :pattern AND id <> CONNECTION_ID()"
            )
        busy = connection.execute(query, {"pattern": rf"{SCRATCH_PREFIX[:-1]}\_%"}).scalars()
        runs = {_run_of(name) for name in busy if _SCRATCH_NAME.match(name)}
    return {name for name in list_scratch_databases(url) if _run_of(name) in runs}


def _run_of(scratch_name: str) -> str:
    """``ormprobe_<12 hex>``: the part of a scratch database's name that names its run."""
    return scratch_name[: len(SCRATCH_PREFIX) + 12]


def drop_scratch_databases(url: str, names: Sequence[str]) -> None:
    """Drop scratch databases, ending any connection still using them first.

    Args:
        url: Any URL the server accepts.
        names: Databases to drop, as listed by :func:`list_scratch_databases`.

    Raises:
        UsageError: A name is not an ormprobe scratch database (nothing is dropped then).
        SandboxError: The server can't be reached, or a database could not be dropped.
    """
    parsed = _parse_url(url)
    foreign = [name for name in names if not _SCRATCH_NAME.match(name)]
    if foreign:
        raise UsageError(
            f"refusing to drop {', '.join(map(repr, foreign))}: not an ormprobe scratch "
            f"database (they look like {SCRATCH_PREFIX}<12 hex>)"
        )
    if parsed.get_backend_name() == "sqlite" or not names:
        return
    _drop_databases(parsed, list(names))
