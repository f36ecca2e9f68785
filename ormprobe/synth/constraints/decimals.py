"""Exact numbers: telling numbers from booleans, converting to ``Decimal``, rounding to integers.

Floats go through ``str`` so that ``0.1`` becomes ``Decimal("0.1")``, the number the
CHECK or the column means, not the nearest binary fraction.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any


def is_number(value: Any) -> bool:
    """True for ints, floats and Decimals; False for booleans (an ``int`` in Python)."""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def decimal_of(value: Any) -> Decimal:
    """``value`` as a Decimal, floats by their shortest decimal form."""
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def number_of(value: Any) -> Decimal:
    """A number as a Decimal.

    Raises:
        TypeError: for anything that is not a number (booleans included).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"{value!r} is not a number")
    return decimal_of(value)


def ceil_int(value: Any, inclusive: bool) -> int:
    """The smallest integer above ``value``, or at it when ``inclusive``."""
    number = decimal_of(value)
    ceiling = int(number.to_integral_value(rounding=ROUND_CEILING))
    return ceiling if inclusive or ceiling != number else ceiling + 1


def floor_int(value: Any, inclusive: bool) -> int:
    """The largest integer below ``value``, or at it when ``inclusive``."""
    number = decimal_of(value)
    floor = int(number.to_integral_value(rounding=ROUND_FLOOR))
    return floor if inclusive or floor != number else floor - 1
