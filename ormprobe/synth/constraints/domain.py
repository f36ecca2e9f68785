""":class:`Domain`: what one column's own values must satisfy, and how two domains combine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ormprobe.synth.constraints.compare import CannotTell, compare, same
from ormprobe.synth.constraints.like import apply_case, like_matches, literal_head, literal_tail


@dataclass(frozen=True, slots=True)
class Domain:
    """What one column's own values must satisfy, in the values the database stores.

    Attributes:
        minimum: lower bound (number, string, date, time or timedelta), None = unbounded.
        minimum_inclusive: whether ``minimum`` itself is allowed.
        maximum: upper bound, None = unbounded.
        maximum_inclusive: whether ``maximum`` itself is allowed.
        allowed: the only values permitted (``IN (...)``, ``=``), None = no such limit.
        excluded: values not permitted (``NOT IN``, ``<>``).
        min_length: fewest characters a text value may have.
        max_length: most characters a text value may have.
        not_null: NULL is not permitted (``IS NOT NULL``).
        null_only: only NULL is permitted (the ``IS NULL`` branch of an ``OR`` was chosen).
        like: ``LIKE`` patterns the value must match (checked case-sensitively, which
            satisfies case-insensitive databases too).
        not_like: ``LIKE`` patterns the value must not match in any letter case.
        case: ``"lower"`` / ``"upper"``: text must equal its lower / upper-cased self.
        trimmed: text must have no leading or trailing spaces.
    """

    minimum: Any = None
    minimum_inclusive: bool = True
    maximum: Any = None
    maximum_inclusive: bool = True
    allowed: tuple[Any, ...] | None = None
    excluded: tuple[Any, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    not_null: bool = False
    null_only: bool = False
    like: tuple[str, ...] = ()
    not_like: tuple[str, ...] = ()
    case: Literal["lower", "upper"] | None = None
    trimmed: bool = False

    @property
    def unconstrained(self) -> bool:
        """True when the domain admits every value of the column's type."""
        return self == Domain()

    @property
    def prefix(self) -> str:
        """Literal text every value must start with (from the first ``LIKE`` pattern)."""
        return literal_head(self.like[0]) if self.like else ""

    @property
    def suffix(self) -> str:
        """Literal text every value must end with (from the first ``LIKE`` pattern)."""
        if not self.like or not _has_wildcard(self.like[0]):
            return ""
        return literal_head(self.like[0][::-1])[::-1]

    def admits(self, value: Any) -> bool:
        """True when ``value`` (in storage form) is inside the domain."""
        if value is None:
            return not self.not_null
        if self.null_only:
            return False
        try:
            return self._admits_set(value) and self._admits_bounds(value) and self._admits_text(value)
        except CannotTell:
            return False

    def merge(self, other: Domain) -> Domain:
        """The intersection of two domains (both must hold)."""
        minimum, minimum_inclusive = _tighter(
            (self.minimum, self.minimum_inclusive), (other.minimum, other.minimum_inclusive), 1
        )
        maximum, maximum_inclusive = _tighter(
            (self.maximum, self.maximum_inclusive), (other.maximum, other.maximum_inclusive), -1
        )
        return Domain(
            minimum=minimum,
            minimum_inclusive=minimum_inclusive,
            maximum=maximum,
            maximum_inclusive=maximum_inclusive,
            allowed=_intersect(self.allowed, other.allowed),
            excluded=_union(self.excluded, other.excluded),
            min_length=_pick(self.min_length, other.min_length, max),
            max_length=_pick(self.max_length, other.max_length, min),
            not_null=self.not_null or other.not_null,
            null_only=self.null_only or other.null_only,
            like=_union(self.like, other.like),
            not_like=_union(self.not_like, other.not_like),
            case=self.case or other.case,
            trimmed=self.trimmed or other.trimmed,
        )

    def conflicts(self) -> bool:
        """True when the domain is certainly empty, by a cheap type-agnostic test.

        Integer granularity is not considered (``x > 1 AND x < 2`` is not a conflict
        here); :func:`ormprobe.synth.values.provider_for` finds those.
        """
        if self.null_only and self.not_null:
            return True
        if self.min_length is not None and self.max_length is not None and self.min_length > self.max_length:
            return True
        if self.allowed is not None:
            return not self.null_only and not any(self.admits(v) for v in self.allowed)
        return self._empty_interval() or self._patterns_conflict()

    def _patterns_conflict(self) -> bool:
        """LIKE patterns that no text of the allowed length and case can match."""
        if not self.like:
            return False
        heads = [literal_head(p) for p in self.like]
        tails = [literal_tail(p) for p in self.like]
        if not _chain(heads, str.startswith) or not _chain(tails, str.endswith):
            return True
        head, tail = max(heads, key=len), max(tails, key=len)
        shortest = min(
            len(head) + len(tail) - size
            for size in range(min(len(head), len(tail)) + 1)
            if head.endswith(tail[:size])
        )
        if self.max_length is not None and shortest > self.max_length:
            return True
        for pattern in self.like:
            fixed = len(pattern.replace("%", ""))
            if self.max_length is not None and fixed > self.max_length:
                return True
            if "%" not in pattern and self.min_length is not None and fixed < self.min_length:
                return True
            literal = "".join(c for c in pattern if c not in "%_")
            if self.case is not None and literal != apply_case(literal, self.case):
                return True
            if self.trimmed and (pattern[:1] == " " or pattern[-1:] == " "):
                return True
        return False

    def _empty_interval(self) -> bool:
        if self.minimum is None or self.maximum is None:
            return False
        try:
            order = compare(self.minimum, self.maximum)
        except CannotTell:
            return True
        if order != 0:
            return order > 0
        return not (self.minimum_inclusive and self.maximum_inclusive)

    def _admits_set(self, value: Any) -> bool:
        if self.allowed is not None and not any(same(value, a) for a in self.allowed):
            return False
        return not any(same(value, e) for e in self.excluded)

    def _admits_bounds(self, value: Any) -> bool:
        if self.minimum is not None:
            order = compare(value, self.minimum)
            if order < 0 or (order == 0 and not self.minimum_inclusive):
                return False
        if self.maximum is not None:
            order = compare(value, self.maximum)
            if order > 0 or (order == 0 and not self.maximum_inclusive):
                return False
        return True

    def _admits_text(self, value: Any) -> bool:
        textual = (
            self.min_length is not None
            or self.max_length is not None
            or self.like
            or self.not_like
            or self.case
            or self.trimmed
        )
        if not textual:
            return True
        if not isinstance(value, str):
            return False
        if self.min_length is not None and len(value) < self.min_length:
            return False
        if self.max_length is not None and len(value) > self.max_length:
            return False
        if self.case == "lower" and value != value.lower():
            return False
        if self.case == "upper" and value != value.upper():
            return False
        if self.trimmed and value != value.strip(" "):
            return False
        if not all(like_matches(value, p, insensitive=False) for p in self.like):
            return False
        return not any(like_matches(value, p, insensitive=True) for p in self.not_like)


def _chain(parts: Sequence[str], contains: Callable[[str, str], bool]) -> bool:
    """True when the longest of ``parts`` starts (ends) with every other one."""
    longest = max(parts, key=len)
    return all(contains(longest, part) for part in parts)


def _has_wildcard(pattern: str) -> bool:
    return "%" in pattern or "_" in pattern


def _tighter(a: tuple[Any, bool], b: tuple[Any, bool], direction: int) -> tuple[Any, bool]:
    """The tighter of two bounds: larger minimum (direction 1) or smaller maximum (-1)."""
    if a[0] is None:
        return b
    if b[0] is None:
        return a
    try:
        order = compare(a[0], b[0]) * direction
    except CannotTell:
        return a
    if order > 0:
        return a
    if order < 0:
        return b
    return a[0], a[1] and b[1]


def _intersect(a: tuple[Any, ...] | None, b: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
    if a is None:
        return b
    if b is None:
        return a
    return tuple(x for x in a if any(same(x, y) for y in b))


def _union(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
    out = list(a)
    for item in b:
        if not any(same(item, known) or item == known for known in out):
            out.append(item)
    return tuple(out)


def _pick(a: int | None, b: int | None, choose: Callable[[int, int], int]) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return choose(a, b)
