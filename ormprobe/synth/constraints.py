"""CHECK constraints: parse them with sqlglot, evaluate them in Python, solve the simple ones.

A CHECK is read as a tree (sqlglot), never with regular expressions, and is used three ways:

- :func:`evaluate` runs it in Python against a candidate row, with SQL's three-valued
  logic (a CHECK whose result is NULL passes). When the answer depends on something
  Python can't know the same way every database does (an unknown function, the
  collation of a mixed-case string comparison, case-sensitivity of ``LIKE``), it says
  so (``None``) instead of guessing.
- :func:`analyze_checks` turns the CHECKs of a table into a :class:`Domain` per column
  (what its own values must satisfy) and :class:`Relation` s between two columns.
  Every domain is an *under*-approximation: any value inside it satisfies the CHECK
  branch that was chosen (for ``OR``, one satisfiable branch). A CHECK it can't read is
  listed in ``unsolved``; the caller then uses the database as the oracle.
- :func:`violating_value` finds one value that breaks a CHECK yet still fits the
  column's type, so a dynamic check can prove the database enforces it.

Values in a :class:`Domain` are the values the database stores (``'MINERAL'`` for an
``Enum(Kind)`` column that stores names), with dates and times as Python objects.
:func:`storage_value` converts an ORM attribute value to that form.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import itertools
import logging
import re
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any, Literal

import sqlalchemy as sa
import sqlglot
from sqlalchemy.dialects import mysql as mysql_types
from sqlalchemy.dialects import postgresql as pg_types
from sqlalchemy.dialects import sqlite as sqlite_types
from sqlalchemy.sql import sqltypes
from sqlglot import exp

from ormprobe.graph import ColumnInfo, ConstraintInfo, TableInfo

__all__ = [
    "Candidate",
    "CheckAnalysis",
    "Domain",
    "Op",
    "Relation",
    "analyze_checks",
    "check_columns",
    "decimal_limit",
    "evaluate",
    "fits_type",
    "integer_range",
    "repair_candidates",
    "satisfy_relations",
    "storage_value",
    "temporal_range",
    "text_length",
    "type_domain",
    "value_kind",
    "violating_value",
]

Op = Literal["=", "!=", "<", "<=", ">", ">="]

_FLIPPED: dict[Op, Op] = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NEGATED: dict[Op, Op] = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_COMPARISONS: dict[type[exp.Expression], Op] = {
    exp.EQ: "=",
    exp.NEQ: "!=",
    exp.LT: "<",
    exp.LTE: "<=",
    exp.GT: ">",
    exp.GTE: ">=",
}

# How many OR-branch combinations to try per CHECK before declaring it unsolved; CHECKs
# with dozens of ORs exist, and the database oracle is a better use of time than 2**n.
_MAX_ALTERNATIVES = 64


# -- public data ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Domain:
    """What one column's own values must satisfy, in the values the database stores.

    Attributes:
        minimum: lower bound (number, string, date, time or timedelta), None = unbounded.
        minimum_inclusive: whether ``minimum`` itself is allowed.
        maximum: upper bound, None = unbounded.
        maximum_inclusive: whether ``maximum`` itself is allowed.
        allowed: the only values permitted (``IN (...)``, ``=``), None = no such limit.
        excluded: values not permitted (``NOT IN``, ``<>``).
        min_length: fewest characters a text value may have.
        max_length: most characters a text value may have.
        not_null: NULL is not permitted (``IS NOT NULL``).
        null_only: only NULL is permitted (the ``IS NULL`` branch of an ``OR`` was chosen).
        like: ``LIKE`` patterns the value must match (checked case-sensitively, which
            satisfies case-insensitive databases too).
        not_like: ``LIKE`` patterns the value must not match in any letter case.
        case: ``"lower"`` / ``"upper"``: text must equal its lower / upper-cased self.
        trimmed: text must have no leading or trailing spaces.
    """

    minimum: Any = None
    minimum_inclusive: bool = True
    maximum: Any = None
    maximum_inclusive: bool = True
    allowed: tuple[Any, ...] | None = None
    excluded: tuple[Any, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    not_null: bool = False
    null_only: bool = False
    like: tuple[str, ...] = ()
    not_like: tuple[str, ...] = ()
    case: Literal["lower", "upper"] | None = None
    trimmed: bool = False

    @property
    def unconstrained(self) -> bool:
        """True when the domain admits every value of the column's type."""
        return self == Domain()

    @property
    def prefix(self) -> str:
        """Literal text every value must start with (from the first ``LIKE`` pattern)."""
        return _like_literal_prefix(self.like[0]) if self.like else ""

    @property
    def suffix(self) -> str:
        """Literal text every value must end with (from the first ``LIKE`` pattern)."""
        if not self.like or not _has_wildcard(self.like[0]):
            return ""
        return _like_literal_prefix(self.like[0][::-1])[::-1]

    def admits(self, value: Any) -> bool:
        """True when ``value`` (in storage form) is inside the domain."""
        if value is None:
            return not self.not_null
        if self.null_only:
            return False
        try:
            return (
                self._admits_set(value) and self._admits_bounds(value) and self._admits_text(value)
            )
        except _CannotTell:
            return False

    def merge(self, other: Domain) -> Domain:
        """The intersection of two domains (both must hold)."""
        minimum, minimum_inclusive = _tighter(
            (self.minimum, self.minimum_inclusive), (other.minimum, other.minimum_inclusive), 1
        )
        maximum, maximum_inclusive = _tighter(
            (self.maximum, self.maximum_inclusive), (other.maximum, other.maximum_inclusive), -1
        )
        return Domain(
            minimum=minimum,
            minimum_inclusive=minimum_inclusive,
            maximum=maximum,
            maximum_inclusive=maximum_inclusive,
            allowed=_intersect(self.allowed, other.allowed),
            excluded=_union(self.excluded, other.excluded),
            min_length=_pick(self.min_length, other.min_length, max),
            max_length=_pick(self.max_length, other.max_length, min),
            not_null=self.not_null or other.not_null,
            null_only=self.null_only or other.null_only,
            like=_union(self.like, other.like),
            not_like=_union(self.not_like, other.not_like),
            case=self.case or other.case,
            trimmed=self.trimmed or other.trimmed,
        )

    def conflicts(self) -> bool:
        """True when the domain is certainly empty, by a cheap type-agnostic test.

        Integer granularity is not considered (``x > 1 AND x < 2`` is not a conflict
        here); :func:`ormprobe.synth.values.provider_for` finds those.
        """
        if self.null_only and self.not_null:
            return True
        if (
            self.min_length is not None
            and self.max_length is not None
            and self.min_length > self.max_length
        ):
            return True
        if self.allowed is not None:
            return not self.null_only and not any(self.admits(v) for v in self.allowed)
        return self._empty_interval() or self._patterns_conflict()

    def _patterns_conflict(self) -> bool:
        """LIKE patterns that no text of the allowed length and case can match."""
        if not self.like:
            return False
        heads = [_like_literal_prefix(p) for p in self.like]
        tails = [_like_literal_prefix(p[::-1])[::-1] if "%" in p else "" for p in self.like]
        if not _chain(heads, str.startswith) or not _chain(tails, str.endswith):
            return True
        head, tail = max(heads, key=len), max(tails, key=len)
        shortest = min(
            len(head) + len(tail) - size
            for size in range(min(len(head), len(tail)) + 1)
            if head.endswith(tail[:size])
        )
        if self.max_length is not None and shortest > self.max_length:
            return True
        for pattern in self.like:
            fixed = len(pattern.replace("%", ""))
            if self.max_length is not None and fixed > self.max_length:
                return True
            if "%" not in pattern and self.min_length is not None and fixed < self.min_length:
                return True
            literal = "".join(c for c in pattern if c not in "%_")
            if self.case is not None and literal != _apply_case(literal, self.case):
                return True
            if self.trimmed and (pattern[:1] == " " or pattern[-1:] == " "):
                return True
        return False

    def _empty_interval(self) -> bool:
        if self.minimum is None or self.maximum is None:
            return False
        try:
            order = _compare(self.minimum, self.maximum)
        except _CannotTell:
            return True
        if order != 0:
            return order > 0
        return not (self.minimum_inclusive and self.maximum_inclusive)

    def _admits_set(self, value: Any) -> bool:
        if self.allowed is not None and not any(_same(value, a) for a in self.allowed):
            return False
        return not any(_same(value, e) for e in self.excluded)

    def _admits_bounds(self, value: Any) -> bool:
        if self.minimum is not None:
            order = _compare(value, self.minimum)
            if order < 0 or (order == 0 and not self.minimum_inclusive):
                return False
        if self.maximum is not None:
            order = _compare(value, self.maximum)
            if order > 0 or (order == 0 and not self.maximum_inclusive):
                return False
        return True

    def _admits_text(self, value: Any) -> bool:
        textual = (
            self.min_length is not None
            or self.max_length is not None
            or self.like
            or self.not_like
            or self.case
            or self.trimmed
        )
        if not textual:
            return True
        if not isinstance(value, str):
            return False
        if self.min_length is not None and len(value) < self.min_length:
            return False
        if self.max_length is not None and len(value) > self.max_length:
            return False
        if self.case == "lower" and value != value.lower():
            return False
        if self.case == "upper" and value != value.upper():
            return False
        if self.trimmed and value != value.strip(" "):
            return False
        if not all(_like_matches(value, p, insensitive=False) for p in self.like):
            return False
        return not any(_like_matches(value, p, insensitive=True) for p in self.not_like)


@dataclass(frozen=True, slots=True)
class Relation:
    """A comparison between two columns of one row: ``left <op> right * scale + offset``.

    ``ends_at > starts_at`` is ``Relation("ends_at", ">", "starts_at")``;
    ``a + b <= 10`` is ``Relation("a", "<=", "b", scale=-1, offset=10)``;
    ``ends_at >= starts_at + INTERVAL '1 day'`` has ``offset=timedelta(days=1)``.

    Attributes:
        left: the column on the left, by database name.
        op: the comparison.
        right: the column on the right.
        scale: factor applied to ``right`` (1 for dates and times).
        offset: constant added (a number, or a ``timedelta`` for dates and times).
        check: name (or text) of the CHECK it comes from.
    """

    left: str
    op: Op
    right: str
    scale: Decimal = Decimal(1)
    offset: Any = 0
    check: str | None = None

    def target(self, right_value: Any) -> Any:
        """``right_value * scale + offset``: what ``left`` is compared with.

        Raises:
            TypeError: when the values can't be combined (e.g. a date scaled by 2).
        """
        if self.scale == 1:
            scaled = right_value
        elif isinstance(right_value, (int, Decimal)) and not isinstance(right_value, bool):
            scaled = self.scale * right_value
        elif isinstance(right_value, float):
            scaled = float(self.scale) * right_value
        else:
            raise TypeError(f"can't scale {right_value!r}")
        if isinstance(self.offset, (int, Decimal)) and self.offset == 0:
            return scaled
        if isinstance(scaled, float) and isinstance(self.offset, Decimal):
            return scaled + float(self.offset)
        return _shift(scaled, self.offset, 1)

    def holds(self, left_value: Any, right_value: Any) -> bool | None:
        """Whether the relation holds; True when either side is NULL; None = can't tell."""
        if left_value is None or right_value is None:
            return True
        try:
            return _apply_op(self.op, _compare_for(self.op, left_value, self.target(right_value)))
        except (_CannotTell, TypeError, ArithmeticError):
            return None

    @property
    def text(self) -> str:
        """A readable rendering: ``ends_at > starts_at + 1 day``."""
        right = self.right if self.scale == 1 else f"{self.scale} * {self.right}"
        if not (isinstance(self.offset, (int, Decimal)) and self.offset == 0):
            right = f"{right} + {self.offset}"
        return f"{self.left} {self.op} {right}"


@dataclass(frozen=True, slots=True)
class CheckAnalysis:
    """What the CHECK constraints of one table require.

    Attributes:
        domains: per column (database name), what its own values must satisfy; columns
            no CHECK restricts are absent.
        relations: column-vs-column comparisons the row must satisfy.
        unsolved: names (or the text, for unnamed ones) of CHECKs that could not be
            turned into domains and relations; use the database as the oracle for them.
        solved: names (or text) of CHECKs fully covered by ``domains`` and ``relations``.
        needs_values: columns passed as ``unset`` to :func:`analyze_checks` that a CHECK
            relates to columns the row sets, with no branch that does without them:
            the row must give them values too.
    """

    domains: Mapping[str, Domain] = field(default_factory=dict)
    relations: tuple[Relation, ...] = ()
    unsolved: tuple[str, ...] = ()
    solved: tuple[str, ...] = ()
    needs_values: tuple[str, ...] = ()

    def domain(self, column: str) -> Domain:
        """The domain of ``column`` (an unconstrained one when no CHECK names it)."""
        return self.domains.get(column, Domain())


