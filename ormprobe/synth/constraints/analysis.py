"""Analysing a table's CHECKs: :func:`analyze_checks` -> :class:`CheckAnalysis`.

One alternative is chosen per CHECK such that all of them hold together (a bounded
depth-first search), giving a domain per column and the relations between columns.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlglot import exp

from ormprobe.graph import ConstraintInfo, TableInfo
from ormprobe.synth.constraints.alternatives import alternatives_of
from ormprobe.synth.constraints.atoms import (
    MAX_ALTERNATIVES,
    Alternative,
    Atom,
    DomainAtom,
    RelationAtom,
    TruthAtom,
)
from ormprobe.synth.constraints.domain import Domain
from ormprobe.synth.constraints.parsing import parse_check
from ormprobe.synth.constraints.propagation import feasible, propagate
from ormprobe.synth.constraints.relation import Relation
from ormprobe.synth.constraints.terms import TableColumns


@dataclass(frozen=True, slots=True)
class CheckAnalysis:
    """What the CHECK constraints of one table require.

    Attributes:
        domains: per column (database name), what its own values must satisfy; columns
            no CHECK restricts are absent.
        relations: column-vs-column comparisons the row must satisfy.
        unsolved: names (or the text, for unnamed ones) of CHECKs that could not be
            turned into domains and relations; use the database as the oracle for them.
        solved: names (or text) of CHECKs fully covered by ``domains`` and ``relations``.
        needs_values: columns passed as ``unset`` to :func:`analyze_checks` that a CHECK
            relates to columns the row sets, with no branch that does without them:
            the row must give them values too.
    """

    domains: Mapping[str, Domain] = field(default_factory=dict)
    relations: tuple[Relation, ...] = ()
    unsolved: tuple[str, ...] = ()
    solved: tuple[str, ...] = ()
    needs_values: tuple[str, ...] = ()

    def domain(self, column: str) -> Domain:
        """The domain of ``column`` (an unconstrained one when no CHECK names it)."""
        return self.domains.get(column, Domain())


@dataclass(frozen=True, slots=True)
class _State:
    domains: Mapping[str, Domain]
    relations: tuple[Relation, ...]

    def add(self, atoms: Sequence[Atom], table: TableColumns, check: str) -> _State | None:
        """The state with ``atoms`` added, or None if they contradict it."""
        domains = dict(self.domains)
        relations = list(self.relations)
        for atom in atoms:
            if isinstance(atom, TruthAtom):
                if not atom.value:
                    return None
            elif isinstance(atom, RelationAtom):
                relations.append(replace(atom.relation, check=check))
            else:
                known = domains.get(atom.column, Domain())
                if known.case and atom.domain.case and known.case != atom.domain.case:
                    return None  # lower- and upper-case at once: only letterless text
                merged = known.merge(atom.domain)
                if not feasible(merged, table.columns[atom.column]):
                    return None
                domains[atom.column] = merged
        if relations and propagate(domains, relations, table.columns) is None:
            return None
        return _State(domains, tuple(relations))


def analyze_checks(
    table: TableInfo, dialect: str | None = None, *, unset: Collection[str] = ()
) -> CheckAnalysis:
    """Turn the CHECK constraints of ``table`` into per-column domains and relations.

    Each CHECK is parsed with sqlglot (``dialect`` first, then sqlglot's default
    dialect). ``OR`` is solved by picking one satisfiable branch; ``NOT`` is pushed
    inwards. A CHECK none of whose branches can be read completely is listed in
    ``unsolved``; the parts of it that must hold regardless (top-level ``AND``
    conjuncts that were read) still narrow the domains.

    ``unset`` names the columns the caller will leave to the database or to SQLAlchemy
    (a ``server_default``, a Python ``default``): their values are unknown when the row is
    built, so a branch that relates a set column to one of them can't be made to hold.
    For a CHECK that mixes both kinds, branches over set columns only are preferred
    (``finished_at IS NULL OR finished_at >= started_at`` with ``started_at`` filled by
    ``now()`` keeps ``finished_at`` NULL); when there is none, the unset columns it names
    are listed in ``needs_values``: the caller must give them values after all.

    Args:
        table: the table, as :func:`ormprobe.introspect.build_graph` describes it.
        dialect: SQLAlchemy dialect name (``postgresql``, ``mysql``, ``sqlite``...).
        unset: database names of columns whose values the row will not carry.

    Returns:
        The :class:`CheckAnalysis`; never raises for unreadable CHECK text.
    """
    left_out = frozenset(unset)
    forced: set[str] = set()
    # Forcing a column to be set can unblock branches of other CHECKs that name it, so
    # solve again until no more columns are forced (at most once per column).
    for _ in range(len(left_out) + 1):
        analysis, needed = _analyze(table, dialect, left_out - forced)
        if not needed:
            return replace(analysis, needs_values=tuple(sorted(forced)))
        forced.update(needed)
    return replace(analysis, needs_values=tuple(sorted(forced)))


def _analyze(table: TableInfo, dialect: str | None, unset: frozenset[str]) -> tuple[CheckAnalysis, set[str]]:
    """One pass of :func:`analyze_checks`; also the unset columns some CHECK can't do without."""
    cols = TableColumns.of(table.columns)
    readable: list[_Check] = []
    unsolved: list[str] = []
    trees: list[tuple[str, exp.Expression]] = []
    needed: set[str] = set()
    for check in table.constraints:
        if check.kind != "check":
            continue
        label = _label(check)
        tree = parse_check(check.sqltext, dialect) if check.sqltext else None
        options = () if tree is None else _complete_alternatives(tree, cols)
        if options and tree is not None and unset:
            options, blocked = _prefer_set_columns(tree, options, cols, unset)
            needed.update(blocked)
        if options:
            readable.append(_Check(label, options))
        else:
            unsolved.append(label)
            if tree is not None:
                trees.append((label, tree))
    state, solved = _solve_together(readable, cols)
    unsolved.extend(c.label for c in readable if c.label not in solved)
    for label, tree in trees:
        state = _add_necessary(tree, cols, state, label)
    analysis = CheckAnalysis(dict(state.domains), state.relations, tuple(unsolved), tuple(solved))
    return analysis, needed


