"""Value providers: a valid, plausible value for any column.

:func:`provider_for` returns a :data:`Provider` for a column: a function of a
:class:`ValueContext` (Faker, the random generator, a per-column sequence number) that
returns the value the ORM attribute expects. It is chosen in three steps:

1. **User providers** registered with :func:`register_provider`, most recent first.
2. **The column type**, by walking ``type(sa_type).__mro__`` through a table of built-in
   providers (core, PostgreSQL, MySQL/MariaDB and sqlalchemy-utils types). A
   ``TypeDecorator`` with no provider of its own is unwrapped to its ``impl``;
   sqlalchemy-utils types are matched by class first, because their ORM values are
   objects (``Country('FI')``, ``PhoneNumber``, ``Choice``), not what is stored.
3. **The column name**, for text and dates: ``email`` gets an address, ``slug`` a slug,
   ``created_at`` a past moment, ``expires_at`` a future one (see ``_TEXT_RULES``).

Every provider keeps to the type (never longer than ``String(n)``, inside
``Numeric(p, s)`` and the integer range) and to a :class:`~ormprobe.synth.constraints.Domain`
from the table's CHECK constraints. With ``unique=True`` the sequence number is mixed
into the value, so a thousand calls never collide (``jmonroe.h@example.net``,
``matter-build-agent-1b``, ``2015-01-01 00:00 + n hours``) and still fit the column.

Everything random comes from ``ctx.random`` and ``ctx.faker``, which are factory_boy's
generators; :func:`seed` reseeds both, so one seed reproduces a whole run.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import importlib
import inspect
import ipaddress
import math
import random
import re
import uuid
import zoneinfo
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Literal

import factory.faker
import factory.random
import faker
import sqlalchemy as sa
from sqlalchemy.dialects import mysql as mysql_types
from sqlalchemy.dialects import postgresql as pg_types
from sqlalchemy.sql import sqltypes

from ormprobe.errors import SynthesisError, UsageError
from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints import (
    Domain,
    Relation,
    decimal_limit,
    fits_type,
    integer_range,
    storage_value,
    temporal_range,
    text_length,
    type_domain,
    value_kind,
)

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

# How often a provider retries a random value that a CHECK domain rejects.
_ATTEMPTS = 40
# Text columns without a length get values up to this long: long enough to look real.
_UNBOUNDED_TEXT = 200
# Letters and digits for sequence tokens. Lower case only: MySQL/MariaDB compare text
# case-insensitively by default, so "aB" and "Ab" would collide under a UNIQUE index.
_TOKEN_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


# -- public API ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValueContext:
    """What every provider call gets.

    Attributes:
        faker: factory_boy's shared Faker (``factory.Faker._get_faker()``), so
            :func:`seed` seeds it.
        random: factory_boy's shared generator (``factory.random.randgen``).
        sequence: a per-column counter, different on every call for that column; unique
            columns mix it into their values. Must be >= 0.
    """

    faker: faker.Faker
    random: random.Random
    sequence: int


def context(sequence: int = 0) -> ValueContext:
    """A :class:`ValueContext` over factory_boy's shared Faker and random generator.

    Example:
        >>> context(3).sequence
        3
    """
    # factory_boy ships no annotations for these two; give them their real signatures.
    shared_faker: Callable[[], faker.Faker] = factory.faker.Faker._get_faker
    generator: random.Random = factory.random.randgen
    return ValueContext(shared_faker(), generator, sequence)


Provider = Callable[[ValueContext], Any]
"""Makes one value for a column from a :class:`ValueContext`."""

UserProvider = Provider | Callable[[ValueContext, ColumnInfo], Any]
Matcher = type | Callable[[ColumnInfo], bool]


def seed(seed: int) -> None:
    """Reseed factory_boy's generator and Faker's together (reproducible runs).

    Example:
        >>> seed(7); a = provider_for(_example_column())(context(0))
        >>> seed(7); b = provider_for(_example_column())(context(0))
        >>> a == b
        True
    """
    reseed: Callable[[int], None] = factory.random.reseed_random
    reseed(seed)


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


_REGISTRY: list[_Registration] = []


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
        >>> provider_for(_example_column("sku"))(context(3))
        'SKU-3'
        >>> unregister_provider(_REGISTRY[0].matcher)
    """
    if not callable(fn):
        raise UsageError(f"register_provider: {fn!r} is not callable")
    if not isinstance(type_or_predicate, type) and not callable(type_or_predicate):
        raise UsageError(
            f"register_provider: expected a column type class or a predicate, "
            f"got {type_or_predicate!r}"
        )
    _REGISTRY.insert(0, _Registration(type_or_predicate, fn, _takes_column(fn)))


def unregister_provider(type_or_predicate: Matcher) -> None:
    """Remove every provider registered for ``type_or_predicate``."""
    _REGISTRY[:] = [r for r in _REGISTRY if r.matcher is not type_or_predicate]


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


def needs_value(column: ColumnInfo) -> bool:
    """Whether a row should be given a value for ``column`` when it is built.

    False when leaving the column out is right: the database computes it (``Computed``,
    ``Identity``, an autoincrement primary key, a ``server_default``) or SQLAlchemy
    applies its Python ``default``. Nullable columns without defaults are True: the
    row is more useful filled in; a caller may still leave them NULL.

    Example:
        >>> needs_value(_example_column())
        True
    """
    if column.computed is not None or column.identity:
        return False
    if column.primary_key and column.autoincrement:
        return False
    return column.server_default is None and column.default is None


def provider_for(
    column: ColumnInfo,
    *,
    model: str | None = None,
    unique: bool = False,
    domain: Domain | None = None,
) -> Provider:
    """The provider of values for ``column``.

    Args:
        column: the column, from the schema graph (its ``sa_type`` must be set).
        model: the model name, for messages (``Model.column``); the table name otherwise.
        unique: the column alone, or a multi-column UNIQUE/PRIMARY KEY it belongs to,
            must not repeat: the sequence number is mixed into every value.
        domain: what the table's CHECK constraints require of the column's values.

    Returns:
        A function ``(ValueContext) -> value`` returning what the ORM attribute expects
        (an enum member for ``Enum(MyEnum)``, ``Decimal`` for ``Numeric``, ``Country``
        for ``CountryType``...). It raises :class:`SynthesisError` when a unique column
        runs out of distinct values or no value fits the domain.

    Raises:
        SynthesisError: when no provider handles the type, or the domain is empty.

    Example:
        >>> value = provider_for(_example_column("email"), unique=True)(context(17))
        >>> value.split("@")[0].endswith(".h")
        True
    """
    spec = _Spec.of(column, model=model, unique=unique, domain=domain or Domain())
    for registration in _REGISTRY:
        if registration.matches_column(column):
            return registration.bind(column)
    if spec.domain.null_only:
        return _null_only(spec)
    if spec.domain.conflicts():
        raise SynthesisError(
            f"{spec.target}: its CHECK constraints admit no value ({spec.domain})",
            target=spec.target,
        )
    return _build(spec, column.sa_type)


# -- the column as providers see it --------------------------------------------------

_SPLIT = re.compile(r"[^0-9a-zA-Z]+|(?<=[a-z0-9])(?=[A-Z])")


def _words(name: str | None) -> frozenset[str]:
    if not name:
        return frozenset()
    parts = [p.lower() for p in _SPLIT.split(name) if p]
    return frozenset([*parts, "".join(parts)])


@dataclass(frozen=True, slots=True)
class _Spec:
    """One column to provide for, with what its name and constraints say."""

    column: ColumnInfo
    target: str
    words: frozenset[str]
    table_words: frozenset[str]
    unique: bool
    domain: Domain

    @classmethod
    def of(cls, column: ColumnInfo, *, model: str | None, unique: bool, domain: Domain) -> _Spec:
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
        )

    def has(self, *words: str) -> bool:
        """True when every one of ``words`` is a word of the column's name."""
        return all(w in self.words for w in words)

    def fail(self, message: str) -> SynthesisError:
        return SynthesisError(f"{self.target}: {message}", target=self.target)


def _null_only(spec: _Spec) -> Provider:
    if not spec.column.nullable:
        raise spec.fail("its CHECK constraints admit only NULL, but the column is NOT NULL")
    return lambda ctx: None


def _sequence(ctx: ValueContext, spec: _Spec) -> int:
    if ctx.sequence < 0:
        raise spec.fail(f"sequence numbers must be >= 0, got {ctx.sequence}")
    return ctx.sequence


# -- dispatch on the type ------------------------------------------------------------

Builder = Callable[[_Spec, Any], Provider]


def _build(spec: _Spec, sa_type: Any, depth: int = 0) -> Provider:
    """The provider for ``sa_type``: user types, then the MRO, then the decorator's impl."""
    for registration in _REGISTRY:
        if registration.matches_type(sa_type):
            return registration.bind(spec.column)
    table = _builtin_table()
    for klass in type(sa_type).__mro__:
        builder = table.get(klass)
        if builder is not None:
            return builder(spec, sa_type)
        if klass is sa.types.TypeDecorator and depth < 10:
            return _build(spec, sa_type.impl_instance, depth + 1)
    raise _no_provider(spec, sa_type)


def _no_provider(spec: _Spec, sa_type: Any) -> SynthesisError:
    name = type(sa_type).__name__
    return SynthesisError(
        f"no value provider for {spec.target}: type {_type_text(sa_type)}; register one with "
        f"ormprobe.register_provider({name}, fn) or set [tool.ormprobe.values] "
        f'"{spec.target}" = ...',
        target=spec.target,
    )


def _type_text(sa_type: Any) -> str:
    try:
        return repr(sa_type)
    except Exception:  # a user type's __repr__ may fail; its class name will do
        return type(sa_type).__name__


@functools.cache
def _builtin_table() -> dict[type, Builder]:
    table: dict[type, Builder] = {
        sa.Boolean: _boolean,
        sa.Enum: _enum,
        sa.Integer: _integer,
        sa.Numeric: _decimal,
        sa.Float: _float,
        sa.String: _text,
        sa.Date: _date,
        sa.DateTime: _datetime,
        sa.Time: _time,
        sa.Interval: _interval,
        sa.Uuid: _uuid,
        sqltypes._Binary: _binary,
        sa.JSON: _json,
        sa.PickleType: _json,
        sa.ARRAY: _array,
    }
    table.update(_postgresql_builders())
    table.update(_mysql_builders())
    table.update(_other_dialect_builders())
    table.update(_sqlalchemy_utils_builders())
    return table


def _postgresql_builders() -> dict[type, Builder]:
    wanted: dict[str, Builder] = {
        "INTERVAL": _interval,
        "MONEY": _decimal,
        "OID": _integer,
        "INET": _inet,
        "CIDR": _cidr,
        "MACADDR": _macaddr,
        "MACADDR8": _macaddr,
        "TSVECTOR": _tsvector,
        "TSQUERY": _fixed_text("word"),
        "REGCONFIG": _fixed_text("english"),
        "REGCLASS": _fixed_text("pg_class"),
        "HSTORE": _hstore,
        "BIT": _bit_string,
        "DOMAIN": _domain_type,
        "JSONPATH": _fixed_text("$.name"),
        "AbstractSingleRange": _range,
        "AbstractMultiRange": _multirange,
        "AbstractRange": _range,
    }
    # Several of these arrived during SQLAlchemy 2.0.x; look them up, don't assume them.
    return {
        klass: builder
        for name, builder in wanted.items()
        if isinstance(klass := getattr(pg_types, name, None), type)
    }


