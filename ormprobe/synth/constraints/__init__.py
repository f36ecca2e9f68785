"""CHECK constraints: parse them with sqlglot, evaluate them in Python, solve the simple ones.

A CHECK is read as a tree (sqlglot), never with regular expressions, and is used three ways:

- :func:`evaluate` runs it in Python against a candidate row, with SQL's three-valued
  logic (a CHECK whose result is NULL passes). When the answer depends on something
  Python can't know the same way every database does (an unknown function, the
  collation of a mixed-case string comparison, case-sensitivity of ``LIKE``), it says
  so (``None``) instead of guessing.
- :func:`analyze_checks` turns the CHECKs of a table into a :class:`Domain` per column
  (what its own values must satisfy) and :class:`Relation` s between two columns.
  Every domain is an *under*-approximation: any value inside it satisfies the CHECK
  branch that was chosen (for ``OR``, one satisfiable branch). A CHECK it can't read is
  listed in ``unsolved``; the caller then uses the database as the oracle.
- :func:`violating_value` finds one value that breaks a CHECK yet still fits the
  column's type, so a dynamic check can prove the database enforces it.

Values in a :class:`Domain` are the values the database stores (``'MINERAL'`` for an
``Enum(Kind)`` column that stores names), with dates and times as Python objects.
:func:`storage_value` converts an ORM attribute value to that form.

This package re-exports the public API; its modules, lowest layer first:

- ``decimals``, ``like``, ``compare``: exact numbers, LIKE patterns, SQL comparison.
- ``domain``, ``stepping``, ``relation``, ``column_types``: the data and what types allow.
- ``parsing``, ``sqlops``, ``evaluation``: reading a CHECK, running it in Python.
- ``terms``, ``atoms``, ``linear``, ``alternatives``: a CHECK tree as ways to satisfy it.
- ``propagation``, ``analysis``: choosing ways that hold together (:func:`analyze_checks`).
- ``satisfy``, ``violation``, ``oracle``: making relations hold, breaking a CHECK,
  candidates for the database to judge.
"""

from __future__ import annotations

from ormprobe.synth.constraints.analysis import CheckAnalysis, analyze_checks
from ormprobe.synth.constraints.column_types import (
    decimal_limit,
    fits_type,
    integer_range,
    storage_value,
    temporal_range,
    text_length,
    type_domain,
    value_kind,
)
from ormprobe.synth.constraints.compare import Op
from ormprobe.synth.constraints.domain import Domain
from ormprobe.synth.constraints.evaluation import evaluate
from ormprobe.synth.constraints.oracle import Candidate, check_columns, repair_candidates
from ormprobe.synth.constraints.relation import Relation
from ormprobe.synth.constraints.satisfy import satisfy_relations
from ormprobe.synth.constraints.violation import violating_value

__all__ = [
    "Candidate",
    "CheckAnalysis",
    "Domain",
    "Op",
    "Relation",
    "analyze_checks",
    "check_columns",
    "decimal_limit",
    "evaluate",
    "fits_type",
    "integer_range",
    "repair_candidates",
    "satisfy_relations",
    "storage_value",
    "temporal_range",
    "text_length",
    "type_domain",
    "value_kind",
    "violating_value",
]
