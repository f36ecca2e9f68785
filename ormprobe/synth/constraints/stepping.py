"""Stepping through a column type's values: its unit step, rounding onto it, values near a target.

Repairing a row (:mod:`~ormprobe.synth.constraints.satisfy`) and breaking a CHECK
(:mod:`~ormprobe.synth.constraints.violation`) both move a value a few steps of its
column's type: a whole number, the last digit of a ``Numeric(p, s)``, a day, an hour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints.column_types import unwrap, value_kind
from ormprobe.synth.constraints.compare import Op
from ormprobe.synth.constraints.decimals import decimal_of


def near(target: Any, op: Op, column: ColumnInfo) -> Iterator[Any]:
    """Values of ``column``'s type that satisfy ``value op target``, nearest first."""
    step = step_of(column)
    if step is None:
        return
    coerced = to_column_type(target, column, op)
    if coerced is None:
        return
    moves = {"=": (0,), "!=": (1, -1), "<": (-1, -2), "<=": (0, -1), ">": (1, 2), ">=": (0, 1)}
    for move in moves[op]:
        try:
            yield shift(coerced, step, move)
        except (TypeError, OverflowError, ArithmeticError):
            continue


def step_of(column: ColumnInfo) -> Any:
    """The smallest natural move of the column's values, None for unordered kinds."""
    kind = value_kind(column.sa_type)
    if kind == "int":
        return 1
    if kind == "decimal":
        scale = getattr(unwrap(column.sa_type), "scale", None)
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


def to_column_type(value: Any, column: ColumnInfo, op: Op) -> Any:
    """``value`` rounded onto the column's type, in the direction ``op`` allows; None if it can't be."""
    kind = value_kind(column.sa_type)
    upward = op in (">", ">=", "!=")
    try:
        if kind == "int":
            number = decimal_of(value)
            rounding = ROUND_CEILING if upward else ROUND_FLOOR
            return int(number.to_integral_value(rounding=rounding))
        if kind == "decimal":
            scale = getattr(unwrap(column.sa_type), "scale", None) or 0
            number = decimal_of(value)
            return number.quantize(Decimal(1).scaleb(-scale), ROUND_CEILING if upward else ROUND_FLOOR)
        if kind == "float":
            return float(value)
        if kind == "date" and isinstance(value, dt.datetime):
            return value.date() + (
                dt.timedelta(days=1) if upward and value.time() != dt.time() else dt.timedelta()
            )
    except (TypeError, ValueError, ArithmeticError):
        return None
    return value


def shift(value: Any, step: Any, times: int) -> Any:
    """``value + step * times``; times of day move within their day."""
    if not times:
        return value
    if isinstance(value, dt.time) and isinstance(step, dt.timedelta):
        anchor = dt.datetime.combine(dt.date(2000, 1, 1), value) + step * times
        if anchor.date() != dt.date(2000, 1, 1):
            raise OverflowError("time of day out of range")
        return anchor.timetz()
    return value + step * times