# -- parsing -------------------------------------------------------------------------

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
def _parse(text: str, dialect: str | None) -> exp.Expression | None:
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


# -- evaluation ----------------------------------------------------------------------


class _CannotTell(Exception):
    """The outcome depends on something Python can't know the way the database does."""


@dataclass(frozen=True, slots=True)
class _Env:
    """Column values visible to an expression, looked up like SQL identifiers."""

    values: Mapping[str, Any]
    folded: Mapping[str, str]
    columns: Mapping[str, ColumnInfo]

    @classmethod
    def of(cls, row: Mapping[str, Any], columns: Mapping[str, ColumnInfo] | None = None) -> _Env:
        folded: dict[str, str] = {}
        for key in row:
            folded.setdefault(key.lower(), key)
        return cls(row, folded, columns or {})

    def lookup(self, node: exp.Column) -> Any:
        name = node.name
        key: str | None = name
        if name not in self.values:
            identifier = node.this
            quoted = isinstance(identifier, exp.Identifier) and bool(identifier.args.get("quoted"))
            key = None if quoted else self.folded.get(name.lower())
        if key is None:
            raise _CannotTell(f"no value for column {name!r}")
        value = self.values[key]
        # Converted only when the CHECK reads the column: binding a PasswordType value
        # hashes it, and an EncryptedType value encrypts it.
        column = self.columns.get(key)
        return value if column is None else storage_value(column, value)


def evaluate(
    check_sqltext: str,
    row: Mapping[str, Any],
    *,
    columns: Mapping[str, ColumnInfo] | None = None,
    dialect: str | None = None,
) -> bool | None:
    """Evaluate a CHECK for a candidate row, the way the database would.

    Args:
        check_sqltext: the CHECK's SQL (without ``CHECK``).
        row: values by column name (database names; attribute names work when they are
            the same). Missing columns make the result ``None`` if the CHECK needs them.
        columns: the table's columns by name; when given, ORM values (enum members,
            sqlalchemy-utils objects) are first converted with :func:`storage_value`.
        dialect: the SQLAlchemy dialect name to parse with first.

    Returns:
        True when the database would accept the row (a CHECK evaluating to NULL passes),
        False when it would reject it, None when Python can't tell.

    Example:
        >>> evaluate("price >= 0 AND qty BETWEEN 1 AND 10", {"price": 5, "qty": 0})
        False
        >>> evaluate("ends_at IS NULL OR ends_at > 3", {"ends_at": None})
        True
        >>> evaluate("my_function(x) > 1", {"x": 2}) is None
        True
    """
    tree = _parse(check_sqltext, dialect)
    if tree is None:
        return None
    try:
        result = _eval(tree, _Env.of(row, columns))
    except (_CannotTell, ArithmeticError, ValueError, TypeError, OverflowError, RecursionError):
        return None
    if result is None:
        return True
    if isinstance(result, bool):
        return result
    return None


def _eval(node: exp.Expression, env: _Env) -> Any:
    handler = _handler(type(node))
    if handler is None:
        raise _CannotTell(f"unsupported SQL: {type(node).__name__}")
    value = handler(node, env)
    if node.args.get("negate") and not isinstance(node, (exp.Not,)):
        return _not(value)
    return value


def _handler(kind: type[exp.Expression]) -> Callable[[Any, _Env], Any] | None:
    # Exact class first: sqlglot's And/Or also inherit from Func.
    handler = _HANDLERS.get(kind)
    if handler is not None:
        return handler
    for base in kind.__mro__[1:]:
        if base in _HANDLERS and base not in _TOO_GENERIC:
            return _HANDLERS[base]
    return None


# Bases shared by unrelated node kinds; inheriting a handler from them would be wrong.
_TOO_GENERIC: frozenset[type] = frozenset({exp.Func, exp.Binary, exp.Condition})


