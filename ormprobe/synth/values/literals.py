"""Values as Python source: :func:`render_literal`, and lists of literals joined with their imports."""

from __future__ import annotations

import datetime as dt
import enum
import ipaddress
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

Rendered = tuple[str, tuple[str, ...]]
"""Python source, and the import statements it needs."""


def render_literal(value: Any) -> Rendered | None:
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


def render_all(
    values: Iterable[Any], render: Callable[[Any], Rendered | None] = render_literal
) -> list[Rendered] | None:
    """Every value rendered, or None when any of them has no literal."""
    rendered = [render(value) for value in values]
    if any(item is None for item in rendered):
        return None
    return [item for item in rendered if item is not None]


def join_literals(rendered: Iterable[Rendered]) -> Rendered:
    """The sources joined with ``", "``, and their imports, each once, in order."""
    items = list(rendered)
    return ", ".join(source for source, _ in items), tuple(
        dict.fromkeys(i for _, needs in items for i in needs)
    )


def _enum_literal(member: enum.Enum) -> Rendered | None:
    owner = type(member)
    module, qualname = owner.__module__, owner.__qualname__
    if module in ("__main__", "builtins") or "<" in qualname:
        return None
    top = qualname.split(".")[0]
    return f"{qualname}.{member.name}", (f"from {module} import {top}",)


def _temporal_literal(value: dt.date | dt.time | dt.timedelta) -> Rendered | None:
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


def _container_literal(value: Any) -> Rendered | None:
    if isinstance(value, dict):
        pairs = [(render_literal(k), render_literal(v)) for k, v in value.items()]
        if any(k is None or v is None for k, v in pairs):
            return None
        parts = [f"{k[0]}: {v[0]}" for k, v in pairs if k is not None and v is not None]
        needed = [i for k, v in pairs if k and v for i in (*k[1], *v[1])]
        return "{" + ", ".join(parts) + "}", tuple(dict.fromkeys(needed))
    rendered = render_all(value)
    if rendered is None:
        return None
    inner, imports = join_literals(rendered)
    if isinstance(value, list):
        return f"[{inner}]", imports
    if isinstance(value, tuple):
        return f"({inner}{',' if len(rendered) == 1 else ''})", imports
    return (f"{{{inner}}}" if rendered else "set()"), imports
