"""Integer, decimal and float providers, in plausible ranges by column name (``age``, ``port``)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy.dialects import mysql as mysql_types

from ormprobe.synth.constraints import decimal_limit, integer_range
from ormprobe.synth.constraints.decimals import number_of
from ormprobe.synth.values.ordered import Ladder, ladder_bounds, ordered_provider
from ormprobe.synth.values.randomness import Provider
from ormprobe.synth.values.spec import ColumnSpec

# Preferred ranges for numbers, by words of the column name.
_NUMBER_WINDOWS: tuple[tuple[tuple[str, ...], tuple[int, int]], ...] = (
    (("age",), (18, 90)),
    (("year",), (1990, 2030)),
    (("lat",), (-90, 90)),
    (("latitude",), (-90, 90)),
    (("lng",), (-180, 180)),
    (("lon",), (-180, 180)),
    (("longitude",), (-180, 180)),
    (("percent",), (0, 100)),
    (("percentage",), (0, 100)),
    (("pct",), (0, 100)),
    (("rating",), (1, 5)),
    (("stars",), (1, 5)),
    (("port",), (1024, 65535)),
    (("priority",), (1, 10)),
    (("position",), (1, 100)),
    (("quantity",), (1, 100)),
    (("qty",), (1, 100)),
)


def _number_window(spec: ColumnSpec, default: tuple[int, int]) -> tuple[int, int]:
    for words, window in _NUMBER_WINDOWS:
        if spec.has(*words):
            return window
    return default


def integer_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    low, high = integer_range(sa_type)
    low, high = ladder_bounds(spec, number_of, low, high)
    default = (1990, 2030) if isinstance(sa_type, mysql_types.YEAR) else (1, 1000)
    ladder = Ladder(
        low=low,
        high=high,
        window=_number_window(spec, default),
        stride=1,
        to_value=lambda i: i,
        to_index=number_of,
    )
    return ordered_provider(spec, ladder)


def decimal_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    scale = getattr(sa_type, "scale", None)
    # Numeric() without a scale is DECIMAL(10, 0) on MySQL: unique values must be whole
    # numbers there or rounding makes them collide.
    digits = scale if isinstance(scale, int) else (0 if spec.unique else 2)
    unit = Decimal(1).scaleb(-digits)
    limit = decimal_limit(sa_type)
    bound = int(limit / unit) if limit is not None else 10**15
    as_float = getattr(sa_type, "asdecimal", True) is False

    def to_value(index: int) -> Any:
        value = (Decimal(index) * unit).quantize(unit)
        return float(value) if as_float else value

    return _fractional_provider(spec, sa_type, unit, bound, to_value)


def float_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    # Quarters are exact in binary, so a single-precision FLOAT column stores exactly
    # what was generated and unique or boundary values stay distinct.
    unit = Decimal("0.25")
    bound = int(Decimal(10**12) / unit)
    as_decimal = bool(getattr(sa_type, "asdecimal", False))

    def to_value(index: int) -> Any:
        value = Decimal(index) * unit
        return value if as_decimal else float(value)

    return _fractional_provider(spec, sa_type, unit, bound, to_value)


def _fractional_provider(
    spec: ColumnSpec, sa_type: Any, unit: Decimal, bound: int, to_value: Callable[[int], Any]
) -> Provider:
    """Multiples of ``unit``, at most ``bound`` units from zero (none below it if unsigned).

    A unique value takes a whole number's worth of rungs (``1 / unit``), so unique
    decimals and floats spread like integers with a random fraction.
    """
    low = 0 if getattr(sa_type, "unsigned", False) else -bound
    to_index = lambda v: number_of(v) / unit  # noqa: E731
    low, high = ladder_bounds(spec, to_index, low, bound)
    window = _number_window(spec, (0, 1000))
    ladder = Ladder(
        low=low,
        high=high,
        window=(int(window[0] / unit), int(window[1] / unit)),
        stride=int(1 / unit),
        to_value=to_value,
        to_index=to_index,
    )
    return ordered_provider(spec, ladder)
