"""Natural factory_boy declarations for a column, most readable first.

``factory.Faker("safe_email")`` for an e-mail column, ``factory.Sequence(lambda n:
f"slug-{n}")`` for a unique slug, a Faker range around the provider's own values for
numbers and dates. These are candidates only: :func:`~ormprobe.synth.values.describing.describe`
runs each one and keeps the first whose values fit the column.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ormprobe.errors import SynthesisError
from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints import value_kind
from ormprobe.synth.values.choices import admitted_values, enum_members
from ormprobe.synth.values.declaration import Declaration
from ormprobe.synth.values.dispatch import build
from ormprobe.synth.values.literals import join_literals, render_all, render_literal
from ormprobe.synth.values.randomness import context
from ormprobe.synth.values.spec import ColumnSpec
from ormprobe.synth.values.text import text_limit
from ormprobe.synth.values.text_rules import (
    EMAIL_RULE,
    FAKER_CALLS,
    ORG_TABLE_WORDS,
    URL_RULE,
    TextRule,
    code_text,
    country_text,
    generic_text,
    image_url_text,
    long_text,
    person_name,
    text_rule,
    title_text,
    url_text,
)

# Values made from a declaration's source to check that it keeps to the column.
VERIFY_SAMPLES = 40


def innermost(sa_type: Any) -> Any:
    """The type under any TypeDecorators (whose ORM values it takes, for plain kinds)."""
    for _ in range(10):
        inner = getattr(sa_type, "impl_instance", None)
        if inner is None:
            return sa_type
        sa_type = inner
    return sa_type


def candidate_declarations(spec: ColumnSpec) -> Iterator[Declaration]:
    """Natural declarations for the column, most readable first (checked by the caller)."""
    sa_type = innermost(spec.column.sa_type)
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
    elif isinstance(sa_type, sa.JSON) and spec.column.python_type == "list" and not spec.unique:
        yield Declaration('factory.List([factory.Faker("word"), factory.Faker("word")])')
    elif isinstance(sa_type, sa.JSON) and spec.column.python_type not in ("set",):
        yield Declaration('factory.Dict({"name": factory.Faker("word"), "count": factory.Faker("pyint")})')


def _enum_declarations(spec: ColumnSpec, sa_type: Any) -> Iterator[Declaration]:
    enum_class = getattr(sa_type, "enum_class", None)
    if enum_class is not None and issubclass(enum_class, enum.Enum) and not spec.unique:
        rendered = render_literal(next(iter(enum_class)))
        if rendered is not None:
            name = rendered[0].rpartition(".")[0]
            yield Declaration(f"factory.Iterator({name})", rendered[1])
    members = enum_members(sa_type, list(sa_type.enums))
    yield from _choice_declarations(spec, [members.get(t, t) for t in sa_type.enums])


def _choice_declarations(spec: ColumnSpec, choices: Sequence[Any]) -> Iterator[Declaration]:
    admitted = admitted_values(spec, choices)
    rendered = render_all(admitted)
    if not admitted or rendered is None:
        return
    listing, imports = join_literals(rendered)
    yield Declaration(f"factory.Iterator([{listing}])", imports)


def _ordered_declarations(spec: ColumnSpec, kind: str) -> Iterator[Declaration]:
    """Numbers, dates and times: a Sequence for unique columns, else a Faker range
    spanning what the provider itself makes (so CHECK bounds and plausible windows hold)."""
    provider = build(spec, spec.column.sa_type)
    try:
        made = [provider(context(n)) for n in range(VERIFY_SAMPLES)]
    except SynthesisError:
        return
    low, high = min(made), max(made)
    if spec.unique or kind in ("interval", "time"):
        yield from _sequence_declarations(kind, made[0])
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
        scale = getattr(innermost(column.sa_type), "scale", None)
        scale = scale if isinstance(scale, int) else 2
        call = (
            f'factory.Faker("pydecimal", right_digits={scale}, min_value={int(low)}, max_value={int(high)})'
        )
        return Declaration(call)
    if kind == "float":
        return Declaration(
            f'factory.Faker("pyfloat", right_digits=2, min_value={int(low)}, max_value={int(high)})'
        )
    if kind == "date":
        return Declaration(f'factory.Faker("date_between", start_date={lo}, end_date={hi})', imports)
    if kind == "datetime":
        zone = ", tzinfo=datetime.timezone.utc" if column.timezone else ""
        source = f'factory.Faker("date_time_between", start_date={lo}, end_date={hi}{zone})'
        return Declaration(source, tuple(dict.fromkeys((*imports, "import datetime"))))
    return None


def _sequence_declarations(kind: str, first: Any) -> Iterator[Declaration]:
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


def _text_declarations(spec: ColumnSpec, sa_type: Any) -> Iterator[Declaration]:
    limit = text_limit(spec, sa_type)
    rule = text_rule(spec)
    stem = _stem(spec, rule)
    if spec.unique:
        yield from _unique_text_declarations(rule, stem, limit)
        return
    natural = _rule_source(rule, spec, limit)
    if natural is not None:
        yield Declaration(natural)
    if limit is None or limit > 12:
        yield Declaration('factory.Faker("word")')
    if limit is not None:
        yield Declaration(f'factory.Faker("lexify", text="{"?" * max(min(limit, 8), 1)}")')


def _unique_text_declarations(rule: TextRule, stem: str, limit: int | None) -> Iterator[Declaration]:
    if rule is EMAIL_RULE:
        yield Declaration(f'factory.Sequence(lambda n: f"{stem}{{n}}@example.com")')
    elif rule is URL_RULE:
        yield Declaration(f'factory.Sequence(lambda n: f"https://example.com/{stem}-{{n}}")')
    room = None if limit is None else limit - 7  # "-" and up to a million rows
    if room is None or room >= 1:
        head = stem if room is None else stem[:room]
        yield Declaration(f'factory.Sequence(lambda n: f"{head}-{{n}}")')
    room_note = None if limit is None or limit >= 7 else f"{10**limit} rows fit {limit} digits"
    yield Declaration("factory.Sequence(lambda n: str(n))", note=room_note)


def _stem(spec: ColumnSpec, rule: TextRule) -> str:
    """A readable prefix for sequence values: ``user`` for e-mails, else the column."""
    if rule is EMAIL_RULE:
        return "user"
    name = spec.column.attribute or spec.column.name
    return re.sub(r"[^0-9a-z]+", "-", name.lower()).strip("-") or "value"


def _rule_source(rule: TextRule, spec: ColumnSpec, limit: int | None) -> str | None:
    """The factory_boy declaration that makes values like ``rule`` does, if there is one."""
    call = FAKER_CALLS.get(rule.make)
    if call is not None:
        method, kwargs = call
        arguments = "".join(f", {k}={v!r}" for k, v in kwargs.items())
        return f'factory.Faker("{method}"{arguments})'
    if rule.make is person_name:
        if spec.table_words & ORG_TABLE_WORDS:
            return 'factory.Faker("company")'
        return 'factory.Faker("name")'
    if rule.make in (url_text, image_url_text):
        return 'factory.Faker("url")' if rule.make is url_text else 'factory.Faker("image_url")'
    if rule.make is code_text:
        return 'factory.Faker("bothify", text="??-####", letters="ABCDEFGHIJKLMNOPQRSTUVWXYZ")'
    if rule.make is long_text:
        return 'factory.Faker("paragraph", nb_sentences=3)'
    if rule.make is title_text:
        return 'factory.Faker("sentence", nb_words=4)'
    if rule.make is country_text:
        return 'factory.Faker("country_code")'
    if rule.make is generic_text and (limit is None or limit > 40):
        return 'factory.Faker("sentence", nb_words=6)'
    if rule.make is generic_text and limit is not None and limit > 12:
        return 'factory.Faker("word")'
    return None


def _binary_length(sa_type: Any) -> int:
    length = getattr(sa_type, "length", None)
    return length if isinstance(length, int) and 0 < length <= 16 else 16
