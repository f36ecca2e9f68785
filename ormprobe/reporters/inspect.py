"""Render a :class:`~ormprobe.graph.ModelGraph` for ``ormprobe inspect``: JSON and text.

The JSON document is versioned (``"version": 1``) and described by the JSON Schema shipped
in ``ormprobe/schemas/inspect.schema.json``; fields are only ever added within a version.
"""

from __future__ import annotations

import json
from typing import Any

from ormprobe._version import __version__
from ormprobe.findings import Location
from ormprobe.graph import (
    ColumnInfo,
    ConfigProblem,
    ConstraintInfo,
    DefaultInfo,
    ForeignKeyInfo,
    IndexInfo,
    ModelGraph,
    ModelInfo,
    RelationshipInfo,
    TableInfo,
)

__all__ = ["INSPECT_VERSION", "graph_to_dict", "render_json", "render_text"]

INSPECT_VERSION = 1


def render_json(graph: ModelGraph, target: str) -> str:
    """The ``ormprobe inspect --format json`` document."""
    return json.dumps(graph_to_dict(graph, target), indent=2, sort_keys=False) + "\n"


def graph_to_dict(graph: ModelGraph, target: str) -> dict[str, Any]:
    """The graph as plain JSON-compatible data (see the module docstring)."""
    return {
        "version": INSPECT_VERSION,
        "ormprobe": __version__,
        "target": target,
        "configured": graph.configured,
        "summary": {
            "models": len(graph.models),
            "tables": len(graph.tables),
            "relationships": sum(len(m.relationships) for m in graph.models),
            "config_problems": len(graph.problems),
        },
        "models": [_model(m) for m in graph.models],
        "tables": [_table(t) for t in graph.tables],
        "config_problems": [_problem(p) for p in graph.problems],
    }


def render_text(
    graph: ModelGraph, target: str, *, color: bool | None = None, width: int | None = None
) -> str:
    """A readable per-model summary, rendered with rich."""
    from io import StringIO

    from rich.console import Console
    from rich.markup import escape

    buffer = StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=color is False,
        width=width or 100,
        highlight=False,
        soft_wrap=True,
    )
    relationships = sum(len(m.relationships) for m in graph.models)
    console.print(
        f"[bold]{escape(target)}[/]: {len(graph.models)} models, {len(graph.tables)} tables, "
        f"{relationships} relationships"
    )
    for model in graph.models:
        console.print()
        heading = f"[bold cyan]{escape(model.name)}[/]"
        if model.table:
            heading += f" -> [green]{escape(model.table)}[/]"
        if model.inherits:
            heading += f"  ({model.inheritance.value} inheritance from {escape(model.inherits)})"
        console.print(f"{heading}  [dim]{escape(str(model.location))}[/]")
        for column in model.columns:
            console.print(f"  {escape(_column_line(column))}")
        for rel in model.relationships:
            console.print(f"  [magenta]{escape(_relationship_line(rel))}[/]")
    core_tables = [t for t in graph.tables if not t.models]
    if core_tables:
        console.print()
        console.print("[bold]Tables without a model[/]")
        for table in core_tables:
            columns = ", ".join(c.name for c in table.columns)
            console.print(
                f"  [green]{escape(table.name)}[/] ({escape(columns)})  [dim]{escape(str(table.location))}[/]"
            )
    if graph.problems:
        console.print()
        console.print("[bold]Configuration problems reported by SQLAlchemy[/]")
        for problem in graph.problems:
            code = f" [{problem.code}]" if problem.code else ""
            color_name = "red" if problem.kind == "error" else "yellow"
            console.print(
                f"  [{color_name}]{problem.kind}{escape(code)}[/] {escape(problem.exception)}: "
                f"{escape(problem.message)}"
            )
    return buffer.getvalue()


def _column_line(column: ColumnInfo) -> str:
    flags = []
    if column.primary_key:
        flags.append("PK")
    flags.append("NULL" if column.nullable else "NOT NULL")
    if column.unique and not column.primary_key:
        flags.append("UNIQUE")
    if column.foreign_keys:
        flags.append("FK -> " + ", ".join(column.foreign_keys))
    if column.default is not None:
        flags.append(f"default={column.default.text}")
    if column.server_default is not None:
        flags.append(f"server_default={column.server_default}")
    return f"{column.attribute}: {column.type}  {' '.join(flags)}"


def _relationship_line(rel: RelationshipInfo) -> str:
    parts = [f"{rel.key} -> {rel.target} ({rel.direction.value}"]
    if not rel.uselist and rel.direction.name != "MANYTOONE":
        parts.append(", scalar")
    parts.append(")")
    details = []
    if rel.reverse:
        details.append(f"reverse={rel.reverse}")
    if rel.secondary:
        details.append(f"secondary={rel.secondary}")
    cascade = sorted(rel.cascade - {"save-update", "merge"})
    if cascade:
        details.append("cascade=" + ",".join(cascade))
    if rel.passive_deletes:
        details.append(f"passive_deletes={rel.passive_deletes!r}")
    if rel.viewonly:
        details.append("viewonly")
    if rel.inherited:
        details.append(f"from {rel.declared_on}")
    return "".join(parts) + ("  " + " ".join(details) if details else "")


