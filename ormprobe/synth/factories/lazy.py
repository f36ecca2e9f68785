"""The factory_boy declarations ormprobe's runtime factories use, typed for mypy.

factory_boy has no type hints; these wrappers keep its untyped calls in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import factory.declarations


def lazy_function(function: Callable[[], Any]) -> Any:
    return factory.declarations.LazyFunction(function)  # type: ignore[no-untyped-call]


def lazy_attribute(function: Callable[[Any], Any]) -> Any:
    return factory.declarations.LazyAttribute(function)  # type: ignore[no-untyped-call]


def self_attribute(path: str) -> Any:
    return factory.declarations.SelfAttribute(path)  # type: ignore[no-untyped-call]


def sequence(function: Callable[[int], Any]) -> Any:
    return factory.declarations.Sequence(function)  # type: ignore[no-untyped-call]
