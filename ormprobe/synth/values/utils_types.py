"""sqlalchemy-utils types, matched by class: their ORM values are objects, not what is stored.

``CountryType`` wants ``Country('FI')``, ``PhoneNumberType`` a ``PhoneNumber``,
``ChoiceType`` a ``Choice``: each provider makes the plain value and lets the type's own
coercion turn it into the object. Optional libraries (babel, phonenumbers, arrow) are
imported only when a column needs them.
"""

from __future__ import annotations

import functools
import importlib
import re
import zoneinfo
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ormprobe.errors import SynthesisError
from ormprobe.synth.constraints import Domain, storage_value, text_length
from ormprobe.synth.values.choices import admitted_values, from_allowed
from ormprobe.synth.values.dialects import ip_address_builder, tsvector_provider
from ormprobe.synth.values.randomness import Provider, ValueContext
from ormprobe.synth.values.spec import ATTEMPTS, Builder, ColumnSpec
from ormprobe.synth.values.structured import json_provider, uuid_provider
from ormprobe.synth.values.temporal import datetime_provider
from ormprobe.synth.values.text import text_provider
from ormprobe.synth.values.text_rules import EMAIL_RULE, PASSWORD_RULE, URL_RULE
from ormprobe.synth.values.tokens import base36_token, sequence_color


