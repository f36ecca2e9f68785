"""Per column: the value provider, and the counter every factory writing the column shares.

Providers come from :mod:`ormprobe.synth.values`, with the column's CHECK domain and
uniqueness applied. The counter is per column, not per factory, because the subclasses of
a single-table hierarchy write the same column: unique values must never meet.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

from ormprobe.errors import SynthesisError
from ormprobe.graph import ColumnInfo, ModelInfo
from ormprobe.synth import values
from ormprobe.synth.factories.keys import explicit_key_base
from ormprobe.synth.factories.tables import TableRules

# Values of a column's own provider offered to the candidate search, before boundaries.
_PROVIDER_SAMPLES = 12


class ColumnValues:
    """The providers and counters of the graph's columns, made on first use."""

    def __init__(self, rules: TableRules) -> None:
        self._rules = rules
        self._providers: dict[tuple[str, str], values.Provider] = {}
        # One counter per column, shared by every factory writing that column (the
        # subclasses of a single-table hierarchy), so unique values never meet.
        self._counters: dict[tuple[str, str], Iterator[int]] = {}

    def provider(self, model: ModelInfo, column: ColumnInfo) -> values.Provider:
        """The value provider of ``column`` (cached; CHECK domains and uniqueness applied).

        Raises:
            SynthesisError: no provider handles the type, or the CHECKs admit no value.
        """
        key = (column.table, column.name)
        if key not in self._providers:
            self._providers[key] = values.provider_for(
                column,
                model=model.name,
                unique=self._rules.must_be_unique(column),
                domain=self._rules.analysis(column.table).domains.get(column.name),
                # A TypeDecorator may bind differently per backend (load_dialect_impl).
                dialect=self._rules.dialect,
            )
        return self._providers[key]

    def counter(self, column: ColumnInfo) -> Iterator[int]:
        return self._counters.setdefault((column.table, column.name), itertools.count())

    def next_explicit_key(self, column: ColumnInfo) -> int:
        """The next key of ``column`` counting down (see :mod:`.keys`)."""
        return explicit_key_base(column) - next(self.counter(column))

    def samples(self, column: ColumnInfo) -> list[tuple[str, Any]]:
        """Fresh values of the column's own provider, and simpler variants of its text:
        plausible, and unique if need be (the provider never repeats a sequence number)."""
        provider = self._providers.get((column.table, column.name))
        if provider is None:
            return []
        samples: list[tuple[str, Any]] = []
        counter = self.counter(column)
        for _ in range(_PROVIDER_SAMPLES):
            try:
                value = provider(values.context(next(counter)))
            except SynthesisError:  # a unique column out of values: the others may do
                break
            samples.append(("provider", value))
            if isinstance(value, str):
                samples.extend(_text_variants(value))
        return samples


def _text_variants(text: str) -> list[tuple[str, str]]:
    """Simpler shapes of a text value: CHECKs often forbid punctuation or a letter case."""
    plain = re.sub(r"[^0-9A-Za-z]", "", text)
    return [
        ("provider/alnum", plain),
        ("provider/lower", plain.lower()),
        ("provider/upper", plain.upper()),
        ("provider/letters", re.sub(r"[^A-Za-z]", "", text).lower()),
    ]
