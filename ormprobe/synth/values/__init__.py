"""Value providers: a valid, plausible value for any column.

:func:`provider_for` returns a :data:`Provider` for a column: a function of a
:class:`ValueContext` (Faker, the random generator, a per-column sequence number) that
returns the value the ORM attribute expects. It is chosen in three steps:

1. **User providers** registered with :func:`register_provider`, most recent first.
2. **The column type**, by walking ``type(sa_type).__mro__`` through a table of built-in
   providers (core, PostgreSQL, MySQL/MariaDB and sqlalchemy-utils types).
   sqlalchemy-utils types are matched by class first, because their ORM values are
   objects (``Country('FI')``, ``PhoneNumber``, ``Choice``), not what is stored. A
   ``TypeDecorator`` with no provider of its own gets what its bind processing takes:
   its impl's values (the dialect's impl when the dialect is known), or another kind
   (the GUID recipe stores text but binds ``uuid.UUID``).
3. **The column name**, for text and dates: ``email`` gets an address, ``slug`` a slug,
   ``created_at`` a past moment, ``expires_at`` a future one (see ``text_rules.TEXT_RULES``).

Every provider keeps to the type (never longer than ``String(n)``, inside
``Numeric(p, s)`` and the integer range) and to a :class:`~ormprobe.synth.constraints.Domain`
from the table's CHECK constraints. With ``unique=True`` the sequence number is mixed
into the value, so a thousand calls never collide (``jmonroe.h@example.net``,
``matter-build-agent-1b``, ``2015-01-01 00:00 + n hours``) and still fit the column.

Everything random comes from ``ctx.random`` and ``ctx.faker``, which are factory_boy's
generators; :func:`seed` reseeds both, so one seed reproduces a whole run.

This package re-exports the public API; its modules:

- ``randomness``, ``registry``, ``spec``: the context, user providers, a column as seen.
- ``dispatch``: :func:`provider_for`, by user providers and then the type's MRO.
- ``ordered``, ``numeric``, ``temporal``, ``choices``: numbers, dates, enums, allowed lists.
- ``tokens``, ``text_rules``, ``text``: distinct tokens, name heuristics, the text provider.
- ``structured``, ``dialects``, ``utils_types``: UUID/JSON/ARRAY, dialect and
  sqlalchemy-utils types.
- ``binding``, ``decorated``: what a type's bind processing takes; user TypeDecorators.
- ``literals``, ``declaration``, ``natural``, ``describing``: providers as factory_boy
  source for generated modules (:func:`describe`).
"""

from __future__ import annotations

from ormprobe.synth.values.declaration import Declaration, relation_declaration
from ormprobe.synth.values.describing import describe
from ormprobe.synth.values.dispatch import needs_value, provider_for
from ormprobe.synth.values.literals import render_literal
from ormprobe.synth.values.randomness import Provider, ValueContext, context, seed
from ormprobe.synth.values.registry import Matcher, UserProvider, register_provider, unregister_provider

__all__ = [
    "Declaration",
    "Matcher",
    "Provider",
    "UserProvider",
    "ValueContext",
    "context",
    "describe",
    "needs_value",
    "provider_for",
    "register_provider",
    "relation_declaration",
    "render_literal",
    "seed",
    "unregister_provider",
]
