"""Choosing a column's provider: :func:`provider_for`, and :func:`needs_value`.

User providers come first, by predicate and then by type; then the built-in builders, by
walking ``type(sa_type).__mro__`` through one table of core, dialect and sqlalchemy-utils
types; a ``TypeDecorator`` with no builder of its own gets the values it binds, its
impl's or another kind's (see :mod:`.decorated`).
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import sqltypes

from ormprobe.errors import SynthesisError
from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints import Domain
from ormprobe.synth.values.choices import boolean_provider, enum_provider
from ormprobe.synth.values.decorated import Accepted, accepted, decorated_provider
from ormprobe.synth.values.dialects import mysql_builders, other_dialect_builders, postgresql_builders
from ormprobe.synth.values.numeric import decimal_provider, float_provider, integer_provider
from ormprobe.synth.values.randomness import Provider
from ormprobe.synth.values.registry import column_provider, type_provider
from ormprobe.synth.values.spec import Builder, ColumnSpec, no_provider
from ormprobe.synth.values.structured import array_provider, binary_provider, json_provider, uuid_provider
from ormprobe.synth.values.temporal import date_provider, datetime_provider, interval_provider, time_provider
from ormprobe.synth.values.text import text_provider
from ormprobe.synth.values.utils_types import sqlalchemy_utils_builders


def needs_value(column: ColumnInfo) -> bool:
    """Whether a row should be given a value for ``column`` when it is built.

    False when leaving the column out is right: the database computes it (``Computed``,
    ``Identity``, an autoincrement primary key, a ``server_default``) or SQLAlchemy
    applies its Python ``default``. Nullable columns without defaults are True: the
    row is more useful filled in; a caller may still leave them NULL.

    Example:
        >>> from ormprobe.synth.constraints.examples import example_column
        >>> needs_value(example_column())
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
    dialect: str | None = None,
) -> Provider:
    """The provider of values for ``column``.

    Args:
        column: the column, from the schema graph (its ``sa_type`` must be set).
        model: the model name, for messages (``Model.column``); the table name otherwise.
        unique: the column alone, or a multi-column UNIQUE/PRIMARY KEY it belongs to,
            must not repeat: the sequence number is mixed into every value.
        domain: what the table's CHECK constraints require of the column's values.
        dialect: the SQLAlchemy dialect name of the database, when known: a
            ``TypeDecorator`` may store through another type there
            (``load_dialect_impl``). Unknown, values must bind on every backend.

    Returns:
        A function ``(ValueContext) -> value`` returning what the ORM attribute expects
        (an enum member for ``Enum(MyEnum)``, ``Decimal`` for ``Numeric``, ``Country``
        for ``CountryType``...). It raises :class:`SynthesisError` when a unique column
        runs out of distinct values or no value fits the domain.

    Raises:
        SynthesisError: when no provider handles the type, or the domain is empty.

    Example:
        >>> from ormprobe.synth.constraints.examples import example_column
        >>> from ormprobe.synth.values import context
        >>> value = provider_for(example_column("email"), unique=True)(context(17))
        >>> value.split("@")[0].endswith(".h")
        True
    """
    spec = ColumnSpec.of(column, model=model, unique=unique, domain=domain or Domain(), dialect=dialect)
    chosen = column_provider(column)
    if chosen is not None:
        return chosen
    if spec.domain.null_only:
        return _null_only(spec)
    if spec.domain.conflicts():
        raise SynthesisError(
            f"{spec.target}: its CHECK constraints admit no value ({spec.domain})",
            target=spec.target,
        )
    return build(spec, column.sa_type)


def _null_only(spec: ColumnSpec) -> Provider:
    if not spec.column.nullable:
        raise spec.fail("its CHECK constraints admit only NULL, but the column is NOT NULL")
    return lambda ctx: None


def build(spec: ColumnSpec, sa_type: Any, depth: int = 0) -> Provider:
    """The provider for ``sa_type``: user types, then the MRO, then what a decorator binds."""
    chosen = type_provider(sa_type, spec.column)
    if chosen is not None:
        return chosen
    builder = _builtin_builder(sa_type)
    if builder is not None:
        return builder(spec, sa_type)
    if isinstance(sa_type, sa.types.TypeDecorator) and depth < 10:
        return decorated_provider(spec, sa_type, _deeper(depth))
    raise no_provider(spec, sa_type)


def decorator_choice(spec: ColumnSpec) -> Accepted | None:
    """What the column's TypeDecorator takes, when it decides the column's values.

    None when a user provider or a built-in builder makes them instead (or the type is
    no decorator).

    Raises:
        SynthesisError: the decorator binds none of the kinds of values tried.
    """
    sa_type = spec.column.sa_type
    if not isinstance(sa_type, sa.types.TypeDecorator):
        return None
    if type_provider(sa_type, spec.column) is not None or _builtin_builder(sa_type) is not None:
        return None
    return accepted(spec, sa_type, _deeper(0))


def _deeper(depth: int) -> Builder:
    """``build`` one decorator further in (the impl of a decorator may be another)."""
    return lambda spec, sa_type: build(spec, sa_type, depth + 1)


def _builtin_builder(sa_type: Any) -> Builder | None:
    """The built-in builder of the type's class or a base class below ``TypeDecorator``.

    A decorator class with no builder of its own ends the walk: what it binds decides.
    """
    table = _builtin_table()
    for klass in type(sa_type).__mro__:
        if klass is sa.types.TypeDecorator:
            return None
        builder = table.get(klass)
        if builder is not None:
            return builder
    return None


@functools.cache
def _builtin_table() -> dict[type, Builder]:
    """Built-in builders by type class; later tables win for classes they share.

    Types made of other types (ARRAY items, PostgreSQL domains and ranges, encrypted
    strings) get :func:`build` handed to them: their modules can't import this one,
    which imports them.
    """
    table: dict[type, Builder] = {
        sa.Boolean: boolean_provider,
        sa.Enum: enum_provider,
        sa.Integer: integer_provider,
        sa.Numeric: decimal_provider,
        sa.Float: float_provider,
        sa.String: text_provider,
        sa.Date: date_provider,
        sa.DateTime: datetime_provider,
        sa.Time: time_provider,
        sa.Interval: interval_provider,
        sa.Uuid: uuid_provider,
        sqltypes._Binary: binary_provider,
        sa.JSON: json_provider,
        sa.PickleType: json_provider,
        sa.ARRAY: functools.partial(array_provider, build=build),
    }
    table.update(postgresql_builders(build))
    table.update(mysql_builders())
    table.update(other_dialect_builders())
    table.update(sqlalchemy_utils_builders(build))
    return table
