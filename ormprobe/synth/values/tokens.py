"""Sequence numbers as distinct values that don't look sequential: tokens, IPs, colours, UUIDs.

Distinct numbers always give distinct values, also under MySQL's case-insensitive
collations: tokens use lower-case letters only.
"""

from __future__ import annotations

import ipaddress
import uuid

from ormprobe.synth.values.randomness import ValueContext

# Letters and digits for sequence tokens. Lower case only: MySQL/MariaDB compare text
# case-insensitively by default, so "aB" and "Ab" would collide under a UNIQUE index.
TOKEN_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36_token(n: int, min_length: int = 1, max_length: int | None = None) -> str | None:
    """``n`` as a base-36 token of min..max characters; distinct n, distinct tokens.

    Lengths are used shortest first, so String(2) holds 36 + 36**2 = 1332 values.
    None when ``n`` doesn't fit in ``max_length`` characters.
    """
    length = max(min_length, 1)
    while max_length is None or length <= max_length:
        count = 36**length
        if n < count:
            digits = []
            for _ in range(length):
                n, digit = divmod(n, 36)
                digits.append(TOKEN_ALPHABET[digit])
            return "".join(reversed(digits))
        n -= count
        length += 1
    return None


def token_capacity(min_length: int, max_length: int) -> int:
    """How many tokens of ``min_length``..``max_length`` characters there are."""
    return sum(36**length for length in range(max(min_length, 1), max_length + 1))


def scramble(n: int, bits: int) -> int:
    """A bijection of 0..2**bits-1: distinct n stay distinct but stop looking sequential.

    Multiplying by an odd number is invertible modulo a power of two.
    """
    return int(((n + 1) * 2_654_435_761) % 2**bits)


def sequence_color(n: int) -> str:
    """A distinct ``#rrggbb`` colour per ``n``."""
    return f"#{scramble(n, 24):06x}"


def sequence_ip(n: int, version: int) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """A distinct private address per ``n``: 10.x.y.z, or fd00::n for IPv6."""
    if version == 6:
        return ipaddress.IPv6Address((0xFD00 << 112) + n + 1)
    return ipaddress.IPv4Address((10 << 24) + (n % (2**24 - 2)) + 1)


def random_uuid(ctx: ValueContext, n: int | None = None) -> uuid.UUID:
    """A random version-4 UUID; with ``n``, distinct per ``n``."""
    bits = ctx.random.getrandbits(128)
    if n is not None:
        # The low 48 bits (the "node") hold the sequence; version/variant bits stay valid.
        if n >= 2**48:
            raise OverflowError("sequence too large for a UUID")
        bits = (bits & ~(2**48 - 1)) | scramble(n, 48)
    return uuid.UUID(int=bits, version=4)
