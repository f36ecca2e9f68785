"""The text provider: lengths, LIKE patterns, letter case and uniqueness around a name rule.

A value is the rule's text (an e-mail address for ``email``...) fitted into what the
type and CHECKs leave: the literal parts of LIKE patterns around it, cut at a word
boundary, in the required case. A unique column gets the sequence number inside the
value's format where the format allows (``jmonroe.h@example.net``), else as a suffix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ormprobe.synth.constraints import text_length
from ormprobe.synth.constraints.like import apply_case, literal_head, literal_tail
from ormprobe.synth.values.choices import admitted_values, from_allowed
from ormprobe.synth.values.randomness import Provider, ValueContext
from ormprobe.synth.values.spec import ATTEMPTS, ColumnSpec
from ormprobe.synth.values.text_rules import GENERIC_RULE, TextRule, generic_text, text_rule
from ormprobe.synth.values.tokens import (
    TOKEN_ALPHABET,
    base36_token,
    random_uuid,
    scramble,
    sequence_color,
    sequence_ip,
    token_capacity,
)

# Text columns without a length get values up to this long: long enough to look real.
_UNBOUNDED_TEXT = 200


@dataclass(frozen=True, slots=True)
class _TextPlan:
    """Everything that shapes a text value: limits, heuristic, pattern, uniqueness."""

    spec: ColumnSpec
    rule: TextRule
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


def text_provider(spec: ColumnSpec, sa_type: Any, rule: TextRule | None = None) -> Provider:
    """Text of the column's length, LIKE patterns and case; ``rule`` overrides the name's."""
    plan = _TextPlan(
        spec=spec,
        rule=rule or text_rule(spec),
        max_length=text_limit(spec, sa_type),
        min_length=spec.domain.min_length or 0,
        pattern=_most_specific(spec.domain.like),
        head=max((literal_head(p) for p in spec.domain.like), key=len, default=""),
        tail=max((literal_tail(p) for p in spec.domain.like), key=len, default=""),
    )
    if spec.domain.allowed is not None:
        return from_allowed(
            spec, admitted_values(spec, [v for v in spec.domain.allowed if _text_fits(plan, v)])
        )
    _check_text_room(plan)
    return lambda ctx: _text_value(ctx, plan)


def text_limit(spec: ColumnSpec, sa_type: Any) -> int | None:
    """Most characters a value may have: the type's length or the CHECK's, the smaller."""
    limits = [n for n in (text_length(sa_type), spec.domain.max_length) if n is not None]
    return min(limits) if limits else None


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
            f"its CHECK needs at least {plan.min_length} characters but the column holds {plan.max_length}"
        )


def _text_value(ctx: ValueContext, plan: _TextPlan) -> str:
    spec = plan.spec
    n = spec.sequence(ctx) if spec.unique else None
    for attempt in range(ATTEMPTS):
        rule = plan.rule if attempt < ATTEMPTS // 2 else GENERIC_RULE
        value = _compose(ctx, plan, rule, n)
        if spec.domain.admits(value) and _text_fits(plan, value):
            return value
        if n is not None and rule is GENERIC_RULE and attempt > ATTEMPTS // 2 + 2:
            break
    raise spec.fail(
        "could not make a text value that satisfies its type and CHECK constraints; "
        f'set [tool.ormprobe.values] "{spec.target}"'
    )


def _compose(ctx: ValueContext, plan: _TextPlan, rule: TextRule, n: int | None) -> str:
    case = plan.spec.domain.case
    if plan.pattern is not None and "%" not in plan.pattern:
        return apply_case(_fill_underscores(ctx, plan, n), case)
    low, high = plan.room
    core = _core(ctx, plan, rule, n, low, high)
    shapes = [apply_case(s, case) for s in _shapes(plan, core, unique=n is not None)]
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


def _fill_pattern(pattern: str, core: str) -> str:
    """The first ``%`` takes ``core``; other ``%`` are empty; ``_`` becomes ``x``."""
    head, _, tail = pattern.partition("%")
    return head.replace("_", "x") + core + tail.replace("%", "").replace("_", "x")


def _fill_underscores(ctx: ValueContext, plan: _TextPlan, n: int | None) -> str:
    assert plan.pattern is not None
    holes = plan.pattern.count("_")
    if n is None:
        letters = [ctx.random.choice(TOKEN_ALPHABET) for _ in range(holes)]
    else:
        token = base36_token(n, holes, holes)
        if token is None:
            raise plan.spec.fail(f"its LIKE pattern leaves room for only {36**holes} distinct values")
        letters = list(token)
    chars = iter(letters)
    return "".join(next(chars) if c == "_" else c for c in plan.pattern)


def _core(
    ctx: ValueContext, plan: _TextPlan, rule: TextRule, n: int | None, low: int, high: int | None
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


def _plain_text(ctx: ValueContext, plan: _TextPlan, rule: TextRule, limit: int) -> str:
    text = _apply_rule_case(rule, rule.make(ctx, plan.spec, plan.max_length)).strip()
    if len(text) <= limit:
        return text
    if rule.exact:
        return generic_text(ctx, plan.spec, limit)[:limit]
    return _truncate(text, limit)


def _apply_rule_case(rule: TextRule, text: str) -> str:
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
    ctx: ValueContext, plan: _TextPlan, rule: TextRule, n: int, low: int, high: int | None
) -> str:
    style = rule.unique
    if style != "plain":
        made = _styled_unique(ctx, plan, rule, n)
        if made is not None and (high is None or len(made) <= high) and len(made) >= low:
            return made
    body_rule = rule if style in ("suffix", "underscore") else GENERIC_RULE
    return _suffixed(ctx, plan, body_rule, n, low, high)


def _styled_unique(ctx: ValueContext, plan: _TextPlan, rule: TextRule, n: int) -> str | None:
    """Values that stay plausible *and* unique: the sequence inside the format."""
    high = plan.room[1]
    token = base36_token(n)
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
        value = random_uuid(ctx, n)
        return str(value) if high is None or high >= 36 else value.hex
    if rule.unique == "ip":
        return str(sequence_ip(n, 6 if "ipv6" in plan.spec.words else 4))
    if rule.unique == "color":
        return sequence_color(n)
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
    return head + f"{scramble(n, 4 * width):0{width}x}"


def _suffixed(ctx: ValueContext, plan: _TextPlan, rule: TextRule, n: int, low: int, high: int | None) -> str:
    """``body-token``; the token after the last separator keeps values distinct."""
    separator = "_" if rule.unique == "underscore" else "-"
    body = _apply_rule_case(rule, rule.make(ctx, plan.spec, plan.max_length)).strip()
    token = base36_token(n)
    assert token is not None
    if rule.upper:
        token = token.upper()
    if high is None or len(body) + len(separator) + len(token) <= high:
        return _pad_body(body, separator, token, low)
    room = high - len(token) - len(separator)
    if room >= 1:
        return _pad_body(_truncate(body, room) or "x", separator, token, low)
    bare = base36_token(n, low, high)
    if bare is None:
        raise plan.spec.fail(
            f"a unique text of at most {high} characters has only "
            f"{token_capacity(low, high)} distinct values that every database tells apart "
            "(case-insensitive collations included); widen the column or drop UNIQUE"
        )
    return bare.upper() if rule.upper else bare


def _pad_body(body: str, separator: str, token: str, low: int) -> str:
    missing = low - len(body) - len(separator) - len(token)
    return f"{body}{'x' * max(missing, 0)}{separator}{token}"
