"""Reading CHECK text into sqlglot trees, and what their nodes mean.

The parts of a tree that evaluation and analysis read the same way live here: the
comparison operators, boolean literals, the names of length functions, and column
identifiers resolved the way SQL resolves them.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Container, Iterable, Mapping

import sqlglot
from sqlglot import exp

from ormprobe.synth.constraints.compare import Op

# SQLAlchemy dialect names -> sqlglot dialect names.
_SQLGLOT_DIALECTS = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "mssql": "tsql",
    "oracle": "oracle",
}


@functools.lru_cache(maxsize=2048)
def parse_check(text: str, dialect: str | None) -> exp.Expression | None:
    """The CHECK's expression tree, or None when no dialect can read it."""
    readers: list[str | None] = []
    if dialect is not None:
        readers.append(_SQLGLOT_DIALECTS.get(dialect.lower(), dialect.lower()))
    readers.extend([None, "postgres", "mysql", "sqlite"])
    for reader in dict.fromkeys(readers):
        tree = _parse_with(text, reader)
        if tree is not None:
            return tree
    return None


def _parse_with(text: str, reader: str | None) -> exp.Expression | None:
    # sqlglot logs a warning for text it can only read as a bare command; ormprobe says
    # itself what it could not read, so the warning would be noise on the user's terminal.
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        tree = sqlglot.parse_one(text, read=reader)
    except Exception:  # sqlglot raises more than SqlglotError on hostile text; any is "can't read"
        return None
    finally:
        logger.setLevel(level)
    if isinstance(tree, exp.Anonymous) and str(tree.this).upper() == "CHECK":
        # "CHECK (x > 0)" pasted whole: read what is inside.
        inner = tree.expressions
        return inner[0] if len(inner) == 1 else None
    return tree if isinstance(tree, exp.Expression) else None


COMPARISONS: dict[type[exp.Expression], Op] = {
    exp.EQ: "=",
    exp.NEQ: "!=",
    exp.LT: "<",
    exp.LTE: "<=",
    exp.GT: ">",
    exp.GTE: ">=",
}


# Functions that count characters, by name (lower case); sqlglot reads most as Anonymous.
CHAR_LENGTH_FUNCTIONS = ("char_length", "character_length", "len")


def boolean_value(node: exp.Boolean) -> bool:
    """The truth value of a TRUE/FALSE literal."""
    return bool(node.this)


def folded_names(names: Iterable[str]) -> dict[str, str]:
    """Lower-cased name -> the first name spelled so: where unquoted identifiers lead."""
    folded: dict[str, str] = {}
    for name in names:
        folded.setdefault(name.lower(), name)
    return folded


def resolve_identifier(node: exp.Column, names: Container[str], folded: Mapping[str, str]) -> str | None:
    """The name ``node`` refers to: itself if known, else (unless quoted) by letter case."""
    name = node.name
    if name in names:
        return name
    identifier = node.this
    if isinstance(identifier, exp.Identifier) and identifier.args.get("quoted"):
        return None
    return folded.get(name.lower())
