"""Which CHECK a database error reports, on every database ormprobe runs on.

PostgreSQL names the constraint in its diagnostics (SQLSTATE 23514); MySQL and MariaDB
have two error numbers for it and name it in the message; SQLite names it, or quotes its
text when it has no name. An error that reports no CHECK is not one the candidate
search can repair.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import exc as sa_exc

from ormprobe.graph import ConstraintInfo, ModelGraph
from ormprobe.synth.factories.tables import TableRules

# How each database names the CHECK a row broke (SQLite names it, or quotes its text).
_CHECK_MESSAGES = (
    re.compile(r"CHECK constraint failed: (.+)$"),
    re.compile(r"violates check constraint \"([^\"]+)\""),
    re.compile(r"CONSTRAINT [`\"']([^`\"']+)[`\"'] failed"),
    re.compile(r"Check constraint [`\"']([^`\"']+)[`\"'] is violated"),
)
_PG_CHECK_VIOLATION = "23514"
_MYSQL_CHECK_VIOLATIONS = frozenset({3819, 4025})


def violated_check(
    graph: ModelGraph, rules: TableRules, model: str, exc: sa_exc.DBAPIError
) -> tuple[str, ConstraintInfo] | None:
    """The CHECK of the model's tables that ``exc`` reports as violated, if any."""
    named = _violated_check_name(exc)
    if named is None:
        return None
    checks = [
        (table, c)
        for table in graph.model(model).tables
        for c in graph.table(table).constraints
        if c.kind == "check"
    ]
    wanted = _normalized(named)
    for table, check in checks:
        if wanted in (_normalized(check.name or ""), _normalized(check.sqltext or "")):
            return table, check
    unsolved = [(t, c) for t in graph.model(model).tables for c in rules.unsolved(t)]
    # A database that doesn't say which CHECK (or names it differently): if only one
    # CHECK of these tables is unsolved, it is the one.
    return unsolved[0] if len(unsolved) == 1 else None


def first_line(exc: BaseException | None) -> str:
    """The first line of what the database (or else the exception) said."""
    if exc is None:
        return ""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    return next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)


def _normalized(text: str) -> str:
    return "".join(text.lower().split()).strip("()")


def _violated_check_name(exc: sa_exc.DBAPIError) -> str | None:
    """The name (or, on SQLite without one, the text) of the CHECK ``exc`` reports."""
    orig = exc.orig
    constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate == _PG_CHECK_VIOLATION and constraint:
        return str(constraint)
    # MySQL drivers put the server's error number first: only two of them are CHECKs.
    args: tuple[Any, ...] = tuple(getattr(orig, "args", ()))
    if args and isinstance(args[0], int) and args[0] not in _MYSQL_CHECK_VIOLATIONS:
        return None
    message = first_line(exc)
    for pattern in _CHECK_MESSAGES:
        match = pattern.search(message)
        if match:
            return match.group(1).strip()
    return None