def _mysql_builders() -> dict[type, Builder]:
    table: dict[type, Builder] = {
        mysql_types.YEAR: _integer,
        mysql_types.BIT: _integer,
        mysql_types.SET: _mysql_set,
    }
    for name in ("INET4", "INET6"):
        klass = getattr(mysql_types, name, None)
        if klass is not None:
            table[klass] = _inet_text(6 if name == "INET6" else 4)
    return table


def _other_dialect_builders() -> dict[type, Builder]:
    table: dict[type, Builder] = {}
    for module, names, builder in (
        ("sqlalchemy.dialects.mssql", ("MONEY", "SMALLMONEY"), _decimal),
        ("sqlalchemy.dialects.oracle", ("INTERVAL",), _interval),
    ):
        dialect = importlib.import_module(module)
        for name in names:
            klass = getattr(dialect, name, None)
            if isinstance(klass, type):
                table[klass] = builder
    return table


# -- ordered values: integers, decimals, floats, dates, times, intervals --------------


@dataclass(frozen=True, slots=True)
class _Ladder:
    """An ordered type as integer rungs: value = to_value(index).

    Working in rung indices keeps bounds, exclusivity, uniqueness and random picks the
    same code for every ordered type.

    Attributes:
        low: lowest admissible index (type and domain bounds applied).
        high: highest admissible index.
        window: preferred (low, high) indices for random values: plausible magnitudes.
        stride: rungs per unique slot; a unique value is start + n * stride + a random
            offset below stride, so sequences don't look like 1, 2, 3 for timestamps.
        to_value: index -> the value the ORM attribute expects.
        to_index: value -> exact index, or None when off the ladder.
    """

    low: int
    high: int
    window: tuple[int, int]
    stride: int
    to_value: Callable[[int], Any]
    to_index: Callable[[Any], Decimal | None]


def _ordered(spec: _Spec, ladder: _Ladder) -> Provider:
    """A provider over ``ladder`` that honours the domain and uniqueness."""
    if ladder.low > ladder.high:
        raise spec.fail("no value of its type satisfies its CHECK constraints")
    if spec.domain.allowed is not None:
        return _from_allowed(spec, _allowed_values(spec, ladder))
    excluded = _excluded_indices(spec, ladder)
    window = _clip_window(ladder)
    if spec.unique:
        return _unique_ordered(spec, ladder, window, excluded)

    def provide(ctx: ValueContext) -> Any:
        for _ in range(_ATTEMPTS):
            index = ctx.random.randint(*window)
            if index not in excluded:
                return _checked(spec, ladder.to_value(index))
        raise spec.fail("could not find a value outside its CHECK's excluded values")

    return provide


def _clip_window(ladder: _Ladder) -> tuple[int, int]:
    low, high = ladder.window
    width = max(high - low, 0)
    if high < ladder.low:
        return ladder.low, min(ladder.high, ladder.low + width)
    if low > ladder.high:
        return max(ladder.low, ladder.high - width), ladder.high
    return max(low, ladder.low), min(high, ladder.high)


