"""Bounds propagation over relations, and whether a column still has a value left.

``a < b`` and ``b < 3`` give ``a < 3``. Integer and ``Numeric(p, s)`` bounds are snapped
onto the column's grid, so that ``-1 < j < 0`` is seen to be empty.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints.column_types import type_domain, unwrap, value_kind
from ormprobe.synth.constraints.compare import CannotTell, Op, compare, same
from ormprobe.synth.constraints.decimals import ceil_int, floor_int, number_of
from ormprobe.synth.constraints.domain import Domain
from ormprobe.synth.constraints.relation import Relation
from ormprobe.synth.constraints.stepping import shift

_ORDERED_KINDS = frozenset({"int", "decimal", "float", "date", "datetime", "time", "interval"})


def propagate(
    domains: Mapping[str, Domain], relations: Sequence[Relation], columns: Mapping[str, ColumnInfo]
) -> dict[str, Domain] | None:
    """Narrow column bounds through the relations; None when some column has no value left.

    ``a < b`` and ``b < 3`` give ``a < 3``: interval (bounds) consistency, iterated to a
    fixpoint (or a round limit: a cycle like ``a > b + 1, b > a + 1`` only creeps).
    """
    narrowed = {
        name: _snap(domains.get(name, Domain()).merge(type_domain(column.sa_type)), column)
        for name, column in columns.items()
    }
    usable = [r for r in relations if _propagates(r, columns)]
    for _ in range(4 * len(usable) + 4):
        changed = False
        for relation in usable:
            for name, implied in _implied(relation, narrowed):
                merged = _snap(narrowed[name].merge(implied), columns[name])
                if merged == narrowed[name]:
                    continue
                if not feasible(merged, columns[name]):
                    return None
                narrowed[name] = merged
                changed = True
        if not changed:
            break
    return narrowed


def _snap(domain: Domain, column: ColumnInfo) -> Domain:
    """Bounds moved onto the column's grid: ``x > -1`` is ``x >= 0`` for an integer.

    Without this, propagation over integers settles on real-valued bounds that
    admit no integer (``-1 < j < 0``).
    """
    kind = value_kind(column.sa_type)
    if domain.allowed and kind in _ORDERED_KINDS:
        domain = domain.merge(_hull(domain.allowed))
    scale = 0 if kind == "int" else getattr(unwrap(column.sa_type), "scale", None)
    if kind not in ("int", "decimal") or not isinstance(scale, int):
        return domain
    unit = Decimal(1).scaleb(-scale)
    try:
        if domain.minimum is not None:
            low = _lowest_step(domain, unit)
            domain = replace(domain, minimum=_grid_value(low, unit, kind), minimum_inclusive=True)
        if domain.maximum is not None:
            high = _highest_step(domain, unit)
            domain = replace(domain, maximum=_grid_value(high, unit, kind), maximum_inclusive=True)
    except (TypeError, ValueError, ArithmeticError):
        return domain
    return domain


def _hull(values: Sequence[Any]) -> Domain:
    """The bounds around a list of allowed values (``x IN (1, 5)`` -> ``1 <= x <= 5``)."""
    try:
        ordered = sorted(values, key=functools.cmp_to_key(compare))
    except (CannotTell, TypeError):
        return Domain()
    return Domain(minimum=ordered[0], maximum=ordered[-1])


def _grid_value(steps: int, unit: Decimal, kind: str) -> int | Decimal:
    return steps if kind == "int" else steps * unit


def _propagates(relation: Relation, columns: Mapping[str, ColumnInfo]) -> bool:
    if relation.left not in columns or relation.right not in columns or relation.op == "!=":
        return False
    kinds = {
        value_kind(columns[relation.left].sa_type),
        value_kind(columns[relation.right].sa_type),
    }
    if not kinds <= _ORDERED_KINDS:
        return False
    return relation.scale == 1 or kinds <= {"int", "decimal", "float"}


def _implied(relation: Relation, domains: Mapping[str, Domain]) -> list[tuple[str, Domain]]:
    """What ``left op scale * right + offset`` says about each side, given the other."""
    left, right = domains[relation.left], domains[relation.right]
    out: list[tuple[str, Domain]] = []
    ops: tuple[Op, ...] = (">=", "<=") if relation.op == "=" else (relation.op,)
    for op in ops:
        strict = op in (">", "<")
        upward = op in (">", ">=")
        try:
            image = _image(right, relation, upward)
            if image is not None:
                out.append((relation.left, _bound_from(upward, image[0], image[1] and not strict)))
            source = (
                (left.maximum, left.maximum_inclusive) if upward else (left.minimum, left.minimum_inclusive)
            )
            back = _preimage(source, relation)
            if back is not None:
                # left > s*right + off  =>  s*right < left.max - off; dividing by s < 0 flips.
                below = upward == (relation.scale > 0)
                out.append((relation.right, _bound_from(not below, back, source[1] and not strict)))
        except (TypeError, ArithmeticError, OverflowError, ValueError):
            continue
    return out


def _bound_from(lower: bool, value: Any, closed: bool) -> Domain:
    if lower:
        return Domain(minimum=value, minimum_inclusive=closed)
    return Domain(maximum=value, maximum_inclusive=closed)


def _image(right: Domain, relation: Relation, upward: bool) -> tuple[Any, bool] | None:
    """The lowest (upward) or highest value of ``scale * right + offset`` over right's domain."""
    take_minimum = upward == (relation.scale > 0)
    value, closed = (
        (right.minimum, right.minimum_inclusive) if take_minimum else (right.maximum, right.maximum_inclusive)
    )
    if value is None:
        return None
    return relation.target(value), closed