def _truth(value: Any) -> bool | None:
    """SQL truth of an operand of AND/OR/NOT (MySQL and SQLite store booleans as 0/1)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    raise _CannotTell(f"{value!r} is not a truth value")


def _not(value: Any) -> bool | None:
    truth = _truth(value)
    return None if truth is None else not truth


def _eval_logic(node: exp.Expression, env: _Env, dominant: bool) -> bool | None:
    """AND (dominant False) / OR (dominant True), three-valued, order-independent."""
    results: list[bool | None] = []
    unknown = False
    for part in (node.this, node.expression):
        try:
            results.append(_truth(_eval(part, env)))
        except _CannotTell:
            unknown = True
    if dominant in results:
        return dominant
    if unknown:
        raise _CannotTell("one side of a boolean connective can't be evaluated")
    if None in results:
        return None
    return not dominant


def _eval_comparison(node: exp.Expression, env: _Env) -> bool | None:
    op = _COMPARISONS[type(node)]
    left = _eval(node.this, env)
    right = _eval(node.expression, env)
    if left is None or right is None:
        return None
    return _apply_op(op, _compare_for(op, left, right))


def _compare_for(op: Op, left: Any, right: Any) -> int:
    if op in ("=", "!="):
        return 0 if _same_sql(left, right) else 1
    return _compare(left, right)


def _apply_op(op: Op, order: int) -> bool:
    return {
        "=": order == 0,
        "!=": order != 0,
        "<": order < 0,
        "<=": order <= 0,
        ">": order > 0,
        ">=": order >= 0,
    }[op]


def _eval_is(node: exp.Is, env: _Env) -> bool:
    value = _eval(node.this, env)
    target = node.expression
    if isinstance(target, exp.Null):
        return value is None
    if isinstance(target, exp.Boolean):
        truth = _truth(value)
        return truth is not None and truth == _boolean(target)
    raise _CannotTell("IS with something other than NULL/TRUE/FALSE")


def _eval_between(node: exp.Between, env: _Env) -> bool | None:
    if node.args.get("symmetric"):
        raise _CannotTell("BETWEEN SYMMETRIC")
    value = _eval(node.this, env)
    low = _eval(node.args["low"], env)
    high = _eval(node.args["high"], env)
    parts = [
        None if value is None or low is None else _compare(value, low) >= 0,
        None if value is None or high is None else _compare(value, high) <= 0,
    ]
    if False in parts:
        return False
    return None if None in parts else True


def _eval_in(node: exp.In, env: _Env) -> bool | None:
    if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
        raise _CannotTell("IN with a subquery")
    items = node.expressions
    if not items:
        raise _CannotTell("empty IN list")
    value = _eval(node.this, env)
    if value is None:
        return None
    saw_null = False
    for item in items:
        candidate = _eval(item, env)
        if candidate is None:
            saw_null = True
        elif _same_sql(value, candidate):
            return True
    return None if saw_null else False


def _eval_like(node: exp.Expression, env: _Env, escape: str | None = None) -> bool | None:
    value = _eval(node.this, env)
    pattern = _eval(node.expression, env)
    if value is None or pattern is None:
        return None
    if not isinstance(value, str) or not isinstance(pattern, str):
        raise _CannotTell("LIKE on a non-text value")
    if isinstance(node, exp.ILike):
        return _like_matches(value, pattern, insensitive=True, escape=escape)
    sensitive = _like_matches(value, pattern, insensitive=False, escape=escape)
    insensitive = _like_matches(value, pattern, insensitive=True, escape=escape)
    if sensitive != insensitive:
        # PostgreSQL's LIKE is case-sensitive, SQLite's and MySQL's usually are not.
        raise _CannotTell("LIKE result depends on the database's case sensitivity")
    return sensitive


def _eval_escape(node: exp.Escape, env: _Env) -> bool | None:
    inner = node.this
    escape = _eval(node.expression, env)
    if not isinstance(inner, (exp.Like, exp.ILike)) or not isinstance(escape, str):
        raise _CannotTell("ESCAPE outside LIKE")
    result = _eval_like(inner, env, escape=escape)
    return _not(result) if inner.args.get("negate") else result


def _eval_literal(node: exp.Literal, env: _Env) -> Any:
    return _literal(node)


def _literal(node: exp.Literal) -> Any:
    text = str(node.this)
    if node.is_string:
        return text
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise _CannotTell(f"unreadable number {text!r}") from exc


def _boolean(node: exp.Boolean) -> bool:
    return bool(node.this)


def _eval_neg(node: exp.Neg, env: _Env) -> Any:
    value = _eval(node.this, env)
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal, dt.timedelta)) and not isinstance(value, bool):
        return -value
    raise _CannotTell(f"can't negate {value!r}")


def _eval_arith(node: exp.Expression, env: _Env) -> Any:
    left = _eval(node.this, env)
    right = _eval(node.expression, env)
    if left is None or right is None:
        return None
    return _arith(type(node), left, right)


def _arith(kind: type[exp.Expression], left: Any, right: Any) -> Any:
    if kind is exp.DPipe:
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        raise _CannotTell("|| on non-text values")
    if _is_number(left) and _is_number(right):
        return _number_arith(kind, left, right)
    if kind is exp.Add and isinstance(right, dt.timedelta) and _is_temporal(left):
        return left + right
    if kind is exp.Add and isinstance(left, dt.timedelta) and _is_temporal(right):
        return right + left
    if kind is exp.Sub and isinstance(right, dt.timedelta) and _is_temporal(left):
        return left - right
    if kind is exp.Sub and type(left) is type(right) and _is_temporal(left):
        return left - right
    raise _CannotTell(f"can't compute {type(kind).__name__} of {left!r} and {right!r}")


def _number_arith(kind: type[exp.Expression], left: Any, right: Any) -> Any:
    if isinstance(left, float) or isinstance(right, float):
        left, right = float(left), float(right)
    if kind is exp.Add:
        return left + right
    if kind is exp.Sub:
        return left - right
    if kind is exp.Mul:
        return left * right
    if right == 0:
        raise _CannotTell("division by zero")
    if kind is exp.Div:
        if isinstance(left, int) and isinstance(right, int):
            if left % right:
                # Integer division truncates in PostgreSQL and SQLite, not in MySQL.
                raise _CannotTell("integer division with a remainder")
            return left // right
        return Decimal(left) / Decimal(right) if not isinstance(left, float) else left / right
    if kind is exp.Mod:
        # Decimal's % truncates toward zero, like SQL's; Python's int % floors.
        result = Decimal(left) % Decimal(right)
        return int(result) if isinstance(left, int) and isinstance(right, int) else result
    raise _CannotTell(f"unsupported arithmetic {kind.__name__}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _is_temporal(value: Any) -> bool:
    return isinstance(value, (dt.date, dt.datetime, dt.timedelta))


def _eval_length(node: exp.Length, env: _Env) -> int | None:
    value = _eval(node.this, env)
    if value is None:
        return None
    if isinstance(value, bytes):
        return len(value)
    if not isinstance(value, str):
        raise _CannotTell("length of a non-text value")
    if not value.isascii():
        # MySQL's length() counts bytes, everyone else's counts characters.
        raise _CannotTell("length of non-ASCII text differs between databases")
    return len(value)


def _eval_case(node: exp.Expression, env: _Env) -> str | None:
    value = _eval(node.this, env)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _CannotTell("lower/upper of a non-text value")
    return value.lower() if isinstance(node, exp.Lower) else value.upper()


def _eval_trim(node: exp.Trim, env: _Env) -> str | None:
    if node.args.get("expression") is not None or node.args.get("collation") is not None:
        raise _CannotTell("TRIM of custom characters")
    value = _eval(node.this, env)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _CannotTell("trim of a non-text value")
    position = str(node.args.get("position") or "BOTH").upper()
    if position == "LEADING":
        return value.lstrip(" ")
    if position == "TRAILING":
        return value.rstrip(" ")
    return value.strip(" ")


def _eval_abs(node: exp.Abs, env: _Env) -> Any:
    value = _eval(node.this, env)
    if value is None:
        return None
    if _is_number(value) or isinstance(value, dt.timedelta):
        return abs(value)
    raise _CannotTell("abs of a non-number")


def _eval_coalesce(node: exp.Coalesce, env: _Env) -> Any:
    for part in [node.this, *node.expressions]:
        value = _eval(part, env)
        if value is not None:
            return value
    return None


def _eval_cast(node: exp.Cast, env: _Env) -> Any:
    value = _eval(node.this, env)
    if value is None:
        return None
    return _cast(value, _cast_category(node))


def _cast_category(node: exp.Cast) -> str:
    to = node.args.get("to")
    dtype = to.this if isinstance(to, exp.DataType) else None
    groups: list[tuple[str, str]] = [
        ("INTEGER_TYPES", "int"),
        ("FLOAT_TYPES", "float"),
        ("REAL_TYPES", "decimal"),
        ("TEXT_TYPES", "text"),
    ]
    for attribute, category in groups:
        if dtype in getattr(exp.DataType, attribute, ()):
            return category
    names = {
        "DATE": "date",
        "TIMESTAMP": "datetime",
        "DATETIME": "datetime",
        "TIMESTAMPTZ": "datetime",
        "TIME": "time",
        "BOOLEAN": "bool",
    }
    return names.get(getattr(dtype, "name", ""), "unknown")


def _cast(value: Any, category: str) -> Any:
    caster = _CASTS.get(category)
    if caster is None:
        raise _CannotTell(f"CAST to {category}")
    try:
        return caster(value)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise _CannotTell(f"CAST of {value!r} to {category}") from exc


def _cast_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    number = Decimal(value) if isinstance(value, str) else value
    if _is_number(number) and number == int(number):
        return int(number)
    # Casting 2.5 rounds in PostgreSQL and MySQL, truncates in SQLite.
    raise _CannotTell("CAST of a fraction to an integer")


def _cast_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (dt.date, uuid.UUID)) and not isinstance(value, dt.datetime):
        return str(value)
    raise _CannotTell(f"text form of {value!r} differs between databases")


def _cast_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _CannotTell("CAST of a boolean to a number")
    return Decimal(str(value)) if isinstance(value, (float, str)) else Decimal(value)


def _cast_float(value: Any) -> float:
    if isinstance(value, bool):
        raise _CannotTell("CAST of a boolean to a number")
    return float(value)


def _cast_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    raise _CannotTell(f"CAST of {value!r} to boolean")


_CASTS: dict[str, Callable[[Any], Any]] = {
    "int": _cast_int,
    "text": _cast_text,
    "decimal": _cast_decimal,
    "float": _cast_float,
    "bool": _cast_bool,
    "date": lambda v: _temporal_from(v, dt.date),
    "datetime": lambda v: _temporal_from(v, dt.datetime),
    "time": lambda v: _temporal_from(v, dt.time),
}


def _temporal_from(value: Any, kind: type) -> Any:
    if isinstance(value, kind) and (kind is not dt.date or not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        return _parse_temporal(value, kind)
    if kind is dt.date and isinstance(value, dt.datetime):
        return value.date()
    if kind is dt.datetime and type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    raise _CannotTell(f"CAST of {value!r} to {kind.__name__}")


def _parse_temporal(text: str, kind: type) -> Any:
    text = text.strip()
    try:
        if kind is dt.date:
            return dt.date.fromisoformat(text)
        if kind is dt.time:
            return dt.time.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise _CannotTell(f"{text!r} is not an ISO {kind.__name__}") from exc


_INTERVAL_UNITS = {
    "microsecond": dt.timedelta(microseconds=1),
    "millisecond": dt.timedelta(milliseconds=1),
    "second": dt.timedelta(seconds=1),
    "minute": dt.timedelta(minutes=1),
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
    "week": dt.timedelta(weeks=1),
}


def _eval_interval(node: exp.Interval, env: _Env) -> dt.timedelta:
    amount = node.this
    unit = node.args.get("unit")
    text = str(_eval(amount, env)) if amount is not None else ""
    if unit is not None:
        text = f"{text} {unit.name}"
    return _interval_from_text(text)


def _interval_from_text(text: str) -> dt.timedelta:
    words = text.lower().split()
    if not words or len(words) % 2:
        raise _CannotTell(f"unreadable interval {text!r}")
    total = dt.timedelta()
    for amount, unit in zip(words[::2], words[1::2], strict=True):
        step = _INTERVAL_UNITS.get(unit.rstrip("s"))
        if step is None:
            # Months and years have no fixed length.
            raise _CannotTell(f"interval unit {unit!r}")
        try:
            total += step * float(amount)
        except ValueError as exc:
            raise _CannotTell(f"unreadable interval {text!r}") from exc
    return total


def _eval_anonymous(node: exp.Anonymous, env: _Env) -> Any:
    name = str(node.this).lower()
    args = [_eval(arg, env) for arg in node.expressions]
    if name in ("char_length", "character_length", "len") and len(args) == 1:
        return None if args[0] is None else len(_text_arg(args[0]))
    if name == "octet_length" and len(args) == 1:
        return None if args[0] is None else len(_text_arg(args[0]).encode())
    if name == "num_nulls":
        return sum(arg is None for arg in args)
    if name == "num_nonnulls":
        return sum(arg is not None for arg in args)
    raise _CannotTell(f"unknown function {name}()")


def _text_arg(value: Any) -> str:
    if not isinstance(value, str):
        raise _CannotTell("text function on a non-text value")
    return value


_HANDLERS: dict[type[exp.Expression], Callable[[Any, _Env], Any]] = {
    exp.Column: lambda node, env: env.lookup(node),
    exp.Literal: _eval_literal,
    exp.Boolean: lambda node, env: _boolean(node),
    exp.Null: lambda node, env: None,
    exp.Paren: lambda node, env: _eval(node.this, env),
    exp.Not: lambda node, env: _not(_eval(node.this, env)),
    exp.And: lambda node, env: _eval_logic(node, env, dominant=False),
    exp.Or: lambda node, env: _eval_logic(node, env, dominant=True),
    **{kind: _eval_comparison for kind in _COMPARISONS},
    exp.Is: _eval_is,
    exp.Between: _eval_between,
    exp.In: _eval_in,
    exp.Like: _eval_like,
    exp.ILike: _eval_like,
    exp.Escape: _eval_escape,
    exp.Neg: _eval_neg,
    exp.Add: _eval_arith,
    exp.Sub: _eval_arith,
    exp.Mul: _eval_arith,
    exp.Div: _eval_arith,
    exp.Mod: _eval_arith,
    exp.DPipe: _eval_arith,
    exp.Length: _eval_length,
    exp.Lower: _eval_case,
    exp.Upper: _eval_case,
    exp.Trim: _eval_trim,
    exp.Abs: _eval_abs,
    exp.Coalesce: _eval_coalesce,
    exp.Cast: _eval_cast,
    exp.Interval: _eval_interval,
    exp.Anonymous: _eval_anonymous,
}


# -- comparing values the way SQL does -----------------------------------------------

_PLAIN_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_PLAIN_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _compare(left: Any, right: Any) -> int:
    """-1 / 0 / 1 ordering of two non-NULL SQL values; _CannotTell when not portable."""
    left, right = _comparable(left, right)
    if isinstance(left, str):
        return _compare_text(left, right)
    try:
        return int(left > right) - int(left < right)
    except TypeError as exc:
        raise _CannotTell(f"can't compare {left!r} with {right!r}") from exc


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    if _is_number(left) or isinstance(left, bool):
        if _is_number(right) or isinstance(right, bool):
            return left, right
        raise _CannotTell("number compared with a non-number")
    if isinstance(left, str) and isinstance(right, str):
        return left, right
    if isinstance(left, str) and _is_temporal_value(right):
        return _temporal_from(left, _temporal_kind(right)), right
    if isinstance(right, str) and _is_temporal_value(left):
        return left, _temporal_from(right, _temporal_kind(left))
    one_datetime = isinstance(left, dt.datetime) != isinstance(right, dt.datetime)
    if one_datetime and isinstance(left, dt.date) and isinstance(right, dt.date):
        left, right = _as_datetime(left), _as_datetime(right)
    if (
        isinstance(left, dt.datetime)
        and isinstance(right, dt.datetime)
        and (left.tzinfo is None) != (right.tzinfo is None)
    ):
        raise _CannotTell("aware and naive datetimes")
    if isinstance(left, uuid.UUID) or isinstance(right, uuid.UUID):
        return str(left).lower().replace("-", ""), str(right).lower().replace("-", "")
    if type(left) is not type(right) and not (
        isinstance(left, dt.date) and isinstance(right, dt.date)
    ):
        raise _CannotTell(f"can't compare {type(left).__name__} with {type(right).__name__}")
    return left, right


def _is_temporal_value(value: Any) -> bool:
    return isinstance(value, (dt.date, dt.time))


def _temporal_kind(value: Any) -> type:
    if isinstance(value, dt.datetime):
        return dt.datetime
    return dt.date if isinstance(value, dt.date) else dt.time


def _as_datetime(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day)


def _compare_text(left: str, right: str) -> int:
    if left == right:
        return 0
    if _text_equal_somewhere(left, right):
        raise _CannotTell("equal under a case-insensitive or space-padding collation")
    plain = (set(left) | set(right)) <= _PLAIN_LOWER or (set(left) | set(right)) <= _PLAIN_UPPER
    if not plain:
        # Collations order mixed case and punctuation differently; only the database knows.
        raise _CannotTell("text ordering depends on the collation")
    return (left > right) - (left < right)


def _text_equal_somewhere(left: str, right: str) -> bool:
    return left.lower().rstrip(" ") == right.lower().rstrip(" ")


def _same_sql(left: Any, right: Any) -> bool:
    """SQL ``=`` for two non-NULL values; _CannotTell when databases disagree."""
    left, right = _comparable(left, right)
    if isinstance(left, str):
        if left == right:
            return True
        if _text_equal_somewhere(left, right):
            raise _CannotTell("equal under a case-insensitive or space-padding collation")
        return False
    return bool(left == right)


def _same(value: Any, other: Any) -> bool:
    """Python-side equality for domain membership (strict: no collation leniency)."""
    try:
        left, right = _comparable(value, other)
    except _CannotTell:
        return False
    return bool(left == right)


def _like_matches(
    value: str, pattern: str, *, insensitive: bool, escape: str | None = None
) -> bool:
    return _like_regex(pattern, insensitive, escape).fullmatch(value) is not None


@functools.lru_cache(maxsize=512)
def _like_regex(pattern: str, insensitive: bool, escape: str | None) -> re.Pattern[str]:
    """Translate a LIKE pattern (not SQL) into an anchored Python pattern."""
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if insensitive else 0))


def _chain(parts: Sequence[str], contains: Callable[[str, str], bool]) -> bool:
    """True when the longest of ``parts`` starts (ends) with every other one."""
    longest = max(parts, key=len)
    return all(contains(longest, part) for part in parts)


def _apply_case(text: str, case: str) -> str:
    return text.lower() if case == "lower" else text.upper()


def _has_wildcard(pattern: str) -> bool:
    return "%" in pattern or "_" in pattern


def _like_literal_prefix(pattern: str) -> str:
    out = []
    for char in pattern:
        if char in "%_":
            break
        out.append(char)
    return "".join(out)


# -- domain helpers ------------------------------------------------------------------


def _tighter(a: tuple[Any, bool], b: tuple[Any, bool], direction: int) -> tuple[Any, bool]:
    """The tighter of two bounds: larger minimum (direction 1) or smaller maximum (-1)."""
    if a[0] is None:
        return b
    if b[0] is None:
        return a
    try:
        order = _compare(a[0], b[0]) * direction
    except _CannotTell:
        return a
    if order > 0:
        return a
    if order < 0:
        return b
    return a[0], a[1] and b[1]


def _intersect(a: tuple[Any, ...] | None, b: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
    if a is None:
        return b
    if b is None:
        return a
    return tuple(x for x in a if any(_same(x, y) for y in b))


def _union(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
    out = list(a)
    for item in b:
        if not any(_same(item, known) or item == known for known in out):
            out.append(item)
    return tuple(out)


def _pick(a: int | None, b: int | None, choose: Callable[[int, int], int]) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return choose(a, b)


# -- what a column type allows -------------------------------------------------------

Kind = Literal[
    "int",
    "decimal",
    "float",
    "bool",
    "str",
    "enum",
    "date",
    "datetime",
    "time",
    "interval",
    "uuid",
    "bytes",
    "other",
]


def value_kind(sa_type: Any) -> Kind:
    """The kind of plain value a column type stores, looking through TypeDecorators.

    Decorators from outside SQLAlchemy whose ORM values are objects (sqlalchemy-utils'
    ``ChoiceType``, ``CountryType``...) are ``"other"``: their CHECKs compare stored
    values that ormprobe can't map back.
    """
    type_ = _unwrap(sa_type)
    if type_ is None:
        return "other"
    for klass, kind in _KINDS:
        if isinstance(type_, klass):
            return kind
    return "other"


def _unwrap(sa_type: Any) -> Any:
    type_ = sa_type
    for _ in range(10):
        if not isinstance(type_, sa.types.TypeDecorator) or isinstance(type_, sa.Interval):
            return type_
        if _opaque_decorator(type_):
            return None
        type_ = type_.impl_instance
    return None


def _opaque_decorator(type_: sa.types.TypeDecorator[Any]) -> bool:
    """True when the decorator's ORM values are objects, not the stored value."""
    if type(type_).__module__.startswith("sqlalchemy."):
        return isinstance(type_, sa.PickleType)
    return hasattr(type_, "_coerce") or isinstance(type_, sa.PickleType)


