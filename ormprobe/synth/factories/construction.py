"""Making one model object through its own constructor, and naming what rejected the values.

Objects are made by calling the mapped class (not by setting attributes behind its back)
so that ``__init__`` and ``@validates`` hooks run as they do in the application; when
they reject a synthesized value, :func:`constructor_error` says which hook, which value,
and the ``[tool.ormprobe.values]`` way out.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from ormprobe.errors import SynthesisError


@functools.cache
def keyword_parameters(model_class: type) -> frozenset[str] | None:
    """Keywords the constructor takes, or None when it takes any (``**kwargs``)."""
    try:
        parameters = inspect.signature(model_class).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return frozenset(p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))


def instantiate(model_class: type, kwargs: Mapping[str, Any]) -> Any:
    """The object, made through the mapped class's constructor so ``@validates`` runs."""
    try:
        accepted = keyword_parameters(model_class)
        if accepted is None or set(kwargs) <= accepted:
            return model_class(**kwargs)
        return _assign(model_class, kwargs)
    except Exception as exc:  # a @validates hook or __init__ may reject anything
        raise constructor_error(model_class, kwargs, exc) from exc


def _assign(model_class: type, kwargs: Mapping[str, Any]) -> Any:
    """Make an instance of a class whose own ``__init__`` takes other arguments (a plain
    class mapped imperatively), then set the attributes one by one, so that ``@validates``
    hooks still run."""
    import sqlalchemy.orm as orm

    try:
        obj = model_class()
    except TypeError:
        obj = orm.class_mapper(model_class).class_manager.new_instance()
    for key, value in kwargs.items():
        setattr(obj, key, value)
    return obj


def constructor_error(model_class: type, kwargs: Mapping[str, Any], exc: Exception) -> SynthesisError:
    """Name the @validates hook that rejected a synthesized value, and the way out."""
    name = model_class.__name__
    validators: dict[str, tuple[Any, Any]] = dict(sa.inspect(model_class).validators)
    frames = (
        [frame.function for frame in inspect.getinnerframes(exc.__traceback__)] if exc.__traceback__ else []
    )
    for attribute, (method, _options) in validators.items():
        if getattr(method, "__name__", None) in frames:
            value = kwargs.get(attribute)
            return SynthesisError(
                f"{name}: @validates({attribute!r}) {method.__name__}() rejected the "
                f"synthesized value {value!r}: {type(exc).__name__}: {exc}; set a valid one "
                f'in pyproject.toml: [tool.ormprobe.values] "{name}.{attribute}" = ...',
                target=f"{name}.{attribute}",
            )
    return SynthesisError(
        f"{name}(...) raised {type(exc).__name__}: {exc} with synthesized values; set valid "
        f"ones in [tool.ormprobe.values]",
        target=name,
    )
