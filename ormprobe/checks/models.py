"""OP4xx: models as a whole — can a valid row of each model be stored at all?"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ormprobe.checks import targets
from ormprobe.checks.context import StaticContext
from ormprobe.checks.registry import Subject, check
from ormprobe.findings import Finding, Severity
from ormprobe.graph import ColumnInfo, ModelGraph, ModelInfo

__all__ = ["build", "instantiable", "unfillable_columns"]


def instantiable(model: ModelInfo) -> bool:
    """A class the ORM can create rows of (not an abstract polymorphic base)."""
    return not model.polymorphic_abstract and (
        model.polymorphic_on is None or model.polymorphic_identity is not None or not model.subclasses
    )


def unfillable_columns(graph: ModelGraph, model: ModelInfo) -> list[ColumnInfo]:
    """NOT NULL columns of the model's tables that no INSERT of this model can fill.

    The ORM only writes mapped attributes; a NOT NULL column that the model does not map
    (for instance one that only a sibling class maps in single-table inheritance) and
    that has no default is always NULL in this model's INSERT.
    """
    mapped = {(c.table, c.name) for c in model.columns}
    missing = []
    for table_name in model.tables:
        for column in graph.table(table_name).columns:
            if (table_name, column.name) in mapped or column.nullable or column.generated:
                continue
            if column.default is None:
                missing.append(column)
    return missing


def _models(graph: ModelGraph) -> Iterator[Subject]:
    for subject in targets.model_subjects(graph):
        if instantiable(subject.obj):
            yield subject


_models.__name__ = "models"


@check("OP401", "build", Severity.ERROR, proven=True, subjects=_models, tags=("model",))
def build(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """A valid object of every model can be created and flushed, with its required parents.

    ormprobe synthesizes values for every column (honouring types, lengths, enums,
    UNIQUE and CHECK constraints) and creates the parents that NOT NULL foreign keys
    require. When the database still refuses the row, the model itself can't be stored.
    When ormprobe can't find valid values, that is reported as an ormprobe error with the
    constraint that defeated it, never as a finding about the model.

    ## Why is this bad?
    A model whose rows can't be inserted is dead code at best; more often it is a
    single-table-inheritance subclass that can't be saved because a sibling's NOT NULL
    column is in the same table, or a NOT NULL column left out of the mapping.

    ## Example
    ```python
    class Vehicle(Base):            # single-table inheritance
        __tablename__ = "vehicle"
    class Truck(Vehicle):
        payload_kg = mapped_column(Integer, nullable=False)   # Car rows can't be inserted
    ```

    ## Use instead
    ```python
    class Truck(Vehicle):
        payload_kg = mapped_column(Integer, nullable=True)    # or a server_default
    ```
    """
    model: ModelInfo = subject.obj
    missing = unfillable_columns(ctx.graph, model)
    if missing:
        column = missing[0]
        yield ctx.finding(
            subject,
            f"{model.name} can't be inserted: NOT NULL {column.qualified_name} is not mapped by it",
            fix=f"make {column.qualified_name} nullable, or give it a server_default",
        )
