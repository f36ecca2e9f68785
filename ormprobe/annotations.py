"""What a ``Mapped[...]`` annotation says about None, read without evaluating it.

Models often use ``from __future__ import annotations``, so an annotation is a string
naming classes that may not be importable from where it is read; evaluating it (as
``typing.get_type_hints`` does) fails on forward references. Strings are parsed with
:mod:`ast` instead; live annotation objects are read with :mod:`typing`.
"""

from __future__ import annotations

import ast
import functools
import types
import typing
from typing import Any

__all__ = ["mapped_optional"]


def mapped_optional(cls: type, key: str) -> bool | None:
    """Whether ``cls``'s annotation of ``key`` is ``Mapped[X | None]``.

    Returns:
        True for ``Mapped[Optional[X]]``, ``Mapped[X | None]`` and
        ``Mapped[Union[X, None]]``; False for another ``Mapped[X]``; None when the
        attribute has no ``Mapped[...]`` annotation (classic ``Column()``, SQLModel) or
        the annotation can't be read.
    """
    for klass in cls.__mro__:
        annotations = vars(klass).get("__annotations__") or {}
        if key in annotations:
            return _mapped_optional(annotations[key])
    return None


def _mapped_optional(annotation: Any) -> bool | None:
    if isinstance(annotation, str):
        node = _parse(annotation)
        if not isinstance(node, ast.Subscript) or _name(node.value) != "Mapped":
            return None
        return _optional_node(node.slice)
    origin = typing.get_origin(annotation)
    if getattr(origin, "__name__", None) != "Mapped":
        return None
    args = typing.get_args(annotation)
    return _optional_type(args[0]) if args else None


def _optional_type(annotation: Any) -> bool:
    if isinstance(annotation, typing.ForwardRef):  # Mapped["Parent | None"]
        annotation = annotation.__forward_arg__
    if isinstance(annotation, str):
        node = _parse(annotation)
        return node is not None and _optional_node(node)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return type(None) in typing.get_args(annotation)
    return annotation is None or annotation is type(None)


def _optional_node(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        if node.value is None:
            return True
        nested = _parse(node.value) if isinstance(node.value, str) else None  # Mapped["X | None"]
        return nested is not None and _optional_node(nested)
    if isinstance(node, ast.Name):
        return node.id == "None"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _optional_node(node.left) or _optional_node(node.right)
    if isinstance(node, ast.Subscript):
        name = _name(node.value)
        if name == "Optional":
            return True
        if name == "Union":
            members = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return any(_optional_node(member) for member in members)
    return False


def _name(node: ast.expr) -> str | None:
    """``Mapped`` for ``Mapped``, ``orm.Mapped`` and ``sa.orm.Mapped``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


@functools.cache  # models repeat a handful of annotations ("Mapped[int]") many times
def _parse(text: str) -> ast.expr | None:
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
