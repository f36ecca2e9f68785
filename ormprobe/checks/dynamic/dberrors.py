"""What a database error means, read from the driver's own error codes.

SQLite, PostgreSQL and MySQL/MariaDB word the same violation differently; their error
codes (``SQLITE_CONSTRAINT_NOTNULL``, SQLSTATE ``23502``, MySQL ``1048``) do not change
with the server's language or version, so they decide the kind. The message supplies the
table, column or constraint name where the driver offers no structured field.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from sqlalchemy import exc as sa_exc

__all__ = ["DBError", "ErrorKind", "classify"]


class ErrorKind(enum.Enum):
    """The kind of failure an operation met."""

    NOT_NULL = "not-null"
    FOREIGN_KEY = "foreign-key"
    FK_MISMATCH = "foreign-key-mismatch"
    UNIQUE = "unique"
    CHECK = "check"
    BLANK_OUT_PK = "blank-out-primary-key"
    CIRCULAR = "circular-dependency"
    DATA = "data"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class DBError:
    """A classified error.

    Attributes:
        kind: what was violated.
        message: the first line of the database's (or SQLAlchemy's) message.
        column: the column named by a NOT NULL error, when the message names it.
        constraint: the constraint named by a CHECK/UNIQUE/FK error, when named.
        exception: the exception class name (``IntegrityError``...).
        statement: the SQL statement that failed, when the driver reported one; it tells
            an UPDATE the ORM sent from a DELETE whose ON DELETE rule failed.
    """

    kind: ErrorKind
    message: str
    column: str | None = None
    constraint: str | None = None
    exception: str = ""
    statement: str | None = None

    @property
    def verb(self) -> str:
        """The failing statement's first keyword (``UPDATE``, ``DELETE``...), or ``""``."""
        return self.statement.split(None, 1)[0].upper() if self.statement else ""

    def names_column(self, column: str) -> bool:
        """True when the error names ``column`` (``table.column`` or just ``column``)."""
        if self.column is None:
            return False
        wanted = column.rpartition(".")[2]
        return self.column.rpartition(".")[2] == wanted


_SQLITE_KINDS = {
    "SQLITE_CONSTRAINT_NOTNULL": ErrorKind.NOT_NULL,
    "SQLITE_CONSTRAINT_FOREIGNKEY": ErrorKind.FOREIGN_KEY,
    "SQLITE_CONSTRAINT_UNIQUE": ErrorKind.UNIQUE,
    "SQLITE_CONSTRAINT_PRIMARYKEY": ErrorKind.UNIQUE,
    "SQLITE_CONSTRAINT_CHECK": ErrorKind.CHECK,
}
_SQLSTATE_KINDS = {
    "23502": ErrorKind.NOT_NULL,
    "23503": ErrorKind.FOREIGN_KEY,
    "23505": ErrorKind.UNIQUE,
    "23514": ErrorKind.CHECK,
    "22001": ErrorKind.DATA,
    "22003": ErrorKind.DATA,
    "22P02": ErrorKind.DATA,
    "42830": ErrorKind.FK_MISMATCH,
}
_MYSQL_KINDS = {
    1048: ErrorKind.NOT_NULL,
    1364: ErrorKind.NOT_NULL,
    1451: ErrorKind.FOREIGN_KEY,
    1452: ErrorKind.FOREIGN_KEY,
    1216: ErrorKind.FOREIGN_KEY,
    1217: ErrorKind.FOREIGN_KEY,
    1062: ErrorKind.UNIQUE,
    3819: ErrorKind.CHECK,
    4025: ErrorKind.CHECK,
    1265: ErrorKind.DATA,
    1264: ErrorKind.DATA,
    1406: ErrorKind.DATA,
    1366: ErrorKind.DATA,
}

_QUOTED = r"[\"'`]([^\"'`]+)[\"'`]"
_COLUMN_PATTERNS = (
    re.compile(r"NOT NULL constraint failed: ([\w.]+)"),
    re.compile(r"null value in column " + _QUOTED),
    re.compile(r"Column " + _QUOTED + r" cannot be null"),
    re.compile(r"Field " + _QUOTED + r" doesn't have a default value"),
    re.compile(r"blank-out primary key column '([\w.]+)'"),
)
_CONSTRAINT_PATTERNS = (
    re.compile(r"CHECK constraint failed: (\w+)"),
    re.compile(r"violates (?:check|unique|foreign key) constraint " + _QUOTED),
    re.compile(r"CONSTRAINT " + _QUOTED + r" failed"),
    re.compile(r"Check constraint " + _QUOTED + r" is violated"),
    re.compile(r"UNIQUE constraint failed: ([\w., ]+)"),
    re.compile(r"for key " + _QUOTED),
)


def classify(error: BaseException) -> DBError:
    """Classify an exception raised by a flush, an execute or a DDL statement."""
    message = _first_line(error)
    if isinstance(error, sa_exc.CircularDependencyError):
        return DBError(ErrorKind.CIRCULAR, message, exception=type(error).__name__)
    if isinstance(error, AssertionError) and "blank-out primary key" in message:
        return DBError(
            ErrorKind.BLANK_OUT_PK,
            message,
            _search(_COLUMN_PATTERNS, message),
            None,
            "AssertionError",
        )
    orig = getattr(error, "orig", None)
    kind = _kind_from_driver(orig) if orig is not None else None
    if kind is None:
        kind = _kind_from_text(message)
    statement = getattr(error, "statement", None)
    return DBError(
        kind,
        message,
        column=_search(_COLUMN_PATTERNS, message) if kind is ErrorKind.NOT_NULL else None,
        constraint=_search(_CONSTRAINT_PATTERNS, message),
        exception=type(error).__name__,
        statement=" ".join(statement.split()) if isinstance(statement, str) else None,
    )


def _kind_from_driver(orig: BaseException) -> ErrorKind | None:
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        if "foreign key mismatch" in str(orig):
            return ErrorKind.FK_MISMATCH
        return _SQLITE_KINDS.get(name)
    # MySQL drivers carry the server's error number first; their SQLSTATE ("23000") is
    # too coarse to tell NOT NULL from a foreign key, so it is read only for PostgreSQL.
    args = getattr(orig, "args", ())
    if args and isinstance(args[0], int):
        return _MYSQL_KINDS.get(args[0], ErrorKind.OTHER)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(sqlstate, str):
        return _SQLSTATE_KINDS.get(sqlstate, ErrorKind.OTHER)
    return None


def _kind_from_text(message: str) -> ErrorKind:
    lowered = message.lower()
    if "foreign key mismatch" in lowered:
        return ErrorKind.FK_MISMATCH
    if "not null" in lowered or "cannot be null" in lowered:
        return ErrorKind.NOT_NULL
    if "foreign key" in lowered:
        return ErrorKind.FOREIGN_KEY
    if "unique" in lowered or "duplicate" in lowered:
        return ErrorKind.UNIQUE
    if "check constraint" in lowered:
        return ErrorKind.CHECK
    return ErrorKind.OTHER


def _search(patterns: tuple[re.Pattern[str], ...], message: str) -> str | None:
    for pattern in patterns:
        match = pattern.search(message)
        if match:
            return match.group(1)
    return None


def _first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None)
    text = str(orig) if orig is not None else str(error)
    for line in text.strip().splitlines():
        if line.strip():
            return line.strip()
    return type(error).__name__