def _prefer_set_columns(
    tree: exp.Expression,
    options: tuple[Alternative, ...],
    table: TableColumns,
    unset: frozenset[str],
) -> tuple[tuple[Alternative, ...], set[str]]:
    """The options that don't rely on unset columns, or all of them and those columns.

    A CHECK over unset columns alone is left as it is: the row can't influence it, and
    the default that fills the column is the model author's promise that it holds.
    """
    named = {name for node in tree.find_all(exp.Column) if (name := table.resolve(node))}
    if not named & unset or not named - unset:
        return options, set()
    usable = tuple(option for option in options if not _relies_on(option, unset))
    if usable:
        return usable, set()
    return options, named & unset


def _relies_on(option: Alternative, unset: frozenset[str]) -> bool:
    for atom in option.atoms:
        if isinstance(atom, RelationAtom) and {atom.relation.left, atom.relation.right} & unset:
            return True
        if isinstance(atom, DomainAtom) and atom.column in unset:
            return True
    return False


def _label(check: ConstraintInfo) -> str:
    return check.name or check.sqltext or "<CHECK without text>"


@dataclass(frozen=True, slots=True)
class _Check:
    """A CHECK that can be read: its label and the complete ways to satisfy it."""

    label: str
    options: tuple[Alternative, ...]


def _complete_alternatives(tree: exp.Expression, table: TableColumns) -> tuple[Alternative, ...]:
    try:
        found = itertools.islice(alternatives_of(tree, table, False), MAX_ALTERNATIVES)
        return tuple(alt for alt in found if alt.complete)
    except RecursionError:
        return ()


# How many branch combinations the search across a table's CHECKs may try.
_SEARCH_BUDGET = 2000


def _solve_together(checks: Sequence[_Check], table: TableColumns) -> tuple[_State, list[str]]:
    """One alternative per CHECK such that all hold together (depth-first, bounded).

    Choosing each CHECK's first feasible branch on its own can paint a later CHECK into
    a corner (``i > 5 OR i < 0`` then ``i < j AND j < 3``), so choices are revisited.
    When the budget runs out, CHECKs are taken one at a time and the ones that don't
    fit are left unsolved.
    """
    budget = [_SEARCH_BUDGET]
    found = _search(checks, 0, _State({}, ()), table, budget)
    if found is not None:
        return found, [c.label for c in checks]
    state = _State({}, ())
    solved = []
    for check in checks:
        for option in check.options:
            added = state.add(option.atoms, table, check.label)
            if added is not None:
                state = added
                solved.append(check.label)
                break
    return state, solved


def _search(
    checks: Sequence[_Check], index: int, state: _State, table: TableColumns, budget: list[int]
) -> _State | None:
    if index == len(checks):
        return state
    check = checks[index]
    for option in check.options:
        budget[0] -= 1
        if budget[0] < 0:
            return None
        added = state.add(option.atoms, table, check.label)
        if added is None:
            continue
        found = _search(checks, index + 1, added, table, budget)
        if found is not None:
            return found
    return None


def _add_necessary(tree: exp.Expression, table: TableColumns, state: _State, label: str) -> _State:
    """Fold in the top-level AND conjuncts of an unsolved CHECK that must hold anyway."""
    for part in _conjuncts(tree):
        try:
            alternatives = list(itertools.islice(alternatives_of(part, table, False), 2))
        except RecursionError:
            continue
        if len(alternatives) == 1 and alternatives[0].complete:
            added = state.add(alternatives[0].atoms, table, label)
            if added is not None:
                state = added
    return state


def _conjuncts(node: exp.Expression) -> Iterator[exp.Expression]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        yield from _conjuncts(node.this)
        yield from _conjuncts(node.expression)
    else:
        yield node
