"""What a valid row of each model needs: which attributes get values, which parents.

Pure graph reasoning, shared by the runtime factories and the generated factory source:

- a **link** is one foreign key of the model's tables, with how to satisfy it: through
  a many-to-one relationship that writes exactly its columns (the ORM then fills the
  columns at flush), or by copying the parent's key into the columns;
- a link is **required** when one of its columns is NOT NULL, and **fresh** when the FK is
  unique (a one-to-one needs a parent of its own; others share one parent per build), or
  when an earlier link of the same row already points at that table (a transfer's source
  and destination accounts are two accounts);
- a required link back to the model's own table is satisfied by the row itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ormprobe.errors import SynthesisError
from ormprobe.graph import (
    ColumnInfo,
    Direction,
    ForeignKeyInfo,
    ModelGraph,
    ModelInfo,
    RelationshipInfo,
)

__all__ = [
    "Link",
    "ModelPlan",
    "ancestors",
    "build_plans",
    "closes_cycle",
    "concrete_model",
    "model_for_table",
    "required_order",
]


@dataclass(frozen=True, slots=True)
class Link:
    """How rows of a model get the parent one foreign key points at.

    Attributes:
        fk: the foreign key.
        parent: the model to create as parent (None for a table without a model).
        relationship: a many-to-one relationship key writing exactly the FK's columns.
        attributes: the model's attribute keys of the FK columns, in FK order.
        target_attributes: the parent's attribute keys of the referenced columns.
        required: a NOT NULL column makes the parent mandatory.
        fresh: every row needs its own parent (a unique FK, or FK columns inside a
            multi-column unique key).
        self_referential: the FK points back at the model's own table.
        deferred: the FK is ``DEFERRABLE INITIALLY DEFERRED``: checked at commit, so the
            parent may be inserted after the row (the way out of a NOT NULL cycle).
    """

    fk: ForeignKeyInfo
    parent: str | None
    relationship: str | None
    attributes: tuple[str, ...]
    target_attributes: tuple[str, ...]
    required: bool
    fresh: bool
    self_referential: bool
    deferred: bool = False

    @property
    def columns(self) -> frozenset[str]:
        """``table.column`` of every FK column."""
        return frozenset(f"{self.fk.table}.{c}" for c in self.fk.columns)


@dataclass(frozen=True, slots=True)
class ModelPlan:
    """Everything needed to make a valid row of one model.

    Attributes:
        model: the model the plan is for.
        concrete: the model actually instantiated (a concrete subclass of an abstract
            polymorphic base).
        columns: attributes that get synthesized values (FK columns excluded).
        links: every foreign key of the model's tables with how to satisfy it.
        explicit_key: the primary key attributes must be set explicitly (the row refers
            to itself, so its key must be known before the INSERT).
    """

    model: str
    concrete: str
    columns: tuple[ColumnInfo, ...]
    links: tuple[Link, ...]
    explicit_key: tuple[str, ...] = ()

    @property
    def required_links(self) -> tuple[Link, ...]:
        """Links whose parent must exist for the row to be valid."""
        return tuple(link for link in self.links if link.required)


def build_plans(graph: ModelGraph, *, skip_attributes: Iterable[str] = ()) -> dict[str, ModelPlan]:
    """A plan for every model of ``graph``.

    Args:
        graph: the models.
        skip_attributes: ``Model.attr`` names the caller fills itself (value overrides).

    Raises:
        SynthesisError: never here; cycles of required links are reported when a plan
            is used, so one bad corner does not stop the other models.
    """
    skipped = set(skip_attributes)
    return {model.name: _plan(graph, model, skipped) for model in graph.models}


def concrete_model(graph: ModelGraph, name: str) -> ModelInfo:
    """The model to instantiate for ``name``: itself, or its first concrete subclass.

    Raises:
        SynthesisError: when an abstract base has no concrete subclass.
    """
    model = graph.model(name)
    if _instantiable(model):
        return model
    for sub in model.subclasses:
        candidate = graph.model(sub)
        if _instantiable(candidate):
            return candidate
    raise SynthesisError(f"{name} is abstract and has no concrete subclass to create", target=name)


def ancestors(graph: ModelGraph, model: str) -> list[str]:
    """The models ``model`` inherits from, nearest first."""
    out: list[str] = []
    current = graph.model(model).inherits
    while current is not None and current not in out:
        out.append(current)
        current = graph.model(current).inherits
    return out


def model_for_table(graph: ModelGraph, table: str) -> ModelInfo | None:
    """The model that owns ``table`` (the base of an inheritance hierarchy), if any."""
    if not graph.has_table(table):
        return None
    owners = [graph.model(name) for name in graph.table(table).models]
    for model in owners:
        if model.inherits is None or graph.model(model.inherits).table != table:
            return model
    return owners[0] if owners else None


def _instantiable(model: ModelInfo) -> bool:
    if model.polymorphic_abstract:
        return False
    # A polymorphic base without an identity of its own can't be loaded back as itself.
    return model.polymorphic_on is None or model.polymorphic_identity is not None or not model.subclasses


def _plan(graph: ModelGraph, model: ModelInfo, skipped: set[str]) -> ModelPlan:
    concrete = concrete_model(graph, model.name) if not _instantiable(model) else model
    if concrete is not model:
        return _plan(graph, concrete, skipped)
    links = _distinct_parents(_links(graph, model))
    linked = {attr for link in links for attr in link.attributes}
    explicit_key = model.primary_key if any(k.required and k.self_referential for k in links) else ()
    # A joined subclass's key columns copy the base table's key at flush; the attribute
    # they share is the base column's, which the plan handles (or the database fills).
    inherited = {
        (fk.table, name)
        for table in model.tables
        for fk in graph.table(table).foreign_keys
        if _inheritance_fk(graph, model, fk)
        for name in fk.columns
    }
    columns: list[ColumnInfo] = []
    seen: set[str | None] = set()
    for column in model.columns:
        if (
            column.attribute in linked
            or column.attribute in seen
            or (column.table, column.name) in inherited
            or column.attribute == model.polymorphic_on
            or f"{model.name}.{column.attribute}" in skipped
        ):
            continue
        seen.add(column.attribute)
        columns.append(column)
    return ModelPlan(model.name, model.name, tuple(columns), links, explicit_key)


def _links(graph: ModelGraph, model: ModelInfo) -> Iterable[Link]:
    by_column = {(c.table, c.name): c for c in model.columns}
    relationships = [r for r in model.relationships if r.direction is Direction.MANYTOONE and not r.viewonly]
    fks = [fk for table in model.tables for fk in graph.table(table).foreign_keys]
    # Composite FKs first: when FKs overlap (workspace_id alone, and (workspace_id,
    # agent_id) together) the composite one decides the shared columns.
    for fk in sorted(fks, key=lambda f: -len(f.columns)):
        if _inheritance_fk(graph, model, fk):
            continue
        attributes = []
        for column in fk.columns:
            info = by_column.get((fk.table, column))
            if info is None or info.attribute is None:
                break
            attributes.append(info.attribute)
        else:
            yield _link(graph, model, fk, tuple(attributes), relationships)


def _distinct_parents(links: Iterable[Link]) -> tuple[Link, ...]:
    """Give each further link of a row to the same table a parent of its own.

    Two FKs of one row to one table (sender and recipient, source and target node) name
    two roles; one shared parent in both would make a row that a ``CHECK (a <> b)`` or a
    unique pair refuses, and that the application never makes. FKs that share columns
    (a composite FK overlapping a single one) must agree, so they keep sharing.
    """
    used: dict[str, set[str]] = {}
    out: list[Link] = []
    for link in links:
        columns = used.setdefault(link.fk.target_table, set())
        if columns and not link.self_referential and not columns & set(link.fk.columns):
            link = replace(link, fresh=True)
        columns.update(link.fk.columns)
        out.append(link)
    return tuple(out)


def _inheritance_fk(graph: ModelGraph, model: ModelInfo, fk: ForeignKeyInfo) -> bool:
    """The FK that joins a joined-inheritance subclass table to its parent's table."""
    if fk.table == fk.target_table or fk.target_table not in model.tables:
        return False
    return set(fk.columns) == set(graph.table(fk.table).primary_key)


