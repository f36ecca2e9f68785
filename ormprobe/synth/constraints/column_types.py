"""What a column type allows: its kind of value, its ranges and lengths, the value it stores.

Every question is asked through ``TypeDecorator`` s to the type underneath, except for
decorators whose ORM values are objects (sqlalchemy-utils' ``ChoiceType``...): their
stored values can't be mapped back, so their kind is ``"other"``.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import replace
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import mysql as mysql_types
from sqlalchemy.dialects import postgresql as pg_types
from sqlalchemy.dialects import sqlite as sqlite_types
from sqlalchemy.sql import sqltypes

from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints.domain import Domain

Kind = Literal[
    "int",
    "decimal",
    "float",
    "bool",
    "str",
    "enum",
    "date",
    "datetime",
    "time",
    "interval",
    "uuid",
    "bytes",
    "other",
]


def value_kind(sa_type: Any) -> Kind:
    """The kind of plain value a column type stores, looking through TypeDecorators.

    Decorators from outside SQLAlchemy whose ORM values are objects (sqlalchemy-utils'
    ``ChoiceType``, ``CountryType``...) are ``"other"``: their CHECKs compare stored
    values that ormprobe can't map back.
    """
    type_ = unwrap(sa_type)
    if type_ is None:
        return "other"
    for klass, kind in _KINDS:
        if isinstance(type_, klass):
            return kind
    return "other"


def unwrap(sa_type: Any) -> Any:
    """The type under TypeDecorators, stopping at ``Interval``; None under an opaque decorator."""
    type_ = sa_type
    for _ in range(10):
        if not isinstance(type_, sa.types.TypeDecorator) or isinstance(type_, sa.Interval):
            return type_
        if _opaque_decorator(type_):
            return None
        type_ = type_.impl_instance
    return None


def _opaque_decorator(type_: sa.types.TypeDecorator[Any]) -> bool:
    """True when the decorator's ORM values are objects, not the stored value."""
    if type(type_).__module__.startswith("sqlalchemy."):
        return isinstance(type_, sa.PickleType)
    return hasattr(type_, "_coerce") or isinstance(type_, sa.PickleType)


_KINDS: tuple[tuple[type, Kind], ...] = (
    (sa.Boolean, "bool"),
    (sa.Enum, "enum"),
    (sa.Float, "float"),
    (sa.Numeric, "decimal"),
    (pg_types.MONEY, "decimal"),
    (sa.Integer, "int"),
    (mysql_types.YEAR, "int"),
    (mysql_types.BIT, "int"),
    (pg_types.OID, "int"),
    (sa.DateTime, "datetime"),
    (sa.Date, "date"),
    (sa.Time, "time"),
    (sa.Interval, "interval"),
    (pg_types.INTERVAL, "interval"),
    (sa.Uuid, "uuid"),
    (sa.String, "str"),
    (sqltypes._Binary, "bytes"),
)

# Integer ranges by type class, most specific first (MRO order decides).
_INT_RANGES: tuple[tuple[type, int, int, int], ...] = (
    # (class, signed minimum, signed maximum, unsigned maximum)
    (mysql_types.TINYINT, -128, 127, 255),
    (mysql_types.MEDIUMINT, -8_388_608, 8_388_607, 16_777_215),
    (sa.SmallInteger, -32_768, 32_767, 65_535),
    (sa.BigInteger, -(2**63), 2**63 - 1, 2**64 - 1),
    (sa.Integer, -(2**31), 2**31 - 1, 2**32 - 1),
)


def integer_range(sa_type: Any) -> tuple[int, int]:
    """The inclusive range an integer-like column type can store."""
    type_ = unwrap(sa_type)
    if isinstance(type_, mysql_types.YEAR):
        return 1901, 2155
    if isinstance(type_, mysql_types.BIT):
        return 0, 2 ** (type_.length or 1) - 1
    if isinstance(type_, pg_types.OID):
        return 0, 2**32 - 1
    if type(type_).__name__ == "TINYINT" and type(type_).__module__.endswith("mssql.base"):
        return 0, 255  # SQL Server's TINYINT is unsigned
    unsigned = bool(getattr(type_, "unsigned", False))
    for klass, low, high, unsigned_high in _INT_RANGES:
        if isinstance(type_, klass):
            return (0, unsigned_high) if unsigned else (low, high)
    return -(2**31), 2**31 - 1


def decimal_limit(sa_type: Any) -> Decimal | None:
    """Largest absolute value a ``Numeric(p, s)`` stores, None when unbounded."""
    type_ = unwrap(sa_type)
    precision = getattr(type_, "precision", None)
    if not isinstance(precision, int) or isinstance(type_, sa.Float):
        return None
    scale = getattr(type_, "scale", None) or 0
    return Decimal(10) ** (precision - scale) - Decimal(10) ** -scale


_TEXT_BYTE_LIMITS: tuple[tuple[type, int], ...] = (
    (mysql_types.TINYTEXT, 255),
    (mysql_types.TEXT, 65_535),
)


def text_length(sa_type: Any) -> int | None:
    """Most characters a text column type stores, None when unbounded."""
    type_ = unwrap(sa_type)
    length = getattr(type_, "length", None)
    if isinstance(length, int) and not isinstance(length, bool):
        return length
    for klass, limit in _TEXT_BYTE_LIMITS:
        if isinstance(type_, klass):
            return limit
    return None