_KINDS: tuple[tuple[type, Kind], ...] = (
    (sa.Boolean, "bool"),
    (sa.Enum, "enum"),
    (sa.Float, "float"),
    (sa.Numeric, "decimal"),
    (pg_types.MONEY, "decimal"),
    (sa.Integer, "int"),
    (mysql_types.YEAR, "int"),
    (mysql_types.BIT, "int"),
    (pg_types.OID, "int"),
    (sa.DateTime, "datetime"),
    (sa.Date, "date"),
    (sa.Time, "time"),
    (sa.Interval, "interval"),
    (pg_types.INTERVAL, "interval"),
    (sa.Uuid, "uuid"),
    (sa.String, "str"),
    (sqltypes._Binary, "bytes"),
)

# Integer ranges by type class, most specific first (MRO order decides).
_INT_RANGES: tuple[tuple[type, int, int, int], ...] = (
    # (class, signed minimum, signed maximum, unsigned maximum)
    (mysql_types.TINYINT, -128, 127, 255),
    (mysql_types.MEDIUMINT, -8_388_608, 8_388_607, 16_777_215),
    (sa.SmallInteger, -32_768, 32_767, 65_535),
    (sa.BigInteger, -(2**63), 2**63 - 1, 2**64 - 1),
    (sa.Integer, -(2**31), 2**31 - 1, 2**32 - 1),
)


def integer_range(sa_type: Any) -> tuple[int, int]:
    """The inclusive range an integer-like column type can store."""
    type_ = _unwrap(sa_type)
    if isinstance(type_, mysql_types.YEAR):
        return 1901, 2155
    if isinstance(type_, mysql_types.BIT):
        return 0, 2 ** (type_.length or 1) - 1
    if isinstance(type_, pg_types.OID):
        return 0, 2**32 - 1
    if type(type_).__name__ == "TINYINT" and type(type_).__module__.endswith("mssql.base"):
        return 0, 255  # SQL Server's TINYINT is unsigned
    unsigned = bool(getattr(type_, "unsigned", False))
    for klass, low, high, unsigned_high in _INT_RANGES:
        if isinstance(type_, klass):
            return (0, unsigned_high) if unsigned else (low, high)
    return -(2**31), 2**31 - 1


def decimal_limit(sa_type: Any) -> Decimal | None:
    """Largest absolute value a ``Numeric(p, s)`` stores, None when unbounded."""
    type_ = _unwrap(sa_type)
    precision = getattr(type_, "precision", None)
    if not isinstance(precision, int) or isinstance(type_, sa.Float):
        return None
    scale = getattr(type_, "scale", None) or 0
    return Decimal(10) ** (precision - scale) - Decimal(10) ** -scale


_TEXT_BYTE_LIMITS: tuple[tuple[type, int], ...] = (
    (mysql_types.TINYTEXT, 255),
    (mysql_types.TEXT, 65_535),
)


def text_length(sa_type: Any) -> int | None:
    """Most characters a text column type stores, None when unbounded."""
    type_ = _unwrap(sa_type)
    length = getattr(type_, "length", None)
    if isinstance(length, int) and not isinstance(length, bool):
        return length
    for klass, limit in _TEXT_BYTE_LIMITS:
        if isinstance(type_, klass):
            return limit
    return None


_DATE_LIMITS: tuple[tuple[type, dt.datetime, dt.datetime], ...] = (
    (mysql_types.TIMESTAMP, dt.datetime(1970, 1, 2), dt.datetime(2038, 1, 18)),
    (mysql_types.DATETIME, dt.datetime(1000, 1, 1), dt.datetime(9999, 12, 31)),
)


def temporal_range(sa_type: Any) -> tuple[dt.datetime, dt.datetime]:
    """The datetimes a date/time column type can store (naive bounds)."""
    type_ = _unwrap(sa_type)
    for klass, low, high in _DATE_LIMITS:
        if isinstance(type_, klass):
            return low, high
    return dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30)


def type_domain(sa_type: Any, *, nullable: bool = True) -> Domain:
    """What the column type itself admits, as a :class:`Domain` (storage values).

    Example:
        >>> import sqlalchemy as sa
        >>> type_domain(sa.SmallInteger()).maximum
        32767
        >>> type_domain(sa.String(5), nullable=False).max_length
        5
    """
    kind = value_kind(sa_type)
    base = Domain(not_null=not nullable)
    if kind == "int":
        low, high = integer_range(sa_type)
        return replace(base, minimum=low, maximum=high)
    if kind == "decimal":
        limit = decimal_limit(sa_type)
        return base if limit is None else replace(base, minimum=-limit, maximum=limit)
    if kind == "str":
        return replace(base, max_length=text_length(sa_type))
    if kind == "enum":
        return replace(base, allowed=tuple(_unwrap(sa_type).enums))
    if kind == "bool":
        return replace(base, allowed=(False, True))
    return base


def storage_value(column: ColumnInfo, value: Any) -> Any:
    """The value the database stores for ORM value ``value`` of ``column``.

    Enum members become the stored string (the name, or the value with
    ``values_callable``); objects of third-party TypeDecorators (sqlalchemy-utils'
    ``Choice``, ``Country``...) go through the decorator's own bind processing.
    Anything else is returned unchanged.
    """
    if value is None:
        return None
    type_ = column.sa_type
    for _ in range(10):
        if isinstance(type_, sa.Enum):
            return _enum_storage(type_, value)
        if not isinstance(type_, sa.types.TypeDecorator) or isinstance(type_, sa.Interval):
            return value
        if not type(type_).__module__.startswith("sqlalchemy."):
            value = _bind(type_, value)
        type_ = type_.impl_instance
    return value


def _enum_storage(type_: sa.Enum, value: Any) -> Any:
    if not isinstance(value, enum.Enum) or type_.enum_class is None:
        return value
    stored: dict[Any, str] = {}
    for member, text in zip(type_.enum_class.__members__.values(), type_.enums, strict=False):
        stored.setdefault(member, text)
    return stored.get(value, value)


def _bind(type_: sa.types.TypeDecorator[Any], value: Any) -> Any:
    try:
        return type_.process_bind_param(value, _DEFAULT_DIALECT)
    except Exception:  # a user type may reject a value; the raw value is the best guess
        return value


# Bind processing needs a dialect; the storage form of sqlalchemy-utils values does not
# depend on which one.
_DEFAULT_DIALECT = sqlite_types.dialect()


def _coerce_literal(value: Any, column: ColumnInfo | None) -> Any:
    """A CHECK literal in the column's storage terms ('2024-01-01' -> date for a DATE)."""
    if column is None or value is None:
        return value
    kind = value_kind(column.sa_type)
    try:
        if kind in ("date", "datetime", "time") and isinstance(value, (str, dt.date)):
            target = {"date": dt.date, "datetime": dt.datetime, "time": dt.time}[kind]
            return _with_zone(_temporal_from(value, target), column)
        if kind == "bool" and isinstance(value, int) and value in (0, 1):
            return bool(value)
        if kind == "int" and isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        if kind in ("decimal", "float") and isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
    except _CannotTell:
        return value
    return value


def _with_zone(value: Any, column: ColumnInfo) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None and column.timezone:
        return value.replace(tzinfo=dt.UTC)
    return value


# -- analysis: CHECK tree -> atoms ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Term:
    """A column as a CHECK mentions it, possibly wrapped: lower(x), trim(x), CAST(x ...)."""

    column: str
    wrapper: Literal["lower", "upper", "trim"] | None = None


@dataclass(frozen=True, slots=True)
class _DomainAtom:
    """A requirement on one column's own values."""

    column: str
    domain: Domain


@dataclass(frozen=True, slots=True)
class _RelationAtom:
    relation: Relation


@dataclass(frozen=True, slots=True)
class _TruthAtom:
    value: bool


_Atom = _DomainAtom | _RelationAtom | _TruthAtom


@dataclass(frozen=True, slots=True)
class _Alternative:
    """One way to satisfy (part of) a CHECK: atoms that together imply it."""

    atoms: tuple[_Atom, ...]
    complete: bool

    @property
    def wants_null(self) -> bool:
        return any(isinstance(a, _DomainAtom) and a.domain.null_only for a in self.atoms)


_NOT_UNDERSTOOD = _Alternative((), complete=False)


@dataclass(frozen=True, slots=True)
class _Table:
    """The columns a CHECK may name, for resolving identifiers and literal types."""

    columns: Mapping[str, ColumnInfo]
    folded: Mapping[str, str]

    @classmethod
    def of(cls, columns: Sequence[ColumnInfo]) -> _Table:
        by_name = {c.name: c for c in columns}
        folded: dict[str, str] = {}
        for name in by_name:
            folded.setdefault(name.lower(), name)
        return cls(by_name, folded)

    def resolve(self, node: exp.Column) -> str | None:
        name = node.name
        if name in self.columns:
            return name
        identifier = node.this
        if isinstance(identifier, exp.Identifier) and identifier.args.get("quoted"):
            return None
        return self.folded.get(name.lower())

    def kind(self, name: str) -> Kind:
        return value_kind(self.columns[name].sa_type)


def _alternatives(node: exp.Expression, table: _Table, negated: bool) -> Iterator[_Alternative]:
    """Ways to make ``node`` (or ``NOT node``) true, most useful first, lazily."""
    if isinstance(node, exp.Paren):
        yield from _alternatives(node.this, table, negated)
    elif isinstance(node, exp.Not):
        yield from _alternatives(node.this, table, not negated)
    elif isinstance(node, (exp.And, exp.Or)):
        conjunction = isinstance(node, exp.And) != negated
        parts = (node.this, node.expression)
        yield from (
            _conjoin(parts, table, negated) if conjunction else _disjoin(parts, table, negated)
        )
    elif isinstance(node, exp.Between) and not node.args.get("symmetric"):
        yield from _between(node, table, negated)
    else:
        atoms = _atoms(node, table, negated)
        yield _NOT_UNDERSTOOD if atoms is None else _Alternative(tuple(atoms), complete=True)


def _conjoin(
    parts: Sequence[exp.Expression], table: _Table, negated: bool
) -> Iterator[_Alternative]:
    first = list(itertools.islice(_alternatives(parts[0], table, negated), _MAX_ALTERNATIVES))
    second = list(itertools.islice(_alternatives(parts[1], table, negated), _MAX_ALTERNATIVES))
    combined = (
        _Alternative(a.atoms + b.atoms, a.complete and b.complete)
        for a, b in itertools.product(first, second)
    )
    yield from itertools.islice(combined, _MAX_ALTERNATIVES)


def _disjoin(
    parts: Sequence[exp.Expression], table: _Table, negated: bool
) -> Iterator[_Alternative]:
    branches = [
        alt
        for part in parts
        for alt in itertools.islice(_alternatives(part, table, negated), _MAX_ALTERNATIVES)
    ]
    # Branches that force NULL make poor test rows; try them last.
    yield from sorted(branches, key=lambda alt: (not alt.complete, alt.wants_null))


def _between(node: exp.Between, table: _Table, negated: bool) -> Iterator[_Alternative]:
    subject, low, high = node.this, node.args["low"], node.args["high"]
    lower = _comparison_atoms(subject, ">=" if not negated else "<", low, table)
    upper = _comparison_atoms(subject, "<=" if not negated else ">", high, table)
    if negated:
        for atoms in (lower, upper):
            yield _NOT_UNDERSTOOD if atoms is None else _Alternative(tuple(atoms), True)
    elif lower is None or upper is None:
        yield _NOT_UNDERSTOOD
    else:
        yield _Alternative(tuple(lower + upper), complete=True)


def _atoms(node: exp.Expression, table: _Table, negated: bool) -> list[_Atom] | None:
    """The atoms equivalent to one predicate (None = not understood)."""
    if type(node) in _COMPARISONS:
        op = _COMPARISONS[type(node)]
        return _comparison_atoms(node.this, _NEGATED[op] if negated else op, node.expression, table)
    if node.args.get("negate") and isinstance(node, (exp.Like, exp.ILike, exp.Is)):
        negated = not negated
    if isinstance(node, exp.Is):
        return _is_atoms(node, table, negated)
    if isinstance(node, exp.In):
        return _in_atoms(node, table, negated)
    if isinstance(node, (exp.Like, exp.ILike)):
        return _like_atoms(node, table, negated)
    if isinstance(node, exp.Boolean):
        return [_TruthAtom(_boolean(node) != negated)]
    if isinstance(node, exp.Column):
        return _boolean_column_atoms(node, table, not negated)
    return None


