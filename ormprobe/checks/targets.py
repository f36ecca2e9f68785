"""Subjects of checks, and how each kind of target is named.

Names are what users read, select in pytest with ``-k`` and silence in
``per-target-ignores``, so they are stable and follow one scheme:

- relationships: ``Model.key``
- columns: ``Model.attribute`` (``table.column`` for a table without a model)
- foreign keys: the column's name for a one-column FK, ``Model.fk(a,b)`` for composite ones
- UNIQUE constraints: the column's name for one column, ``Model.unique(a,b)`` otherwise
- CHECK constraints: ``Model.<constraint name>``, or ``Model.check(a,b)`` when unnamed
- models: ``Model``; tables without a model: ``table``
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ormprobe.checks.registry import Subject
from ormprobe.graph import (
    ColumnInfo,
    ConstraintInfo,
    Direction,
    ForeignKeyInfo,
    ModelGraph,
    ModelInfo,
    RelationshipInfo,
    TableInfo,
)

__all__ = [
    "column_name",
    "column_owner",
    "column_subjects",
    "constraint_name",
    "constraint_subjects",
    "fk_columns_required",
    "foreign_key_name",
    "foreign_key_subjects",
    "is_one_to_many",
    "is_writable",
    "model_subjects",
    "owner_of",
    "relationship_subjects",
    "table_label",
    "table_subjects",
    "written_foreign_keys",
]


def owner_of(graph: ModelGraph, table: TableInfo) -> ModelInfo | None:
    """The model whose own table this is (the base of a single-table hierarchy)."""
    for name in table.models:
        model = graph.model(name)
        if model.table == table.name and (
            model.inherits is None or graph.model(model.inherits).table != table.name
        ):
            return model
    return None


def table_label(graph: ModelGraph, table: TableInfo) -> str:
    """``Model`` for a mapped table, the table's name otherwise."""
    owner = owner_of(graph, table)
    return owner.name if owner is not None else table.name


def column_owner(graph: ModelGraph, table: TableInfo, column: str) -> ModelInfo | None:
    """The model that maps ``column``: the table's owner, or the subclass that adds it
    (single-table inheritance puts subclass columns in the base's table)."""
    owner = owner_of(graph, table)
    candidates = [owner] if owner is not None else []
    candidates += [graph.model(name) for name in table.models if owner is None or name != owner.name]
    for model in candidates:
        if any(c.table == table.name and c.name == column for c in model.columns):
            return model
    return owner


def column_name(graph: ModelGraph, table: TableInfo, column: str) -> str:
    """``Model.attribute`` of a table column (``table.column`` when unmapped)."""
    owner = column_owner(graph, table, column)
    if owner is not None:
        for info in owner.columns:
            if info.table == table.name and info.name == column:
                return f"{owner.name}.{info.attribute}"
    return f"{table_label(graph, table)}.{column}"


def foreign_key_name(graph: ModelGraph, fk: ForeignKeyInfo) -> str:
    """Target name of a foreign key constraint."""
    table = graph.table(fk.table)
    if len(fk.columns) == 1:
        return column_name(graph, table, fk.columns[0])
    return f"{table_label(graph, table)}.fk({','.join(fk.columns)})"


def constraint_name(graph: ModelGraph, constraint: ConstraintInfo) -> str:
    """Target name of a UNIQUE or CHECK constraint."""
    table = graph.table(constraint.table)
    if constraint.kind == "check":
        if constraint.name:
            return f"{table_label(graph, table)}.{constraint.name}"
        return f"{table_label(graph, table)}.check({','.join(constraint.columns)})"
    if len(constraint.columns) == 1:
        return column_name(graph, table, constraint.columns[0])
    kind = "pk" if constraint.kind == "primary_key" else constraint.kind
    return f"{table_label(graph, table)}.{kind}({','.join(constraint.columns)})"


def relationship_subjects(
    predicate: Callable[[ModelGraph, RelationshipInfo], bool],
) -> Callable[[ModelGraph], Iterator[Subject]]:
    """A subject finder over every declared relationship that satisfies ``predicate``."""

    def relationships(graph: ModelGraph) -> Iterator[Subject]:
        for rel in graph.relationships():
            if predicate(graph, rel):
                yield Subject(rel.name, "relationship", rel, rel.model, rel.location)

    relationships.__name__ = "relationships"
    return relationships


def model_subjects(graph: ModelGraph) -> Iterator[Subject]:
    """Every mapped model."""
    for model in graph.models:
        yield Subject(model.name, "model", model, model.name, model.location)


