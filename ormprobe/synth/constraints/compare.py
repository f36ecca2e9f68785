"""Comparing SQL values in Python: order and equality as every database agrees on them.

Where databases disagree (collations, mixed case, trailing spaces, aware and naive
datetimes) the answer is :class:`CannotTell`, never a guess.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ormprobe.synth.constraints.decimals import is_number

Op = Literal["=", "!=", "<", "<=", ">", ">="]

FLIPPED: dict[Op, Op] = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
NEGATED: dict[Op, Op] = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


class CannotTell(Exception):
    """The outcome depends on something Python can't know the way the database does."""


def compare_for(op: Op, left: Any, right: Any) -> int:
    """The order of ``left`` and ``right`` as ``op`` needs it: equality only for ``=``/``!=``."""
    if op in ("=", "!="):
        return 0 if same_sql(left, right) else 1
    return compare(left, right)


def apply_op(op: Op, order: int) -> bool:
    """Whether an ordering (-1, 0, 1) satisfies ``op``."""
    return {
        "=": order == 0,
        "!=": order != 0,
        "<": order < 0,
        "<=": order <= 0,
        ">": order > 0,
        ">=": order >= 0,
    }[op]


def temporal_from(value: Any, kind: type) -> Any:
    """``value`` as a ``kind`` (date, datetime or time), as SQL's CAST reads it."""
    if isinstance(value, kind) and (kind is not dt.date or not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        return _parse_temporal(value, kind)
    if kind is dt.date and isinstance(value, dt.datetime):
        return value.date()
    if kind is dt.datetime and type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    raise CannotTell(f"CAST of {value!r} to {kind.__name__}")


def _parse_temporal(text: str, kind: type) -> Any:
    text = text.strip()
    try:
        if kind is dt.date:
            return dt.date.fromisoformat(text)
        if kind is dt.time:
            return dt.time.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CannotTell(f"{text!r} is not an ISO {kind.__name__}") from exc


_PLAIN_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_PLAIN_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def compare(left: Any, right: Any) -> int:
    """-1 / 0 / 1 ordering of two non-NULL SQL values; CannotTell when not portable."""
    left, right = _comparable(left, right)
    if isinstance(left, str):
        return _compare_text(left, right)
    try:
        return int(left > right) - int(left < right)
    except TypeError as exc:
        raise CannotTell(f"can't compare {left!r} with {right!r}") from exc


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    if is_number(left) or isinstance(left, bool):
        if is_number(right) or isinstance(right, bool):
            return left, right
        raise CannotTell("number compared with a non-number")
    if isinstance(left, str) and isinstance(right, str):
        return left, right
    if isinstance(left, str) and _is_temporal_value(right):
        return temporal_from(left, _temporal_kind(right)), right
    if isinstance(right, str) and _is_temporal_value(left):
        return left, temporal_from(right, _temporal_kind(left))
    one_datetime = isinstance(left, dt.datetime) != isinstance(right, dt.datetime)
    if one_datetime and isinstance(left, dt.date) and isinstance(right, dt.date):
        left, right = _as_datetime(left), _as_datetime(right)
    if (
        isinstance(left, dt.datetime)
        and isinstance(right, dt.datetime)
        and (left.tzinfo is None) != (right.tzinfo is None)
    ):
        raise CannotTell("aware and naive datetimes")
    if isinstance(left, uuid.UUID) or isinstance(right, uuid.UUID):
        return str(left).lower().replace("-", ""), str(right).lower().replace("-", "")
    if type(left) is not type(right) and not (isinstance(left, dt.date) and isinstance(right, dt.date)):
        raise CannotTell(f"can't compare {type(left).__name__} with {type(right).__name__}")
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
        raise CannotTell("equal under a case-insensitive or space-padding collation")
    plain = (set(left) | set(right)) <= _PLAIN_LOWER or (set(left) | set(right)) <= _PLAIN_UPPER
    if not plain:
        # Collations order mixed case and punctuation differently; only the database knows.
        raise CannotTell("text ordering depends on the collation")
    return (left > right) - (left < right)


def _text_equal_somewhere(left: str, right: str) -> bool:
    return left.lower().rstrip(" ") == right.lower().rstrip(" ")


def same_sql(left: Any, right: Any) -> bool:
    """SQL ``=`` for two non-NULL values; CannotTell when databases disagree."""
    left, right = _comparable(left, right)
    if isinstance(left, str):
        if left == right:
            return True
        if _text_equal_somewhere(left, right):
            raise CannotTell("equal under a case-insensitive or space-padding collation")
        return False
    return bool(left == right)


def same(value: Any, other: Any) -> bool:
    """Python-side equality for domain membership (strict: no collation leniency)."""
    try:
        left, right = _comparable(value, other)
    except CannotTell:
        return False
    return bool(left == right)
