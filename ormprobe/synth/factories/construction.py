"""Making one model object: through its own constructor when it can, else around it.

Objects are made by calling the mapped class (not by setting attributes behind its back)
so that ``__init__`` and ``@validates`` hooks run as they do in the application. Real
constructors often want more than a row: a non-column keyword (``session``), a foreign
key by name where the row links the parent through its relationship, a decorator that
pops a keyword of its own. When the signature can't take the row, or the first call with
a set of keywords raises for a reason that is not a ``@validates`` hook, the object is
made the way SQLAlchemy makes the rows it loads: without ``__init__``, each attribute
then set through its instrumented descriptor, so ``@validates`` hooks still judge every
value. The way that worked is remembered per class and set of keywords. When a hook
rejects a value, :func:`constructor_error` says which hook, which value, and the
``[tool.ormprobe.values]`` way out.
"""

from __future__ import annotations

import enum
import functools
import inspect
import traceback
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as orm

from ormprobe.errors import SynthesisError


class _Way(enum.Enum):
    """How objects of a class are made from a given set of keywords."""

    CALL = "call"  # the constructor took them
    ASSIGN = "assign"  # made without __init__, then each attribute set


class Construction:
    """Makes the objects of mapped classes, remembering which need the way around
    their constructor.

    The memory is keyed by class and set of keywords: a constructor that needs a keyword
    ormprobe never passes fails for every row, so it is called once, not per row. Once a
    constructor has taken a set of keywords, a later failure with the same set is about
    that row's values, and is reported rather than worked around.
    """

    def __init__(self) -> None:
        self._ways: dict[tuple[type, frozenset[str]], _Way] = {}

    def make(self, model_class: type, kwargs: Mapping[str, Any]) -> Any:
        """An object of ``model_class`` with the attributes ``kwargs``.

        Raises:
            SynthesisError: a ``@validates`` hook rejected a value, or neither way could
                make the object (the message names the step and the override).
        """
        key = (model_class, frozenset(kwargs))
        way = self._ways.get(key)
        if way is None and not accepts_keywords(model_class, key[1]):
            way = self._ways[key] = _Way.ASSIGN
        if way is _Way.ASSIGN:
            return _assigned(model_class, kwargs, called=None)
        try:
            obj = _called(model_class, kwargs)
        except Exception as exc:  # __init__ and its @validates hooks may raise anything
            if way is _Way.CALL or _rejecting_validator(model_class, exc) is not None:
                raise constructor_error(model_class, kwargs, exc) from exc
            obj = _assigned(model_class, kwargs, called=exc)
            self._ways[key] = _Way.ASSIGN
            return obj
        self._ways[key] = _Way.CALL
        return obj


@functools.cache
def accepts_keywords(model_class: type, names: frozenset[str]) -> bool:
    """Whether the constructor's signature takes these keywords, and needs no others.

    ``**kwargs`` takes any keyword, but not in place of a parameter the signature
    requires by name (``def __init__(self, name, user_id, **_)``). A signature Python
    can't read gets the benefit of the doubt.
    """
    try:
        signature = inspect.signature(model_class)
    except (TypeError, ValueError):
        return True
    try:
        signature.bind(**dict.fromkeys(names))
    except TypeError:
        return False
    return True


def _called(model_class: type, kwargs: Mapping[str, Any]) -> Any:
    """``model_class(**kwargs)``, with the links of a half-made object undone if it raises.

    ``__new__`` and ``__init__`` are called apart (what calling the class does, when
    neither it nor its metaclass changes that) to keep hold of the object ``__init__``
    was filling in.
    """
    if not _plain_call(model_class):
        return model_class(**kwargs)
    obj: Any = object.__new__(model_class)
    try:
        obj.__init__(**kwargs)
    except Exception:
        _unlink(obj)
        raise
    return obj


