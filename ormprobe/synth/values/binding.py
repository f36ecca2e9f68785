"""Whether a column type takes a Python value, asked of its own bind processing.

A ``TypeDecorator``'s ``process_bind_param`` is the one honest statement of what its
Python side accepts: the GUID recipe wants a ``uuid.UUID``, a JSON-in-``Text`` decorator
a dict. A type's bind processor for a dialect runs that hook and then the bind
processing of the dialect's impl, exactly as a flush would, without a database.

The dialect is the run's when it is known. Otherwise a value must bind on every backend
ormprobe runs against: a value chosen without knowing the database has to suit them all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from ormprobe.synth.values.spec import ColumnSpec

# The backends a value must bind on when the run's dialect is not known.
UNKNOWN_DIALECT_PROBES = ("sqlite", "postgresql", "mysql")


@functools.cache
def dialect_named(name: str) -> Dialect | None:
    """A dialect of SQLAlchemy's default driver for ``name``, to ask types (no connection).

    None when SQLAlchemy has no such dialect. No DBAPI is imported: a dialect only
    connects when an engine is made with it.
    """
    try:
        return sa.engine.URL.create(name).get_dialect()()
    except (sa.exc.NoSuchModuleError, ImportError):
        return None


def probe_dialects(name: str | None) -> tuple[Dialect, ...]:
    """The dialect ``name`` when it is known, else every backend a value must suit."""
    known = dialect_named(name) if name else None
    if known is not None:
        return (known,)
    found = (dialect_named(n) for n in UNKNOWN_DIALECT_PROBES)
    return tuple(d for d in found if d is not None)


def dialect_impl(spec: ColumnSpec, decorator: sa.types.TypeDecorator[Any]) -> Any:
    """The type ``decorator`` stores through on the spec's dialect, when it is known.

    The GUID recipe is ``CHAR(32)`` in general but a native ``UUID`` on PostgreSQL
    (``load_dialect_impl``), and wants other values there; ``with_variant`` may swap
    the whole type. Without a dialect the generic ``impl`` is all there is.

    Raises:
        SynthesisError: the decorator's ``load_dialect_impl`` fails for the dialect.
    """
    dialect = dialect_named(spec.dialect) if spec.dialect else None
    if dialect is None:
        return decorator.impl_instance
    try:
        adapted = decorator.dialect_impl(dialect)
    except Exception as exc:  # user code; the schema can't be created either, say so here
        raise spec.fail(
            f"{type(decorator).__name__}.load_dialect_impl fails on {dialect.name}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    # Usually a copy of the decorator over the dialect's impl; a variant is another type.
    if isinstance(adapted, sa.types.TypeDecorator) and type(adapted) is type(decorator):
        return adapted.impl_instance
    return adapted


@dataclass(frozen=True, slots=True)
class BindProbe:
    """One column type's bind processors, made once, on the dialects values must suit.

    Attributes:
        processors: ``(dialect name, processor)``; None where the type binds values as
            they are.
    """

    processors: tuple[tuple[str, Callable[[Any], Any] | None], ...]

    @classmethod
    def of(cls, sa_type: Any, dialect: str | None) -> BindProbe:
        made: list[tuple[str, Callable[[Any], Any] | None]] = []
        for probed in probe_dialects(dialect):
            try:
                made.append((probed.name, sa_type.dialect_impl(probed).bind_processor(probed)))
            except Exception:  # a type unusable on one backend (load_dialect_impl raises) sets no rule there
                continue
        return cls(tuple(made))

    def rejection(self, value: Any) -> str | None:
        """None when ``value`` binds on every dialect, else why not (for messages).

        A value that binds to NULL is refused too: the type threw it away.
        """
        for name, process in self.processors:
            if process is None:
                continue
            try:
                bound = process(value)
            except Exception as exc:  # the type's own code says "no" however it likes
                return f"{type(exc).__name__}: {_first_line(exc)} ({name})"
            if bound is None and value is not None:
                return f"it binds to NULL ({name})"
        return None

    def accepts(self, value: Any) -> bool:
        return self.rejection(value) is None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else ""
