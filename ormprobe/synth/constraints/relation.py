""":class:`Relation`: a comparison between two columns of one row, ``left <op> right * scale + offset``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ormprobe.synth.constraints.compare import CannotTell, Op, apply_op, compare_for
from ormprobe.synth.constraints.stepping import shift


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
        return shift(scaled, self.offset, 1)

    def holds(self, left_value: Any, right_value: Any) -> bool | None:
        """Whether the relation holds; True when either side is NULL; None = can't tell."""
        if left_value is None or right_value is None:
            return True
        try:
            return apply_op(self.op, compare_for(self.op, left_value, self.target(right_value)))
        except (CannotTell, TypeError, ArithmeticError):
            return None

    @property
    def text(self) -> str:
        """A readable rendering: ``ends_at > starts_at + 1 day``."""
        right = self.right if self.scale == 1 else f"{self.scale} * {self.right}"
        if not (isinstance(self.offset, (int, Decimal)) and self.offset == 0):
            right = f"{right} + {self.offset}"
        return f"{self.left} {self.op} {right}"