_DATE_LIMITS: tuple[tuple[type, dt.datetime, dt.datetime], ...] = (
    (mysql_types.TIMESTAMP, dt.datetime(1970, 1, 2), dt.datetime(2038, 1, 18)),
    (mysql_types.DATETIME, dt.datetime(1000, 1, 1), dt.datetime(9999, 12, 31)),
)


def temporal_range(sa_type: Any) -> tuple[dt.datetime, dt.datetime]:
    """The datetimes a date/time column type can store (naive bounds)."""
    type_ = unwrap(sa_type)
    for klass, low, high in _DATE_LIMITS:
        if isinstance(type_, klass):
            return low, high
    return dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30)


def type_domain(sa_type: Any, *, nullable: bool = True) -> Domain:
    """What the column type itself admits, as a :class:`Domain` (storage values).

    Example:
        >>> import sqlalchemy as sa
        >>> type_domain(sa.SmallInteger()).maximum
        32767
        >>> type_domain(sa.String(5), nullable=False).max_length
        5
    """
    kind = value_kind(sa_type)
    base = Domain(not_null=not nullable)
    if kind == "int":
        low, high = integer_range(sa_type)
        return replace(base, minimum=low, maximum=high)
    if kind == "decimal":
        limit = decimal_limit(sa_type)
        return base if limit is None else replace(base, minimum=-limit, maximum=limit)
    if kind == "str":
        return replace(base, max_length=text_length(sa_type))
    if kind == "enum":
        return replace(base, allowed=tuple(unwrap(sa_type).enums))
    if kind == "bool":
        return replace(base, allowed=(False, True))
    return base


def storage_value(column: ColumnInfo, value: Any) -> Any:
    """The value the database stores for ORM value ``value`` of ``column``.

    Enum members become the stored string (the name, or the value with
    ``values_callable``); objects of third-party TypeDecorators (sqlalchemy-utils'
    ``Choice``, ``Country``...) go through the decorator's own bind processing.
    Anything else is returned unchanged.
    """
    if value is None:
        return None
    type_ = column.sa_type
    for _ in range(10):
        if isinstance(type_, sa.Enum):
            return _enum_storage(type_, value)
        if not isinstance(type_, sa.types.TypeDecorator) or isinstance(type_, sa.Interval):
            return value
        if not type(type_).__module__.startswith("sqlalchemy."):
            value = _bind(type_, value)
        type_ = type_.impl_instance
    return value


def _enum_storage(type_: sa.Enum, value: Any) -> Any:
    if not isinstance(value, enum.Enum) or type_.enum_class is None:
        return value
    stored: dict[Any, str] = {}
    for member, text in zip(type_.enum_class.__members__.values(), type_.enums, strict=False):
        stored.setdefault(member, text)
    return stored.get(value, value)


def _bind(type_: sa.types.TypeDecorator[Any], value: Any) -> Any:
    try:
        return type_.process_bind_param(value, _DEFAULT_DIALECT)
    except Exception:  # a user type may reject a value; the raw value is the best guess
        return value


# Bind processing needs a dialect; the storage form of sqlalchemy-utils values does not
# depend on which one.
_DEFAULT_DIALECT = sqlite_types.dialect()


def fits_type(value: Any, column: ColumnInfo) -> bool:
    """True when ``value`` is a value of the column's kind that its type can hold.

    Kinds without a plain Python value (UUIDs, JSON, sqlalchemy-utils objects) are not
    judged here: True.

    Example:
        >>> import sqlalchemy as sa
        >>> from ormprobe.synth.constraints.examples import example_table
        >>> t = example_table("x > 0")
        >>> fits_type(3, t.columns[0]), fits_type("3", t.columns[0])
        (True, False)
    """
    if value is not None and value_kind(column.sa_type) not in _PLAIN_KINDS:
        return True
    return type_holds(value, column)


_PLAIN_KINDS = frozenset({"int", "decimal", "float", "str", "bool", "date", "datetime", "time", "interval"})


def type_holds(value: Any, column: ColumnInfo) -> bool:
    """True when ``value`` (or NULL) is a value of the column's kind that its type can store."""
    if value is None:
        return column.nullable
    kind = value_kind(column.sa_type)
    expected: dict[str, tuple[type, ...]] = {
        "int": (int,),
        "decimal": (Decimal, int),
        "float": (float, int, Decimal),
        "str": (str,),
        "bool": (bool,),
        "date": (dt.date,),
        "datetime": (dt.datetime,),
        "time": (dt.time,),
        "interval": (dt.timedelta,),
    }
    types = expected.get(kind)
    if types is None or not isinstance(value, types):
        return False
    if kind in ("int", "decimal") and isinstance(value, bool):
        return False
    if kind == "date" and isinstance(value, dt.datetime):
        return False
    if isinstance(value, dt.datetime) and bool(column.timezone) != (value.tzinfo is not None):
        return False
    if isinstance(value, Decimal) and kind == "decimal" and not _decimal_fits(value, column):
        return False
    return type_domain(column.sa_type).admits(value)


def _decimal_fits(value: Decimal | int, column: ColumnInfo) -> bool:
    scale = getattr(unwrap(column.sa_type), "scale", None)
    if scale is None or isinstance(value, int):
        return True
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= scale
