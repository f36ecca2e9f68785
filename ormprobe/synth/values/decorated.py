"""User TypeDecorators: values of the Python kind the decorator takes, which its impl may not say.

A decorator's ``impl`` says how values are stored; its ``process_bind_param`` says what
they are. The GUID recipe stores ``CHAR(32)`` but wants a ``uuid.UUID``; a JSON-in-``Text``
decorator stores text but wants a dict. Giving such a type what its impl stores fails at
the first flush. So the decorator itself is asked, through its bind processing
(:mod:`.binding`), which kind of value it takes. The candidates, in order:

1. the kind ``ColumnInfo.python_type`` names, when it says more than the impl does
   (``MutableDict.as_mutable(JSONText)`` is ``dict``; a decorator may declare its own);
2. the impl's own values, from the dialect's impl when the dialect is known
   (``load_dialect_impl``: the GUID is a native ``UUID`` on PostgreSQL);
3. common kinds: ``uuid.UUID``, dict, list, int, ``Decimal``, float, datetime (naive,
   then aware), date, time, timedelta, bool, bytes, set, str.

The first kind whose sample values all bind wins. The decision is kept per type and
column, so a column costs a few bind calls once. A decorator that binds anything, even
a bare ``object()``, proves nothing by accepting a value: it takes its impl's values,
as it always did. When nothing binds but a Mutable wrapper asks for a container, the
container is taken on trust: the wrapper converts it before the decorator sees it.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import faker
import sqlalchemy as sa

from ormprobe.errors import SynthesisError
from ormprobe.synth.constraints import Domain
from ormprobe.synth.values.binding import BindProbe, dialect_impl
from ormprobe.synth.values.randomness import Provider, ValueContext
from ormprobe.synth.values.spec import Builder, ColumnSpec, no_provider
from ormprobe.synth.values.structured import with_domain

IMPL = "impl"
"""The kind of a decorator that takes its impl's own values."""

# Kinds a Mutable wrapper may insist on (ColumnInfo.python_type says so when it does).
_CONTAINERS = ("dict", "list", "set")

# Sample values of a kind that must all bind before it is chosen: one could pass by luck.
_SAMPLES = 3

# The kinds a decorator may want, most common first, named as ColumnInfo.python_type names
# them, each with a type whose built-in provider makes such values.
_KINDS: dict[str, Callable[[], Any]] = {
    "UUID": sa.Uuid,
    "dict": sa.JSON,
    "list": sa.JSON,
    "int": sa.Integer,
    "Decimal": functools.partial(sa.Numeric, 12, 2),
    "float": sa.Float,
    "datetime": sa.DateTime,
    # A decorator may insist on aware datetimes where its dialect impl is naive (SQLite).
    "aware datetime": functools.partial(sa.DateTime, timezone=True),
    "date": sa.Date,
    "time": sa.Time,
    "timedelta": sa.Interval,
    "bool": sa.Boolean,
    "bytes": sa.LargeBinary,
    "set": sa.JSON,
    "str": sa.Text,
}


@dataclass(frozen=True, slots=True)
class Accepted:
    """What a decorated column takes: values of ``sa_type`` made for ``spec``.

    Attributes:
        kind: :data:`IMPL` when the impl's own values do, else the Python type's name.
        spec: the column as its values are made. For another kind than the impl's, its
            ``python_type`` and ``sa_type`` are the kind's, and it has no CHECK domain:
            CHECKs judge the stored value, which only the decorator makes.
        sa_type: the type whose provider makes the values (the dialect's impl, or a
            stand-in such as ``Uuid()`` for the kind).
        probe: the decorator's bind processing, which the values pass.
    """

    kind: str
    spec: ColumnSpec
    sa_type: Any
    probe: BindProbe


def decorated_provider(spec: ColumnSpec, decorator: Any, build: Builder) -> Provider:
    """The provider of a column whose type is ``decorator``, a TypeDecorator with no
    provider of its own; ``build`` makes providers of the types it chooses from.

    Raises:
        SynthesisError: the decorator binds none of the candidate kinds.
    """
    chosen = accepted(spec, decorator, build)
    made = build(chosen.spec, chosen.sa_type)
    return made if chosen.kind == IMPL else with_domain(spec, made)


