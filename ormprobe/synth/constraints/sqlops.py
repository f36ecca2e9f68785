"""SQL arithmetic, casts and intervals on Python values, where every database agrees.

Integer division with a remainder, casting a fraction to an integer, months in an
interval: databases differ, so these raise :class:`~ormprobe.synth.constraints.compare.CannotTell`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlglot import exp

from ormprobe.synth.constraints.compare import CannotTell, temporal_from
from ormprobe.synth.constraints.decimals import decimal_of, is_number


def arith(kind: type[exp.Expression], left: Any, right: Any) -> Any:
    """``left <kind> right`` (+, -, *, /, %, ||) for two non-NULL values."""
    if kind is exp.DPipe:
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        raise CannotTell("|| on non-text values")
    if is_number(left) and is_number(right):
        return _number_arith(kind, left, right)
    if kind is exp.Add and isinstance(right, dt.timedelta) and _is_temporal(left):
        return left + right
    if kind is exp.Add and isinstance(left, dt.timedelta) and _is_temporal(right):
        return right + left
    if kind is exp.Sub and isinstance(right, dt.timedelta) and _is_temporal(left):
        return left - right
    if kind is exp.Sub and type(left) is type(right) and _is_temporal(left):
        return left - right
    raise CannotTell(f"can't compute {type(kind).__name__} of {left!r} and {right!r}")


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
        raise CannotTell("division by zero")
    if kind is exp.Div:
        if isinstance(left, int) and isinstance(right, int):
            if left % right:
                # Integer division truncates in PostgreSQL and SQLite, not in MySQL.
                raise CannotTell("integer division with a remainder")
            return left // right
        return Decimal(left) / Decimal(right) if not isinstance(left, float) else left / right
    if kind is exp.Mod:
        # Decimal's % truncates toward zero, like SQL's; Python's int % floors.
        result = Decimal(left) % Decimal(right)
        return int(result) if isinstance(left, int) and isinstance(right, int) else result
    raise CannotTell(f"unsupported arithmetic {kind.__name__}")


def _is_temporal(value: Any) -> bool:
    return isinstance(value, (dt.date, dt.datetime, dt.timedelta))


def cast_category(node: exp.Cast) -> str:
    """The kind of value a CAST produces: ``int``, ``text``, ``date``... or ``unknown``."""
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


def cast(value: Any, category: str) -> Any:
    """``value`` cast to ``category``, as every database would."""
    caster = _CASTS.get(category)
    if caster is None:
        raise CannotTell(f"CAST to {category}")
    try:
        return caster(value)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise CannotTell(f"CAST of {value!r} to {category}") from exc


def _cast_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    number = Decimal(value) if isinstance(value, str) else value
    if is_number(number) and number == int(number):
        return int(number)
    # Casting 2.5 rounds in PostgreSQL and MySQL, truncates in SQLite.
    raise CannotTell("CAST of a fraction to an integer")


def _cast_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (dt.date, uuid.UUID)) and not isinstance(value, dt.datetime):
        return str(value)
    raise CannotTell(f"text form of {value!r} differs between databases")


def _cast_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CannotTell("CAST of a boolean to a number")
    return decimal_of(value)


def _cast_float(value: Any) -> float:
    if isinstance(value, bool):
        raise CannotTell("CAST of a boolean to a number")
    return float(value)


def _cast_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    raise CannotTell(f"CAST of {value!r} to boolean")


_CASTS: dict[str, Callable[[Any], Any]] = {
    "int": _cast_int,
    "text": _cast_text,
    "decimal": _cast_decimal,
    "float": _cast_float,
    "bool": _cast_bool,
    "date": lambda v: temporal_from(v, dt.date),
    "datetime": lambda v: temporal_from(v, dt.datetime),
    "time": lambda v: temporal_from(v, dt.time),
}


_INTERVAL_UNITS = {
    "microsecond": dt.timedelta(microseconds=1),
    "millisecond": dt.timedelta(milliseconds=1),
    "second": dt.timedelta(seconds=1),
    "minute": dt.timedelta(minutes=1),
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
    "week": dt.timedelta(weeks=1),
}


def interval_from_text(text: str) -> dt.timedelta:
    """An interval's text (``'1 day 2 hours'``) as a timedelta."""
    words = text.lower().split()
    if not words or len(words) % 2:
        raise CannotTell(f"unreadable interval {text!r}")
    total = dt.timedelta()
    for amount, unit in zip(words[::2], words[1::2], strict=True):
        step = _INTERVAL_UNITS.get(unit.rstrip("s"))
        if step is None:
            # Months and years have no fixed length.
            raise CannotTell(f"interval unit {unit!r}")
        try:
            total += step * float(amount)
        except ValueError as exc:
            raise CannotTell(f"unreadable interval {text!r}") from exc
    return total


def text_arg(value: Any) -> str:
    """``value`` when it is text, for a text function's argument."""
    if not isinstance(value, str):
        raise CannotTell("text function on a non-text value")
    return value