def _location(location: Location) -> dict[str, Any]:
    return {"path": location.path, "line": location.line}


def _default(default: DefaultInfo | None) -> dict[str, str] | None:
    return None if default is None else {"kind": default.kind, "text": default.text}


def _column(column: ColumnInfo) -> dict[str, Any]:
    return {
        "name": column.attribute or column.name,
        "column": column.name,
        "table": column.table,
        "type": column.type,
        "type_class": column.type_class,
        "python_type": column.python_type,
        "nullable": column.nullable,
        "primary_key": column.primary_key,
        "unique": column.unique,
        "index": column.index,
        "autoincrement": column.autoincrement,
        "default": _default(column.default),
        "server_default": column.server_default,
        "onupdate": _default(column.onupdate),
        "server_onupdate": column.server_onupdate,
        "computed": column.computed,
        "identity": column.identity,
        "length": column.length,
        "precision": column.precision,
        "scale": column.scale,
        "timezone": column.timezone,
        "enum_values": list(column.enum_values) if column.enum_values is not None else None,
        "foreign_keys": list(column.foreign_keys),
        "comment": column.comment,
        "location": _location(column.location),
    }


def _relationship(rel: RelationshipInfo) -> dict[str, Any]:
    return {
        "name": rel.key,
        "target": rel.target,
        "direction": rel.direction.name,
        "uselist": rel.uselist,
        "cascade": sorted(rel.cascade),
        "back_populates": rel.back_populates,
        "backref": rel.backref,
        "reverse": rel.reverse,
        "secondary": rel.secondary,
        "passive_deletes": rel.passive_deletes,
        "passive_updates": rel.passive_updates,
        "post_update": rel.post_update,
        "viewonly": rel.viewonly,
        "single_parent": rel.single_parent,
        "lazy": rel.lazy,
        "order_by": list(rel.order_by),
        "remote_side": list(rel.remote_side),
        "local_remote_pairs": [list(pair) for pair in rel.local_remote_pairs],
        "fk_columns": list(rel.fk_columns),
        "secondary_fk_columns": list(rel.secondary_fk_columns),
        "sync_pairs": [list(pair) for pair in rel.sync_pairs],
        "secondary_sync_pairs": [list(pair) for pair in rel.secondary_sync_pairs],
        "collection_class": rel.collection_class,
        "self_referential": rel.self_referential,
        "declared_on": rel.declared_on,
        "primaryjoin": rel.primaryjoin,
        "secondaryjoin": rel.secondaryjoin,
        "location": _location(rel.location),
    }


def _model(model: ModelInfo) -> dict[str, Any]:
    return {
        "name": model.name,
        "module": model.module,
        "qualname": model.qualname,
        "table": model.table,
        "tables": list(model.tables),
        "primary_key": list(model.primary_key),
        "inherits": model.inherits,
        "inheritance": model.inheritance.value,
        "polymorphic_on": model.polymorphic_on,
        "polymorphic_identity": model.polymorphic_identity,
        "subclasses": list(model.subclasses),
        "validators": list(model.validators),
        "imperative": model.imperative,
        "configured": model.configured,
        "columns": [_column(c) for c in model.columns],
        "relationships": [_relationship(r) for r in model.relationships],
        "location": _location(model.location),
    }


def _foreign_key(fk: ForeignKeyInfo) -> dict[str, Any]:
    return {
        "name": fk.name,
        "columns": list(fk.columns),
        "target_table": fk.target_table,
        "target_columns": list(fk.target_columns),
        "nullable": list(fk.nullable),
        "target_is_unique": fk.target_is_unique,
        "unique": fk.unique,
        "ondelete": fk.ondelete,
        "onupdate": fk.onupdate,
        "deferrable": fk.deferrable,
        "initially": fk.initially,
        "use_alter": fk.use_alter,
        "location": _location(fk.location),
    }


def _constraint(constraint: ConstraintInfo) -> dict[str, Any]:
    return {
        "kind": constraint.kind,
        "name": constraint.name,
        "columns": list(constraint.columns),
        "sqltext": constraint.sqltext,
    }


def _index(index: IndexInfo) -> dict[str, Any]:
    return {
        "name": index.name,
        "columns": list(index.columns),
        "unique": index.unique,
        "expressions": list(index.expressions),
    }


def _table(table: TableInfo) -> dict[str, Any]:
    return {
        "name": table.name,
        "schema": table.schema,
        "models": list(table.models),
        "primary_key": list(table.primary_key),
        "columns": [_column(c) for c in table.columns],
        "foreign_keys": [_foreign_key(fk) for fk in table.foreign_keys],
        "constraints": [_constraint(c) for c in table.constraints],
        "indexes": [_index(i) for i in table.indexes],
        "comment": table.comment,
        "location": _location(table.location),
    }


def _problem(problem: ConfigProblem) -> dict[str, Any]:
    return {
        "kind": problem.kind,
        "code": problem.code,
        "exception": problem.exception,
        "message": problem.message,
        "target": problem.target,
        "location": _location(problem.location),
    }
