""":func:`satisfy_relations`: moving a row's values until its column-vs-column CHECKs hold."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints.analysis import CheckAnalysis
from ormprobe.synth.constraints.column_types import storage_value, type_domain, type_holds
from ormprobe.synth.constraints.compare import FLIPPED, Op
from ormprobe.synth.constraints.domain import Domain
from ormprobe.synth.constraints.propagation import propagate
from ormprobe.synth.constraints.relation import Relation
from ormprobe.synth.constraints.stepping import near


def satisfy_relations(
    row: Mapping[str, Any],
    analysis: CheckAnalysis,
    columns: Mapping[str, ColumnInfo],
    *,
    fixed: Collection[str] = (),
) -> dict[str, Any]:
    """Adjust ``row`` so that every column-vs-column relation holds.

    The left column is moved first (``ends_at = starts_at + 1 hour``), the right one if
    that would leave the left column's domain or type; columns in ``fixed`` (foreign
    keys already assigned, values the caller chose) are never changed. Relations that
    can't be met are left as they are; run :func:`evaluate` to find out.

    Args:
        row: values by column name.
        analysis: from :func:`analyze_checks`.
        columns: the table's columns by name.
        fixed: columns whose values must not change.

    Returns:
        A new dict; ``row`` is not modified.
    """
    out = dict(row)
    for _ in range(2 * len(analysis.relations) + 1):
        changed = False
        for relation in analysis.relations:
            if relation.holds(out.get(relation.left), out.get(relation.right)) is not False:
                continue
            repaired = _repair(relation, out, analysis, columns, fixed)
            if repaired is not None:
                out.update(repaired)
                changed = True
        if not changed:
            break
    if _all_hold(out, analysis.relations):
        return out
    # Moving one column at a time can chase its tail in chains (a < b < c within
    # bounds); narrow every column's bounds first, then pick values inside them.
    assigned = _assign(out, analysis, columns, fixed)
    return assigned if assigned is not None and _all_hold(assigned, analysis.relations) else out


def _all_hold(row: Mapping[str, Any], relations: Sequence[Relation]) -> bool:
    return all(r.holds(row.get(r.left), row.get(r.right)) is not False for r in relations)


def _assign(
    row: Mapping[str, Any],
    analysis: CheckAnalysis,
    columns: Mapping[str, ColumnInfo],
    fixed: Collection[str],
) -> dict[str, Any] | None:
    """Values for the relation columns chosen one by one inside propagated bounds."""
    involved = [
        name
        for r in analysis.relations
        for name in (r.left, r.right)
        if name in columns and row.get(name) is not None
    ]
    order = sorted(dict.fromkeys(involved), key=lambda name: name not in fixed)
    domains = dict(analysis.domains)
    out = dict(row)
    for name in order:
        narrowed = propagate(domains, analysis.relations, columns)
        if narrowed is None:
            return None
        value = row[name] if name in fixed else _clamp(row[name], narrowed[name], columns[name])
        if value is None:
            return None
        out[name] = value
        domains[name] = replace(
            domains.get(name, Domain()),
            allowed=(value,),
            minimum=value,
            minimum_inclusive=True,
            maximum=value,
            maximum_inclusive=True,
        )
    return out


def _clamp(value: Any, domain: Domain, column: ColumnInfo) -> Any:
    """The value of ``column``'s type nearest to ``value`` inside ``domain``'s bounds."""
    candidates = [value]
    if domain.minimum is not None:
        op: Op = ">=" if domain.minimum_inclusive else ">"
        candidates.extend(near(domain.minimum, op, column))
    if domain.maximum is not None:
        op = "<=" if domain.maximum_inclusive else "<"
        candidates.extend(near(domain.maximum, op, column))
    for candidate in candidates:
        if domain.admits(storage_value(column, candidate)) and type_holds(candidate, column):
            return candidate
    return None


def _repair(
    relation: Relation,
    row: Mapping[str, Any],
    analysis: CheckAnalysis,
    columns: Mapping[str, ColumnInfo],
    fixed: Collection[str],
) -> dict[str, Any] | None:
    left, right = row[relation.left], row[relation.right]
    if relation.left not in fixed and relation.left in columns:
        for candidate in _left_candidates(relation, right, columns[relation.left]):
            if relation.holds(candidate, right) and _fits(candidate, relation.left, analysis, columns):
                return {relation.left: candidate}
    if relation.right not in fixed and relation.right in columns:
        for candidate in _right_candidates(relation, left, columns[relation.right]):
            if relation.holds(left, candidate) and _fits(candidate, relation.right, analysis, columns):
                return {relation.right: candidate}
    return None


def _left_candidates(relation: Relation, right: Any, column: ColumnInfo) -> Iterator[Any]:
    try:
        target = relation.target(right)
    except (TypeError, ArithmeticError):
        return
    yield from near(target, relation.op, column)


def _right_candidates(relation: Relation, left: Any, column: ColumnInfo) -> Iterator[Any]:
    # left op scale*right + offset  <=>  right op' (left - offset) / scale
    try:
        shifted = left - relation.offset if relation.offset != 0 else left
        if relation.scale == 1:
            target = shifted
        elif isinstance(shifted, float):
            target = shifted / float(relation.scale)
        else:
            target = Decimal(shifted) / relation.scale
    except (TypeError, ArithmeticError):
        return
    op = FLIPPED[relation.op] if relation.scale > 0 else relation.op
    yield from near(target, op, column)


def _fits(value: Any, name: str, analysis: CheckAnalysis, columns: Mapping[str, ColumnInfo]) -> bool:
    column = columns[name]
    stored = storage_value(column, value)
    if not analysis.domain(name).admits(stored):
        return False
    return type_domain(column.sa_type, nullable=column.nullable).admits(stored)