def _link(
    graph: ModelGraph,
    model: ModelInfo,
    fk: ForeignKeyInfo,
    attributes: tuple[str, ...],
    relationships: list[RelationshipInfo],
) -> Link:
    written = {f"{fk.table}.{c}" for c in fk.columns}
    through = next(
        (r for r in relationships if set(r.fk_columns) == written and not r.self_referential),
        None,
    )
    # The relationship's target decides the parent's class: a relationship to a subclass
    # (single-table inheritance) needs that subclass, not the table's base model.
    parent = graph.model(through.target) if through is not None else model_for_table(graph, fk.target_table)
    via = through.key if through is not None else None
    self_referential = fk.target_table in model.tables or (parent is not None and parent.name == model.name)
    target_attributes: tuple[str, ...] = ()
    if parent is not None:
        keys = {(c.table, c.name): c.attribute for c in parent.columns}
        target_attributes = tuple(keys.get((fk.target_table, c)) or c for c in fk.target_columns)
    return Link(
        fk=fk,
        parent=parent.name if parent is not None else None,
        relationship=via,
        attributes=attributes,
        target_attributes=target_attributes,
        required=not fk.all_nullable,
        fresh=_needs_own_parent(graph, fk, through),
        self_referential=self_referential,
        deferred=bool(fk.deferrable) and (fk.initially or "").upper() == "DEFERRED",
    )


