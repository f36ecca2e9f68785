""":func:`evaluate`: run a CHECK against a candidate row in Python, with SQL's three-valued logic.

Each kind of sqlglot node has a handler; a node without one, or a result that depends
on the database (an unknown function, a collation), makes the answer ``None``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlglot import exp

from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints.column_types import storage_value
from ormprobe.synth.constraints.compare import CannotTell, apply_op, compare, compare_for, same_sql
from ormprobe.synth.constraints.decimals import is_number
from ormprobe.synth.constraints.like import like_matches
from ormprobe.synth.constraints.parsing import (
    CHAR_LENGTH_FUNCTIONS,
    COMPARISONS,
    boolean_value,
    folded_names,
    parse_check,
    resolve_identifier,
)
from ormprobe.synth.constraints.sqlops import arith, cast, cast_category, interval_from_text, text_arg


@dataclass(frozen=True, slots=True)
class Env:
    """Column values visible to an expression, looked up like SQL identifiers."""

    values: Mapping[str, Any]
    folded: Mapping[str, str]
    columns: Mapping[str, ColumnInfo]

    @classmethod
    def of(cls, row: Mapping[str, Any], columns: Mapping[str, ColumnInfo] | None = None) -> Env:
        return cls(row, folded_names(row), columns or {})

    def lookup(self, node: exp.Column) -> Any:
        key = resolve_identifier(node, self.values, self.folded)
        if key is None:
            raise CannotTell(f"no value for column {node.name!r}")
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
    tree = parse_check(check_sqltext, dialect)
    if tree is None:
        return None
    try:
        result = evaluate_node(tree, Env.of(row, columns))
    except (CannotTell, ArithmeticError, ValueError, TypeError, OverflowError, RecursionError):
        return None
    if result is None:
        return True
    if isinstance(result, bool):
        return result
    return None


def evaluate_node(node: exp.Expression, env: Env) -> Any:
    """The SQL value of ``node`` for the row in ``env``."""
    handler = _handler(type(node))
    if handler is None:
        raise CannotTell(f"unsupported SQL: {type(node).__name__}")
    value = handler(node, env)
    if node.args.get("negate") and not isinstance(node, (exp.Not,)):
        return _not(value)
    return value


def _handler(kind: type[exp.Expression]) -> Callable[[Any, Env], Any] | None:
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
    raise CannotTell(f"{value!r} is not a truth value")


def _not(value: Any) -> bool | None:
    truth = _truth(value)
    return None if truth is None else not truth


def _eval_logic(node: exp.Expression, env: Env, dominant: bool) -> bool | None:
    """AND (dominant False) / OR (dominant True), three-valued, order-independent."""
    results: list[bool | None] = []
    unknown = False
    for part in (node.this, node.expression):
        try:
            results.append(_truth(evaluate_node(part, env)))
        except CannotTell:
            unknown = True
    if dominant in results:
        return dominant
    if unknown:
        raise CannotTell("one side of a boolean connective can't be evaluated")
    if None in results:
        return None
    return not dominant


def _eval_comparison(node: exp.Expression, env: Env) -> bool | None:
    op = COMPARISONS[type(node)]
    left = evaluate_node(node.this, env)
    right = evaluate_node(node.expression, env)
    if left is None or right is None:
        return None
    return apply_op(op, compare_for(op, left, right))


def _eval_is(node: exp.Is, env: Env) -> bool:
    value = evaluate_node(node.this, env)
    target = node.expression
    if isinstance(target, exp.Null):
        return value is None
    if isinstance(target, exp.Boolean):
        truth = _truth(value)
        return truth is not None and truth == boolean_value(target)
    raise CannotTell("IS with something other than NULL/TRUE/FALSE")


def _eval_between(node: exp.Between, env: Env) -> bool | None:
    if node.args.get("symmetric"):
        raise CannotTell("BETWEEN SYMMETRIC")
    value = evaluate_node(node.this, env)
    low = evaluate_node(node.args["low"], env)
    high = evaluate_node(node.args["high"], env)
    parts = [
        None if value is None or low is None else compare(value, low) >= 0,
        None if value is None or high is None else compare(value, high) <= 0,
    ]
    if False in parts:
        return False
    return None if None in parts else True


def _eval_in(node: exp.In, env: Env) -> bool | None:
    if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
        raise CannotTell("IN with a subquery")
    items = node.expressions
    if not items:
        raise CannotTell("empty IN list")
    value = evaluate_node(node.this, env)
    if value is None:
        return None
    saw_null = False
    for item in items:
        candidate = evaluate_node(item, env)
        if candidate is None:
            saw_null = True
        elif same_sql(value, candidate):
            return True
    return None if saw_null else False


def _eval_like(node: exp.Expression, env: Env, escape: str | None = None) -> bool | None:
    value = evaluate_node(node.this, env)
    pattern = evaluate_node(node.expression, env)
    if value is None or pattern is None:
        return None
    if not isinstance(value, str) or not isinstance(pattern, str):
        raise CannotTell("LIKE on a non-text value")
    if isinstance(node, exp.ILike):
        return like_matches(value, pattern, insensitive=True, escape=escape)
    sensitive = like_matches(value, pattern, insensitive=False, escape=escape)
    insensitive = like_matches(value, pattern, insensitive=True, escape=escape)
    if sensitive != insensitive:
        # PostgreSQL's LIKE is case-sensitive, SQLite's and MySQL's usually are not.
        raise CannotTell("LIKE result depends on the database's case sensitivity")
    return sensitive


def _eval_escape(node: exp.Escape, env: Env) -> bool | None:
    inner = node.this
    escape = evaluate_node(node.expression, env)
    if not isinstance(inner, (exp.Like, exp.ILike)) or not isinstance(escape, str):
        raise CannotTell("ESCAPE outside LIKE")
    result = _eval_like(inner, env, escape=escape)
    return _not(result) if inner.args.get("negate") else result


def _eval_literal(node: exp.Literal, env: Env) -> Any:
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
        raise CannotTell(f"unreadable number {text!r}") from exc


def _eval_neg(node: exp.Neg, env: Env) -> Any:
    value = evaluate_node(node.this, env)
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal, dt.timedelta)) and not isinstance(value, bool):
        return -value
    raise CannotTell(f"can't negate {value!r}")


def _eval_arith(node: exp.Expression, env: Env) -> Any:
    left = evaluate_node(node.this, env)
    right = evaluate_node(node.expression, env)
    if left is None or right is None:
        return None
    return arith(type(node), left, right)


def _eval_length(node: exp.Length, env: Env) -> int | None:
    value = evaluate_node(node.this, env)
    if value is None:
        return None
    if isinstance(value, bytes):
        return len(value)
    if not isinstance(value, str):
        raise CannotTell("length of a non-text value")
    if not value.isascii():
        # MySQL's length() counts bytes, everyone else's counts characters.
        raise CannotTell("length of non-ASCII text differs between databases")
    return len(value)


def _eval_case(node: exp.Expression, env: Env) -> str | None:
    value = evaluate_node(node.this, env)
    if value is None:
        return None
    if not isinstance(value, str):
        raise CannotTell("lower/upper of a non-text value")
    return value.lower() if isinstance(node, exp.Lower) else value.upper()


def _eval_trim(node: exp.Trim, env: Env) -> str | None:
    if node.args.get("expression") is not None or node.args.get("collation") is not None:
        raise CannotTell("TRIM of custom characters")
    value = evaluate_node(node.this, env)
    if value is None:
        return None
    if not isinstance(value, str):
        raise CannotTell("trim of a non-text value")
    position = str(node.args.get("position") or "BOTH").upper()
    if position == "LEADING":
        return value.lstrip(" ")
    if position == "TRAILING":
        return value.rstrip(" ")
    return value.strip(" ")


def _eval_abs(node: exp.Abs, env: Env) -> Any:
    value = evaluate_node(node.this, env)
    if value is None:
        return None
    if is_number(value) or isinstance(value, dt.timedelta):
        return abs(value)
    raise CannotTell("abs of a non-number")


def _eval_coalesce(node: exp.Coalesce, env: Env) -> Any:
    for part in [node.this, *node.expressions]:
        value = evaluate_node(part, env)
        if value is not None:
            return value
    return None


def _eval_cast(node: exp.Cast, env: Env) -> Any:
    value = evaluate_node(node.this, env)
    if value is None:
        return None
    return cast(value, cast_category(node))


def _eval_interval(node: exp.Interval, env: Env) -> dt.timedelta:
    amount = node.this
    unit = node.args.get("unit")
    text = str(evaluate_node(amount, env)) if amount is not None else ""
    if unit is not None:
        text = f"{text} {unit.name}"
    return interval_from_text(text)


def _eval_anonymous(node: exp.Anonymous, env: Env) -> Any:
    name = str(node.this).lower()
    args = [evaluate_node(arg, env) for arg in node.expressions]
    if name in CHAR_LENGTH_FUNCTIONS and len(args) == 1:
        return None if args[0] is None else len(text_arg(args[0]))
    if name == "octet_length" and len(args) == 1:
        return None if args[0] is None else len(text_arg(args[0]).encode())
    if name == "num_nulls":
        return sum(arg is None for arg in args)
    if name == "num_nonnulls":
        return sum(arg is not None for arg in args)
    raise CannotTell(f"unknown function {name}()")


_HANDLERS: dict[type[exp.Expression], Callable[[Any, Env], Any]] = {
    exp.Column: lambda node, env: env.lookup(node),
    exp.Literal: _eval_literal,
    exp.Boolean: lambda node, env: boolean_value(node),
    exp.Null: lambda node, env: None,
    exp.Paren: lambda node, env: evaluate_node(node.this, env),
    exp.Not: lambda node, env: _not(evaluate_node(node.this, env)),
    exp.And: lambda node, env: _eval_logic(node, env, dominant=False),
    exp.Or: lambda node, env: _eval_logic(node, env, dominant=True),
    **{kind: _eval_comparison for kind in COMPARISONS},
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