def sqlalchemy_utils_builders(build: Builder) -> dict[type, Builder]:
    """Builders by sqlalchemy-utils type class (none when it isn't installed)."""
    try:
        utils = importlib.import_module("sqlalchemy_utils")
    except ImportError:
        return {}
    wanted: dict[str, Builder] = {
        "EmailType": lambda spec, t: text_provider(spec, t, EMAIL_RULE),
        "URLType": _utils_url,
        "ChoiceType": _utils_choice,
        "UUIDType": _utils_uuid,
        "JSONType": json_provider,
        "PasswordType": _utils_password,
        "PhoneNumberType": _utils_phone,
        "ColorType": _utils_color,
        "CountryType": _utils_country,
        "CurrencyType": _utils_currency,
        "LocaleType": _utils_locale,
        "TimezoneType": _utils_timezone,
        "IPAddressType": ip_address_builder(4, "ipv4", as_text=False),
        "ScalarListType": _utils_scalar_list,
        "StringEncryptedType": functools.partial(_utils_encrypted, build=build),
        "ArrowType": _utils_arrow,
        "TSVectorType": tsvector_provider,
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


def _utils_url(spec: ColumnSpec, sa_type: Any) -> Provider:
    text = text_provider(spec, sa_type, URL_RULE)
    return lambda ctx: _coerced(sa_type, text(ctx))


def _utils_password(spec: ColumnSpec, sa_type: Any) -> Provider:
    # A plain str: PasswordType hashes it on the way in (and a Password object would
    # cost a slow hash per value here).
    limited = replace(spec, domain=spec.domain.merge(Domain(max_length=64)))
    return text_provider(limited, sa.String(64), PASSWORD_RULE)


def _utils_choice(spec: ColumnSpec, sa_type: Any) -> Provider:
    impl = sa_type.type_impl
    enum_class = getattr(impl, "enum_class", None)
    if enum_class is not None:
        values: list[Any] = list(enum_class)
    else:
        values = [_coerced(sa_type, code) for code in impl.choices_dict]
    return from_allowed(spec, admitted_values(spec, values))


def _utils_uuid(spec: ColumnSpec, sa_type: Any) -> Provider:
    return uuid_provider(spec, sa.Uuid(as_uuid=True))


def _utils_phone(spec: ColumnSpec, sa_type: Any) -> Provider:
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
        n = spec.sequence(ctx) if spec.unique else ctx.random.randrange(10**tail)
        if n >= 10**tail:
            raise spec.fail(f"only {10**tail} distinct phone numbers are generated per region")
        number = phonenumbers.parse(national[:-tail] + f"{n:0{tail}d}", region)
        if not phonenumbers.is_valid_number(number):
            number = example
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return _coerced(sa_type, e164)

    return provide


def _utils_color(spec: ColumnSpec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> Any:
        text = sequence_color(spec.sequence(ctx)) if spec.unique else ctx.faker.hex_color()
        return _coerced(sa_type, text)

    return provide


def _utils_country(spec: ColumnSpec, sa_type: Any) -> Provider:
    babel = _optional("babel", spec, sa_type)
    territories = babel.Locale("en").territories
    codes = sorted(c for c in territories if len(c) == 2 and c.isalpha() and c != "ZZ")
    return _code_choice(spec, sa_type, codes, lambda ctx: str(ctx.faker.country_code()))


def _utils_currency(spec: ColumnSpec, sa_type: Any) -> Provider:
    babel = _optional("babel", spec, sa_type)
    codes = sorted(c for c in babel.Locale("en").currencies if len(c) == 3 and c.isalpha())
    return _code_choice(spec, sa_type, codes, lambda ctx: str(ctx.faker.currency_code()))


def _utils_locale(spec: ColumnSpec, sa_type: Any) -> Provider:
    babel = _optional("babel", spec, sa_type)
    codes = sorted(c for c in babel.localedata.locale_identifiers() if len(c) <= 10)
    return _code_choice(spec, sa_type, codes, lambda ctx: str(ctx.faker.locale()))


def _utils_timezone(spec: ColumnSpec, sa_type: Any) -> Provider:
    names = sorted(zoneinfo.available_timezones())
    return _code_choice(spec, sa_type, names, lambda ctx: str(ctx.faker.timezone()))


def _code_choice(
    spec: ColumnSpec, sa_type: Any, codes: Sequence[str], pick: Callable[[ValueContext], str]
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
            n = spec.sequence(ctx)
            choices = usable_codes()
            if n >= len(choices):
                raise spec.fail(f"only {len(choices)} distinct codes exist")
            return _coerced(sa_type, choices[n])
        for _ in range(ATTEMPTS):
            value = _stored_value(spec, sa_type, pick(ctx))
            if value is not None:
                return value
        return _coerced(sa_type, ctx.random.choice(usable_codes()))

    return provide


def _stored_value(spec: ColumnSpec, sa_type: Any, code: str) -> Any:
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


def _nothing_fits(spec: ColumnSpec, sa_type: Any, codes: Sequence[str]) -> SynthesisError:
    sample = _coerced(sa_type, codes[0]) if codes else None
    stored = storage_value(spec.column, sample) if sample is not None else None
    # e.g. TimezoneType(backend="dateutil") with dateutil >= 2.9 stores a file path.
    return spec.fail(
        f"{type(sa_type).__name__} stores values like {stored!r}, longer than the column "
        f"holds ({text_length(sa_type.impl_instance)}); this combination of libraries can't "
        f'store valid values; set [tool.ormprobe.values] "{spec.target}"'
    )


def _utils_scalar_list(spec: ColumnSpec, sa_type: Any) -> Provider:
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
            n = spec.sequence(ctx)
            items[0] = coerce(str(n)) if numeric else coerce(f"n{base36_token(n)}")
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


def _utils_encrypted(spec: ColumnSpec, sa_type: Any, build: Builder) -> Provider:
    underlying = sa_type.underlying_type
    # Ciphertext is base64 of the padded plaintext: about 4/3 of it plus a block.
    stored = text_length(sa_type.impl_instance)
    room = 64 if stored is None else max(1, min(64, stored * 3 // 4 - 48))
    limited = replace(spec, domain=spec.domain.merge(Domain(max_length=room)))
    if spec.column.python_type in ("dict", "list", "set"):
        # A Mutable container wraps it (redash's encrypted data source options): the ORM
        # value is that container, which the type serialises before encrypting.
        return build(limited, sa.JSON())
    return build(limited, underlying)


def _utils_arrow(spec: ColumnSpec, sa_type: Any) -> Provider:
    _optional("arrow", spec, sa_type)
    moment = datetime_provider(spec, sa.DateTime(timezone=True))
    return lambda ctx: _coerced(sa_type, moment(ctx))


def _utils_ltree(spec: ColumnSpec, sa_type: Any) -> Provider:
    def provide(ctx: ValueContext) -> Any:
        labels = [re.sub(r"[^a-z0-9]", "", w) or "x" for w in ctx.faker.words(2)]
        if spec.unique:
            labels.append(f"n{base36_token(spec.sequence(ctx))}")
        return _coerced(sa_type, ".".join(labels))

    return provide


def _optional(module: str, spec: ColumnSpec, sa_type: Any) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise spec.fail(
            f"{type(sa_type).__name__} needs the optional package {module!r}; pip install {module}"
        ) from exc
