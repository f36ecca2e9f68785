"""Explicit keys: the primary keys a factory sets itself, counting down from high values.

A row that points at itself needs its key before the INSERT, and a row in a DEFERRABLE
cycle needs the key its parent will be made with; the database can hand out neither.
"""

from __future__ import annotations

from ormprobe.graph import ColumnInfo
from ormprobe.synth import values
from ormprobe.synth.plan import ModelPlan

# Explicit keys (for rows that reference themselves) count down from high values, so they
# never meet the keys an autoincrement counter hands out, even after it jumps past them.
_EXPLICIT_KEY_BASE = {"SmallInteger": 30_000, "SMALLINT": 30_000}
_DEFAULT_EXPLICIT_KEY_BASE = 2_000_000_000


def explicit_key_base(column: ColumnInfo) -> int:
    """The first explicit key of ``column``; later ones count down from it."""
    return _EXPLICIT_KEY_BASE.get(column.type_class.rpartition(".")[2], _DEFAULT_EXPLICIT_KEY_BASE)


def countdown_source(column: ColumnInfo) -> str:
    """The explicit keys of ``column`` as factory_boy source."""
    return f"factory.Sequence(lambda n: {explicit_key_base(column):_} - n)"


def is_explicit_key(plan: ModelPlan, column: ColumnInfo) -> bool:
    """A key column set by the factory, counting down (see _EXPLICIT_KEY_BASE)."""
    return column.attribute in plan.explicit_key or (column.primary_key and not values.needs_value(column))