# Decisions by decorator instance (weakly: models come and go in one process), then column.
_DECIDED: weakref.WeakKeyDictionary[Any, dict[ColumnSpec, str]] = weakref.WeakKeyDictionary()


def accepted(spec: ColumnSpec, decorator: Any, build: Builder) -> Accepted:
    """What ``decorator`` takes for ``spec``'s column (decided once per type and column).

    Raises:
        SynthesisError: the decorator binds none of the candidate kinds; the message
            names the column, the type, what it refused and how to register a provider.
    """
    impl = dialect_impl(spec, decorator)
    probe = BindProbe.of(decorator, spec.dialect)
    decided = _DECIDED.setdefault(decorator, {})
    # The column holds the decorator, the weak key: a key holding it would never let go.
    key = replace(spec, column=replace(spec.column, sa_type=None))
    if key not in decided:
        decided[key] = _decide(spec, decorator, impl, probe, build)
    return _accepted(spec, decided[key], impl, probe)


def _accepted(spec: ColumnSpec, kind: str, impl: Any, probe: BindProbe) -> Accepted:
    if kind == IMPL:
        return Accepted(kind, spec, impl, probe)
    stand_in = _KINDS[kind]()
    column = replace(spec.column, python_type=kind, sa_type=stand_in)
    return Accepted(kind, replace(spec, column=column, domain=Domain()), stand_in, probe)


def _decide(spec: ColumnSpec, decorator: Any, impl: Any, probe: BindProbe, build: Builder) -> str:
    if probe.accepts(object()):
        return IMPL
    tried: list[str] = []
    refusals: list[str] = []
    hint = _said_kind(spec, decorator)
    for kind in _candidates(hint):
        chosen = _accepted(spec, kind, impl, probe)
        try:
            made = build(chosen.spec, chosen.sa_type)
            samples = [made(_probe_context(n)) for n in range(_SAMPLES)]
        except SynthesisError as exc:
            if kind == IMPL:  # e.g. an impl no provider handles: the other kinds may still do
                refusals.append(f"its impl: {exc}")
            continue
        name = _kind_of(samples[0])
        if name in tried:
            continue
        tried.append(name)
        refused = next((r for r in map(probe.rejection, samples) if r is not None), None)
        if refused is None:
            return kind
        refusals.append(f"{name} {_short(samples[0])} gave {refused}")
    if hint in _CONTAINERS:
        # A Mutable wrapper's coerce() turns the container into its own class before the
        # decorator binds it (redash's ConfigurationContainer has the to_json() it calls),
        # so a container it accepts is right even when refused raw.
        return str(hint)
    raise no_provider(spec, decorator, reason=_refused(tried, refusals))


def _kind_of(value: Any) -> str:
    """The kind a sample is, as the refusal message names it (aware datetimes apart)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return "aware datetime"
    return type(value).__name__


def _refused(tried: list[str], refusals: list[str]) -> str:
    """``binds no value tried (str, UUID, dict and 12 more kinds); str 'x' gave ...``"""
    listed = ", ".join(tried[:3]) + (f" and {len(tried) - 3} more kinds" if len(tried) > 3 else "")
    first = refusals[0] if refusals else "no values could be made"
    return f"binds no value tried ({listed}); {first}"


def _said_kind(spec: ColumnSpec, decorator: Any) -> str | None:
    """The kind ``ColumnInfo.python_type`` names, when it says more than the impl does.

    It is the impl's unless the decorator declares its own or a Mutable wrapper
    (``MutableDict.as_mutable(...)``) accepts only a container.
    """
    hint = spec.column.python_type
    if hint in _KINDS and hint != _python_type_name(decorator.impl_instance):
        return hint
    return None


def _candidates(hint: str | None) -> Iterator[str]:
    if hint is not None:
        yield hint
    yield IMPL
    yield from (kind for kind in _KINDS if kind != hint)


def _python_type_name(sa_type: Any) -> str | None:
    try:
        return getattr(sa_type.python_type, "__name__", None)
    except (NotImplementedError, AttributeError, TypeError):
        return None


def _probe_context(n: int) -> ValueContext:
    """A context of its own for sample values: a decision must not draw from the run's
    generators, or one seed would give other values once the decision is cached."""
    made = _probe_faker()
    made.seed_instance(n)
    return ValueContext(made, random.Random(n), n)


@functools.cache
def _probe_faker() -> faker.Faker:
    return faker.Faker()


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."
