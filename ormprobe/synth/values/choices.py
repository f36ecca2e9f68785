"""Providers that pick from a list: booleans, enums, and a CHECK's allowed values."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from ormprobe.synth.constraints import storage_value
from ormprobe.synth.values.randomness import Provider, ValueContext
from ormprobe.synth.values.spec import ColumnSpec


def from_allowed(spec: ColumnSpec, values: Sequence[Any]) -> Provider:
    """Pick from ``values``; unique columns take them in order until they run out."""
    if not values:
        raise spec.fail("no value of its type is in its CHECK's allowed list")
    choices = list(values)

    def provide(ctx: ValueContext) -> Any:
        if spec.unique:
            return choices[spec.sequence_within(ctx, len(choices), "distinct values are allowed")]
        return ctx.random.choice(choices)

    return provide


def admitted_values(spec: ColumnSpec, values: Sequence[Any]) -> list[Any]:
    """The ``values`` whose stored form the column's CHECK domain admits."""
    return [v for v in values if spec.domain.admits(storage_value(spec.column, v))]


def boolean_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    return from_allowed(spec, admitted_values(spec, [False, True]))


def enum_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    stored = list(sa_type.enums)
    members = enum_members(sa_type, stored)
    values = [members.get(text, text) for text in stored]
    return from_allowed(spec, admitted_values(spec, values))


def enum_members(sa_type: Any, stored: Sequence[str]) -> dict[str, Any]:
    """Stored string -> the enum member the ORM attribute holds (``Enum(MyEnum)``)."""
    enum_class = getattr(sa_type, "enum_class", None)
    if enum_class is None or not issubclass(enum_class, enum.Enum):
        return {}
    members: dict[str, Any] = {}
    for member, text in zip(enum_class.__members__.values(), stored, strict=False):
        members.setdefault(text, member)
    return members