def _domain_atom(term: _Term, domain: Domain) -> _DomainAtom:
    flags = {
        "lower": Domain(case="lower"),
        "upper": Domain(case="upper"),
        "trim": Domain(trimmed=True),
    }
    if term.wrapper is not None:
        domain = domain.merge(flags[term.wrapper])
    return _DomainAtom(term.column, domain)


def _term(node: exp.Expression, table: _Table) -> _Term | None:
    """The column ``node`` is (possibly lower()/upper()/trim()/CAST-wrapped), if any."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Column):
        name = table.resolve(node)
        return None if name is None else _Term(name)
    wrappers: dict[type[exp.Expression], Literal["lower", "upper", "trim"]] = {
        exp.Lower: "lower",
        exp.Upper: "upper",
        exp.Trim: "trim",
    }
    wrapper = wrappers.get(type(node))
    if wrapper is not None and node.args.get("expression") is None:
        inner = _term(node.this, table)
        if inner is not None and inner.wrapper is None and table.kind(inner.column) == "str":
            return _Term(inner.column, wrapper)
        return None
    if isinstance(node, exp.Cast) and not isinstance(node, exp.TryCast):
        inner = _term(node.this, table)
        if inner is not None and _lossless_cast(table.kind(inner.column), _cast_category(node)):
            return inner
    return None


def _lossless_cast(kind: Kind, category: str) -> bool:
    """True when CAST(column AS category) keeps every value of ``kind`` unchanged."""
    lossless = {
        "int": {"int", "decimal"},
        "decimal": {"decimal"},
        "float": {"float"},
        "str": {"text"},
        "date": {"date"},
        "datetime": {"datetime"},
        "time": {"time"},
        "bool": {"bool"},
    }
    return category in lossless.get(kind, set())


def _constant(node: exp.Expression) -> tuple[bool, Any]:
    """(True, value) when ``node`` mentions no column and evaluates in Python."""
    if any(True for _ in node.find_all(exp.Column)):
        return False, None
    try:
        return True, _eval(node, _Env.of({}))
    except (_CannotTell, ArithmeticError, ValueError, TypeError, OverflowError):
        return False, None


def _comparison_atoms(
    left: exp.Expression, op: Op, right: exp.Expression, table: _Table
) -> list[_Atom] | None:
    for subject, flipped, other in ((left, op, right), (right, _FLIPPED[op], left)):
        atoms = _subject_atoms(subject, flipped, other, table)
        if atoms is not None:
            return atoms
    return _linear_atoms(left, op, right, table)


def _subject_atoms(
    subject: exp.Expression, op: Op, other: exp.Expression, table: _Table
) -> list[_Atom] | None:
    """``subject op other`` where subject is a column or length(column)."""
    term = _term(subject, table)
    if term is not None:
        return _term_comparison(term, op, other, table)
    length = _length_term(subject, table)
    if length is not None:
        is_constant, value = _constant(other)
        if is_constant and isinstance(value, int) and not isinstance(value, bool):
            return _length_atoms(length, op, value)
    return None


def _term_comparison(
    term: _Term, op: Op, other: exp.Expression, table: _Table
) -> list[_Atom] | None:
    is_constant, value = _constant(other)
    if is_constant:
        if value is None:
            # "x = NULL" is never true; "x <> NULL" neither.
            return [_TruthAtom(False)]
        literal = _coerce_literal(value, table.columns[term.column])
        return [_domain_atom(term, _bound_domain(op, literal))]
    other_term = _term(other, table)
    if other_term is not None and other_term.column == term.column:
        return _self_comparison(term, op, other_term)
    return None


def _self_comparison(term: _Term, op: Op, other: _Term) -> list[_Atom] | None:
    """``lower(x) = x`` and friends."""
    if op != "=" or (term.wrapper is None) == (other.wrapper is None):
        return None
    wrapper = term.wrapper or other.wrapper
    return [_domain_atom(_Term(term.column, wrapper), Domain())]


def _bound_domain(op: Op, value: Any) -> Domain:
    if op == "=":
        return Domain(allowed=(value,))
    if op == "!=":
        empty = isinstance(value, str) and value == ""
        return Domain(excluded=(value,), min_length=1 if empty else None)
    inclusive = op in ("<=", ">=")
    if op in ("<", "<="):
        return Domain(maximum=value, maximum_inclusive=inclusive)
    return Domain(minimum=value, minimum_inclusive=inclusive)


def _length_term(node: exp.Expression, table: _Table) -> _Term | None:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Length):
        inner = node.this
    elif isinstance(node, exp.Anonymous) and str(node.this).lower() in (
        "char_length",
        "character_length",
        "len",
    ):
        if len(node.expressions) != 1:
            return None
        inner = node.expressions[0]
    else:
        return None
    term = _term(inner, table)
    if term is None or table.kind(term.column) != "str":
        return None
    return term


def _length_atoms(term: _Term, op: Op, n: int) -> list[_Atom] | None:
    bounds: dict[Op, Domain] = {
        "=": Domain(min_length=n, max_length=n),
        ">=": Domain(min_length=n),
        ">": Domain(min_length=n + 1),
        "<=": Domain(max_length=n),
        "<": Domain(max_length=n - 1),
    }
    domain = bounds.get(op)
    if domain is None:
        return None
    if domain.max_length is not None and domain.max_length < 0:
        return [_TruthAtom(False)]
    if domain.min_length is not None:
        domain = replace(domain, min_length=max(domain.min_length, 0))
    return [_domain_atom(term, domain)]


def _is_atoms(node: exp.Is, table: _Table, negated: bool) -> list[_Atom] | None:
    term = _term(node.this, table)
    target = node.expression
    if term is None:
        return None
    if isinstance(target, exp.Null):
        domain = Domain(not_null=True) if negated else Domain(null_only=True)
        return [_DomainAtom(term.column, domain)]
    if isinstance(target, exp.Boolean) and table.kind(term.column) == "bool":
        if negated:
            # "x IS NOT TRUE" also admits NULL; the non-NULL part is enough.
            return [_DomainAtom(term.column, Domain(allowed=(not _boolean(target),)))]
        return [_DomainAtom(term.column, Domain(allowed=(_boolean(target),), not_null=True))]
    return None


def _in_atoms(node: exp.In, table: _Table, negated: bool) -> list[_Atom] | None:
    if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
        return None
    term = _term(node.this, table)
    if term is None:
        return None
    values = []
    for item in node.expressions:
        is_constant, value = _constant(item)
        if not is_constant:
            return _type_implied(term, table, negated)
        values.append(_coerce_literal(value, table.columns[term.column]))
    if not values:
        return None
    if negated:
        if any(v is None for v in values):
            return [_TruthAtom(False)]  # x NOT IN (..., NULL) is never true
        empty = any(isinstance(v, str) and v == "" for v in values)
        domain = Domain(excluded=tuple(values), min_length=1 if empty else None)
    else:
        domain = Domain(allowed=tuple(v for v in values if v is not None))
    return [_domain_atom(term, domain)]


def _type_implied(term: _Term, table: _Table, negated: bool) -> list[_Atom] | None:
    """The CHECK SQLAlchemy adds for ``Enum``/``Boolean(create_constraint=True)``.

    Rendered without literal binds it reads ``t.col IN (__[POSTCOMPILE_param_1])``; its
    list is the type's own values, which every provider already keeps to.
    """
    if negated:
        return None
    column = table.columns[term.column]
    type_ = _unwrap(column.sa_type)
    if isinstance(type_, sa.Enum):
        return [_DomainAtom(term.column, Domain(allowed=tuple(type_.enums)))]
    if isinstance(type_, sa.Boolean):
        return [_DomainAtom(term.column, Domain(allowed=(False, True)))]
    return None


def _like_atoms(node: exp.Expression, table: _Table, negated: bool) -> list[_Atom] | None:
    term = _term(node.this, table)
    is_constant, pattern = _constant(node.expression)
    if term is None or not is_constant or not isinstance(pattern, str):
        return None
    if table.kind(term.column) != "str":
        return None
    domain = Domain(not_like=(pattern,)) if negated else Domain(like=(pattern,))
    return [_domain_atom(term, domain)]


def _boolean_column_atoms(node: exp.Column, table: _Table, value: bool) -> list[_Atom] | None:
    name = table.resolve(node)
    if name is None or table.kind(name) not in ("bool", "int"):
        return None
    return [_DomainAtom(name, Domain(allowed=(value,)))]


# -- analysis: linear comparisons (price * 100 >= 1, a + b <= 10, x > y + 1) ----------


@dataclass(frozen=True, slots=True)
class _Linear:
    """``sum(coefficient * column) + constant``; constant is a Decimal or a timedelta."""

    terms: tuple[tuple[str, Decimal], ...]
    constant: Decimal | dt.timedelta

    def plus(self, other: _Linear, sign: int = 1) -> _Linear | None:
        coefficients: dict[str, Decimal] = dict(self.terms)
        for name, coefficient in other.terms:
            coefficients[name] = coefficients.get(name, Decimal(0)) + sign * coefficient
        constant = _add_constants(self.constant, other.constant, sign)
        if constant is None:
            return None
        return _Linear(tuple((n, c) for n, c in coefficients.items() if c != 0), constant)

    def times(self, factor: Decimal) -> _Linear | None:
        if isinstance(self.constant, dt.timedelta) and factor not in (1, -1):
            return None
        constant = (
            self.constant * int(factor)
            if isinstance(self.constant, dt.timedelta)
            else self.constant * factor
        )
        return _Linear(tuple((n, c * factor) for n, c in self.terms), constant)


def _add_constants(a: Any, b: Any, sign: int) -> Any:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a + sign * b
    if isinstance(a, dt.timedelta) and isinstance(b, dt.timedelta):
        return a + sign * b
    if isinstance(a, dt.timedelta) and b == 0:
        return a
    if isinstance(b, dt.timedelta) and a == 0:
        return sign * b
    return None


def _linear(node: exp.Expression, table: _Table) -> _Linear | None:
    if isinstance(node, exp.Paren):
        return _linear(node.this, table)
    term = _term(node, table)
    if term is not None:
        if term.wrapper is not None or table.kind(term.column) not in _LINEAR_KINDS:
            return None
        return _Linear(((term.column, Decimal(1)),), Decimal(0))
    is_constant, value = _constant(node)
    if is_constant:
        return _constant_linear(value)
    if isinstance(node, exp.Neg):
        inner = _linear(node.this, table)
        return None if inner is None else inner.times(Decimal(-1))
    if isinstance(node, (exp.Add, exp.Sub)):
        left, right = _linear(node.this, table), _linear(node.expression, table)
        if left is None or right is None:
            return None
        return left.plus(right, 1 if isinstance(node, exp.Add) else -1)
    if isinstance(node, (exp.Mul, exp.Div)):
        return _scaled(node, table)
    return None


_LINEAR_KINDS = frozenset({"int", "decimal", "float", "date", "datetime", "time", "interval"})


def _constant_linear(value: Any) -> _Linear | None:
    if isinstance(value, dt.timedelta):
        return _Linear((), value)
    if _is_number(value):
        return _Linear((), Decimal(str(value)) if isinstance(value, float) else Decimal(value))
    return None


def _scaled(node: exp.Expression, table: _Table) -> _Linear | None:
    left, right = node.this, node.expression
    factor_side, other_side = (right, left) if _constant(right)[0] else (left, right)
    if isinstance(node, exp.Div) and factor_side is not right:
        return None
    is_constant, factor = _constant(factor_side)
    if not is_constant or not _is_number(factor) or factor == 0:
        return None
    inner = _linear(other_side, table)
    if inner is None:
        return None
    if isinstance(node, exp.Div):
        if any(table.kind(name) == "int" for name, _ in inner.terms):
            return None  # integer division truncates; "x / 2 > 1" is not "x > 2"
        return inner.times(Decimal(1) / Decimal(str(factor)))
    return inner.times(Decimal(str(factor)))


def _linear_atoms(
    left: exp.Expression, op: Op, right: exp.Expression, table: _Table
) -> list[_Atom] | None:
    lhs, rhs = _linear(left, table), _linear(right, table)
    if lhs is None or rhs is None:
        return None
    difference = lhs.plus(rhs, -1)
    if difference is None:
        return None
    terms = difference.terms
    if not terms:
        zero = dt.timedelta() if isinstance(difference.constant, dt.timedelta) else Decimal(0)
        return [_TruthAtom(_apply_op(op, _compare(difference.constant, zero)))]
    if len(terms) == 1:
        return _single_column_bound(terms[0], op, difference.constant, table)
    if len(terms) == 2:
        return _relation_atom(terms, op, difference.constant, table)
    return None


def _single_column_bound(
    term: tuple[str, Decimal], op: Op, constant: Decimal | dt.timedelta, table: _Table
) -> list[_Atom] | None:
    name, coefficient = term
    if coefficient < 0:
        op = _FLIPPED[op]
    if isinstance(constant, dt.timedelta):
        if coefficient not in (1, -1):
            return None
        bound: Any = -constant * int(coefficient)
    else:
        bound = _tidy(-constant / coefficient)
    if table.kind(name) in ("date", "datetime", "time") and not isinstance(bound, dt.timedelta):
        return None
    literal = _coerce_literal(bound, table.columns[name])
    return [_DomainAtom(name, _bound_domain(op, literal))]


def _relation_atom(
    terms: tuple[tuple[str, Decimal], ...], op: Op, constant: Decimal | dt.timedelta, table: _Table
) -> list[_Atom] | None:
    (left, a), (right, b) = terms
    if a < 0:
        op = _FLIPPED[op]
    scale = _tidy(-b / a)
    temporal = {table.kind(left), table.kind(right)} & {"date", "datetime", "time"}
    if temporal and scale != 1:
        return None
    if isinstance(constant, dt.timedelta):
        if a not in (1, -1):
            return None
        offset: Any = -constant * int(a)
    else:
        offset = _tidy(-constant / a)
    return [_RelationAtom(Relation(left, op, right, Decimal(scale), offset))]


def _tidy(value: Decimal) -> Decimal | int:
    """Integral Decimals as ints, so domains read ``x >= 1`` rather than ``1.000``."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


