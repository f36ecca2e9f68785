"""Dialect types: PostgreSQL, MySQL/MariaDB, SQL Server and Oracle builders, by type class.

Types that wrap another (a PostgreSQL ``DOMAIN``, the item type of a range) make their
items with the ``build`` function the dispatcher hands over.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import ipaddress
from dataclasses import replace
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql as mysql_types
from sqlalchemy.dialects import postgresql as pg_types

from ormprobe.synth.constraints import Domain
from ormprobe.synth.values.numeric import decimal_provider, integer_provider
from ormprobe.synth.values.randomness import Provider, ValueContext
from ormprobe.synth.values.spec import Builder, ColumnSpec, no_provider
from ormprobe.synth.values.temporal import interval_provider
from ormprobe.synth.values.tokens import base36_token, sequence_ip


def postgresql_builders(build: Builder) -> dict[type, Builder]:
    """Builders by PostgreSQL type class; ``build`` makes the items of domains and ranges."""
    wanted: dict[str, Builder] = {
        "INTERVAL": interval_provider,
        "MONEY": decimal_provider,
        "OID": integer_provider,
        "INET": ip_address_builder(4, "ipv4_private", as_text=False),
        "CIDR": _cidr,
        "MACADDR": _macaddr,
        "MACADDR8": _macaddr,
        "TSVECTOR": tsvector_provider,
        "TSQUERY": _fixed_text("word"),
        "REGCONFIG": _fixed_text("english"),
        "REGCLASS": _fixed_text("pg_class"),
        "HSTORE": _hstore,
        "BIT": _bit_string,
        "DOMAIN": functools.partial(_domain_type, build=build),
        "JSONPATH": _fixed_text("$.name"),
        "AbstractSingleRange": functools.partial(_range, build=build),
        "AbstractMultiRange": functools.partial(_multirange, build=build),
        "AbstractRange": functools.partial(_range, build=build),
    }
    # Several of these arrived during SQLAlchemy 2.0.x; look them up, don't assume them.
    return {
        klass: builder
        for name, builder in wanted.items()
        if isinstance(klass := getattr(pg_types, name, None), type)
    }


def mysql_builders() -> dict[type, Builder]:
    """Builders by MySQL/MariaDB type class."""
    table: dict[type, Builder] = {
        mysql_types.YEAR: integer_provider,
        mysql_types.BIT: integer_provider,
        mysql_types.SET: _mysql_set,
    }
    for name in ("INET4", "INET6"):
        klass = getattr(mysql_types, name, None)
        if klass is not None:
            version = 6 if name == "INET6" else 4
            table[klass] = ip_address_builder(version, f"ipv{version}", as_text=True)
    return table


def other_dialect_builders() -> dict[type, Builder]:
    """Builders for SQL Server's money and Oracle's interval types."""
    table: dict[type, Builder] = {}
    for module, names, builder in (
        ("sqlalchemy.dialects.mssql", ("MONEY", "SMALLMONEY"), decimal_provider),
        ("sqlalchemy.dialects.oracle", ("INTERVAL",), interval_provider),
    ):
        dialect = importlib.import_module(module)
        for name in names:
            klass = getattr(dialect, name, None)
            if isinstance(klass, type):
                table[klass] = builder
    return table


def _fixed_text(value: str) -> Builder:
    def builder(spec: ColumnSpec, sa_type: Any) -> Provider:
        if spec.unique:
            raise spec.fail(f"{type(sa_type).__name__} values can't be made unique")
        return lambda ctx: value

    return builder


def _hstore(spec: ColumnSpec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> dict[str, str]:
        value = {str(ctx.faker.word()): str(ctx.faker.word()) for _ in range(2)}
        if spec.unique:
            value["seq"] = str(spec.sequence(ctx))
        return value

    return provide


def ip_address_builder(version: int, faker_method: str, *, as_text: bool) -> Builder:
    """IP addresses from Faker's ``faker_method``; for unique columns 10.x.y.z or fd00::n by sequence.

    ``as_text`` gives the address as a string (MySQL's INET4/INET6), else as an
    ``ipaddress`` object (PostgreSQL's INET, sqlalchemy-utils' ``IPAddressType``).
    """

    def builder(spec: ColumnSpec, sa_type: Any) -> Provider:
        def provide(ctx: ValueContext) -> Any:
            if spec.unique:
                address = sequence_ip(spec.sequence(ctx), version)
                return str(address) if as_text else address
            made = str(getattr(ctx.faker, faker_method)())
            return made if as_text else ipaddress.ip_address(made)

        return provide

    return builder


def _cidr(spec: ColumnSpec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> ipaddress.IPv4Network:
        n = spec.sequence(ctx) if spec.unique else ctx.random.randrange(2**16)
        if n >= 2**16:
            raise spec.fail("only 65536 distinct /24 networks are generated")
        return ipaddress.IPv4Network(((10 << 24) + (n << 8), 24))

    return provide


def _macaddr(spec: ColumnSpec, sa_type: Any) -> Provider:
    octets = 8 if isinstance(sa_type, pg_types.MACADDR8) else 6

    def provide(ctx: ValueContext) -> str:
        data = bytearray(ctx.random.randbytes(octets))
        data[0] = (data[0] | 0x02) & 0xFE  # locally administered, unicast
        if spec.unique:
            n = spec.sequence(ctx)
            data[-4:] = n.to_bytes(4, "big")
        return ":".join(f"{b:02x}" for b in data)

    return provide


def tsvector_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> str:
        words = ctx.faker.words(3)
        if spec.unique:
            words.append(f"n{base36_token(spec.sequence(ctx))}")
        return " ".join(words)

    return provide


def _bit_string(spec: ColumnSpec, sa_type: Any) -> Provider:
    length = getattr(sa_type, "length", None) or 1
    make = getattr(pg_types, "BitString", str)

    def provide(ctx: ValueContext) -> Any:
        n = spec.sequence(ctx) if spec.unique else ctx.random.getrandbits(length)
        if n >= 2**length:
            raise spec.fail(f"only {2**length} distinct BIT({length}) values exist")
        return make(f"{n:0{length}b}")

    return provide


def _domain_type(spec: ColumnSpec, sa_type: Any, build: Builder) -> Provider:
    return build(spec, sa_type.data_type)


def _range(spec: ColumnSpec, sa_type: Any, build: Builder) -> Provider:
    item = _range_item(spec, sa_type, build)

    def provide(ctx: ValueContext) -> Any:
        low, high = sorted([item(ctx), item(ctx)])
        if low == high:
            high = _range_next(high)
        return pg_types.Range(low, high, bounds="[)")

    return provide


def _multirange(spec: ColumnSpec, sa_type: Any, build: Builder) -> Provider:
    single = _range(spec, sa_type, build)
    make = getattr(pg_types, "MultiRange", list)
    return lambda ctx: make([single(ctx)])


def _range_item(spec: ColumnSpec, sa_type: Any, build: Builder) -> Provider:
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
            return build(item_spec, item_type)
    raise no_provider(spec, sa_type)


def _range_next(value: Any) -> Any:
    if isinstance(value, int):
        return value + 1
    if isinstance(value, Decimal):
        return value + Decimal("0.01")
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(hours=1)
    return value + dt.timedelta(days=1)


def _mysql_set(spec: ColumnSpec, sa_type: Any) -> Provider:
    options = list(sa_type.values)
    if not options:
        raise spec.fail("SET has no values")

    def provide(ctx: ValueContext) -> set[str]:
        if spec.unique:
            n = spec.sequence_within(ctx, 2 ** len(options), "distinct SET values exist")
            return {o for bit, o in enumerate(options) if n >> bit & 1}
        size = ctx.random.randint(1, len(options))
        return set(ctx.random.sample(options, size))

    return provide
