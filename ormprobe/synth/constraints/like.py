"""LIKE patterns: matching them in Python, and the literal text they require at either end.

``%`` is any run of characters and ``_`` any one character. Matching here is done on a
pattern as a value, never on SQL text; whether the database compares case-sensitively is
the caller's question (see :mod:`ormprobe.synth.constraints.evaluation`).
"""

from __future__ import annotations

import functools
import re


def like_matches(value: str, pattern: str, *, insensitive: bool, escape: str | None = None) -> bool:
    """Whether ``value`` matches the LIKE ``pattern``."""
    return _like_regex(pattern, insensitive, escape).fullmatch(value) is not None


@functools.lru_cache(maxsize=512)
def _like_regex(pattern: str, insensitive: bool, escape: str | None) -> re.Pattern[str]:
    """Translate a LIKE pattern (not SQL) into an anchored Python pattern."""
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if insensitive else 0))


def literal_head(pattern: str) -> str:
    """Literal text a LIKE pattern requires at the start (up to its first wildcard)."""
    cut = min((i for i, c in enumerate(pattern) if c in "%_"), default=len(pattern))
    return pattern[:cut]


def literal_tail(pattern: str) -> str:
    """Literal text a LIKE pattern with a ``%`` requires at the end."""
    if "%" not in pattern:
        return ""
    return literal_head(pattern[::-1])[::-1]


def apply_case(text: str, case: str | None) -> str:
    """``text`` in the letter case a CHECK requires (``"lower"``/``"upper"``); as is for None."""
    if case == "lower":
        return text.lower()
    if case == "upper":
        return text.upper()
    return text
