"""Date, datetime, time and interval providers; past, future and birth windows by column name.

``created_at`` gets a past moment, ``expires_at`` a future one, ``birth_date`` a plausible
birthday. The windows are fixed dates, not "now", so a seed reproduces a run on any day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ormprobe.synth.constraints import temporal_range
from ormprobe.synth.values.ordered import Ladder, ladder_bounds, ordered_provider
from ormprobe.synth.values.randomness import Provider
from ormprobe.synth.values.spec import ColumnSpec

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


def _date_window(spec: ColumnSpec) -> tuple[dt.datetime, dt.datetime]:
    if spec.words & _BIRTH_WORDS:
        return _DATE_WINDOWS["birth"]
    if spec.words & _FUTURE_WORDS:
        return _DATE_WINDOWS["future"]
    if spec.words & _PAST_WORDS:
        return _DATE_WINDOWS["past"]
    return _DATE_WINDOWS["default"]


def date_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    epoch = _EPOCH.date()

    def to_index(value: Any) -> Decimal:
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            raise TypeError(f"{value!r} is not a date")
        return Decimal((value - epoch).days)

    return _calendar_provider(spec, sa_type, to_index, lambda i: epoch + dt.timedelta(days=i), 1)


def datetime_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    aware = bool(getattr(sa_type, "timezone", False))
    epoch = _EPOCH.replace(tzinfo=dt.UTC) if aware else _EPOCH

    def to_index(value: Any) -> Decimal:
        value = _as_datetime(value, aware)
        return Decimal((value - epoch) // dt.timedelta(microseconds=1)) / 1_000_000

    return _calendar_provider(spec, sa_type, to_index, lambda i: epoch + dt.timedelta(seconds=i), stride=3600)


def _calendar_provider(
    spec: ColumnSpec,
    sa_type: Any,
    to_index: Callable[[Any], Decimal],
    to_value: Callable[[int], Any],
    stride: int,
) -> Provider:
    """Dates or datetimes (rungs of days or seconds): the type's range, the name's window."""
    lowest, highest = temporal_range(sa_type)
    low, high = ladder_bounds(spec, to_index, int(to_index(lowest)), int(to_index(highest)))
    start, end = _date_window(spec)
    ladder = Ladder(
        low=low,
        high=high,
        window=(int(to_index(start)), int(to_index(end))),
        stride=stride,
        to_value=to_value,
        to_index=to_index,
    )
    return ordered_provider(spec, ladder)


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


def time_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    zone = dt.UTC if getattr(sa_type, "timezone", False) else None

    def to_index(value: Any) -> Decimal:
        if not isinstance(value, dt.time):
            raise TypeError(f"{value!r} is not a time")
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return Decimal(seconds) + Decimal(value.microsecond) / 1_000_000

    def to_value(index: int) -> dt.time:
        hours, rest = divmod(index, 3600)
        return dt.time(hours, rest // 60, rest % 60, tzinfo=zone)

    low, high = ladder_bounds(spec, to_index, 0, 86_399)
    ladder = Ladder(low, high, (8 * 3600, 18 * 3600), 60, to_value, to_index)
    return ordered_provider(spec, ladder)


def interval_provider(spec: ColumnSpec, sa_type: Any) -> Provider:
    def to_index(value: Any) -> Decimal:
        if not isinstance(value, dt.timedelta):
            raise TypeError(f"{value!r} is not a timedelta")
        return Decimal(value // dt.timedelta(microseconds=1)) / 1_000_000

    bound = 10 * 365 * 86_400
    low, high = ladder_bounds(spec, to_index, -bound, bound)
    ladder = Ladder(
        low=low,
        high=high,
        window=(3600, 30 * 86_400),
        stride=60,
        to_value=lambda i: dt.timedelta(seconds=i),
        to_index=to_index,
    )
    return ordered_provider(spec, ladder)
