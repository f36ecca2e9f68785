"""User providers: :func:`register_provider`, and finding the one that makes a column's values.

The most recently registered match wins; a predicate is asked about the column, a type
class about the column's type (and, through the dispatcher, the types it decorates).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ormprobe.errors import UsageError
from ormprobe.graph import ColumnInfo
from ormprobe.synth.values.randomness import Provider, ValueContext

UserProvider = Provider | Callable[[ValueContext, ColumnInfo], Any]
Matcher = type | Callable[[ColumnInfo], bool]


@dataclass(frozen=True, slots=True)
class _Registration:
    matcher: Matcher
    fn: Callable[..., Any]
    takes_column: bool

    def matches_type(self, sa_type: Any) -> bool:
        return isinstance(self.matcher, type) and isinstance(sa_type, self.matcher)

    def matches_column(self, column: ColumnInfo) -> bool:
        return not isinstance(self.matcher, type) and bool(self.matcher(column))

    def bind(self, column: ColumnInfo) -> Provider:
        if not self.takes_column:
            return self.fn
        fn = self.fn
        return lambda ctx: fn(ctx, column)


REGISTRY: list[_Registration] = []


def register_provider(type_or_predicate: Matcher, fn: UserProvider) -> None:
    """Use ``fn`` for columns of a type, or for columns a predicate accepts.

    User providers win over the built-in ones; the most recently registered match wins.
    A type matches instances of it and of its subclasses, also inside a
    ``TypeDecorator``'s ``impl``; a predicate gets the
    :class:`~ormprobe.graph.ColumnInfo`.

    Args:
        type_or_predicate: a ``TypeEngine`` subclass, or ``(ColumnInfo) -> bool``.
        fn: ``(ValueContext) -> value`` or ``(ValueContext, ColumnInfo) -> value``.

    Raises:
        UsageError: when ``type_or_predicate`` is neither a class nor callable, or ``fn``
            is not callable.

    Example:
        >>> import sqlalchemy as sa
        >>> register_provider(lambda c: c.name == "sku", lambda ctx: f"SKU-{ctx.sequence}")
        >>> from ormprobe.synth.constraints.examples import example_column
        >>> from ormprobe.synth.values import context, provider_for
        >>> provider_for(example_column("sku"))(context(3))
        'SKU-3'
        >>> unregister_provider(REGISTRY[0].matcher)
    """
    if not callable(fn):
        raise UsageError(f"register_provider: {fn!r} is not callable")
    if not isinstance(type_or_predicate, type) and not callable(type_or_predicate):
        raise UsageError(
            f"register_provider: expected a column type class or a predicate, got {type_or_predicate!r}"
        )
    REGISTRY.insert(0, _Registration(type_or_predicate, fn, _takes_column(fn)))


def unregister_provider(type_or_predicate: Matcher) -> None:
    """Remove every provider registered for ``type_or_predicate``."""
    REGISTRY[:] = [r for r in REGISTRY if r.matcher is not type_or_predicate]


def _takes_column(fn: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [
        p
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    variadic = any(p.kind is p.VAR_POSITIONAL for p in parameters)
    return len(positional) >= 2 or (len(positional) == 1 and variadic)


def column_provider(column: ColumnInfo) -> Provider | None:
    """The provider of the most recent predicate registration that accepts ``column``."""
    for registration in REGISTRY:
        if registration.matches_column(column):
            return registration.bind(column)
    return None


def type_provider(sa_type: Any, column: ColumnInfo) -> Provider | None:
    """The provider of the most recent type registration ``sa_type`` is an instance of."""
    for registration in REGISTRY:
        if registration.matches_type(sa_type):
            return registration.bind(column)
    return None


def user_provided(column: ColumnInfo) -> bool:
    """A provider registered with :func:`register_provider` makes this column's values."""
    if any(r.matches_column(column) for r in REGISTRY):
        return True
    sa_type, depth = column.sa_type, 0
    while sa_type is not None and depth < 10:
        if any(r.matches_type(sa_type) for r in REGISTRY):
            return True
        sa_type = getattr(sa_type, "impl_instance", None)
        depth += 1
    return False
