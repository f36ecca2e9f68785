"""What one factory call shares with the calls it makes: session, parents, given attributes.

Context variables, not attributes of :class:`Factories`, because a factory_boy call runs
its declarations (and, through them, the parents' factories) without passing anything
ormprobe could thread through:

- the session :meth:`Factories.bind` binds for a case;
- the :class:`Scope` of a top-level call, which its parents' calls join;
- the parents shared by every top-level call inside :meth:`Factories.sharing`;
- the attributes the caller passed to the current call, never adjusted by ormprobe.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ormprobe.synth.plan import Link

# The session every factory persists into, bound per case by Factories.bind().
SESSION: contextvars.ContextVar[Any] = contextvars.ContextVar("ormprobe_session", default=None)
# What one top-level factory call shares with the parents it creates (see Scope).
SCOPE: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("ormprobe_scope", default=None)
# Parents shared by every top-level call inside Factories.sharing(): one case of a check
# makes its objects with one set of parents, as an application's data would have.
SHARED: contextvars.ContextVar[dict[tuple[str, str], Any] | None] = contextvars.ContextVar(
    "ormprobe_shared", default=None
)
# Attributes the caller passed to the current factory call: never adjusted by ormprobe.
GIVEN: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("ormprobe_given", default=frozenset())

# Passed by new() for links the caller will make itself: the keyword is dropped before the
# model's constructor runs, so neither the relationship nor its FK columns are touched.
UNSET = object()


@dataclass
class Scope:
    """What the rows of one top-level factory call share.

    Parents are added to the session but flushed together with the row that needs them:
    one unit of work per call instead of one per object (the ORM orders the INSERTs).
    Mutable on purpose: the call's factories fill it in as they go.

    Attributes:
        parents: shared parents, by (parent model, referenced table).
        assigned: parents a link must use whatever it is (the row a deferred-cycle parent
            points back at), by (parent model, referenced table).
        pending: objects added but not flushed yet.
        created: every object persisted in the call, with its model, for verification.
        depth: how many factory calls deep the current one is (1 = the caller's own).
    """

    parents: dict[tuple[str, str], Any] = field(default_factory=dict)
    assigned: dict[tuple[str, str], Any] = field(default_factory=dict)
    pending: list[Any] = field(default_factory=list)
    created: list[tuple[str, Any]] = field(default_factory=list)
    depth: int = 0


@contextlib.contextmanager
def bound_to(session: Any) -> Iterator[None]:
    """Inside the block, factories persist into ``session``."""
    token = SESSION.set(session)
    try:
        yield
    finally:
        SESSION.reset(token)


@contextlib.contextmanager
def shared_parents() -> Iterator[None]:
    """Inside the block, top-level calls reuse the parents earlier calls made."""
    token = SHARED.set({})
    try:
        yield
    finally:
        SHARED.reset(token)


def bound_session(fallback: Any) -> Any:
    """The session bound with ``bind()``, else ``fallback`` (the one the Factories were
    made for)."""
    bound = SESSION.get()
    if bound is not None:
        return bound
    return fallback


@contextlib.contextmanager
def parent_scope() -> Iterator[Scope | None]:
    """Open the scope of a top-level call (yielded), or go one level deeper (None)."""
    scope = SCOPE.get()
    if scope is not None:
        scope.depth += 1
        try:
            yield None
        finally:
            scope.depth -= 1
        return
    scope = Scope(depth=1)
    token = SCOPE.set(scope)
    try:
        yield scope
    finally:
        SCOPE.reset(token)


def assigned_parent(scope: Scope | None, link: Link) -> Any:
    """The parent ``link`` must use in this call, if one was assigned."""
    if scope is None or link.parent is None:
        return None
    return scope.assigned.get((link.parent, link.fk.target_table))
