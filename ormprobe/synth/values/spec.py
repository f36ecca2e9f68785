"""One column as providers see it: :class:`ColumnSpec`, and the :data:`Builder` signature.

A builder turns a :class:`ColumnSpec` and the column's SQLAlchemy type into a
:data:`~ormprobe.synth.values.randomness.Provider`; every module of this package that
handles a family of types (numbers, text, dialect and sqlalchemy-utils types) offers
builders, and :mod:`ormprobe.synth.values.dispatch` picks one by the type's MRO.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ormprobe.errors import SynthesisError
from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints import Domain
from ormprobe.synth.values.randomness import Provider, ValueContext

# How often a provider retries a random value that a CHECK domain rejects.
ATTEMPTS = 40

_SPLIT = re.compile(r"[^0-9a-zA-Z]+|(?<=[a-z0-9])(?=[A-Z])")


def _words(name: str | None) -> frozenset[str]:
    if not name:
        return frozenset()
    parts = [p.lower() for p in _SPLIT.split(name) if p]
    return frozenset([*parts, "".join(parts)])


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column to provide for, with what its name and constraints say.

    ``dialect`` is the SQLAlchemy dialect name of the database the values are for, when
    known: a ``TypeDecorator`` may store through a different type on each
    (``load_dialect_impl``) and take different values there.
    """

    column: ColumnInfo
    target: str
    words: frozenset[str]
    table_words: frozenset[str]
    unique: bool
    domain: Domain
    dialect: str | None = None

    @classmethod
    def of(
        cls,
        column: ColumnInfo,
        *,
        model: str | None,
        unique: bool,
        domain: Domain,
        dialect: str | None = None,
    ) -> ColumnSpec:
        owner = model or column.table
        table = column.table.rpartition(".")[2]
        table_words = _words(table) | {w.rstrip("s") for w in _words(table)}
        return cls(
            column=column,
            target=f"{owner}.{column.attribute or column.name}",
            words=_words(column.name) | _words(column.attribute),
            table_words=frozenset(table_words),
            unique=unique,
            domain=domain,
            dialect=dialect,
        )

    def has(self, *words: str) -> bool:
        """True when every one of ``words`` is a word of the column's name."""
        return all(w in self.words for w in words)

    def fail(self, message: str) -> SynthesisError:
        return SynthesisError(f"{self.target}: {message}", target=self.target)

    def sequence(self, ctx: ValueContext) -> int:
        """The call's sequence number, which unique values mix in."""
        if ctx.sequence < 0:
            raise self.fail(f"sequence numbers must be >= 0, got {ctx.sequence}")
        return ctx.sequence

    def sequence_within(self, ctx: ValueContext, capacity: int, what: str) -> int:
        """The sequence number, when fewer than ``capacity`` distinct values are used up.

        Raises:
            SynthesisError: ``only {capacity} {what}`` once the values have run out.
        """
        n = self.sequence(ctx)
        if n >= capacity:
            raise self.fail(f"only {capacity} {what}")
        return n


Builder = Callable[[ColumnSpec, Any], Provider]


def no_provider(spec: ColumnSpec, sa_type: Any, reason: str | None = None) -> SynthesisError:
    """The error for a type no provider handles, saying how to add one.

    ``reason`` says why the built-in providers could not do (what the type refused).
    """
    name = type(sa_type).__name__
    why = f" {reason}" if reason else ""
    return SynthesisError(
        f"no value provider for {spec.target}: type {_type_text(sa_type)}{why}; register one with "
        f"ormprobe.register_provider({name}, fn) or set [tool.ormprobe.values] "
        f'"{spec.target}" = ...',
        target=spec.target,
    )


def _type_text(sa_type: Any) -> str:
    try:
        return repr(sa_type)
    except Exception:  # a user type's __repr__ may fail; its class name will do
        return type(sa_type).__name__