def column_subjects(
    predicate: Callable[[ModelGraph, TableInfo, ColumnInfo], bool],
) -> Callable[[ModelGraph], Iterator[Subject]]:
    """A subject finder over table columns that satisfy ``predicate``."""

    def columns(graph: ModelGraph) -> Iterator[Subject]:
        for table in graph.tables:
            for column in table.columns:
                if predicate(graph, table, column):
                    owner = column_owner(graph, table, column.name)
                    yield Subject(
                        column_name(graph, table, column.name),
                        "column",
                        (table, column),
                        owner.name if owner else None,
                        column.location,
                    )

    columns.__name__ = "columns"
    return columns


def attribute_subjects(
    predicate: Callable[[ModelGraph, ModelInfo, ColumnInfo], bool],
) -> Callable[[ModelGraph], Iterator[Subject]]:
    """A subject finder over mapped column attributes that satisfy ``predicate``, each
    once: under the model that maps the column, not again under its subclasses."""

    def attributes(graph: ModelGraph) -> Iterator[Subject]:
        for table in graph.tables:
            for column in table.columns:
                owner = column_owner(graph, table, column.name)
                if owner is None:
                    continue
                mapped = next(
                    (c for c in owner.columns if c.table == table.name and c.name == column.name), None
                )
                if mapped is not None and predicate(graph, owner, mapped):
                    name = f"{owner.name}.{mapped.attribute}"
                    yield Subject(name, "column", (table, mapped), owner.name, mapped.location)

    attributes.__name__ = "attributes"
    return attributes


def foreign_key_subjects(
    predicate: Callable[[ModelGraph, ForeignKeyInfo], bool],
) -> Callable[[ModelGraph], Iterator[Subject]]:
    """A subject finder over foreign key constraints that satisfy ``predicate``."""

    def foreign_keys(graph: ModelGraph) -> Iterator[Subject]:
        for table in graph.tables:
            for fk in table.foreign_keys:
                if predicate(graph, fk):
                    owner = column_owner(graph, table, fk.columns[0])
                    yield Subject(
                        foreign_key_name(graph, fk),
                        "foreign_key",
                        fk,
                        owner.name if owner else None,
                        fk.location,
                    )

    foreign_keys.__name__ = "foreign_keys"
    return foreign_keys


def constraint_subjects(
    predicate: Callable[[ModelGraph, TableInfo, ConstraintInfo], bool],
) -> Callable[[ModelGraph], Iterator[Subject]]:
    """A subject finder over UNIQUE/CHECK constraints that satisfy ``predicate``."""

    def constraints(graph: ModelGraph) -> Iterator[Subject]:
        for table in graph.tables:
            for constraint in table.constraints:
                if predicate(graph, table, constraint):
                    first = constraint.columns[0] if constraint.columns else ""
                    owner = column_owner(graph, table, first) or owner_of(graph, table)
                    yield Subject(
                        constraint_name(graph, constraint),
                        "constraint",
                        (table, constraint),
                        owner.name if owner else None,
                        table.location,
                    )

    constraints.__name__ = "constraints"
    return constraints


def table_subjects(graph: ModelGraph) -> Iterator[Subject]:
    """Every table."""
    for table in graph.tables:
        owner = owner_of(graph, table)
        yield Subject(
            table_label(graph, table), "table", table, owner.name if owner else None, table.location
        )


def is_writable(rel: RelationshipInfo) -> bool:
    """A relationship the ORM writes through (not viewonly)."""
    return not rel.viewonly


def is_one_to_many(rel: RelationshipInfo) -> bool:
    """``ONETOMANY``, collection or scalar."""
    return rel.direction is Direction.ONETOMANY


def written_foreign_keys(graph: ModelGraph, rel: RelationshipInfo) -> tuple[ForeignKeyInfo, ...]:
    """FK constraints (on the child table) whose columns ``rel`` writes."""
    return tuple(fk for fk in graph.foreign_keys_of(rel) if _written_by(fk, rel.fk_columns))


def _written_by(fk: ForeignKeyInfo, written: tuple[str, ...]) -> bool:
    return bool({f"{fk.table}.{c}" for c in fk.columns} & set(written))


def fk_columns_required(graph: ModelGraph, rel: RelationshipInfo) -> bool:
    """True when some column ``rel`` writes is NOT NULL."""
    for qualified in rel.fk_columns:
        table, _, column = qualified.rpartition(".")
        try:
            if not graph.table(table).column(column).nullable:
                return True
        except KeyError:
            continue
    return False