# -- analysis: putting atoms together ------------------------------------------------


@dataclass(frozen=True, slots=True)
class _State:
    domains: Mapping[str, Domain]
    relations: tuple[Relation, ...]

    def add(self, atoms: Sequence[_Atom], table: _Table, check: str) -> _State | None:
        """The state with ``atoms`` added, or None if they contradict it."""
        domains = dict(self.domains)
        relations = list(self.relations)
        for atom in atoms:
            if isinstance(atom, _TruthAtom):
                if not atom.value:
                    return None
            elif isinstance(atom, _RelationAtom):
                relations.append(replace(atom.relation, check=check))
            else:
                known = domains.get(atom.column, Domain())
                if known.case and atom.domain.case and known.case != atom.domain.case:
                    return None  # lower- and upper-case at once: only letterless text
                merged = known.merge(atom.domain)
                if not _feasible(merged, table.columns[atom.column]):
                    return None
                domains[atom.column] = merged
        if relations and _propagate(domains, relations, table.columns) is None:
            return None
        return _State(domains, tuple(relations))


# -- bounds propagation over relations ----------------------------------------------

_ORDERED_KINDS = frozenset({"int", "decimal", "float", "date", "datetime", "time", "interval"})


def _propagate(
    domains: Mapping[str, Domain], relations: Sequence[Relation], columns: Mapping[str, ColumnInfo]
) -> dict[str, Domain] | None:
    """Narrow column bounds through the relations; None when some column has no value left.

    ``a < b`` and ``b < 3`` give ``a < 3``: interval (bounds) consistency, iterated to a
    fixpoint (or a round limit: a cycle like ``a > b + 1, b > a + 1`` only creeps).
    """
    narrowed = {
        name: _snap(domains.get(name, Domain()).merge(type_domain(column.sa_type)), column)
        for name, column in columns.items()
    }
    usable = [r for r in relations if _propagates(r, columns)]
    for _ in range(4 * len(usable) + 4):
        changed = False
        for relation in usable:
            for name, implied in _implied(relation, narrowed):
                merged = _snap(narrowed[name].merge(implied), columns[name])
                if merged == narrowed[name]:
                    continue
                if not _feasible(merged, columns[name]):
                    return None
                narrowed[name] = merged
                changed = True
        if not changed:
            break
    return narrowed


def _snap(domain: Domain, column: ColumnInfo) -> Domain:
    """Bounds moved onto the column's grid: ``x > -1`` is ``x >= 0`` for an integer.

    Without this, propagation over integers settles on real-valued bounds that
    admit no integer (``-1 < j < 0``).
    """
    kind = value_kind(column.sa_type)
    if domain.allowed and kind in _ORDERED_KINDS:
        domain = domain.merge(_hull(domain.allowed))
    scale = 0 if kind == "int" else getattr(_unwrap(column.sa_type), "scale", None)
    if kind not in ("int", "decimal") or not isinstance(scale, int):
        return domain
    unit = Decimal(1).scaleb(-scale)
    try:
        if domain.minimum is not None:
            low = _ceil_int(_number_of(domain.minimum) / unit, domain.minimum_inclusive)
            domain = replace(domain, minimum=_grid_value(low, unit, kind), minimum_inclusive=True)
        if domain.maximum is not None:
            high = _floor_int(_number_of(domain.maximum) / unit, domain.maximum_inclusive)
            domain = replace(domain, maximum=_grid_value(high, unit, kind), maximum_inclusive=True)
    except (TypeError, ValueError, ArithmeticError):
        return domain
    return domain


def _hull(values: Sequence[Any]) -> Domain:
    """The bounds around a list of allowed values (``x IN (1, 5)`` -> ``1 <= x <= 5``)."""
    try:
        ordered = sorted(values, key=functools.cmp_to_key(_compare))
    except (_CannotTell, TypeError):
        return Domain()
    return Domain(minimum=ordered[0], maximum=ordered[-1])


def _grid_value(steps: int, unit: Decimal, kind: str) -> int | Decimal:
    return steps if kind == "int" else steps * unit


def _propagates(relation: Relation, columns: Mapping[str, ColumnInfo]) -> bool:
    if relation.left not in columns or relation.right not in columns or relation.op == "!=":
        return False
    kinds = {
        value_kind(columns[relation.left].sa_type),
        value_kind(columns[relation.right].sa_type),
    }
    if not kinds <= _ORDERED_KINDS:
        return False
    return relation.scale == 1 or kinds <= {"int", "decimal", "float"}


def _implied(relation: Relation, domains: Mapping[str, Domain]) -> list[tuple[str, Domain]]:
    """What ``left op scale * right + offset`` says about each side, given the other."""
    left, right = domains[relation.left], domains[relation.right]
    out: list[tuple[str, Domain]] = []
    ops: tuple[Op, ...] = (">=", "<=") if relation.op == "=" else (relation.op,)
    for op in ops:
        strict = op in (">", "<")
        upward = op in (">", ">=")
        try:
            image = _image(right, relation, upward)
            if image is not None:
                out.append((relation.left, _bound_from(upward, image[0], image[1] and not strict)))
            source = (
                (left.maximum, left.maximum_inclusive)
                if upward
                else (left.minimum, left.minimum_inclusive)
            )
            back = _preimage(source, relation)
            if back is not None:
                # left > s*right + off  =>  s*right < left.max - off; dividing by s < 0 flips.
                below = upward == (relation.scale > 0)
                out.append((relation.right, _bound_from(not below, back, source[1] and not strict)))
        except (TypeError, ArithmeticError, OverflowError, ValueError):
            continue
    return out


def _bound_from(lower: bool, value: Any, closed: bool) -> Domain:
    if lower:
        return Domain(minimum=value, minimum_inclusive=closed)
    return Domain(maximum=value, maximum_inclusive=closed)


def _image(right: Domain, relation: Relation, upward: bool) -> tuple[Any, bool] | None:
    """The lowest (upward) or highest value of ``scale * right + offset`` over right's domain."""
    take_minimum = upward == (relation.scale > 0)
    value, closed = (
        (right.minimum, right.minimum_inclusive)
        if take_minimum
        else (right.maximum, right.maximum_inclusive)
    )
    if value is None:
        return None
    return relation.target(value), closed


def _preimage(source: tuple[Any, bool], relation: Relation) -> Any:
    value = source[0]
    if value is None:
        return None
    shifted = value if _is_zero(relation.offset) else _shift(value, relation.offset, -1)
    if relation.scale == 1:
        return shifted
    if isinstance(shifted, float):
        return shifted / float(relation.scale)
    return Decimal(shifted) / relation.scale