@functools.cache
def _plain_call(model_class: type) -> bool:
    """Whether calling the class is just ``object.__new__`` and then ``__init__``."""
    new: object = model_class.__new__
    call: object = type(model_class).__call__
    return new is object.__new__ and call is type.__call__


def _unlink(obj: Any) -> None:
    """Undo the relationships a constructor set before it raised.

    Through backrefs, the half-made object would otherwise stay in its parents'
    collections: flushed with them (or warned about), and seen by the checks.
    """
    state = sa.inspect(obj, raiseerr=False)
    if state is None:
        return  # raised before SQLAlchemy gave it a state: nothing is linked
    for relationship in state.mapper.relationships:
        if relationship.key in state.dict:
            # A delete fires the remove events, so the backrefs let go too.
            delattr(obj, relationship.key)


def _assigned(model_class: type, kwargs: Mapping[str, Any], *, called: Exception | None) -> Any:
    """An object made without ``__init__``, then each attribute set through its
    instrumented descriptor, so ``@validates`` hooks still run.

    ``called`` is what the constructor raised, when it was tried; the error says so.
    """
    name = model_class.__name__
    try:
        obj: Any = orm.class_mapper(model_class).class_manager.new_instance()
    except Exception as exc:  # the model's own __setattr__ may raise anything
        raise SynthesisError(
            _both_ways(name, called, "making one without __init__", exc), target=name
        ) from exc
    for key, value in kwargs.items():
        try:
            setattr(obj, key, value)
        except Exception as exc:  # a @validates hook or a property setter may raise anything
            if _rejecting_validator(model_class, exc) is not None:
                raise constructor_error(model_class, kwargs, exc) from exc
            step = f"setting {name}.{key} = {value!r} without __init__"
            raise SynthesisError(
                f"{_both_ways(name, called, step, exc)}; set a valid one in pyproject.toml: "
                f'[tool.ormprobe.values] "{name}.{key}" = ...',
                target=f"{name}.{key}",
            ) from exc
    return obj


def _both_ways(name: str, called: Exception | None, step: str, exc: Exception) -> str:
    """What the constructor raised (when tried), then what ``step`` raised; an error
    both raised is said once (a model's own ``__setattr__`` fails either way)."""
    if called is None:
        return f"{step} raised {_said(exc)}"
    if _said(called) == _said(exc):
        return f"{name}(...) raised {_said(exc)}, and so did {step}"
    return f"{name}(...) raised {_said(called)}, and {step} raised {_said(exc)}"


def constructor_error(model_class: type, kwargs: Mapping[str, Any], exc: Exception) -> SynthesisError:
    """Name the @validates hook that rejected a synthesized value, and the way out."""
    name = model_class.__name__
    found = _rejecting_validator(model_class, exc)
    if found is not None:
        attribute, method = found
        value = kwargs.get(attribute)
        return SynthesisError(
            f"{name}: @validates({attribute!r}) {method}() rejected the "
            f"synthesized value {value!r}: {_said(exc)}; set a valid one "
            f'in pyproject.toml: [tool.ormprobe.values] "{name}.{attribute}" = ...',
            target=f"{name}.{attribute}",
        )
    return SynthesisError(
        f"{name}(...) raised {_said(exc)} with synthesized values; set valid ones in [tool.ormprobe.values]",
        target=name,
    )


def _rejecting_validator(model_class: type, exc: Exception) -> tuple[str, str] | None:
    """The attribute and method name of the @validates hook ``exc`` was raised in."""
    validators: dict[str, tuple[Any, Any]] = dict(sa.inspect(model_class).validators)
    if not validators or exc.__traceback__ is None:
        return None
    frames = {frame.f_code.co_name for frame, _line in traceback.walk_tb(exc.__traceback__)}
    for attribute, (method, _options) in validators.items():
        method_name = getattr(method, "__name__", None)
        if method_name is not None and method_name in frames:
            return attribute, method_name
    return None


def _said(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
