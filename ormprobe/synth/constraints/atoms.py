"""The solver's vocabulary: atoms, each one requirement, and alternatives, atoms that satisfy a CHECK."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ormprobe.synth.constraints.compare import Op
from ormprobe.synth.constraints.domain import Domain
from ormprobe.synth.constraints.relation import Relation
from ormprobe.synth.constraints.terms import Term

# How many OR-branch combinations to try per CHECK before declaring it unsolved; CHECKs
# with dozens of ORs exist, and the database oracle is a better use of time than 2**n.
MAX_ALTERNATIVES = 64


@dataclass(frozen=True, slots=True)
class DomainAtom:
    """A requirement on one column's own values."""

    column: str
    domain: Domain


@dataclass(frozen=True, slots=True)
class RelationAtom:
    """A requirement between two columns of the row."""

    relation: Relation


@dataclass(frozen=True, slots=True)
class TruthAtom:
    """A predicate that is constant: ``1 = 1``, ``x = NULL``; False makes its branch impossible."""

    value: bool


Atom = DomainAtom | RelationAtom | TruthAtom


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way to satisfy (part of) a CHECK: atoms that together imply it."""

    atoms: tuple[Atom, ...]
    complete: bool

    @property
    def wants_null(self) -> bool:
        return any(isinstance(a, DomainAtom) and a.domain.null_only for a in self.atoms)


NOT_UNDERSTOOD = Alternative((), complete=False)


def domain_atom(term: Term, domain: Domain) -> DomainAtom:
    """``domain`` for the term's column, plus what the term's wrapper demands (``lower(x) = x``)."""
    flags = {
        "lower": Domain(case="lower"),
        "upper": Domain(case="upper"),
        "trim": Domain(trimmed=True),
    }
    if term.wrapper is not None:
        domain = domain.merge(flags[term.wrapper])
    return DomainAtom(term.column, domain)


def bound_domain(op: Op, value: Any) -> Domain:
    """The domain of values ``v`` with ``v op value``."""
    if op == "=":
        return Domain(allowed=(value,))
    if op == "!=":
        empty = isinstance(value, str) and value == ""
        return Domain(excluded=(value,), min_length=1 if empty else None)
    inclusive = op in ("<=", ">=")
    if op in ("<", "<="):
        return Domain(maximum=value, maximum_inclusive=inclusive)
    return Domain(minimum=value, minimum_inclusive=inclusive)