def _is_zero(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value == 0


def _feasible(domain: Domain, column: ColumnInfo) -> bool:
    combined = domain.merge(type_domain(column.sa_type, nullable=column.nullable))
    if combined.null_only:
        return column.nullable and not domain.not_null
    if combined.conflicts():
        return False
    kind = value_kind(column.sa_type)
    if kind == "int":
        return _grid_has_room(combined, 0)
    if kind == "decimal":
        scale = getattr(_unwrap(column.sa_type), "scale", None)
        return _grid_has_room(combined, scale) if isinstance(scale, int) else True
    return True


def _grid_has_room(domain: Domain, scale: int) -> bool:
    """Whether a multiple of 10**-scale lies inside the bounds and is not excluded."""
    if domain.minimum is None or domain.maximum is None:
        return True
    unit = Decimal(1).scaleb(-scale)
    try:
        low = _ceil_int(_number_of(domain.minimum) / unit, domain.minimum_inclusive)
        high = _floor_int(_number_of(domain.maximum) / unit, domain.maximum_inclusive)
    except (TypeError, ValueError, ArithmeticError):
        return True
    if low > high:
        return False
    if high - low >= len(domain.excluded):
        return True  # more grid points than excluded values: one is left
    return any(
        not any(_same(step * unit, e) for e in domain.excluded) for step in range(low, high + 1)
    )


def _number_of(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"{value!r} is not a number")
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def _ceil_int(value: Any, inclusive: bool) -> int:
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    ceiling = int(number.to_integral_value(rounding=ROUND_CEILING))
    return ceiling if inclusive or ceiling != number else ceiling + 1


def _floor_int(value: Any, inclusive: bool) -> int:
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    floor = int(number.to_integral_value(rounding=ROUND_FLOOR))
    return floor if inclusive or floor != number else floor - 1


def analyze_checks(
    table: TableInfo, dialect: str | None = None, *, unset: Collection[str] = ()
) -> CheckAnalysis:
    """Turn the CHECK constraints of ``table`` into per-column domains and relations.

    Each CHECK is parsed with sqlglot (``dialect`` first, then sqlglot's default
    dialect). ``OR`` is solved by picking one satisfiable branch; ``NOT`` is pushed
    inwards. A CHECK none of whose branches can be read completely is listed in
    ``unsolved``; the parts of it that must hold regardless (top-level ``AND``
    conjuncts that were read) still narrow the domains.

    ``unset`` names the columns the caller will leave to the database or to SQLAlchemy
    (a ``server_default``, a Python ``default``): their values are unknown when the row is
    built, so a branch that relates a set column to one of them can't be made to hold.
    For a CHECK that mixes both kinds, branches over set columns only are preferred
    (``finished_at IS NULL OR finished_at >= started_at`` with ``started_at`` filled by
    ``now()`` keeps ``finished_at`` NULL); when there is none, the unset columns it names
    are listed in ``needs_values``: the caller must give them values after all.

    Args:
        table: the table, as :func:`ormprobe.introspect.build_graph` describes it.
        dialect: SQLAlchemy dialect name (``postgresql``, ``mysql``, ``sqlite``...).
        unset: database names of columns whose values the row will not carry.

    Returns:
        The :class:`CheckAnalysis`; never raises for unreadable CHECK text.
    """
    left_out = frozenset(unset)
    forced: set[str] = set()
    # Forcing a column to be set can unblock branches of other CHECKs that name it, so
    # solve again until no more columns are forced (at most once per column).
    for _ in range(len(left_out) + 1):
        analysis, needed = _analyze(table, dialect, left_out - forced)
        if not needed:
            return replace(analysis, needs_values=tuple(sorted(forced)))
        forced.update(needed)
    return replace(analysis, needs_values=tuple(sorted(forced)))


def _analyze(
    table: TableInfo, dialect: str | None, unset: frozenset[str]
) -> tuple[CheckAnalysis, set[str]]:
    """One pass of :func:`analyze_checks`; also the unset columns some CHECK can't do without."""
    cols = _Table.of(table.columns)
    readable: list[_Check] = []
    unsolved: list[str] = []
    trees: list[tuple[str, exp.Expression]] = []
    needed: set[str] = set()
    for check in table.constraints:
        if check.kind != "check":
            continue
        label = _label(check)
        tree = _parse(check.sqltext, dialect) if check.sqltext else None
        options = () if tree is None else _complete_alternatives(tree, cols)
        if options and tree is not None and unset:
            options, blocked = _prefer_set_columns(tree, options, cols, unset)
            needed.update(blocked)
        if options:
            readable.append(_Check(label, options))
        else:
            unsolved.append(label)
            if tree is not None:
                trees.append((label, tree))
    state, solved = _solve_together(readable, cols)
    unsolved.extend(c.label for c in readable if c.label not in solved)
    for label, tree in trees:
        state = _add_necessary(tree, cols, state, label)
    analysis = CheckAnalysis(dict(state.domains), state.relations, tuple(unsolved), tuple(solved))
    return analysis, needed


def _prefer_set_columns(
    tree: exp.Expression,
    options: tuple[_Alternative, ...],
    table: _Table,
    unset: frozenset[str],
) -> tuple[tuple[_Alternative, ...], set[str]]:
    """The options that don't rely on unset columns, or all of them and those columns.

    A CHECK over unset columns alone is left as it is: the row can't influence it, and
    the default that fills the column is the model author's promise that it holds.
    """
    named = {name for node in tree.find_all(exp.Column) if (name := table.resolve(node))}
    if not named & unset or not named - unset:
        return options, set()
    usable = tuple(option for option in options if not _relies_on(option, unset))
    if usable:
        return usable, set()
    return options, named & unset


def _relies_on(option: _Alternative, unset: frozenset[str]) -> bool:
    for atom in option.atoms:
        if isinstance(atom, _RelationAtom) and {atom.relation.left, atom.relation.right} & unset:
            return True
        if isinstance(atom, _DomainAtom) and atom.column in unset:
            return True
    return False


def _label(check: ConstraintInfo) -> str:
    return check.name or check.sqltext or "<CHECK without text>"


@dataclass(frozen=True, slots=True)
class _Check:
    """A CHECK that can be read: its label and the complete ways to satisfy it."""

    label: str
    options: tuple[_Alternative, ...]


def _complete_alternatives(tree: exp.Expression, table: _Table) -> tuple[_Alternative, ...]:
    try:
        found = itertools.islice(_alternatives(tree, table, False), _MAX_ALTERNATIVES)
        return tuple(alt for alt in found if alt.complete)
    except RecursionError:
        return ()


# How many branch combinations the search across a table's CHECKs may try.
_SEARCH_BUDGET = 2000


def _solve_together(checks: Sequence[_Check], table: _Table) -> tuple[_State, list[str]]:
    """One alternative per CHECK such that all hold together (depth-first, bounded).

    Choosing each CHECK's first feasible branch on its own can paint a later CHECK into
    a corner (``i > 5 OR i < 0`` then ``i < j AND j < 3``), so choices are revisited.
    When the budget runs out, CHECKs are taken one at a time and the ones that don't
    fit are left unsolved.
    """
    budget = [_SEARCH_BUDGET]
    found = _search(checks, 0, _State({}, ()), table, budget)
    if found is not None:
        return found, [c.label for c in checks]
    state = _State({}, ())
    solved = []
    for check in checks:
        for option in check.options:
            added = state.add(option.atoms, table, check.label)
            if added is not None:
                state = added
                solved.append(check.label)
                break
    return state, solved


def _search(
    checks: Sequence[_Check], index: int, state: _State, table: _Table, budget: list[int]
) -> _State | None:
    if index == len(checks):
        return state
    check = checks[index]
    for option in check.options:
        budget[0] -= 1
        if budget[0] < 0:
            return None
        added = state.add(option.atoms, table, check.label)
        if added is None:
            continue
        found = _search(checks, index + 1, added, table, budget)
        if found is not None:
            return found
    return None


def _add_necessary(tree: exp.Expression, table: _Table, state: _State, label: str) -> _State:
    """Fold in the top-level AND conjuncts of an unsolved CHECK that must hold anyway."""
    for part in _conjuncts(tree):
        try:
            alternatives = list(itertools.islice(_alternatives(part, table, False), 2))
        except RecursionError:
            continue
        if len(alternatives) == 1 and alternatives[0].complete:
            added = state.add(alternatives[0].atoms, table, label)
            if added is not None:
                state = added
    return state


def _conjuncts(node: exp.Expression) -> Iterator[exp.Expression]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        yield from _conjuncts(node.this)
        yield from _conjuncts(node.expression)
    else:
        yield node


# -- making relations hold -----------------------------------------------------------


def satisfy_relations(
    row: Mapping[str, Any],
    analysis: CheckAnalysis,
    columns: Mapping[str, ColumnInfo],
    *,
    fixed: Collection[str] = (),
) -> dict[str, Any]:
    """Adjust ``row`` so that every column-vs-column relation holds.

    The left column is moved first (``ends_at = starts_at + 1 hour``), the right one if
    that would leave the left column's domain or type; columns in ``fixed`` (foreign
    keys already assigned, values the caller chose) are never changed. Relations that
    can't be met are left as they are; run :func:`evaluate` to find out.

    Args:
        row: values by column name.
        analysis: from :func:`analyze_checks`.
        columns: the table's columns by name.
        fixed: columns whose values must not change.

    Returns:
        A new dict; ``row`` is not modified.
    """
    out = dict(row)
    for _ in range(2 * len(analysis.relations) + 1):
        changed = False
        for relation in analysis.relations:
            if relation.holds(out.get(relation.left), out.get(relation.right)) is not False:
                continue
            repaired = _repair(relation, out, analysis, columns, fixed)
            if repaired is not None:
                out.update(repaired)
                changed = True
        if not changed:
            break
    if _all_hold(out, analysis.relations):
        return out
    # Moving one column at a time can chase its tail in chains (a < b < c within
    # bounds); narrow every column's bounds first, then pick values inside them.
    assigned = _assign(out, analysis, columns, fixed)
    return assigned if assigned is not None and _all_hold(assigned, analysis.relations) else out


def _all_hold(row: Mapping[str, Any], relations: Sequence[Relation]) -> bool:
    return all(r.holds(row.get(r.left), row.get(r.right)) is not False for r in relations)


def _assign(
    row: Mapping[str, Any],
    analysis: CheckAnalysis,
    columns: Mapping[str, ColumnInfo],
    fixed: Collection[str],
) -> dict[str, Any] | None:
    """Values for the relation columns chosen one by one inside propagated bounds."""
    involved = [
        name
        for r in analysis.relations
        for name in (r.left, r.right)
        if name in columns and row.get(name) is not None
    ]
    order = sorted(dict.fromkeys(involved), key=lambda name: name not in fixed)
    domains = dict(analysis.domains)
    out = dict(row)
    for name in order:
        narrowed = _propagate(domains, analysis.relations, columns)
        if narrowed is None:
            return None
        value = row[name] if name in fixed else _clamp(row[name], narrowed[name], columns[name])
        if value is None:
            return None
        out[name] = value
        domains[name] = replace(
            domains.get(name, Domain()),
            allowed=(value,),
            minimum=value,
            minimum_inclusive=True,
            maximum=value,
            maximum_inclusive=True,
        )
    return out


def _clamp(value: Any, domain: Domain, column: ColumnInfo) -> Any:
    """The value of ``column``'s type nearest to ``value`` inside ``domain``'s bounds."""
    candidates = [value]
    if domain.minimum is not None:
        op: Op = ">=" if domain.minimum_inclusive else ">"
        candidates.extend(_near(domain.minimum, op, column))
    if domain.maximum is not None:
        op = "<=" if domain.maximum_inclusive else "<"
        candidates.extend(_near(domain.maximum, op, column))
    for candidate in candidates:
        if domain.admits(storage_value(column, candidate)) and _type_holds(candidate, column):
            return candidate
    return None


def _repair(
    relation: Relation,
    row: Mapping[str, Any],
    analysis: CheckAnalysis,
    columns: Mapping[str, ColumnInfo],
    fixed: Collection[str],
) -> dict[str, Any] | None:
    left, right = row[relation.left], row[relation.right]
    if relation.left not in fixed and relation.left in columns:
        for candidate in _left_candidates(relation, right, columns[relation.left]):
            if relation.holds(candidate, right) and _fits(
                candidate, relation.left, analysis, columns
            ):
                return {relation.left: candidate}
    if relation.right not in fixed and relation.right in columns:
        for candidate in _right_candidates(relation, left, columns[relation.right]):
            if relation.holds(left, candidate) and _fits(
                candidate, relation.right, analysis, columns
            ):
                return {relation.right: candidate}
    return None


def _left_candidates(relation: Relation, right: Any, column: ColumnInfo) -> Iterator[Any]:
    try:
        target = relation.target(right)
    except (TypeError, ArithmeticError):
        return
    yield from _near(target, relation.op, column)


def _right_candidates(relation: Relation, left: Any, column: ColumnInfo) -> Iterator[Any]:
    # left op scale*right + offset  <=>  right op' (left - offset) / scale
    try:
        shifted = left - relation.offset if relation.offset != 0 else left
        if relation.scale == 1:
            target = shifted
        elif isinstance(shifted, float):
            target = shifted / float(relation.scale)
        else:
            target = Decimal(shifted) / relation.scale
    except (TypeError, ArithmeticError):
        return
    op = _FLIPPED[relation.op] if relation.scale > 0 else relation.op
    yield from _near(target, op, column)


def _near(target: Any, op: Op, column: ColumnInfo) -> Iterator[Any]:
    """Values of ``column``'s type that satisfy ``value op target``, nearest first."""
    step = _step(column, target)
    if step is None:
        return
    coerced = _to_column_type(target, column, op)
    if coerced is None:
        return
    moves = {"=": (0,), "!=": (1, -1), "<": (-1, -2), "<=": (0, -1), ">": (1, 2), ">=": (0, 1)}
    for move in moves[op]:
        try:
            yield _shift(coerced, step, move)
        except (TypeError, OverflowError, ArithmeticError):
            continue


def _step(column: ColumnInfo, sample: Any) -> Any:
    kind = value_kind(column.sa_type)
    if kind == "int":
        return 1
    if kind == "decimal":
        scale = getattr(_unwrap(column.sa_type), "scale", None)
        return Decimal(1).scaleb(-scale) if scale else Decimal(1)
    if kind == "float":
        return 1.0
    steps: dict[str, Any] = {
        "date": dt.timedelta(days=1),
        "datetime": dt.timedelta(hours=1),
        "time": dt.timedelta(minutes=1),
        "interval": dt.timedelta(minutes=1),
    }
    return steps.get(kind)


def _to_column_type(value: Any, column: ColumnInfo, op: Op) -> Any:
    kind = value_kind(column.sa_type)
    upward = op in (">", ">=", "!=")
    try:
        if kind == "int":
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
            rounding = ROUND_CEILING if upward else ROUND_FLOOR
            return int(number.to_integral_value(rounding=rounding))
        if kind == "decimal":
            scale = getattr(_unwrap(column.sa_type), "scale", None) or 0
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
            return number.quantize(
                Decimal(1).scaleb(-scale), ROUND_CEILING if upward else ROUND_FLOOR
            )
        if kind == "float":
            return float(value)
        if kind == "date" and isinstance(value, dt.datetime):
            return value.date() + (
                dt.timedelta(days=1) if upward and value.time() != dt.time() else dt.timedelta()
            )
    except (TypeError, ValueError, ArithmeticError):
        return None
    return value


def _shift(value: Any, step: Any, times: int) -> Any:
    """``value + step * times``; times of day move within their day."""
    if not times:
        return value
    if isinstance(value, dt.time) and isinstance(step, dt.timedelta):
        anchor = dt.datetime.combine(dt.date(2000, 1, 1), value) + step * times
        if anchor.date() != dt.date(2000, 1, 1):
            raise OverflowError("time of day out of range")
        return anchor.timetz()
    return value + step * times


def _fits(
    value: Any, name: str, analysis: CheckAnalysis, columns: Mapping[str, ColumnInfo]
) -> bool:
    column = columns[name]
    stored = storage_value(column, value)
    if not analysis.domain(name).admits(stored):
        return False
    return type_domain(column.sa_type, nullable=column.nullable).admits(stored)


# -- a value that breaks a CHECK -----------------------------------------------------


def violating_value(
    check: ConstraintInfo,
    table: TableInfo,
    row: Mapping[str, Any],
    *,
    dialect: str | None = None,
) -> tuple[str, Any] | None:
    """A ``(column, value)`` that makes ``check`` false while fitting the column's type.

    Candidates come from the CHECK's own literals and relations (just outside each
    bound, outside the ``IN`` list, too short, wrong case, NULL for ``IS NOT NULL``...);
    the first one that :func:`evaluate` says the database must reject (with the rest of
    ``row`` unchanged) and that the column's type can hold is returned.

    Only violations every database agrees on count: ``lower(x) = x`` has none that
    MySQL's case-insensitive collations would reject, so it gets None.

    Args:
        check: a CHECK constraint of ``table``.
        table: its table.
        row: a row that satisfies the CHECK (values by column name).
        dialect: the SQLAlchemy dialect name to parse with first.

    Returns:
        The column's database name and the ORM value to put there, or None when no
        such value can be derived (unreadable CHECK, enum-only values...).
    """
    if check.kind != "check" or not check.sqltext:
        return None
    tree = _parse(check.sqltext, dialect)
    if tree is None:
        return None
    cols = _Table.of(table.columns)
    for name, candidate in _violation_candidates(tree, cols, row):
        column = cols.columns[name]
        if not _type_holds(candidate, column):
            continue
        trial = {**row, name: candidate}
        if evaluate(check.sqltext, trial, columns=cols.columns, dialect=dialect) is False:
            return name, candidate
    return None


def fits_type(value: Any, column: ColumnInfo) -> bool:
    """True when ``value`` is a value of the column's kind that its type can hold.

    Kinds without a plain Python value (UUIDs, JSON, sqlalchemy-utils objects) are not
    judged here: True.

    Example:
        >>> import sqlalchemy as sa
        >>> t = _example_table("x > 0")
        >>> fits_type(3, t.columns[0]), fits_type("3", t.columns[0])
        (True, False)
    """
    if value is not None and value_kind(column.sa_type) not in _PLAIN_KINDS:
        return True
    return _type_holds(value, column)


_PLAIN_KINDS = frozenset(
    {"int", "decimal", "float", "str", "bool", "date", "datetime", "time", "interval"}
)


def _type_holds(value: Any, column: ColumnInfo) -> bool:
    if value is None:
        return column.nullable
    kind = value_kind(column.sa_type)
    expected: dict[str, tuple[type, ...]] = {
        "int": (int,),
        "decimal": (Decimal, int),
        "float": (float, int, Decimal),
        "str": (str,),
        "bool": (bool,),
        "date": (dt.date,),
        "datetime": (dt.datetime,),
        "time": (dt.time,),
        "interval": (dt.timedelta,),
    }
    types = expected.get(kind)
    if types is None or not isinstance(value, types):
        return False
    if kind in ("int", "decimal") and isinstance(value, bool):
        return False
    if kind == "date" and isinstance(value, dt.datetime):
        return False
    if isinstance(value, dt.datetime) and bool(column.timezone) != (value.tzinfo is not None):
        return False
    if isinstance(value, Decimal) and kind == "decimal" and not _decimal_fits(value, column):
        return False
    return type_domain(column.sa_type).admits(value)


def _decimal_fits(value: Decimal | int, column: ColumnInfo) -> bool:
    scale = getattr(_unwrap(column.sa_type), "scale", None)
    if scale is None or isinstance(value, int):
        return True
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= scale


def _violation_candidates(
    tree: exp.Expression, table: _Table, row: Mapping[str, Any]
) -> Iterator[tuple[str, Any]]:
    for node in tree.walk():
        term = _term(node, table) if isinstance(node, exp.Column) else None
        if term is not None:
            yield from (
                (term.column, v) for v in _generic_candidates(table.columns[term.column], row)
            )
    for literal_column, literal in _column_literals(tree, table):
        column = table.columns[literal_column]
        yield from ((literal_column, v) for v in _around(literal, column))
    yield from _relative_candidates(tree, table, row)


def _relative_candidates(
    tree: exp.Expression, table: _Table, row: Mapping[str, Any]
) -> Iterator[tuple[str, Any]]:
    """Values at and around the other columns' values: ``ends_at > starts_at``."""
    names = [n for c in tree.find_all(exp.Column) if (n := table.resolve(c)) is not None]
    for name in dict.fromkeys(names):
        for other in dict.fromkeys(names):
            if other != name and row.get(other) is not None:
                yield from ((name, v) for v in _around(row[other], table.columns[name]))


def _column_literals(tree: exp.Expression, table: _Table) -> Iterator[tuple[str, Any]]:
    """(column, constant) pairs for every constant compared with a column in the tree."""
    for node in tree.walk():
        columns = [table.resolve(c) for c in node.find_all(exp.Column)]
        names = [c for c in columns if c is not None]
        if not names:
            continue
        for child in node.iter_expressions():
            if not isinstance(child, exp.Expression):
                continue
            is_constant, value = _constant(child)
            if is_constant and value is not None:
                for name in dict.fromkeys(names):
                    yield name, _coerce_literal(value, table.columns[name])


def _around(value: Any, column: ColumnInfo) -> Iterator[Any]:
    """Values just at, below and above a constant, in the column's type."""
    kind = value_kind(column.sa_type)
    step = _step(column, value)
    if kind == "str" and isinstance(value, str):
        yield from _text_variants(value, column)
        return
    if kind == "str" and isinstance(value, int) and not isinstance(value, bool):
        yield from ("x" * n for n in (value - 1, value + 1, value) if n >= 0)
        return
    if step is None:
        return
    base = _to_column_type(value, column, "=")
    if base is None:
        return
    for move in (-1, 1, 0, -2, 2, -100, 100):
        try:
            yield _shift(base, step, move)
        except (TypeError, OverflowError, ArithmeticError):
            continue


def _text_variants(value: str, column: ColumnInfo) -> Iterator[str]:
    limit = text_length(column.sa_type)
    variants = [
        value,
        value + "zz",
        "zz" + value,
        value[:-1],
        value.upper() if value != value.upper() else value.lower(),
        f" {value} ",
        "zz-not-allowed",
        "",
    ]
    for variant in variants:
        yield variant if limit is None else variant[:limit]


def _generic_candidates(column: ColumnInfo, row: Mapping[str, Any]) -> Iterator[Any]:
    current = row.get(column.name)
    yield None
    kind = value_kind(column.sa_type)
    if kind == "bool":
        yield from (False, True)
    elif kind == "str":
        limit = text_length(column.sa_type) or 64
        samples = ["", "x", "ZZ", " x ", "x" * limit]
        if isinstance(current, str):
            samples += [current.upper(), current.lower(), f" {current} "[:limit], current[:1]]
        yield from samples
    elif kind == "int":
        yield from (0, -1, 1, -1000, 1000)
    elif kind in ("decimal", "float"):
        zero = Decimal(0) if kind == "decimal" else 0.0
        yield from (zero, zero - 1, zero + 1, zero - 1000, zero + 1000)
    step = _step(column, current)
    if current is not None and step is not None and not isinstance(current, (str, bool)):
        for move in (-1, 1, -24, 24, -1000, 1000):
            try:
                yield _shift(current, step, move)
            except (TypeError, OverflowError, ArithmeticError):
                continue


# -- values that may make a CHECK hold (the database is the oracle) -------------------

# Python evaluations per call of repair_candidates: enough for every boundary, literal and
# caller-supplied value of a few columns, cheap next to one database round trip.
_REPAIR_POOL = 600


@dataclass(frozen=True, slots=True)
class Candidate:
    """One column changed so that a CHECK may hold.

    Attributes:
        column: the column's database name.
        value: the ORM value to put there.
        verdict: True when :func:`evaluate` says the database must accept the row, None
            when only the database can tell.
        source: where the value comes from: the label the caller gave an ``extra`` value
            (``"provider"``...), or ``"literal"``, ``"relative"``, ``"boundary"``.
    """

    column: str
    value: Any
    verdict: bool | None
    source: str = "boundary"


def repair_candidates(
    check: ConstraintInfo,
    table: TableInfo,
    row: Mapping[str, Any],
    *,
    dialect: str | None = None,
    frozen: Collection[str] = (),
    extra: Mapping[str, Sequence[tuple[str, Any]]] | None = None,
) -> list[Candidate]:
    """Single-column changes to ``row`` that may make ``check`` hold, most promising first.

    For a CHECK the solver could not turn into domains, the database has the last word;
    this narrows what to ask it. Candidates are the caller's own values (``extra``: other
    values of the column's provider), then boundaries (0, ±1, the CHECK's literals and
    their neighbours, the other columns' values, short and long text). Those Python can
    evaluate and the database must accept come first; those it can't tell about follow;
    those it knows the database rejects, or the column's type can't hold, are left out.

    Args:
        check: a CHECK constraint of ``table``.
        table: its table.
        row: the row as it will be inserted (values by column name, ORM values).
        dialect: the SQLAlchemy dialect name to parse with first.
        frozen: columns that must not change (chosen by the caller, foreign keys).
        extra: more ``(source label, value)`` pairs to try per column, before the
            generic ones.

    Returns:
        At most a few hundred candidates; empty when nothing is left to try.

    Example:
        >>> t = _example_table("abs(x) < 5")
        >>> [c.value for c in repair_candidates(t.constraints[0], t, {"x": 12})][:3]
        [4, 3, 0]
    """
    if check.kind != "check" or not check.sqltext:
        return []
    cols = _Table.of(table.columns)
    tree = _parse(check.sqltext, dialect)
    names = _check_columns(check, tree, cols)
    movable = [name for name in names if name not in frozen]
    pool = itertools.islice(_repair_pool(tree, cols, row, movable, extra or {}), _REPAIR_POOL)
    accepted: list[Candidate] = []
    unknown: list[Candidate] = []
    seen: set[tuple[str, str, str]] = set()
    for name, source, value in pool:
        key = (name, type(value).__name__, repr(value))
        if key in seen or not _type_holds(value, cols.columns[name]):
            continue
        seen.add(key)
        trial = {**row, name: value}
        verdict = (
            None
            if tree is None
            else evaluate(check.sqltext, trial, columns=cols.columns, dialect=dialect)
        )
        if verdict is True:
            accepted.append(Candidate(name, value, True, source))
        elif verdict is None:
            unknown.append(Candidate(name, value, None, source))
    return accepted + unknown


def check_columns(check: ConstraintInfo, table: TableInfo, dialect: str | None = None) -> list[str]:
    """The database names of the columns a CHECK names, in order of appearance.

    Example:
        >>> t = _example_table("abs(x) < 5")
        >>> check_columns(t.constraints[0], t)
        ['x']
    """
    tree = _parse(check.sqltext, dialect) if check.sqltext else None
    return _check_columns(check, tree, _Table.of(table.columns))


def _check_columns(check: ConstraintInfo, tree: exp.Expression | None, table: _Table) -> list[str]:
    """The columns a CHECK names: from its tree, else from what SQLAlchemy recorded."""
    named: list[str] = []
    if tree is not None:
        named = [n for node in tree.find_all(exp.Column) if (n := table.resolve(node))]
    named.extend(c for c in check.columns if c in table.columns)
    return list(dict.fromkeys(named))


def _repair_pool(
    tree: exp.Expression | None,
    table: _Table,
    row: Mapping[str, Any],
    names: Sequence[str],
    extra: Mapping[str, Sequence[tuple[str, Any]]],
) -> Iterator[tuple[str, str, Any]]:
    wanted = set(names)
    for name in names:
        yield from ((name, source, value) for source, value in extra.get(name, ()))
    if tree is not None:
        for name, literal in _column_literals(tree, table):
            if name in wanted:
                column = table.columns[name]
                yield from ((name, "literal", v) for v in _around(literal, column))
        relative = _relative_candidates(tree, table, row)
        yield from ((n, "relative", v) for n, v in relative if n in wanted)
    for name in names:
        column = table.columns[name]
        yield from ((name, "boundary", v) for v in _generic_candidates(column, row))
        yield from ((name, "boundary", v) for v in _boundary_values(column))


def _boundary_values(column: ColumnInfo) -> Iterator[Any]:
    """Small numbers and texts of many lengths: where hand-written CHECKs draw lines."""
    kind = value_kind(column.sa_type)
    if kind == "int":
        yield from (*range(2, 21), *range(-2, -11, -1), 50, 99, 100, 255, 1024, 10**6)
    elif kind == "decimal":
        yield from (Decimal(n) for n in (*range(2, 11), -2, 50, 100, 1000))
        yield from (Decimal("0.5"), Decimal("0.01"), Decimal("0.99"))
    elif kind == "float":
        yield from (0.5, 0.1, 0.99, 2.0, 10.0, 100.0, -0.5)
    elif kind == "str":
        limit = text_length(column.sa_type) or 255
        texts = ["a", "ab", "abc", "abcd", "A", "ABC", "1", "12", "123", "a1", "a-b", "a_b"]
        texts += ["x" * n for n in (5, 8, 10, 16, 32, 64, 100, 255)]
        yield from (text for text in texts if len(text) <= limit)


def _example_table(sqltext: str) -> TableInfo:
    """A one-column integer table with one CHECK, for the examples in docstrings."""
    column = ColumnInfo(
        table="t",
        name="x",
        attribute="x",
        type="INTEGER",
        type_class="Integer",
        python_type="int",
        nullable=False,
        primary_key=False,
        unique=False,
        index=False,
        autoincrement=False,
        sa_type=sa.Integer(),
    )
    check = ConstraintInfo(kind="check", name="ck_x", table="t", columns=("x",), sqltext=sqltext)
    return TableInfo(
        name="t",
        schema=None,
        columns=(column,),
        primary_key=(),
        foreign_keys=(),
        constraints=(check,),
        indexes=(),
    )
