"""UUID, binary, JSON and ARRAY providers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from ormprobe.synth.constraints import Domain, storage_value
from ormprobe.synth.values.randomness import Provider, ValueContext
from ormprobe.synth.values.spec import ATTEMPTS, Builder, ColumnSpec
from ormprobe.synth.values.tokens import random_uuid


def uuid_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    as_uuid = getattr(sa_type, "as_uuid", True)

    def provide(ctx: ValueContext) -> Any:
        value = random_uuid(ctx, spec.sequence(ctx) if spec.unique else None)
        return value if as_uuid else str(value)

    return with_domain(spec, provide)


def binary_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    length = getattr(sa_type, "length", None)
    # BINARY(n) pads to n bytes, so values must be exactly n long to stay distinct.
    if isinstance(sa_type, sa.BINARY) and isinstance(length, int):
        size = length
    else:
        size = min(length, 16) if isinstance(length, int) and length > 0 else 16

    def provide(ctx: ValueContext) -> bytes:
        data = ctx.random.randbytes(size)
        if not spec.unique:
            return data
        width = min(size, 8)
        n = spec.sequence_within(ctx, 256**width, f"distinct values fit {size} bytes")
        return n.to_bytes(width, "big") + data[width:]

    return with_domain(spec, provide)


def json_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    if spec.column.python_type in ("list", "set"):  # MutableList/MutableSet.as_mutable(JSON)
        make = list if spec.column.python_type == "list" else set

        def provide_items(ctx: ValueContext) -> Any:
            words = ctx.faker.words(2)
            return make([*words, spec.sequence(ctx)] if spec.unique else words)

        return provide_items

    def provide(ctx: ValueContext) -> dict[str, Any]:
        value: dict[str, Any] = {
            "name": ctx.faker.word(),
            "count": ctx.random.randint(1, 100),
            "active": ctx.random.random() < 0.5,
            "tags": ctx.faker.words(2),
        }
        if spec.unique:
            value["seq"] = spec.sequence(ctx)
        return value

    return provide


def array_provider(spec: ColumnSpec, sa_type: Any, build: Builder) -> Provider:
    """Two items (or a rectangle of them) that ``build`` makes for the item type."""
    item_spec = replace(spec, unique=False, domain=Domain())
    item = build(item_spec, sa_type.item_type)
    first = build(replace(item_spec, unique=True), sa_type.item_type) if spec.unique else item
    dimensions = getattr(sa_type, "dimensions", None) or 1

    def provide(ctx: ValueContext) -> list[Any]:
        return _nested(ctx, item, first, dimensions)

    return provide


def _nested(ctx: ValueContext, item: Provider, first: Provider, dimensions: int) -> list[Any]:
    if dimensions <= 1:
        return [first(ctx), item(ctx)]
    # Multi-dimensional arrays must be rectangular: the same shape at every level.
    return [_nested(ctx, item, first, dimensions - 1), _nested(ctx, item, item, dimensions - 1)]


def with_domain(spec: ColumnSpec, provide: Provider) -> Provider:
    """Retry a random provider until the CHECK domain admits its value."""
    if spec.domain.unconstrained:
        return provide

    def checked(ctx: ValueContext) -> Any:
        for _ in range(ATTEMPTS):
            value = provide(ctx)
            if spec.domain.admits(storage_value(spec.column, value)):
                return value
        raise spec.fail("could not make a value that satisfies its CHECK constraints")

    return checked
