"""Source locations of classes, attributes and tables, read from the user's files.

``inspect.getsourcelines`` re-parses a whole file for every class it is asked about, which
is quadratic on a models file with hundreds of classes. Here each file is parsed once with
:mod:`ast` into an index of class lines, class-body attribute lines, ``Table(...)`` lines
and ``map_imperatively(..., properties={...})`` keys.

Standard library only: it knows nothing about SQLAlchemy beyond the names ``Table``,
``Column`` and ``map_imperatively`` appearing in source text.
"""

from __future__ import annotations

import ast
import functools
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ormprobe.findings import Location

__all__ = [
    "assignment_keywords",
    "attribute_location",
    "class_line",
    "class_location",
    "display_path",
    "table_column_location",
    "table_location",
]


@dataclass(frozen=True)
class _FileIndex:
    """Line numbers found in one source file."""

    path: str
    classes: dict[str, int] = field(default_factory=dict)
    attributes: dict[str, dict[str, int]] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    table_columns: dict[str, dict[str, int]] = field(default_factory=dict)
    imperative: dict[str, dict[str, int]] = field(default_factory=dict)
    keywords: dict[str, dict[str, dict[str, object]]] = field(default_factory=dict)


def display_path(filename: str) -> str:
    """``filename`` relative to the working directory when inside it, else as given."""
    try:
        return str(Path(filename).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return filename


def class_line(cls: type) -> int | None:
    """The line of ``class Name`` for ``cls``, or None when its source is unknown."""
    index = _index_for_class(cls)
    return index.classes.get(_qualname(cls)) if index else None


def class_location(cls: type) -> Location:
    """Where ``cls`` is defined."""
    index = _index_for_class(cls)
    if index is None:
        return Location()
    return Location(index.path, index.classes.get(_qualname(cls)))


def attribute_location(cls: type, key: str) -> Location | None:
    """Where attribute ``key`` of ``cls`` is assigned, searching its bases (mixins too).

    Also finds keys of ``map_imperatively(cls, ..., properties={key: ...})``. Returns None
    when no class in the MRO assigns it in source (e.g. a backref SQLAlchemy created).
    """
    for klass in cls.__mro__:
        index = _index_for_class(klass)
        if index is None:
            continue
        line = index.attributes.get(_qualname(klass), {}).get(key)
        if line is None:
            line = index.imperative.get(klass.__name__, {}).get(key)
        if line is not None:
            return Location(index.path, line)
    return None


def assignment_keywords(cls: type) -> dict[str, dict[str, object]]:
    """Keyword arguments of the call assigned to each attribute in ``cls``'s own body.

    ``{"books": {"back_populates": "author", "remote_side": ...}}`` for
    ``books = relationship(back_populates="author", remote_side=...)``. Constant values
    are kept; any other expression is recorded as ``...`` (it was written, value unknown).
    """
    index = _index_for_class(cls)
    if index is None:
        return {}
    return index.keywords.get(_qualname(cls), {})


def table_location(table_name: str, filenames: Iterable[str]) -> Location | None:
    """Where ``Table("table_name", ...)`` is written, looking through ``filenames``."""
    for filename in filenames:
        index = _index_file(filename)
        if index is not None and table_name in index.tables:
            return Location(index.path, index.tables[table_name])
    return None


def table_column_location(table_name: str, column_name: str, filenames: Iterable[str]) -> Location | None:
    """Where ``Column("column_name", ...)`` is written inside ``Table("table_name", ...)``."""
    for filename in filenames:
        index = _index_file(filename)
        if index is not None and column_name in index.table_columns.get(table_name, {}):
            return Location(index.path, index.table_columns[table_name][column_name])
    return None


def _qualname(cls: type) -> str:
    # Classes made inside a function are indexed without their "f.<locals>." prefix.
    return cls.__qualname__.rpartition("<locals>.")[2]


def _index_for_class(cls: type) -> _FileIndex | None:
    module = sys.modules.get(cls.__module__)
    filename = getattr(module, "__file__", None)
    return _index_file(filename) if filename else None


@functools.lru_cache(maxsize=512)
def _index_file(filename: str) -> _FileIndex | None:
    try:
        source = Path(filename).read_text(encoding="utf-8")
        tree = ast.parse(source, filename=filename)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    index = _FileIndex(path=display_path(filename))
    _Indexer(index).visit(tree)
    return index


class _Indexer(ast.NodeVisitor):
    """Fills a :class:`_FileIndex` in one walk over a module's AST."""

    def __init__(self, index: _FileIndex) -> None:
        self.index = index
        self.class_stack: list[str] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        qualname = ".".join([*self.class_stack, node.name])
        self.index.classes.setdefault(qualname, node.lineno)
        attributes = self.index.attributes.setdefault(qualname, {})
        keywords = self.index.keywords.setdefault(qualname, {})
        for statement in node.body:
            for name in _assigned_names(statement):
                attributes.setdefault(name, statement.lineno)
                value = getattr(statement, "value", None)
                if isinstance(value, ast.Call):
                    keywords.setdefault(name, _call_keywords(value))
        self.class_stack.append(node.name)
        self.generic_visit(node)
        self.class_stack.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        # Functions are not classes: hide the class stack so a class defined inside a
        # function gets its "<locals>"-free name, which is what SQLAlchemy users see.
        saved, self.class_stack = self.class_stack, []
        self.generic_visit(node)
        self.class_stack = saved

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node)
        if name == "Table" and node.args and _is_str(node.args[0]):
            table = node.args[0].value  # type: ignore[attr-defined]
            self.index.tables.setdefault(table, node.lineno)
            columns = self.index.table_columns.setdefault(table, {})
            for arg in node.args[1:]:
                if (
                    isinstance(arg, ast.Call)
                    and _call_name(arg) == "Column"
                    and arg.args
                    and _is_str(arg.args[0])
                ):
                    columns.setdefault(arg.args[0].value, arg.lineno)  # type: ignore[attr-defined]
        elif name == "map_imperatively" and node.args and isinstance(node.args[0], ast.Name):
            properties = self.index.imperative.setdefault(node.args[0].id, {})
            for keyword in node.keywords:
                if keyword.arg == "properties" and isinstance(keyword.value, ast.Dict):
                    for key in keyword.value.keys:
                        if key is not None and _is_str(key):
                            properties.setdefault(key.value, key.lineno)  # type: ignore[attr-defined]
        self.generic_visit(node)


def _assigned_names(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.Assign):
        return [t.id for t in statement.targets if isinstance(t, ast.Name)]
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [statement.target.id]
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [statement.name]  # @declared_attr functions
    return []


def _call_keywords(node: ast.Call) -> dict[str, object]:
    found: dict[str, object] = {}
    for keyword in node.keywords:
        if keyword.arg is not None:
            value = keyword.value
            found[keyword.arg] = value.value if isinstance(value, ast.Constant) else ...
    return found


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)