def _needs_own_parent(graph: ModelGraph, fk: ForeignKeyInfo, through: RelationshipInfo | None) -> bool:
    """Rows may not share the parent: the FK is unique (a one-to-one), the parent's side
    of the relationship is scalar (a one-to-one by intent: a second child would replace
    the first, and delete-orphan would delete it), the relationship is ``single_parent``
    (SQLAlchemy refuses a parent already linked to another row), or the FK columns are part of a
    multi-column UNIQUE/PRIMARY KEY of foreign keys only (an association row per pair of
    parents)."""
    if fk.unique or (through is not None and through.single_parent):
        return True
    reverse = graph.reverse_of(through) if through is not None and through.reverse else None
    if reverse is not None and not reverse.uselist:
        return True
    # A key made only of foreign key columns (user_id, team_id) repeats when two rows
    # share parents; a key with a value column (workspace_id, slug) gets unique values
    # for that column anyway.
    table = graph.table(fk.table)
    fk_columns = {c for other in table.foreign_keys for c in other.columns}
    keys = [c.columns for c in table.constraints if c.kind in ("unique", "primary_key")]
    keys += [i.columns for i in table.indexes if i.unique]
    return any(len(key) > 1 and set(key) & set(fk.columns) and set(key) <= fk_columns for key in keys)


def required_order(plans: dict[str, ModelPlan], name: str) -> list[str]:
    """Models ``name`` transitively requires, parents first.

    A deferred link (``DEFERRABLE INITIALLY DEFERRED``) that closes a cycle is left out:
    the database checks it at commit, so its parent can come after the row.

    Raises:
        SynthesisError: when required links form a cycle between different models (no
            INSERT order can satisfy NOT NULL foreign keys in a loop).
    """
    order: list[str] = []
    visiting: list[str] = []

    def visit(current: str) -> None:
        if current in order:
            return
        if current in visiting:
            cycle = " -> ".join([*visiting[visiting.index(current) :], current])
            raise SynthesisError(
                f"required foreign keys form a cycle ({cycle}): no INSERT order satisfies them; "
                "make one of them nullable with post_update=True, or DEFERRABLE",
                target=current,
            )
        visiting.append(current)
        for link in plans[current].required_links:
            if link.parent is None or link.self_referential:
                continue
            parent = _concrete(plans, link.parent)
            if link.deferred and _reaches(plans, parent, set(visiting)):
                continue  # checked at commit: this parent comes after the row
            visit(parent)
        visiting.pop()
        order.append(current)

    visit(name)
    return order


def closes_cycle(plans: dict[str, ModelPlan], model: str, link: Link) -> bool:
    """True when ``link`` is deferred and its parent (through required links) requires
    ``model`` itself: the parent must then be created after the row.

    Only a deferred link may close a cycle (:func:`required_order` refuses the others).
    """
    if not link.deferred or link.parent is None or link.self_referential:
        return False
    return _reaches(plans, _concrete(plans, link.parent), {model})


def _concrete(plans: dict[str, ModelPlan], model: str) -> str:
    return plans[model].concrete if model in plans else model


def _reaches(plans: dict[str, ModelPlan], start: str, targets: set[str]) -> bool:
    """Whether required links lead from ``start`` to one of ``targets``."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        current = stack.pop()
        if current in targets:
            return True
        if current in seen or current not in plans:
            continue
        seen.add(current)
        stack.extend(
            _concrete(plans, link.parent)
            for link in plans[current].required_links
            if link.parent is not None and not link.self_referential
        )
    return False
