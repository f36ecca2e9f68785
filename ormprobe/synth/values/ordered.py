"""Providers over ordered types, seen as a ladder of integer rungs (:class:`Ladder`).

Numbers, dates, times and intervals differ only in how a rung maps to a value; bounds,
CHECK exclusions, uniqueness and random picks are the same code for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ormprobe.synth.constraints import storage_value
from ormprobe.synth.constraints.decimals import ceil_int, floor_int
from ormprobe.synth.values.choices import from_allowed
from ormprobe.synth.values.randomness import Provider, ValueContext
from ormprobe.synth.values.spec import ATTEMPTS, ColumnSpec


@dataclass(frozen=True, slots=True)
class Ladder:
    """An ordered type as integer rungs: value = to_value(index).

    Working in rung indices keeps bounds, exclusivity, uniqueness and random picks the
    same code for every ordered type.

    Attributes:
        low: lowest admissible index (type and domain bounds applied).
        high: highest admissible index.
        window: preferred (low, high) indices for random values: plausible magnitudes.
        stride: rungs per unique slot; a unique value is start + n * stride + a random
            offset below stride, so sequences don't look like 1, 2, 3 for timestamps.
        to_value: index -> the value the ORM attribute expects.
        to_index: value -> exact index, or None when off the ladder.
    """

    low: int
    high: int
    window: tuple[int, int]
    stride: int
    to_value: Callable[[int], Any]
    to_index: Callable[[Any], Decimal | None]


def ordered_provider(spec: ColumnSpec, ladder: Ladder) -> Provider:
    """A provider over ``ladder`` that honours the domain and uniqueness."""
    if ladder.low > ladder.high:
        raise spec.fail("no value of its type satisfies its CHECK constraints")
    if spec.domain.allowed is not None:
        return from_allowed(spec, _allowed_values(spec, ladder))
    excluded = _excluded_indices(spec, ladder)
    window = _clip_window(ladder)
    if spec.unique:
        return _unique_ordered(spec, ladder, window, excluded)

    def provide(ctx: ValueContext) -> Any:
        for _ in range(ATTEMPTS):
            index = ctx.random.randint(*window)
            if index not in excluded:
                return _checked(spec, ladder.to_value(index))
        raise spec.fail("could not find a value outside its CHECK's excluded values")

    return provide


def _clip_window(ladder: Ladder) -> tuple[int, int]:
    low, high = ladder.window
    width = max(high - low, 0)
    if high < ladder.low:
        return ladder.low, min(ladder.high, ladder.low + width)
    if low > ladder.high:
        return max(ladder.low, ladder.high - width), ladder.high
    return max(low, ladder.low), min(high, ladder.high)


def _unique_ordered(
    spec: ColumnSpec, ladder: Ladder, window: tuple[int, int], excluded: frozenset[int]
) -> Provider:
    start = window[0]
    stride = max(1, min(ladder.stride, (ladder.high - start + 1) // 1_000_000))
    if stride == 1:
        return _unique_dense(spec, ladder, start, excluded)
    capacity = (ladder.high - start + 1) // stride

    def provide(ctx: ValueContext) -> Any:
        n = spec.sequence_within(ctx, capacity, "distinct values fit its type and CHECKs")
        base = start + n * stride
        return _checked(spec, ladder.to_value(base + _offset(ctx, stride, base, excluded)))

    return provide


def _unique_dense(spec: ColumnSpec, ladder: Ladder, start: int, excluded: frozenset[int]) -> Provider:
    """Every index once: from where values look plausible (1 for ids) up to the top,
    then the ones below it, so small ranges (TINYINT, BETWEEN 0 AND 100) are used whole."""
    above = ladder.high - start + 1

    def position(index: int) -> int:
        return index - start if index >= start else above + index - ladder.low

    def index_at(pos: int) -> int:
        return start + pos if pos < above else ladder.low + pos - above

    skipped = sorted(position(i) for i in excluded if ladder.low <= i <= ladder.high)
    capacity = ladder.high - ladder.low + 1 - len(skipped)

    def provide(ctx: ValueContext) -> Any:
        n = spec.sequence_within(ctx, capacity, "distinct values fit its type and CHECKs")
        pos = n
        for gap in skipped:
            if gap <= pos:
                pos += 1
        return _checked(spec, ladder.to_value(index_at(pos)))

    return provide


def _offset(ctx: ValueContext, stride: int, base: int, excluded: frozenset[int]) -> int:
    for _ in range(ATTEMPTS):
        offset = ctx.random.randrange(stride)
        if base + offset not in excluded:
            return offset
    return next((o for o in range(stride) if base + o not in excluded), 0)


def _excluded_indices(spec: ColumnSpec, ladder: Ladder) -> frozenset[int]:
    indices = set()
    for value in spec.domain.excluded:
        index = _safe_index(ladder, value)
        if index is not None and index == index.to_integral_value():
            indices.add(int(index))
    return frozenset(indices)


def _safe_index(ladder: Ladder, value: Any) -> Decimal | None:
    try:
        return ladder.to_index(value)
    except (TypeError, ValueError, ArithmeticError):
        return None


def _allowed_values(spec: ColumnSpec, ladder: Ladder) -> list[Any]:
    values = []
    for value in spec.domain.allowed or ():
        index = _safe_index(ladder, value)
        if index is None or index != index.to_integral_value():
            continue
        if ladder.low <= index <= ladder.high:
            candidate = ladder.to_value(int(index))
            if spec.domain.admits(storage_value(spec.column, candidate)):
                values.append(candidate)
    return values


def _checked(spec: ColumnSpec, value: Any) -> Any:
    if not spec.domain.admits(storage_value(spec.column, value)):
        raise spec.fail(f"{value!r} does not satisfy its CHECK constraints")
    return value


def ladder_bounds(
    spec: ColumnSpec, to_index: Callable[[Any], Decimal | None], low: int, high: int
) -> tuple[int, int]:
    """Type bounds (in indices) narrowed by the domain's minimum and maximum."""
    domain = spec.domain
    if domain.minimum is not None:
        index = _index_or_fail(spec, to_index, domain.minimum)
        low = max(low, ceil_int(index, domain.minimum_inclusive))
    if domain.maximum is not None:
        index = _index_or_fail(spec, to_index, domain.maximum)
        high = min(high, floor_int(index, domain.maximum_inclusive))
    return low, high


def _index_or_fail(spec: ColumnSpec, to_index: Callable[[Any], Decimal | None], value: Any) -> Decimal:
    try:
        index = to_index(value)
    except (TypeError, ValueError, ArithmeticError):
        index = None
    if index is None:
        raise spec.fail(f"CHECK bound {value!r} does not fit the column's type")
    return index