def _unique_ordered(
    spec: _Spec, ladder: _Ladder, window: tuple[int, int], excluded: frozenset[int]
) -> Provider:
    start = window[0]
    stride = max(1, min(ladder.stride, (ladder.high - start + 1) // 1_000_000))
    if stride == 1:
        return _unique_dense(spec, ladder, start, excluded)
    capacity = (ladder.high - start + 1) // stride

    def provide(ctx: ValueContext) -> Any:
        n = _sequence(ctx, spec)
        if n >= capacity:
            raise spec.fail(f"only {capacity} distinct values fit its type and CHECKs")
        base = start + n * stride
        return _checked(spec, ladder.to_value(base + _offset(ctx, stride, base, excluded)))

    return provide


def _unique_dense(spec: _Spec, ladder: _Ladder, start: int, excluded: frozenset[int]) -> Provider:
    """Every index once: from where values look plausible (1 for ids) up to the top,
    then the ones below it, so small ranges (TINYINT, BETWEEN 0 AND 100) are used whole."""
    above = ladder.high - start + 1

    def position(index: int) -> int:
        return index - start if index >= start else above + index - ladder.low

    def index_at(pos: int) -> int:
        return start + pos if pos < above else ladder.low + pos - above

    skipped = sorted(position(i) for i in excluded if ladder.low <= i <= ladder.high)
    capacity = ladder.high - ladder.low + 1 - len(skipped)

    def provide(ctx: ValueContext) -> Any:
        n = _sequence(ctx, spec)
        if n >= capacity:
            raise spec.fail(f"only {capacity} distinct values fit its type and CHECKs")
        pos = n
        for gap in skipped:
            if gap <= pos:
                pos += 1
        return _checked(spec, ladder.to_value(index_at(pos)))

    return provide


def _offset(ctx: ValueContext, stride: int, base: int, excluded: frozenset[int]) -> int:
    for _ in range(_ATTEMPTS):
        offset = ctx.random.randrange(stride)
        if base + offset not in excluded:
            return offset
    return next((o for o in range(stride) if base + o not in excluded), 0)


def _excluded_indices(spec: _Spec, ladder: _Ladder) -> frozenset[int]:
    indices = set()
    for value in spec.domain.excluded:
        index = _safe_index(ladder, value)
        if index is not None and index == index.to_integral_value():
            indices.add(int(index))
    return frozenset(indices)


def _safe_index(ladder: _Ladder, value: Any) -> Decimal | None:
    try:
        return ladder.to_index(value)
    except (TypeError, ValueError, ArithmeticError):
        return None


def _allowed_values(spec: _Spec, ladder: _Ladder) -> list[Any]:
    values = []
    for value in spec.domain.allowed or ():
        index = _safe_index(ladder, value)
        if index is None or index != index.to_integral_value():
            continue
        if ladder.low <= index <= ladder.high:
            candidate = ladder.to_value(int(index))
            if spec.domain.admits(storage_value(spec.column, candidate)):
                values.append(candidate)
    return values


def _checked(spec: _Spec, value: Any) -> Any:
    if not spec.domain.admits(storage_value(spec.column, value)):
        raise spec.fail(f"{value!r} does not satisfy its CHECK constraints")
    return value


def _bounds(
    spec: _Spec, to_index: Callable[[Any], Decimal | None], low: int, high: int
) -> tuple[int, int]:
    """Type bounds (in indices) narrowed by the domain's minimum and maximum."""
    domain = spec.domain
    if domain.minimum is not None:
        index = _index_or_fail(spec, to_index, domain.minimum)
        low = max(low, _ceil(index, domain.minimum_inclusive))
    if domain.maximum is not None:
        index = _index_or_fail(spec, to_index, domain.maximum)
        high = min(high, _floor(index, domain.maximum_inclusive))
    return low, high


def _index_or_fail(spec: _Spec, to_index: Callable[[Any], Decimal | None], value: Any) -> Decimal:
    try:
        index = to_index(value)
    except (TypeError, ValueError, ArithmeticError):
        index = None
    if index is None:
        raise spec.fail(f"CHECK bound {value!r} does not fit the column's type")
    return index


def _ceil(index: Decimal, inclusive: bool) -> int:
    ceiling = int(index.to_integral_value(rounding=ROUND_CEILING))
    return ceiling if inclusive or ceiling != index else ceiling + 1


def _floor(index: Decimal, inclusive: bool) -> int:
    floor = int(index.to_integral_value(rounding=ROUND_FLOOR))
    return floor if inclusive or floor != index else floor - 1


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"{value!r} is not a number")
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


# Preferred ranges for numbers, by words of the column name.
_NUMBER_WINDOWS: tuple[tuple[tuple[str, ...], tuple[int, int]], ...] = (
    (("age",), (18, 90)),
    (("year",), (1990, 2030)),
    (("lat",), (-90, 90)),
    (("latitude",), (-90, 90)),
    (("lng",), (-180, 180)),
    (("lon",), (-180, 180)),
    (("longitude",), (-180, 180)),
    (("percent",), (0, 100)),
    (("percentage",), (0, 100)),
    (("pct",), (0, 100)),
    (("rating",), (1, 5)),
    (("stars",), (1, 5)),
    (("port",), (1024, 65535)),
    (("priority",), (1, 10)),
    (("position",), (1, 100)),
    (("quantity",), (1, 100)),
    (("qty",), (1, 100)),
)


def _number_window(spec: _Spec, default: tuple[int, int]) -> tuple[int, int]:
    for words, window in _NUMBER_WINDOWS:
        if spec.has(*words):
            return window
    return default


def _integer(spec: _Spec, sa_type: Any) -> Provider:
    low, high = integer_range(sa_type)
    low, high = _bounds(spec, _number, low, high)
    default = (1990, 2030) if isinstance(sa_type, mysql_types.YEAR) else (1, 1000)
    ladder = _Ladder(
        low=low,
        high=high,
        window=_number_window(spec, default),
        stride=1,
        to_value=lambda i: i,
        to_index=_number,
    )
    return _ordered(spec, ladder)


def _decimal(spec: _Spec, sa_type: Any) -> Provider:
    scale = getattr(sa_type, "scale", None)
    # Numeric() without a scale is DECIMAL(10, 0) on MySQL: unique values must be whole
    # numbers there or rounding makes them collide.
    digits = scale if isinstance(scale, int) else (0 if spec.unique else 2)
    unit = Decimal(1).scaleb(-digits)
    limit = decimal_limit(sa_type)
    bound = int(limit / unit) if limit is not None else 10**15
    low = 0 if getattr(sa_type, "unsigned", False) else -bound
    to_index = lambda v: _number(v) / unit  # noqa: E731
    low, high = _bounds(spec, to_index, low, bound)
    window = _number_window(spec, (0, 1000))
    as_float = getattr(sa_type, "asdecimal", True) is False

    def to_value(index: int) -> Any:
        value = (Decimal(index) * unit).quantize(unit)
        return float(value) if as_float else value

    ladder = _Ladder(
        low=low,
        high=high,
        window=(int(window[0] / unit), int(window[1] / unit)),
        stride=int(1 / unit),
        to_value=to_value,
        to_index=to_index,
    )
    return _ordered(spec, ladder)


def _float(spec: _Spec, sa_type: Any) -> Provider:
    # Quarters are exact in binary, so a single-precision FLOAT column stores exactly
    # what was generated and unique or boundary values stay distinct.
    unit = Decimal("0.25")
    bound = int(Decimal(10**12) / unit)
    low = 0 if getattr(sa_type, "unsigned", False) else -bound
    to_index = lambda v: _number(v) / unit  # noqa: E731
    low, high = _bounds(spec, to_index, low, bound)
    window = _number_window(spec, (0, 1000))
    as_decimal = bool(getattr(sa_type, "asdecimal", False))

    def to_value(index: int) -> Any:
        value = Decimal(index) * unit
        return value if as_decimal else float(value)

    ladder = _Ladder(
        low=low,
        high=high,
        window=(int(window[0] / unit), int(window[1] / unit)),
        stride=4,
        to_value=to_value,
        to_index=to_index,
    )
    return _ordered(spec, ladder)


# Dates: fixed anchors, not "now", so a seed reproduces the same values on any day.
_EPOCH = dt.datetime(2000, 1, 1)
_DATE_WINDOWS: dict[str, tuple[dt.datetime, dt.datetime]] = {
    "default": (dt.datetime(2000, 1, 1), dt.datetime(2030, 12, 31)),
    "past": (dt.datetime(2015, 1, 1), dt.datetime(2024, 12, 31)),
    "future": (dt.datetime(2031, 1, 1), dt.datetime(2037, 12, 31)),
    "birth": (dt.datetime(1950, 1, 1), dt.datetime(2005, 12, 31)),
}
_PAST_WORDS = frozenset(
    [
        "created",
        "updated",
        "modified",
        "deleted",
        "joined",
        "registered",
        "published",
        "posted",
        "sent",
        "received",
        "last",
        "login",
        "seen",
        "verified",
        "confirmed",
        "approved",
        "completed",
        "finished",
        "processed",
        "archived",
        "started",
        "submitted",
        "paid",
        "issued",
        "occurred",
        "recorded",
        "logged",
        "signed",
    ]
)
_FUTURE_WORDS = frozenset(
    [
        "expires",
        "expiry",
        "expiration",
        "expire",
        "due",
        "deadline",
        "scheduled",
        "until",
        "next",
        "renew",
        "renewal",
        "start",
        "starts",
        "begin",
        "begins",
        "end",
        "ends",
        "valid",
        "closes",
        "opens",
    ]
)
_BIRTH_WORDS = frozenset({"birth", "birthday", "dob", "born", "birthdate"})


def _date_window(spec: _Spec) -> tuple[dt.datetime, dt.datetime]:
    if spec.words & _BIRTH_WORDS:
        return _DATE_WINDOWS["birth"]
    if spec.words & _FUTURE_WORDS:
        return _DATE_WINDOWS["future"]
    if spec.words & _PAST_WORDS:
        return _DATE_WINDOWS["past"]
    return _DATE_WINDOWS["default"]


def _date(spec: _Spec, sa_type: Any) -> Provider:
    lowest, highest = temporal_range(sa_type)
    epoch = _EPOCH.date()

    def to_index(value: Any) -> Decimal:
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            raise TypeError(f"{value!r} is not a date")
        return Decimal((value - epoch).days)

    low, high = _bounds(spec, to_index, int(to_index(lowest)), int(to_index(highest)))
    start, end = _date_window(spec)
    ladder = _Ladder(
        low=low,
        high=high,
        window=(int(to_index(start)), int(to_index(end))),
        stride=1,
        to_value=lambda i: epoch + dt.timedelta(days=i),
        to_index=to_index,
    )
    return _ordered(spec, ladder)


def _datetime(spec: _Spec, sa_type: Any) -> Provider:
    aware = bool(getattr(sa_type, "timezone", False))
    epoch = _EPOCH.replace(tzinfo=dt.UTC) if aware else _EPOCH
    lowest, highest = temporal_range(sa_type)

    def to_index(value: Any) -> Decimal:
        value = _as_datetime(value, aware)
        return Decimal((value - epoch) // dt.timedelta(microseconds=1)) / 1_000_000

    low, high = _bounds(spec, to_index, int(to_index(lowest)), int(to_index(highest)))
    start, end = _date_window(spec)
    ladder = _Ladder(
        low=low,
        high=high,
        window=(int(to_index(start)), int(to_index(end))),
        stride=3600,
        to_value=lambda i: epoch + dt.timedelta(seconds=i),
        to_index=to_index,
    )
    return _ordered(spec, ladder)


def _as_datetime(value: Any, aware: bool) -> dt.datetime:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{value!r} is not a datetime")
    if aware and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    if not aware and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _time(spec: _Spec, sa_type: Any) -> Provider:
    zone = dt.UTC if getattr(sa_type, "timezone", False) else None

    def to_index(value: Any) -> Decimal:
        if not isinstance(value, dt.time):
            raise TypeError(f"{value!r} is not a time")
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return Decimal(seconds) + Decimal(value.microsecond) / 1_000_000

    def to_value(index: int) -> dt.time:
        hours, rest = divmod(index, 3600)
        return dt.time(hours, rest // 60, rest % 60, tzinfo=zone)

    low, high = _bounds(spec, to_index, 0, 86_399)
    ladder = _Ladder(low, high, (8 * 3600, 18 * 3600), 60, to_value, to_index)
    return _ordered(spec, ladder)


def _interval(spec: _Spec, sa_type: Any) -> Provider:
    def to_index(value: Any) -> Decimal:
        if not isinstance(value, dt.timedelta):
            raise TypeError(f"{value!r} is not a timedelta")
        return Decimal(value // dt.timedelta(microseconds=1)) / 1_000_000

    bound = 10 * 365 * 86_400
    low, high = _bounds(spec, to_index, -bound, bound)
    ladder = _Ladder(
        low=low,
        high=high,
        window=(3600, 30 * 86_400),
        stride=60,
        to_value=lambda i: dt.timedelta(seconds=i),
        to_index=to_index,
    )
    return _ordered(spec, ladder)


# -- choices: booleans, enums, sets ---------------------------------------------------


def _from_allowed(spec: _Spec, values: Sequence[Any]) -> Provider:
    """Pick from ``values``; unique columns take them in order until they run out."""
    if not values:
        raise spec.fail("no value of its type is in its CHECK's allowed list")
    choices = list(values)

    def provide(ctx: ValueContext) -> Any:
        if spec.unique:
            n = _sequence(ctx, spec)
            if n >= len(choices):
                raise spec.fail(f"only {len(choices)} distinct values are allowed")
            return choices[n]
        return ctx.random.choice(choices)

    return provide


def _admitted(spec: _Spec, values: Sequence[Any]) -> list[Any]:
    return [v for v in values if spec.domain.admits(storage_value(spec.column, v))]


def _boolean(spec: _Spec, sa_type: Any) -> Provider:
    return _from_allowed(spec, _admitted(spec, [False, True]))


def _enum(spec: _Spec, sa_type: Any) -> Provider:
    stored = list(sa_type.enums)
    members = _enum_members(sa_type, stored)
    values = [members.get(text, text) for text in stored]
    return _from_allowed(spec, _admitted(spec, values))


def _enum_members(sa_type: Any, stored: Sequence[str]) -> dict[str, Any]:
    """Stored string -> the enum member the ORM attribute holds (``Enum(MyEnum)``)."""
    enum_class = getattr(sa_type, "enum_class", None)
    if enum_class is None or not issubclass(enum_class, enum.Enum):
        return {}
    members: dict[str, Any] = {}
    for member, text in zip(enum_class.__members__.values(), stored, strict=False):
        members.setdefault(text, member)
    return members


def _mysql_set(spec: _Spec, sa_type: Any) -> Provider:
    options = list(sa_type.values)
    if not options:
        raise spec.fail("SET has no values")

    def provide(ctx: ValueContext) -> set[str]:
        if spec.unique:
            n = _sequence(ctx, spec)
            if n >= 2 ** len(options):
                raise spec.fail(f"only {2 ** len(options)} distinct SET values exist")
            return {o for bit, o in enumerate(options) if n >> bit & 1}
        size = ctx.random.randint(1, len(options))
        return set(ctx.random.sample(options, size))

    return provide


# -- text -----------------------------------------------------------------------------


def _token(n: int, min_length: int = 1, max_length: int | None = None) -> str | None:
    """``n`` as a base-36 token of min..max characters; distinct n, distinct tokens.

    Lengths are used shortest first, so String(2) holds 36 + 36**2 = 1332 values.
    None when ``n`` doesn't fit in ``max_length`` characters.
    """
    length = max(min_length, 1)
    while max_length is None or length <= max_length:
        count = 36**length
        if n < count:
            digits = []
            for _ in range(length):
                n, digit = divmod(n, 36)
                digits.append(_TOKEN_ALPHABET[digit])
            return "".join(reversed(digits))
        n -= count
        length += 1
    return None


def _token_capacity(min_length: int, max_length: int) -> int:
    return sum(36**length for length in range(max(min_length, 1), max_length + 1))


UniqueStyle = Literal[
    "suffix", "email", "url", "underscore", "digits", "hex", "uuid", "ip", "color", "plain"
]


@dataclass(frozen=True, slots=True)
class _TextRule:
    """A column-name heuristic for text.

    Attributes:
        label: what kind of value it makes, for messages.
        triggers: word sets; the rule applies when all words of any set are in the name.
        make: a plausible value.
        unique: how the sequence is mixed in (``plain`` = drop the heuristic for
            unique columns: its values come from a short list).
        exact: a truncated value would be wrong (an e-mail cut short); fall back to
            generic text instead of truncating.
        upper: the value is upper case (codes); applied to the token too.
    """

    label: str
    triggers: tuple[tuple[str, ...], ...]
    make: Callable[[ValueContext, _Spec, int | None], str]
    unique: UniqueStyle = "suffix"
    exact: bool = False
    upper: bool = False

    def applies(self, spec: _Spec) -> bool:
        return any(spec.has(*words) for words in self.triggers)


def _words_text(ctx: ValueContext, count: int) -> str:
    return " ".join(ctx.faker.words(count))


def _person_name(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
    if spec.table_words & _ORG_TABLE_WORDS:
        return str(ctx.faker.company())
    if spec.table_words & _PERSON_TABLE_WORDS or spec.words & {"full", "fullname", "display"}:
        return str(ctx.faker.name())
    return " ".join(w.capitalize() for w in ctx.faker.words(2))


_PERSON_TABLE_WORDS = frozenset(
    [
        "user",
        "users",
        "person",
        "people",
        "author",
        "customer",
        "employee",
        "member",
        "contact",
        "profile",
        "account",
        "student",
        "teacher",
        "patient",
        "client",
        "staff",
        "owner",
        "admin",
        "player",
        "artist",
    ]
)
_ORG_TABLE_WORDS = frozenset(
    [
        "company",
        "companies",
        "organization",
        "organisation",
        "org",
        "vendor",
        "supplier",
        "business",
        "tenant",
        "workspace",
        "team",
        "agency",
        "brand",
        "merchant",
    ]
)


def _country(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
    if limit == 3:
        return str(ctx.faker.country_code(representation="alpha-3"))
    if (limit is not None and limit < 20) or spec.has("code"):
        return str(ctx.faker.country_code())
    return str(ctx.faker.country())


def _locale(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
    if limit is not None and limit < 5:
        return str(ctx.faker.language_code())
    return str(ctx.faker.locale())


def _hex_text(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
    length = 64 if limit is None else min(limit, 64)
    return f"{ctx.random.getrandbits(4 * length):0{length}x}"


def _uuid_text(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
    value = _random_uuid(ctx)
    return str(value) if limit is None or limit >= 36 else value.hex


def _version(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
    r = ctx.random
    return f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}"


def _faker(method: str, **kwargs: Any) -> Callable[[ValueContext, _Spec, int | None], str]:
    def make(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
        return str(getattr(ctx.faker, method)(**kwargs))

    # Remembered so the rule can describe itself as factory.Faker(method, **kwargs).
    _FAKER_CALLS[make] = (method, kwargs)
    return make


_FAKER_CALLS: dict[Callable[..., str], tuple[str, dict[str, Any]]] = {}


def _url(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
    return f"https://{ctx.faker.domain_name()}/{ctx.faker.slug()}"


def _image_url(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
    return f"https://{ctx.faker.domain_name()}/images/{ctx.faker.slug()}.png"


def _code(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
    return str(ctx.faker.bothify("??-####")).upper()


def _long_text(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
    return str(ctx.faker.paragraph(nb_sentences=3))


def _title(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
    return str(ctx.faker.sentence(nb_words=4)).rstrip(".")


def _generic(ctx: ValueContext, spec: _Spec, limit: int | None) -> str:
    if limit is not None and limit <= 3:
        return "".join(ctx.random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(limit))
    if limit is not None and limit <= 12:
        return str(ctx.faker.word())
    if limit is not None and limit <= 40:
        return _words_text(ctx, 2)
    return str(ctx.faker.sentence(nb_words=6)).rstrip(".")


# Order matters: the first rule whose words are all in the column name wins, so the
# specific ("ip_address", "email_address") come before the general ("address").
_TEXT_RULES: tuple[_TextRule, ...] = (
    _TextRule(
        "e-mail address",
        (("email",), ("mail",), ("e", "mail")),
        _faker("safe_email"),
        "email",
        exact=True,
    ),
    _TextRule(
        "image URL",
        (("avatar",), ("image",), ("photo",), ("picture",), ("thumbnail",), ("logo",)),
        _image_url,
        "url",
        exact=True,
    ),
    _TextRule(
        "URL",
        (("url",), ("uri",), ("website",), ("homepage",), ("link",), ("href",), ("webpage",)),
        _url,
        "url",
        exact=True,
    ),
    _TextRule(
        "phone number",
        (("phone",), ("mobile",), ("telephone",), ("tel",), ("fax",), ("cell",), ("msisdn",)),
        _faker("numerify", text="+1-###-###-####"),
        "digits",
        exact=True,
    ),
    _TextRule("IPv6 address", (("ipv6",),), _faker("ipv6"), "ip", exact=True),
    _TextRule(
        "IP address",
        (("ip",), ("ipv4",), ("remote", "addr"), ("ip", "address")),
        _faker("ipv4"),
        "ip",
        exact=True,
    ),
    _TextRule("MAC address", (("mac",),), _faker("mac_address"), "plain", exact=True),
    _TextRule("UUID", (("uuid",), ("guid",)), _uuid_text, "uuid", exact=True),
    _TextRule(
        "first name",
        (("first", "name"), ("firstname",), ("given", "name"), ("forename",), ("middle", "name")),
        _faker("first_name"),
    ),
    _TextRule(
        "last name",
        (("last", "name"), ("lastname",), ("surname",), ("family", "name")),
        _faker("last_name"),
    ),
    _TextRule(
        "user name",
        (
            ("username",),
            ("user", "name"),
            ("login",),
            ("handle",),
            ("nickname",),
            ("screen", "name"),
        ),
        _faker("user_name"),
        "underscore",
    ),
    _TextRule("password", (("password",), ("passwd",), ("pwd",)), _faker("password", length=12)),
    _TextRule(
        "hex token",
        (
            ("token",),
            ("api", "key"),
            ("apikey",),
            ("secret",),
            ("hash",),
            ("digest",),
            ("checksum",),
            ("sha",),
            ("md5",),
            ("signature",),
            ("nonce",),
            ("salt",),
            ("fingerprint",),
        ),
        _hex_text,
        "hex",
    ),
    _TextRule("colour", (("color",), ("colour",)), _faker("hex_color"), "color", exact=True),
    _TextRule(
        "company",
        (
            ("company",),
            ("organization",),
            ("organisation",),
            ("employer",),
            ("vendor",),
            ("supplier",),
        ),
        _faker("company"),
    ),
    _TextRule("slug", (("slug",),), _faker("slug")),
    _TextRule("job title", (("job",), ("occupation",)), _faker("job")),
    _TextRule(
        "title", (("title",), ("headline",), ("subject",), ("heading",), ("caption",)), _title
    ),
    _TextRule(
        "long text",
        tuple(
            (w,)
            for w in [
                "description",
                "desc",
                "body",
                "content",
                "notes",
                "note",
                "comment",
                "comments",
                "bio",
                "biography",
                "summary",
                "text",
                "message",
                "details",
                "about",
                "abstract",
                "remarks",
                "instructions",
                "excerpt",
            ]
        ),
        _long_text,
    ),
    _TextRule("country", (("country",), ("nationality",)), _country, "plain"),
    _TextRule("currency code", (("currency",),), _faker("currency_code"), "plain", exact=True),
    _TextRule("locale", (("locale",), ("language",), ("lang",)), _locale, "plain", exact=True),
    _TextRule(
        "time zone",
        (("timezone",), ("time", "zone"), ("tz",)),
        _faker("timezone"),
        "plain",
        exact=True,
    ),
    _TextRule("city", (("city",), ("town",)), _faker("city")),
    _TextRule(
        "postcode",
        (("zip",), ("zipcode",), ("postcode",), ("postal",)),
        _faker("postcode"),
        exact=True,
    ),
    _TextRule("street address", (("street",), ("address",), ("addr",)), _faker("street_address")),
    _TextRule(
        "domain name", (("domain",), ("hostname",), ("host",)), _faker("domain_name"), exact=True
    ),
    _TextRule("file path", (("path",), ("filepath",)), _faker("file_path")),
    _TextRule("file name", (("filename",), ("file",)), _faker("file_name")),
    _TextRule(
        "MIME type",
        (("mime",), ("mimetype",), ("content", "type"), ("media", "type")),
        _faker("mime_type"),
        exact=True,
    ),
    _TextRule("version", (("version",),), _version),
    _TextRule("user agent", (("user", "agent"), ("useragent",)), _faker("user_agent")),
    _TextRule("IBAN", (("iban",),), _faker("iban"), exact=True),
    _TextRule("barcode", (("ean",), ("barcode",)), _faker("ean13"), "plain", exact=True),
    _TextRule("code", (("code",), ("sku",), ("reference",), ("ref",)), _code, upper=True),
    _TextRule("name", (("name",), ("author",), ("owner",)), _person_name),
    _TextRule(
        "word",
        tuple(
            (w,) for w in ["tag", "keyword", "label", "category", "kind", "type", "status", "role"]
        ),
        _faker("word"),
    ),
)
_GENERIC_RULE = _TextRule("text", (), _generic)
_EMAIL_RULE = _TEXT_RULES[0]
_URL_RULE = _TEXT_RULES[2]
_PASSWORD_RULE = next(r for r in _TEXT_RULES if r.label == "password")


def _text_rule(spec: _Spec) -> _TextRule:
    return next((rule for rule in _TEXT_RULES if rule.applies(spec)), _GENERIC_RULE)


@dataclass(frozen=True, slots=True)
class _TextPlan:
    """Everything that shapes a text value: limits, heuristic, pattern, uniqueness."""

    spec: _Spec
    rule: _TextRule
    max_length: int | None
    min_length: int
    pattern: str | None
    head: str = ""
    tail: str = ""

    @property
    def fixed_length(self) -> int:
        """Characters the LIKE patterns themselves contribute (at most)."""
        if self.pattern is None:
            return 0
        return max(len(self.pattern.replace("%", "")), len(self.head) + len(self.tail))

    @property
    def room(self) -> tuple[int, int | None]:
        """(min, max) characters left for the generated part."""
        high = None if self.max_length is None else max(self.max_length - self.fixed_length, 0)
        return max(self.min_length - self.fixed_length, 0), high


def _text(spec: _Spec, sa_type: Any, rule: _TextRule | None = None) -> Provider:
    limits = [n for n in (text_length(sa_type), spec.domain.max_length) if n is not None]
    plan = _TextPlan(
        spec=spec,
        rule=rule or _text_rule(spec),
        max_length=min(limits) if limits else None,
        min_length=spec.domain.min_length or 0,
        pattern=_most_specific(spec.domain.like),
        head=max((_literal_head(p) for p in spec.domain.like), key=len, default=""),
        tail=max((_literal_tail(p) for p in spec.domain.like), key=len, default=""),
    )
    if spec.domain.allowed is not None:
        return _from_allowed(
            spec, _admitted(spec, [v for v in spec.domain.allowed if _text_fits(plan, v)])
        )
    _check_text_room(plan)
    return lambda ctx: _text_value(ctx, plan)


def _most_specific(patterns: Sequence[str]) -> str | None:
    """The LIKE pattern with the most fixed characters: it implies the others most often."""
    if not patterns:
        return None
    return max(patterns, key=lambda p: len(p.replace("%", "")))


def _text_fits(plan: _TextPlan, value: Any) -> bool:
    return isinstance(value, str) and (plan.max_length is None or len(value) <= plan.max_length)


def _check_text_room(plan: _TextPlan) -> None:
    if plan.max_length is not None and plan.max_length < plan.min_length:
        raise plan.spec.fail(
            f"its CHECK needs at least {plan.min_length} characters but the column holds "
            f"{plan.max_length}"
        )


def _literal_head(pattern: str) -> str:
    """Literal text a LIKE pattern requires at the start."""
    cut = min((i for i, c in enumerate(pattern) if c in "%_"), default=len(pattern))
    return pattern[:cut]


def _literal_tail(pattern: str) -> str:
    """Literal text a LIKE pattern with a ``%`` requires at the end."""
    if "%" not in pattern:
        return ""
    return _literal_head(pattern[::-1])[::-1]


def _text_value(ctx: ValueContext, plan: _TextPlan) -> str:
    spec = plan.spec
    n = _sequence(ctx, spec) if spec.unique else None
    for attempt in range(_ATTEMPTS):
        rule = plan.rule if attempt < _ATTEMPTS // 2 else _GENERIC_RULE
        value = _compose(ctx, plan, rule, n)
        if spec.domain.admits(value) and _text_fits(plan, value):
            return value
        if n is not None and rule is _GENERIC_RULE and attempt > _ATTEMPTS // 2 + 2:
            break
    raise spec.fail(
        "could not make a text value that satisfies its type and CHECK constraints; "
        f'set [tool.ormprobe.values] "{spec.target}"'
    )


def _compose(ctx: ValueContext, plan: _TextPlan, rule: _TextRule, n: int | None) -> str:
    case = plan.spec.domain.case
    if plan.pattern is not None and "%" not in plan.pattern:
        return _apply_case(_fill_underscores(ctx, plan, n), case)
    low, high = plan.room
    core = _core(ctx, plan, rule, n, low, high)
    shapes = [_apply_case(s, case) for s in _shapes(plan, core, unique=n is not None)]
    fitting = (s for s in shapes if plan.spec.domain.admits(s) and _text_fits(plan, s))
    return next(fitting, shapes[0])


def _shapes(plan: _TextPlan, core: str, *, unique: bool) -> list[str]:
    """Ways to wrap ``core`` so that every LIKE pattern matches, most natural first."""
    if plan.pattern is None:
        return [core]
    head, tail = plan.head, plan.tail
    shapes = [_with_ends(_fill_pattern(plan.pattern, core), head, tail), head + core + tail]
    if not unique:
        # Tight lengths: the head and tail may share characters ('ab%' and '%ab' -> 'ab').
        shapes.extend(
            head + tail[size:]
            for size in range(min(len(head), len(tail)), -1, -1)
            if head.endswith(tail[:size])
        )
    return shapes


def _with_ends(text: str, head: str, tail: str) -> str:
    if not text.startswith(head):
        text = head + text
    if not text.endswith(tail):
        text += tail
    return text


def _apply_case(value: str, case: str | None) -> str:
    if case == "lower":
        return value.lower()
    if case == "upper":
        return value.upper()
    return value


def _fill_pattern(pattern: str, core: str) -> str:
    """The first ``%`` takes ``core``; other ``%`` are empty; ``_`` becomes ``x``."""
    head, _, tail = pattern.partition("%")
    return head.replace("_", "x") + core + tail.replace("%", "").replace("_", "x")


def _fill_underscores(ctx: ValueContext, plan: _TextPlan, n: int | None) -> str:
    assert plan.pattern is not None
    holes = plan.pattern.count("_")
    if n is None:
        letters = [ctx.random.choice(_TOKEN_ALPHABET) for _ in range(holes)]
    else:
        token = _token(n, holes, holes)
        if token is None:
            raise plan.spec.fail(
                f"its LIKE pattern leaves room for only {36**holes} distinct values"
            )
        letters = list(token)
    chars = iter(letters)
    return "".join(next(chars) if c == "_" else c for c in plan.pattern)


def _core(
    ctx: ValueContext, plan: _TextPlan, rule: _TextRule, n: int | None, low: int, high: int | None
) -> str:
    """The generated part of a text value, ``low``..``high`` characters long."""
    limit = high if high is not None else _UNBOUNDED_TEXT
    if n is not None:
        value = _unique_text(ctx, plan, rule, n, low, high)
    else:
        value = _plain_text(ctx, plan, rule, limit)
    if plan.spec.domain.trimmed:
        value = value.strip(" ")
    return _pad(value, low) if n is None else value


def _plain_text(ctx: ValueContext, plan: _TextPlan, rule: _TextRule, limit: int) -> str:
    text = _apply_rule_case(rule, rule.make(ctx, plan.spec, plan.max_length)).strip()
    if len(text) <= limit:
        return text
    if rule.exact:
        return _generic(ctx, plan.spec, limit)[:limit]
    return _truncate(text, limit)


def _apply_rule_case(rule: _TextRule, text: str) -> str:
    return text.upper() if rule.upper else text


def _truncate(text: str, limit: int) -> str:
    """Cut at a word boundary when one is near, so "Lorem ipsum dolor" stays words."""
    if limit <= 0:
        return ""
    cut = text[:limit]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" -_.,")


def _pad(text: str, low: int) -> str:
    while len(text) < low:
        text += "x"
    return text


def _unique_text(
    ctx: ValueContext, plan: _TextPlan, rule: _TextRule, n: int, low: int, high: int | None
) -> str:
    style = rule.unique
    if style != "plain":
        made = _styled_unique(ctx, plan, rule, n)
        if made is not None and (high is None or len(made) <= high) and len(made) >= low:
            return made
    body_rule = rule if style in ("suffix", "underscore") else _GENERIC_RULE
    return _suffixed(ctx, plan, body_rule, n, low, high)


def _styled_unique(ctx: ValueContext, plan: _TextPlan, rule: _TextRule, n: int) -> str | None:
    """Values that stay plausible *and* unique: the sequence inside the format."""
    high = plan.room[1]
    token = _token(n)
    assert token is not None
    if rule.unique == "email":
        return _unique_email(ctx, token, high)
    if rule.unique == "url":
        return f"https://{ctx.faker.domain_name()}/{ctx.faker.slug()}-{token}"
    if rule.unique == "digits":
        return f"+1-{ctx.random.randint(200, 999)}-{n:07d}"
    if rule.unique == "hex":
        return _unique_hex(ctx, n, 64 if high is None else min(high, 64))
    if rule.unique == "uuid":
        value = _random_uuid(ctx, n)
        return str(value) if high is None or high >= 36 else value.hex
    if rule.unique == "ip":
        return str(_sequence_ip(n, 6 if "ipv6" in plan.spec.words else 4))
    if rule.unique == "color":
        return _sequence_color(n)
    return None


def _unique_email(ctx: ValueContext, token: str, high: int | None) -> str | None:
    local = str(ctx.faker.user_name())
    site = str(ctx.faker.safe_domain_name())
    value = f"{local}.{token}@{site}"
    if high is None or len(value) <= high:
        return value
    # Shorten the local part, then the domain; the token after the last "." before
    # "@" is what keeps addresses distinct, so it is never cut.
    for domain in (site, "x.io"):
        room = high - len(f".{token}@{domain}")
        if room >= 1:
            return f"{local[:room]}.{token}@{domain}"
    return None


def _unique_hex(ctx: ValueContext, n: int, length: int) -> str | None:
    width = min(length, 8)
    if length <= 0 or n >= 16**width:
        return None
    rest = length - width
    head = f"{ctx.random.getrandbits(4 * rest):0{rest}x}" if rest else ""
    return head + f"{_scramble(n, 4 * width):0{width}x}"


def _scramble(n: int, bits: int) -> int:
    """A bijection of 0..2**bits-1: distinct n stay distinct but stop looking sequential.

    Multiplying by an odd number is invertible modulo a power of two.
    """
    return int(((n + 1) * 2_654_435_761) % 2**bits)


def _sequence_color(n: int) -> str:
    return f"#{_scramble(n, 24):06x}"


def _sequence_ip(n: int, version: int) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if version == 6:
        return ipaddress.IPv6Address((0xFD00 << 112) + n + 1)
    return ipaddress.IPv4Address((10 << 24) + (n % (2**24 - 2)) + 1)


def _suffixed(
    ctx: ValueContext, plan: _TextPlan, rule: _TextRule, n: int, low: int, high: int | None
) -> str:
    """``body-token``; the token after the last separator keeps values distinct."""
    separator = "_" if rule.unique == "underscore" else "-"
    body = _apply_rule_case(rule, rule.make(ctx, plan.spec, plan.max_length)).strip()
    token = _token(n)
    assert token is not None
    if rule.upper:
        token = token.upper()
    if high is None or len(body) + len(separator) + len(token) <= high:
        return _pad_body(body, separator, token, low)
    room = high - len(token) - len(separator)
    if room >= 1:
        return _pad_body(_truncate(body, room) or "x", separator, token, low)
    bare = _token(n, low, high)
    if bare is None:
        raise plan.spec.fail(
            f"a unique text of at most {high} characters has only "
            f"{_token_capacity(low, high)} distinct values that every database tells apart "
            "(case-insensitive collations included); widen the column or drop UNIQUE"
        )
    return bare.upper() if rule.upper else bare


def _pad_body(body: str, separator: str, token: str, low: int) -> str:
    missing = low - len(body) - len(separator) - len(token)
    return f"{body}{'x' * max(missing, 0)}{separator}{token}"


# -- identifiers, binary, structured ------------------------------------------------


def _random_uuid(ctx: ValueContext, n: int | None = None) -> uuid.UUID:
    bits = ctx.random.getrandbits(128)
    if n is not None:
        # The low 48 bits (the "node") hold the sequence; version/variant bits stay valid.
        if n >= 2**48:
            raise OverflowError("sequence too large for a UUID")
        bits = (bits & ~(2**48 - 1)) | _scramble(n, 48)
    return uuid.UUID(int=bits, version=4)


def _uuid(spec: _Spec, sa_type: Any) -> Provider:
    as_uuid = getattr(sa_type, "as_uuid", True)

    def provide(ctx: ValueContext) -> Any:
        value = _random_uuid(ctx, _sequence(ctx, spec) if spec.unique else None)
        return value if as_uuid else str(value)

    return _with_domain(spec, provide)


def _binary(spec: _Spec, sa_type: Any) -> Provider:
    length = getattr(sa_type, "length", None)
    # BINARY(n) pads to n bytes, so values must be exactly n long to stay distinct.
    if isinstance(sa_type, sa.BINARY) and isinstance(length, int):
        size = length
    else:
        size = min(length, 16) if isinstance(length, int) and length > 0 else 16

    def provide(ctx: ValueContext) -> bytes:
        data = ctx.random.randbytes(size)
        if not spec.unique:
            return data
        n = _sequence(ctx, spec)
        width = min(size, 8)
        if n >= 256**width:
            raise spec.fail(f"only {256**width} distinct values fit {size} bytes")
        return n.to_bytes(width, "big") + data[width:]

    return _with_domain(spec, provide)


def _json(spec: _Spec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> dict[str, Any]:
        value: dict[str, Any] = {
            "name": ctx.faker.word(),
            "count": ctx.random.randint(1, 100),
            "active": ctx.random.random() < 0.5,
            "tags": ctx.faker.words(2),
        }
        if spec.unique:
            value["seq"] = _sequence(ctx, spec)
        return value

    return provide


def _hstore(spec: _Spec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> dict[str, str]:
        value = {str(ctx.faker.word()): str(ctx.faker.word()) for _ in range(2)}
        if spec.unique:
            value["seq"] = str(_sequence(ctx, spec))
        return value

    return provide


def _array(spec: _Spec, sa_type: Any) -> Provider:
    item_spec = replace(spec, unique=False, domain=Domain())
    item = _build(item_spec, sa_type.item_type)
    first = _build(replace(item_spec, unique=True), sa_type.item_type) if spec.unique else item
    dimensions = getattr(sa_type, "dimensions", None) or 1

    def provide(ctx: ValueContext) -> list[Any]:
        return _nested(ctx, item, first, dimensions)

    return provide


def _nested(ctx: ValueContext, item: Provider, first: Provider, dimensions: int) -> list[Any]:
    if dimensions <= 1:
        return [first(ctx), item(ctx)]
    # Multi-dimensional arrays must be rectangular: the same shape at every level.
    return [_nested(ctx, item, first, dimensions - 1), _nested(ctx, item, item, dimensions - 1)]


def _with_domain(spec: _Spec, provide: Provider) -> Provider:
    """Retry a random provider until the CHECK domain admits its value."""
    if spec.domain.unconstrained:
        return provide

    def checked(ctx: ValueContext) -> Any:
        for _ in range(_ATTEMPTS):
            value = provide(ctx)
            if spec.domain.admits(storage_value(spec.column, value)):
                return value
        raise spec.fail("could not make a value that satisfies its CHECK constraints")

    return checked


def _fixed_text(value: str) -> Builder:
    def builder(spec: _Spec, sa_type: Any) -> Provider:
        if spec.unique:
            raise spec.fail(f"{type(sa_type).__name__} values can't be made unique")
        return lambda ctx: value

    return builder


# -- PostgreSQL and MySQL specials ---------------------------------------------------


def _inet(spec: _Spec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> Any:
        if spec.unique:
            return _sequence_ip(_sequence(ctx, spec), 4)
        return ipaddress.IPv4Address(ctx.faker.ipv4_private())

    return provide


def _inet_text(version: int) -> Builder:
    def builder(spec: _Spec, sa_type: Any) -> Provider:
        def provide(ctx: ValueContext) -> str:
            if spec.unique:
                return str(_sequence_ip(_sequence(ctx, spec), version))
            return str(ctx.faker.ipv6() if version == 6 else ctx.faker.ipv4())

        return provide

    return builder


def _cidr(spec: _Spec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> ipaddress.IPv4Network:
        n = _sequence(ctx, spec) if spec.unique else ctx.random.randrange(2**16)
        if n >= 2**16:
            raise spec.fail("only 65536 distinct /24 networks are generated")
        return ipaddress.IPv4Network(((10 << 24) + (n << 8), 24))

    return provide


def _macaddr(spec: _Spec, sa_type: Any) -> Provider:
    octets = 8 if isinstance(sa_type, pg_types.MACADDR8) else 6

    def provide(ctx: ValueContext) -> str:
        data = bytearray(ctx.random.randbytes(octets))
        data[0] = (data[0] | 0x02) & 0xFE  # locally administered, unicast
        if spec.unique:
            n = _sequence(ctx, spec)
            data[-4:] = n.to_bytes(4, "big")
        return ":".join(f"{b:02x}" for b in data)

    return provide


def _tsvector(spec: _Spec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> str:
        words = ctx.faker.words(3)
        if spec.unique:
            words.append(f"n{_token(_sequence(ctx, spec))}")
        return " ".join(words)

    return provide


def _bit_string(spec: _Spec, sa_type: Any) -> Provider:
    length = getattr(sa_type, "length", None) or 1
    make = getattr(pg_types, "BitString", str)

    def provide(ctx: ValueContext) -> Any:
        n = _sequence(ctx, spec) if spec.unique else ctx.random.getrandbits(length)
        if n >= 2**length:
            raise spec.fail(f"only {2**length} distinct BIT({length}) values exist")
        return make(f"{n:0{length}b}")

    return provide


def _domain_type(spec: _Spec, sa_type: Any) -> Provider:
    return _build(spec, sa_type.data_type)


def _range(spec: _Spec, sa_type: Any) -> Provider:
    item = _range_item(spec, sa_type)

    def provide(ctx: ValueContext) -> Any:
        low, high = sorted([item(ctx), item(ctx)])
        if low == high:
            high = _range_next(high)
        return pg_types.Range(low, high, bounds="[)")

    return provide


def _multirange(spec: _Spec, sa_type: Any) -> Provider:
    single = _range(spec, sa_type)
    make = getattr(pg_types, "MultiRange", list)
    return lambda ctx: make([single(ctx)])


def _range_item(spec: _Spec, sa_type: Any) -> Provider:
    name = type(sa_type).__name__.upper()
    item_spec = replace(spec, unique=False, domain=Domain())
    items: list[tuple[str, Any]] = [
        ("INT8", sa.BigInteger()),
        ("INT4", sa.Integer()),
        ("NUM", sa.Numeric(10, 2)),
        ("DATE", sa.Date()),
        ("TSTZ", sa.DateTime(timezone=True)),
        ("TS", sa.DateTime()),
    ]
    for prefix, item_type in items:
        if name.startswith(prefix):
            return _build(item_spec, item_type)
    raise _no_provider(spec, sa_type)


def _range_next(value: Any) -> Any:
    if isinstance(value, int):
        return value + 1
    if isinstance(value, Decimal):
        return value + Decimal("0.01")
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(hours=1)
    return value + dt.timedelta(days=1)


# -- sqlalchemy-utils ----------------------------------------------------------------


def _sqlalchemy_utils_builders() -> dict[type, Builder]:
    try:
        utils = importlib.import_module("sqlalchemy_utils")
    except ImportError:
        return {}
    wanted: dict[str, Builder] = {
        "EmailType": lambda spec, t: _text(spec, t, _EMAIL_RULE),
        "URLType": _utils_url,
        "ChoiceType": _utils_choice,
        "UUIDType": _utils_uuid,
        "JSONType": _json,
        "PasswordType": _utils_password,
        "PhoneNumberType": _utils_phone,
        "ColorType": _utils_color,
        "CountryType": _utils_country,
        "CurrencyType": _utils_currency,
        "LocaleType": _utils_locale,
        "TimezoneType": _utils_timezone,
        "IPAddressType": _utils_ip,
        "ScalarListType": _utils_scalar_list,
        "StringEncryptedType": _utils_encrypted,
        "ArrowType": _utils_arrow,
        "TSVectorType": _tsvector,
        "LtreeType": _utils_ltree,
    }
    table: dict[type, Builder] = {}
    for name, builder in wanted.items():
        klass = getattr(utils, name, None)
        if isinstance(klass, type):
            table[klass] = builder
    return table


def _coerced(sa_type: Any, value: Any) -> Any:
    """The object sqlalchemy-utils' own coercion makes of a plain value."""
    return sa_type._coerce(value)


def _utils_url(spec: _Spec, sa_type: Any) -> Provider:
    text = _text(spec, sa_type, _URL_RULE)
    return lambda ctx: _coerced(sa_type, text(ctx))


def _utils_password(spec: _Spec, sa_type: Any) -> Provider:
    # A plain str: PasswordType hashes it on the way in (and a Password object would
    # cost a slow hash per value here).
    limited = replace(spec, domain=spec.domain.merge(Domain(max_length=64)))
    return _text(limited, sa.String(64), _PASSWORD_RULE)


def _utils_choice(spec: _Spec, sa_type: Any) -> Provider:
    impl = sa_type.type_impl
    enum_class = getattr(impl, "enum_class", None)
    if enum_class is not None:
        values: list[Any] = list(enum_class)
    else:
        values = [_coerced(sa_type, code) for code in impl.choices_dict]
    return _from_allowed(spec, _admitted(spec, values))


def _utils_uuid(spec: _Spec, sa_type: Any) -> Provider:
    return _uuid(spec, sa.Uuid(as_uuid=True))


def _utils_phone(spec: _Spec, sa_type: Any) -> Provider:
    phonenumbers = _optional("phonenumbers", spec, sa_type)
    region = getattr(sa_type, "region", None) or "US"
    example = phonenumbers.example_number_for_type(
        region, phonenumbers.PhoneNumberType.MOBILE
    ) or phonenumbers.example_number(region)
    if example is None:
        raise spec.fail(f"phonenumbers has no example number for region {region!r}")
    national = str(example.national_number)
    tail = min(4, len(national) - 3)

    def provide(ctx: ValueContext) -> Any:
        n = _sequence(ctx, spec) if spec.unique else ctx.random.randrange(10**tail)
        if n >= 10**tail:
            raise spec.fail(f"only {10**tail} distinct phone numbers are generated per region")
        number = phonenumbers.parse(national[:-tail] + f"{n:0{tail}d}", region)
        if not phonenumbers.is_valid_number(number):
            number = example
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return _coerced(sa_type, e164)

    return provide


def _utils_color(spec: _Spec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> Any:
        text = _sequence_color(_sequence(ctx, spec)) if spec.unique else ctx.faker.hex_color()
        return _coerced(sa_type, text)

    return provide


def _utils_country(spec: _Spec, sa_type: Any) -> Provider:
    babel = _optional("babel", spec, sa_type)
    territories = babel.Locale("en").territories
    codes = sorted(c for c in territories if len(c) == 2 and c.isalpha() and c != "ZZ")
    return _code_choice(spec, sa_type, codes, lambda ctx: str(ctx.faker.country_code()))


def _utils_currency(spec: _Spec, sa_type: Any) -> Provider:
    babel = _optional("babel", spec, sa_type)
    codes = sorted(c for c in babel.Locale("en").currencies if len(c) == 3 and c.isalpha())
    return _code_choice(spec, sa_type, codes, lambda ctx: str(ctx.faker.currency_code()))


def _utils_locale(spec: _Spec, sa_type: Any) -> Provider:
    babel = _optional("babel", spec, sa_type)
    codes = sorted(c for c in babel.localedata.locale_identifiers() if len(c) <= 10)
    return _code_choice(spec, sa_type, codes, lambda ctx: str(ctx.faker.locale()))


def _utils_timezone(spec: _Spec, sa_type: Any) -> Provider:
    names = sorted(zoneinfo.available_timezones())
    return _code_choice(spec, sa_type, names, lambda ctx: str(ctx.faker.timezone()))


def _code_choice(
    spec: _Spec, sa_type: Any, codes: Sequence[str], pick: Callable[[ValueContext], str]
) -> Provider:
    """Objects made from codes: Faker's pick when it is usable, else one of ``codes``.

    A code is usable when the type accepts it and what it stores fits the column
    (babel stores ``Locale.parse('kok_IN')`` as ``'kok_Deva_IN'``, 11 characters).
    """
    usable: list[str] = []  # filled on first use: coercing every code takes a moment

    def usable_codes() -> list[str]:
        if not usable:
            usable.extend(c for c in codes if _stored_value(spec, sa_type, c) is not None)
            if not usable:
                raise _nothing_fits(spec, sa_type, codes)
        return usable

    def provide(ctx: ValueContext) -> Any:
        if spec.unique:
            n = _sequence(ctx, spec)
            choices = usable_codes()
            if n >= len(choices):
                raise spec.fail(f"only {len(choices)} distinct codes exist")
            return _coerced(sa_type, choices[n])
        for _ in range(_ATTEMPTS):
            value = _stored_value(spec, sa_type, pick(ctx))
            if value is not None:
                return value
        return _coerced(sa_type, ctx.random.choice(usable_codes()))

    return provide


def _stored_value(spec: _Spec, sa_type: Any, code: str) -> Any:
    """The object for ``code``, or None when the type rejects it or it doesn't fit."""
    try:
        value = _coerced(sa_type, code)
        stored = storage_value(spec.column, value)
    except Exception:  # Faker knows codes the library rejects; the caller tries another
        return None
    limit = text_length(sa_type.impl_instance)
    if isinstance(stored, str) and limit is not None and len(stored) > limit:
        return None
    return value


def _nothing_fits(spec: _Spec, sa_type: Any, codes: Sequence[str]) -> SynthesisError:
    sample = _coerced(sa_type, codes[0]) if codes else None
    stored = storage_value(spec.column, sample) if sample is not None else None
    # e.g. TimezoneType(backend="dateutil") with dateutil >= 2.9 stores a file path.
    return spec.fail(
        f"{type(sa_type).__name__} stores values like {stored!r}, longer than the column "
        f"holds ({text_length(sa_type.impl_instance)}); this combination of libraries can't "
        f'store valid values; set [tool.ormprobe.values] "{spec.target}"'
    )


def _utils_ip(spec: _Spec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> Any:
        if spec.unique:
            return _sequence_ip(_sequence(ctx, spec), 4)
        return ipaddress.ip_address(ctx.faker.ipv4())

    return provide


def _utils_scalar_list(spec: _Spec, sa_type: Any) -> Provider:
    coerce = sa_type.coerce_func
    separator = sa_type.separator
    numeric = _coerces_numbers(coerce)

    def item(ctx: ValueContext) -> Any:
        if numeric:
            return coerce(str(ctx.random.randint(1, 100)))
        return coerce(next(w for w in _faker_words(ctx) if separator not in w))

    def provide(ctx: ValueContext) -> list[Any]:
        items = [item(ctx) for _ in range(3)]
        if spec.unique:
            n = _sequence(ctx, spec)
            items[0] = coerce(str(n)) if numeric else coerce(f"n{_token(n)}")
        return items

    return provide


def _faker_words(ctx: ValueContext) -> Iterator[str]:
    while True:
        yield str(ctx.faker.word())


def _coerces_numbers(coerce: Callable[[str], Any]) -> bool:
    try:
        return isinstance(coerce("12"), (int, float, Decimal))
    except (TypeError, ValueError):
        return False


def _utils_encrypted(spec: _Spec, sa_type: Any) -> Provider:
    underlying = sa_type.underlying_type
    # Ciphertext is base64 of the padded plaintext: about 4/3 of it plus a block.
    stored = text_length(sa_type.impl_instance)
    room = 64 if stored is None else max(1, min(64, stored * 3 // 4 - 48))
    limited = replace(spec, domain=spec.domain.merge(Domain(max_length=room)))
    return _build(limited, underlying)


def _utils_arrow(spec: _Spec, sa_type: Any) -> Provider:
    _optional("arrow", spec, sa_type)
    moment = _datetime(spec, sa.DateTime(timezone=True))
    return lambda ctx: _coerced(sa_type, moment(ctx))


def _utils_ltree(spec: _Spec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> Any:
        labels = [re.sub(r"[^a-z0-9]", "", w) or "x" for w in ctx.faker.words(2)]
        if spec.unique:
            labels.append(f"n{_token(_sequence(ctx, spec))}")
        return _coerced(sa_type, ".".join(labels))

    return provide


def _optional(module: str, spec: _Spec, sa_type: Any) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise spec.fail(
            f"{type(sa_type).__name__} needs the optional package {module!r}; pip install {module}"
        ) from exc


# -- providers as factory_boy source (for generated factory modules) -----------------

# Values made from a declaration's source to check that it keeps to the column.
_VERIFY_SAMPLES = 40
# Values of the provider written out when no natural declaration keeps to the column.
_LITERAL_SAMPLES = 50


@dataclass(frozen=True, slots=True)
class Declaration:
    """One column's values written as a factory_boy declaration, for generated modules.

    Attributes:
        source: a Python expression, e.g. ``factory.Faker("safe_email")``.
        imports: the import statements it needs (``import datetime``).
        note: a comment for the reader: why the values are literals, which CHECK to mind.
        optional: the column may be NULL; a generated module leaves it out (commented)
            unless another declaration reads it.
    """

    source: str
    imports: tuple[str, ...] = ()
    note: str | None = None
    optional: bool = False


def describe(
    column: ColumnInfo,
    *,
    model: str | None = None,
    unique: bool = False,
    domain: Domain | None = None,
    provider: Provider | None = None,
) -> Declaration:
    """The values :func:`provider_for` makes for ``column``, as factory_boy source.

    Natural declarations are tried first (``factory.Faker("safe_email")`` for an e-mail
    column, ``factory.Sequence(lambda n: f"slug-{n}")`` for a unique slug, a Faker range
    around the provider's own values for numbers and dates). Each is checked by making
    values from its source: they must fit the type, the CHECK domain and, for a unique
    column, never repeat. When none passes (a user provider, a LIKE pattern, an exotic
    type), the provider's own values are written out as literals.

    Args:
        column: the column.
        model: the model name, for messages.
        unique: values must not repeat.
        domain: what the table's CHECKs require of the column.
        provider: the column's provider, if already made (else :func:`provider_for`).

    Returns:
        The declaration; its source needs only factory_boy, Faker and its imports.

    Raises:
        SynthesisError: when no provider handles the column (see :func:`provider_for`).

    Example:
        >>> describe(_example_column("email"), unique=True).source
        'factory.Sequence(lambda n: f"user{n}@example.com")'
    """
    spec = _Spec.of(column, model=model, unique=unique, domain=domain or Domain())
    if spec.domain.null_only:
        return Declaration("None", note="its CHECKs leave it NULL", optional=column.nullable)
    return replace(_described(spec, provider), optional=column.nullable)


def _described(spec: _Spec, provider: Provider | None) -> Declaration:
    if not _user_provided(spec.column):
        for candidate in _candidate_declarations(spec):
            if _declaration_holds(spec, candidate):
                return candidate
    made = provider or provider_for(
        spec.column, model=spec.target.partition(".")[0], unique=spec.unique, domain=spec.domain
    )
    return _sampled_declaration(spec, made)


def render_literal(value: Any) -> tuple[str, tuple[str, ...]] | None:
    """Python source that evaluates to ``value``, and the imports it needs.

    None when the value has no faithful literal (an arbitrary object).

    Example:
        >>> render_literal(Decimal("1.50"))
        ('Decimal("1.50")', ('from decimal import Decimal',))
    """
    if value is None or isinstance(value, (bool, int, str, bytes)):
        return repr(value), ()
    if isinstance(value, float):
        return (repr(value), ()) if value == value and abs(value) != float("inf") else None
    if isinstance(value, Decimal):
        return f'Decimal("{value}")', ("from decimal import Decimal",)
    if isinstance(value, enum.Enum):
        return _enum_literal(value)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return _temporal_literal(value)
    if isinstance(value, uuid.UUID):
        return f'uuid.UUID("{value}")', ("import uuid",)
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return f'ipaddress.ip_address("{value}")', ("import ipaddress",)
    if isinstance(value, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
        return f'ipaddress.ip_network("{value}")', ("import ipaddress",)
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return _container_literal(value)
    return None


def relation_declaration(relation: Relation, left: ColumnInfo, right: str) -> Declaration | None:
    """A ``LazyAttribute`` that makes ``relation`` hold from the right column's value.

    ``ends_at > starts_at`` becomes ``factory.LazyAttribute(lambda o: None if
    o.starts_at is None else o.starts_at + datetime.timedelta(hours=1))``.

    Args:
        relation: from the table's CHECK analysis.
        left: the column the relation sets.
        right: the attribute the relation reads.

    Returns:
        The declaration, or None for kinds with no natural step (times of day...).
    """
    step = _RELATION_STEPS.get(value_kind(left.sa_type))
    if step is None:
        return None
    step_source, imports = step
    expression = f"o.{right}"
    if relation.scale != 1:
        expression = f'{expression} * Decimal("{relation.scale}")'
        imports = (*imports, "from decimal import Decimal")
    offset = render_literal(relation.offset)
    if offset is None:
        return None
    if offset[0] not in ("0", 'Decimal("0")'):
        expression = f"{expression} + {offset[0]}"
        imports = (*imports, *offset[1])
    moves = {">": f" + {step_source}", "!=": f" + {step_source}", "<": f" - {step_source}"}
    expression += moves.get(relation.op, "")
    source = f"factory.LazyAttribute(lambda o: None if o.{right} is None else {expression})"
    return Declaration(source, tuple(dict.fromkeys(imports)), note=f"CHECK: {relation.text}")


_RELATION_STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "int": ("1", ()),
    "decimal": ("1", ()),
    "float": ("1.0", ()),
    "date": ("datetime.timedelta(days=1)", ("import datetime",)),
    "datetime": ("datetime.timedelta(hours=1)", ("import datetime",)),
    "interval": ("datetime.timedelta(minutes=1)", ("import datetime",)),
}


def _user_provided(column: ColumnInfo) -> bool:
    """A provider registered with :func:`register_provider` makes this column's values."""
    if any(r.matches_column(column) for r in _REGISTRY):
        return True
    sa_type, depth = column.sa_type, 0
    while sa_type is not None and depth < 10:
        if any(r.matches_type(sa_type) for r in _REGISTRY):
            return True
        sa_type = getattr(sa_type, "impl_instance", None)
        depth += 1
    return False


def _innermost(sa_type: Any) -> Any:
    """The type under any TypeDecorators (whose ORM values it takes, for plain kinds)."""
    for _ in range(10):
        inner = getattr(sa_type, "impl_instance", None)
        if inner is None:
            return sa_type
        sa_type = inner
    return sa_type


def _candidate_declarations(spec: _Spec) -> Iterator[Declaration]:
    """Natural declarations for the column, most readable first (checked by the caller)."""
    sa_type = _innermost(spec.column.sa_type)
    kind = value_kind(spec.column.sa_type)
    if kind == "bool":
        yield Declaration('factory.Faker("pybool")')
    elif kind == "enum":
        yield from _enum_declarations(spec, sa_type)
    elif spec.domain.allowed is not None:
        yield from _choice_declarations(spec, list(spec.domain.allowed))
    elif kind in ("int", "decimal", "float", "date", "datetime", "time", "interval"):
        yield from _ordered_declarations(spec, kind)
    elif kind == "str":
        yield from _text_declarations(spec, sa_type)
    elif kind == "uuid":
        as_uuid = getattr(sa_type, "as_uuid", True)
        yield Declaration(f'factory.Faker("uuid4"{", cast_to=None" if as_uuid else ""})')
    elif kind == "bytes":
        yield Declaration(f'factory.Faker("binary", length={_binary_length(sa_type)})')
    elif isinstance(sa_type, sa.JSON):
        yield Declaration(
            'factory.Dict({"name": factory.Faker("word"), "count": factory.Faker("pyint")})'
        )


def _enum_declarations(spec: _Spec, sa_type: Any) -> Iterator[Declaration]:
    enum_class = getattr(sa_type, "enum_class", None)
    if enum_class is not None and issubclass(enum_class, enum.Enum) and not spec.unique:
        rendered = render_literal(next(iter(enum_class)))
        if rendered is not None:
            name = rendered[0].rpartition(".")[0]
            yield Declaration(f"factory.Iterator({name})", rendered[1])
    members = _enum_members(sa_type, list(sa_type.enums))
    yield from _choice_declarations(spec, [members.get(t, t) for t in sa_type.enums])


def _choice_declarations(spec: _Spec, choices: Sequence[Any]) -> Iterator[Declaration]:
    admitted = _admitted(spec, choices)
    rendered = [render_literal(v) for v in admitted]
    if not admitted or any(r is None for r in rendered):
        return
    items = [r for r in rendered if r is not None]
    imports = tuple(dict.fromkeys(i for r in items for i in r[1]))
    listing = ", ".join(r[0] for r in items)
    yield Declaration(f"factory.Iterator([{listing}])", imports)


def _ordered_declarations(spec: _Spec, kind: str) -> Iterator[Declaration]:
    """Numbers, dates and times: a Sequence for unique columns, else a Faker range
    spanning what the provider itself makes (so CHECK bounds and plausible windows hold)."""
    provider = _build(spec, spec.column.sa_type)
    try:
        made = [provider(context(n)) for n in range(_VERIFY_SAMPLES)]
    except SynthesisError:
        return
    low, high = min(made), max(made)
    if spec.unique or kind in ("interval", "time"):
        yield from _sequence_declarations(kind, made[0], spec.column)
        return
    # Round numbers first (0 to 1000, whole years); the exact span if a CHECK objects.
    for bounds in (_rounded(low, high), (low, high)):
        factory_call = _range_declaration(kind, *bounds, spec.column)
        if factory_call is not None:
            yield factory_call


def _rounded(low: Any, high: Any) -> tuple[Any, Any]:
    """A rounder span around [low, high]: 13..995 -> 10..1000, dates to whole years."""
    if isinstance(low, dt.datetime) and isinstance(high, dt.datetime):
        start = low.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        end = high.replace(month=12, day=31, hour=0, minute=0, second=0, microsecond=0)
        return start, end
    if isinstance(low, dt.date) and isinstance(high, dt.date):
        return low.replace(month=1, day=1), high.replace(month=12, day=31)
    if isinstance(low, (int, float, Decimal)) and isinstance(high, (int, float, Decimal)):
        return _round_number(low, down=True), _round_number(high, down=False)
    return low, high


def _round_number(value: float | Decimal, *, down: bool) -> int:
    """To one significant digit, outwards: 13 -> 10 (down), 995 -> 1000 (up)."""
    whole = math.floor(value) if down else math.ceil(value)
    if down and 0 <= whole < 10:
        return 0
    if -10 < whole < 10:
        return whole
    unit: int = 10 ** (len(str(abs(whole))) - 1)
    floor = (whole // unit) * unit
    return floor if down or floor == whole else floor + unit


def _range_declaration(kind: str, low: Any, high: Any, column: ColumnInfo) -> Declaration | None:
    bounds = [render_literal(low), render_literal(high)]
    if bounds[0] is None or bounds[1] is None:
        return None
    (lo, lo_imports), (hi, hi_imports) = bounds[0], bounds[1]
    imports = tuple(dict.fromkeys((*lo_imports, *hi_imports)))
    if kind == "int":
        return Declaration(f'factory.Faker("pyint", min_value={lo}, max_value={hi})')
    if kind == "decimal":
        scale = getattr(_innermost(column.sa_type), "scale", None)
        scale = scale if isinstance(scale, int) else 2
        call = (
            f'factory.Faker("pydecimal", right_digits={scale}, '
            f"min_value={int(low)}, max_value={int(high)})"
        )
        return Declaration(call)
    if kind == "float":
        return Declaration(
            f'factory.Faker("pyfloat", right_digits=2, min_value={int(low)}, max_value={int(high)})'
        )
    if kind == "date":
        return Declaration(
            f'factory.Faker("date_between", start_date={lo}, end_date={hi})', imports
        )
    if kind == "datetime":
        zone = ", tzinfo=datetime.timezone.utc" if column.timezone else ""
        source = f'factory.Faker("date_time_between", start_date={lo}, end_date={hi}{zone})'
        return Declaration(source, tuple(dict.fromkeys((*imports, "import datetime"))))
    return None


def _sequence_declarations(kind: str, first: Any, column: ColumnInfo) -> Iterator[Declaration]:
    rendered = render_literal(first)
    if rendered is None:
        return
    start, imports = rendered
    steps = {
        "int": "n",
        "decimal": "n",
        "float": "n * 0.25",
        "date": "datetime.timedelta(days=n)",
        "datetime": "datetime.timedelta(hours=n)",
        "interval": "datetime.timedelta(minutes=n)",
    }
    step = steps.get(kind)
    if step is not None:
        needs = ("import datetime",) if "datetime." in step else ()
        yield Declaration(
            f"factory.Sequence(lambda n: {start} + {step})",
            tuple(dict.fromkeys((*imports, *needs))),
        )
    if kind == "time":
        yield Declaration('factory.Faker("time_object")')


def _text_declarations(spec: _Spec, sa_type: Any) -> Iterator[Declaration]:
    limits = [n for n in (text_length(sa_type), spec.domain.max_length) if n is not None]
    limit = min(limits) if limits else None
    rule = _text_rule(spec)
    stem = _stem(spec, rule)
    if spec.unique:
        yield from _unique_text_declarations(spec, rule, stem, limit)
        return
    natural = _rule_source(rule, spec, limit)
    if natural is not None:
        yield Declaration(natural)
    if limit is None or limit > 12:
        yield Declaration('factory.Faker("word")')
    if limit is not None:
        yield Declaration(f'factory.Faker("lexify", text="{"?" * max(min(limit, 8), 1)}")')


def _unique_text_declarations(
    spec: _Spec, rule: _TextRule, stem: str, limit: int | None
) -> Iterator[Declaration]:
    if rule is _EMAIL_RULE:
        yield Declaration(f'factory.Sequence(lambda n: f"{stem}{{n}}@example.com")')
    elif rule is _URL_RULE:
        yield Declaration(f'factory.Sequence(lambda n: f"https://example.com/{stem}-{{n}}")')
    room = None if limit is None else limit - 7  # "-" and up to a million rows
    if room is None or room >= 1:
        head = stem if room is None else stem[:room]
        yield Declaration(f'factory.Sequence(lambda n: f"{head}-{{n}}")')
    room_note = None if limit is None or limit >= 7 else f"{10**limit} rows fit {limit} digits"
    yield Declaration("factory.Sequence(lambda n: str(n))", note=room_note)


def _stem(spec: _Spec, rule: _TextRule) -> str:
    """A readable prefix for sequence values: ``user`` for e-mails, else the column."""
    if rule is _EMAIL_RULE:
        return "user"
    name = spec.column.attribute or spec.column.name
    return re.sub(r"[^0-9a-z]+", "-", name.lower()).strip("-") or "value"


def _rule_source(rule: _TextRule, spec: _Spec, limit: int | None) -> str | None:
    """The factory_boy declaration that makes values like ``rule`` does, if there is one."""
    call = _FAKER_CALLS.get(rule.make)
    if call is not None:
        method, kwargs = call
        arguments = "".join(f", {k}={v!r}" for k, v in kwargs.items())
        return f'factory.Faker("{method}"{arguments})'
    if rule.make is _person_name:
        if spec.table_words & _ORG_TABLE_WORDS:
            return 'factory.Faker("company")'
        return 'factory.Faker("name")'
    if rule.make in (_url, _image_url):
        return 'factory.Faker("url")' if rule.make is _url else 'factory.Faker("image_url")'
    if rule.make is _code:
        return 'factory.Faker("bothify", text="??-####", letters="ABCDEFGHIJKLMNOPQRSTUVWXYZ")'
    if rule.make is _long_text:
        return 'factory.Faker("paragraph", nb_sentences=3)'
    if rule.make is _title:
        return 'factory.Faker("sentence", nb_words=4)'
    if rule.make is _country:
        return 'factory.Faker("country_code")'
    if rule.make is _generic and (limit is None or limit > 40):
        return 'factory.Faker("sentence", nb_words=6)'
    if rule.make is _generic and limit is not None and limit > 12:
        return 'factory.Faker("word")'
    return None


def _binary_length(sa_type: Any) -> int:
    length = getattr(sa_type, "length", None)
    return length if isinstance(length, int) and 0 < length <= 16 else 16


def _declaration_holds(spec: _Spec, declaration: Declaration) -> bool:
    """Make values from the declaration's own source; True when every one fits."""
    namespace: dict[str, Any] = {"factory": importlib.import_module("factory")}
    try:
        for line in declaration.imports:
            exec(line, namespace)  # our own import lines, e.g. "import datetime"
        made = eval(declaration.source, namespace)  # our own source, checked before it's written
        build_batch: Callable[..., list[dict[str, Any]]] = namespace["factory"].build_batch
        rows = build_batch(dict, _VERIFY_SAMPLES, value=made)
    except Exception:  # a declaration that can't even run is simply not the one
        return False
    produced = [row["value"] for row in rows]
    if not all(_fits(spec, value) for value in produced):
        return False
    return not spec.unique or _distinct(produced)


def _fits(spec: _Spec, value: Any) -> bool:
    """True when ``value`` is a valid ORM value of the column: type, length, CHECKs."""
    if value is None:
        return False
    try:
        stored = storage_value(spec.column, value)
    except Exception:  # a value the column's type can't even bind
        return False
    column = spec.column
    return (
        fits_type(value, column)
        and type_domain(column.sa_type, nullable=column.nullable).admits(stored)
        and spec.domain.admits(stored)
    )


def _distinct(produced: Sequence[Any]) -> bool:
    # Case-folded: MySQL and MariaDB compare text case-insensitively under UNIQUE.
    keys = [v.lower() if isinstance(v, str) else repr(v) for v in produced]
    return len(set(keys)) == len(keys)


def _sampled_declaration(spec: _Spec, provider: Provider) -> Declaration:
    """The provider's own values as literals: one for a plain column, a list to walk
    through for a unique one."""
    count = _LITERAL_SAMPLES if spec.unique else 1
    made: list[Any] = []
    for n in range(count):
        try:
            made.append(provider(context(n)))
        except SynthesisError:
            break
    rendered = [_renderable(spec, value) for value in made]
    if not made or any(r is None for r in rendered):
        return Declaration(
            "None",
            note=f"ormprobe can't write {spec.target}'s values as source; set one here",
        )
    items = [r for r in rendered if r is not None]
    imports = tuple(dict.fromkeys(i for r in items for i in r[1]))
    if spec.unique:
        listing = ", ".join(r[0] for r in items)
        note = f"{len(items)} distinct values ormprobe made; add more for more rows"
        return Declaration(f"factory.Iterator([{listing}], cycle=False)", imports, note)
    source = items[0][0]
    if isinstance(made[0], (list, dict, set)):
        source = f"factory.LazyFunction(lambda: {source})"
    return Declaration(source, imports, note="a value ormprobe made; replace as you like")


def _renderable(spec: _Spec, value: Any) -> tuple[str, tuple[str, ...]] | None:
    """A literal of ``value``, else of its stored form (sqlalchemy-utils types take it)."""
    rendered = render_literal(value)
    if rendered is not None:
        return rendered
    try:
        return render_literal(storage_value(spec.column, value))
    except Exception:  # no stored form either
        return None


def _enum_literal(member: enum.Enum) -> tuple[str, tuple[str, ...]] | None:
    owner = type(member)
    module, qualname = owner.__module__, owner.__qualname__
    if module in ("__main__", "builtins") or "<" in qualname:
        return None
    top = qualname.split(".")[0]
    return f"{qualname}.{member.name}", (f"from {module} import {top}",)


def _temporal_literal(
    value: dt.date | dt.time | dt.timedelta,
) -> tuple[str, tuple[str, ...]] | None:
    tz = getattr(value, "tzinfo", None)
    if tz is not None and tz is not dt.UTC:
        return None
    if isinstance(value, dt.datetime):
        # Trailing zero fields left out: datetime.datetime(2015, 1, 1, tzinfo=...).
        fields = [value.year, value.month, value.day, value.hour, value.minute, value.second]
        fields += [value.microsecond]
        while len(fields) > 3 and fields[-1] == 0:
            fields.pop()
        zone = ", tzinfo=datetime.timezone.utc" if tz is not None else ""
        return f"datetime.datetime({', '.join(map(str, fields))}{zone})", ("import datetime",)
    text = repr(value)
    return (text, ("import datetime",)) if text.startswith("datetime.") else None


def _container_literal(value: Any) -> tuple[str, tuple[str, ...]] | None:
    if isinstance(value, dict):
        pairs = [(render_literal(k), render_literal(v)) for k, v in value.items()]
        if any(k is None or v is None for k, v in pairs):
            return None
        parts = [f"{k[0]}: {v[0]}" for k, v in pairs if k is not None and v is not None]
        needed = [i for k, v in pairs if k and v for i in (*k[1], *v[1])]
        return "{" + ", ".join(parts) + "}", tuple(dict.fromkeys(needed))
    items = [render_literal(v) for v in value]
    if any(item is None for item in items):
        return None
    rendered = [item for item in items if item is not None]
    inner = ", ".join(r[0] for r in rendered)
    imports = tuple(dict.fromkeys(i for r in rendered for i in r[1]))
    if isinstance(value, list):
        return f"[{inner}]", imports
    if isinstance(value, tuple):
        return f"({inner}{',' if len(rendered) == 1 else ''})", imports
    return (f"{{{inner}}}" if rendered else "set()"), imports


# -- doctest helpers -----------------------------------------------------------------


def _example_column(name: str = "title") -> ColumnInfo:
    """A NOT NULL ``String(120)`` column, for the examples in this module's docstrings."""
    return ColumnInfo(
        table="example",
        name=name,
        attribute=name,
        type="String(length=120)",
        type_class="sqlalchemy.sql.sqltypes.String",
        python_type="str",
        nullable=False,
        primary_key=False,
        unique=False,
        index=False,
        autoincrement=False,
        length=120,
        sa_type=sa.String(120),
    )