def _preimage(source: tuple[Any, bool], relation: Relation) -> Any:
    value = source[0]
    if value is None:
        return None
    shifted = value if _is_zero(relation.offset) else shift(value, relation.offset, -1)
    if relation.scale == 1:
        return shifted
    if isinstance(shifted, float):
        return shifted / float(relation.scale)
    return Decimal(shifted) / relation.scale


def _is_zero(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value == 0


def feasible(domain: Domain, column: ColumnInfo) -> bool:
    """Whether some value of the column's type (or NULL) lies in ``domain``."""
    combined = domain.merge(type_domain(column.sa_type, nullable=column.nullable))
    if combined.null_only:
        return column.nullable and not domain.not_null
    if combined.conflicts():
        return False
    kind = value_kind(column.sa_type)
    if kind == "int":
        return _grid_has_room(combined, 0)
    if kind == "decimal":
        scale = getattr(unwrap(column.sa_type), "scale", None)
        return _grid_has_room(combined, scale) if isinstance(scale, int) else True
    return True


def _grid_has_room(domain: Domain, scale: int) -> bool:
    """Whether a multiple of 10**-scale lies inside the bounds and is not excluded."""
    if domain.minimum is None or domain.maximum is None:
        return True
    unit = Decimal(1).scaleb(-scale)
    try:
        low = _lowest_step(domain, unit)
        high = _highest_step(domain, unit)
    except (TypeError, ValueError, ArithmeticError):
        return True
    if low > high:
        return False
    if high - low >= len(domain.excluded):
        return True  # more grid points than excluded values: one is left
    return any(not any(same(step * unit, e) for e in domain.excluded) for step in range(low, high + 1))


def _lowest_step(domain: Domain, unit: Decimal) -> int:
    """The smallest n such that ``n * unit`` is above (or at) the domain's minimum."""
    return ceil_int(number_of(domain.minimum) / unit, domain.minimum_inclusive)


def _highest_step(domain: Domain, unit: Decimal) -> int:
    """The largest n such that ``n * unit`` is below (or at) the domain's maximum."""
    return floor_int(number_of(domain.maximum) / unit, domain.maximum_inclusive)
