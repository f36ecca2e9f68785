"""What every provider draws from: :class:`ValueContext` over factory_boy's Faker and generator.

Everything random comes from ``ctx.random`` and ``ctx.faker``, which are factory_boy's
shared generators; :func:`seed` reseeds both, so one seed reproduces a whole run.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import factory.faker
import factory.random
import faker


@dataclass(frozen=True, slots=True)
class ValueContext:
    """What every provider call gets.

    Attributes:
        faker: factory_boy's shared Faker (``factory.Faker._get_faker()``), so
            :func:`seed` seeds it.
        random: factory_boy's shared generator (``factory.random.randgen``).
        sequence: a per-column counter, different on every call for that column; unique
            columns mix it into their values. Must be >= 0.
    """

    faker: faker.Faker
    random: random.Random
    sequence: int


def context(sequence: int = 0) -> ValueContext:
    """A :class:`ValueContext` over factory_boy's shared Faker and random generator.

    Example:
        >>> context(3).sequence
        3
    """
    # factory_boy ships no annotations for these two; give them their real signatures.
    shared_faker: Callable[[], faker.Faker] = factory.faker.Faker._get_faker
    generator: random.Random = factory.random.randgen
    return ValueContext(shared_faker(), generator, sequence)


Provider = Callable[[ValueContext], Any]
"""Makes one value for a column from a :class:`ValueContext`."""


def seed(seed: int) -> None:
    """Reseed factory_boy's generator and Faker's together (reproducible runs).

    Example:
        >>> from ormprobe.synth.constraints.examples import example_column
        >>> from ormprobe.synth.values import provider_for
        >>> seed(7); a = provider_for(example_column())(context(0))
        >>> seed(7); b = provider_for(example_column())(context(0))
        >>> a == b
        True
    """
    reseed: Callable[[int], None] = factory.random.reseed_random
    reseed(seed)
