"""factory_boy factories for every model, built at runtime from the graph.

One ``SQLAlchemyModelFactory`` per model, persisting with ``flush`` (never commit) into
whatever session is bound with :meth:`Factories.bind`. Values come from
:mod:`ormprobe.synth.values`; parents that NOT NULL foreign keys require are created
through the parent's own factory — shared by every row of one top-level call, except
where a unique foreign key (a one-to-one) needs a parent of its own.

Three ways to make an object:

- ``create``: the object and its required parents, added and flushed;
- ``new``: a transient object whose required parents are created and linked, ready to
  be attached through a relationship under test (``unlinked`` leaves chosen FKs empty);
- ``build``: everything transient, no database (factory_boy's build strategy).

CHECK constraints are met in three layers. The solver in
:mod:`ormprobe.synth.constraints` turns most of them into value domains and
column-vs-column relations before a value is made. A CHECK it can't solve is evaluated
in Python on the finished row, and repaired there when Python can tell. When only the
database can tell, the row is inserted inside a SAVEPOINT and, if the database rejects
it, tried again with candidate values for the columns that CHECK names; what works is
remembered for later rows, and when nothing works a :class:`SynthesisError` names the
constraint and the ``[tool.ormprobe.values]`` way out.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import importlib
import inspect
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import factory.alchemy
import factory.declarations
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from ormprobe.errors import SynthesisError
from ormprobe.graph import ColumnInfo, ConstraintInfo, ModelGraph, ModelInfo, TableInfo
from ormprobe.synth import values
from ormprobe.synth.constraints import (
    Candidate,
    CheckAnalysis,
    analyze_checks,
    check_columns,
    evaluate,
    repair_candidates,
    satisfy_relations,
)
from ormprobe.synth.plan import Link, ModelPlan, build_plans, closes_cycle, required_order
from ormprobe.synth.source import ModuleHeader, render_module

__all__ = ["Factories", "seed"]

# The session every factory persists into, bound per case by Factories.bind().
_SESSION: contextvars.ContextVar[Any] = contextvars.ContextVar("ormprobe_session", default=None)
# What one top-level factory call shares with the parents it creates (see _Scope).
_SCOPE: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar(
    "ormprobe_scope", default=None
)
# Attributes the caller passed to the current factory call: never adjusted by ormprobe.
# Parents shared by every top-level call inside Factories.sharing(): one case of a check
# makes its objects with one set of parents, as an application's data would have.
_SHARED: contextvars.ContextVar[dict[tuple[str, str], Any] | None] = contextvars.ContextVar(
    "ormprobe_shared", default=None
)
_GIVEN: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "ormprobe_given", default=frozenset()
)

# Passed by new() for links the caller will make itself: the keyword is dropped before the
# model's constructor runs, so neither the relationship nor its FK columns are touched.
_UNSET = object()

# Explicit keys (for rows that reference themselves) count down from high values, so they
# never meet the keys an autoincrement counter hands out, even after it jumps past them.
_EXPLICIT_KEY_BASE = {"SmallInteger": 30_000, "SMALLINT": 30_000}
_DEFAULT_EXPLICIT_KEY_BASE = 2_000_000_000

# The database as oracle: inserts one row may try before giving up, in total and per CHECK.
# Candidates Python knows the database accepts come first, so one try is the usual cost.
_ROW_TRIALS = 48
_CHECK_TRIALS = 24
# Values of a column's own provider offered to the candidate search, before boundaries.
_PROVIDER_SAMPLES = 12

# How each database names the CHECK a row broke (SQLite names it, or quotes its text).
_CHECK_MESSAGES = (
    re.compile(r"CHECK constraint failed: (.+)$"),
    re.compile(r"violates check constraint \"([^\"]+)\""),
    re.compile(r"CONSTRAINT [`\"']([^`\"']+)[`\"'] failed"),
    re.compile(r"Check constraint [`\"']([^`\"']+)[`\"'] is violated"),
)
_PG_CHECK_VIOLATION = "23514"
_MYSQL_CHECK_VIOLATIONS = frozenset({3819, 4025})


def seed(value: int) -> None:
    """Reseed factory_boy and Faker together, so a run can be repeated exactly."""
    values.seed(value)


class _Factory(factory.alchemy.SQLAlchemyModelFactory):
    """Base of the generated factories: flush persistence and shared-parent scopes."""

    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"

    _ormprobe: ClassVar[Factories]
    _ormprobe_model: ClassVar[str] = ""

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        token = _GIVEN.set(frozenset(params))
        try:
            with _parent_scope() as scope:
                obj = super()._generate(strategy, params)  # type: ignore[no-untyped-call]
                if scope is not None:
                    cls._ormprobe._finish(scope)
                return obj
        finally:
            _GIVEN.reset(token)

    @classmethod
    def _build(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        return cls._ormprobe._construct(cls._ormprobe_model, model_class, kwargs)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        return cls._ormprobe._persist(cls._ormprobe_model, model_class, kwargs)


@dataclass
class _Scope:
    """What the rows of one top-level factory call share.

    Parents are added to the session but flushed together with the row that needs them:
    one unit of work per call instead of one per object (the ORM orders the INSERTs).

    Attributes:
        parents: shared parents, by (parent model, referenced table).
        assigned: parents a link must use whatever it is (the row a deferred-cycle parent
            points back at), by (parent model, referenced table).
        pending: objects added but not flushed yet.
        created: every object persisted in the call, with its model, for verification.
        depth: how many factory calls deep the current one is (1 = the caller's own).
    """

    parents: dict[tuple[str, str], Any] = field(default_factory=dict)
    assigned: dict[tuple[str, str], Any] = field(default_factory=dict)
    pending: list[Any] = field(default_factory=list)
    created: list[tuple[str, Any]] = field(default_factory=list)
    depth: int = 0


@dataclass(frozen=True, slots=True)
class _Column:
    """A column of one model's table, with the attribute that holds it."""

    info: ColumnInfo
    attribute: str


@dataclass
class _Memory:
    """What the database accepted for one CHECK only it could judge.

    Attributes:
        values: per column that may repeat, the accepted value: reused as it is.
        sources: per unique column, the kind of candidate accepted (``provider/alnum``):
            later rows try fresh candidates of that kind first.
    """

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


@dataclass
class _Search:
    """The candidate search for one CHECK the database rejected while inserting one row.

    Attributes:
        table: the CHECK's table.
        check: the CHECK.
        base: the row (attribute keys) when the CHECK first failed; candidates change it.
        candidates: what is left to try, as (attribute, candidate).
        tried: how many candidates the database has rejected.
        chosen: the candidate in the row now.
    """

    table: str
    check: ConstraintInfo
    base: dict[str, Any]
    candidates: Iterator[tuple[str, Candidate]]
    tried: int = 0
    chosen: tuple[str, Candidate] | None = None


class Factories:
    """The synthesized factories of one graph.

    Attribute access gives the factory class of a model (``factories.Agent.create()``).

    Attributes:
        graph: the models.
        dialect: the SQLAlchemy dialect name CHECKs are parsed for.
        overrides: ``[tool.ormprobe.values]``: ``"Model.attr"`` -> literal or
            ``"module:callable"``.
        plans: per model, its values and required parents.
        session: the session to persist into when none is bound with :meth:`bind`.
        verify: after every create, check with a SELECT per foreign key that each link
            points at an existing row (costs statements; for tests).

    Example:
        >>> # with factories.bind(session):
        >>> #     agent = factories.Agent.create()      # workspace created too
        >>> #     run = factories.new("AgentRun", unlinked={"agent_run.agent_id"})
    """

    def __init__(
        self,
        graph: ModelGraph,
        *,
        overrides: Mapping[str, Any] | None = None,
        dialect: str | None = None,
        verify: bool = False,
    ) -> None:
        self.graph = graph
        self.dialect = dialect
        self.overrides = dict(overrides or {})
        self.plans: dict[str, ModelPlan] = build_plans(graph)
        self.session: Any = None
        self.verify = verify
        self._factories: dict[str, type[_Factory]] = {}
        self._checks: dict[str, CheckAnalysis] = {}
        self._unsolved_checks: dict[str, tuple[ConstraintInfo, ...]] = {}
        self._providers: dict[tuple[str, str], values.Provider] = {}
        # One counter per column, shared by every factory writing that column (the
        # subclasses of a single-table hierarchy), so unique values never meet.
        self._counters: dict[tuple[str, str], Iterator[int]] = {}
        # What the database accepted for CHECKs only it could judge, per (table, check),
        # and the values unique columns got from candidates (never to be repeated).
        self._learned: dict[tuple[str, str], _Memory] = {}
        self._used: dict[tuple[str, str], set[tuple[str, str]]] = {}
        self._probe_tables: dict[str, sa.Table] = {}
        self._model_of_class = {m.class_: m.name for m in graph.models if m.class_ is not None}

    # -- public API ------------------------------------------------------------------

    def __getattr__(self, name: str) -> type[_Factory]:
        if name.startswith("_") or not self.graph.has_model(name):
            raise AttributeError(
                f"no model named {name!r}; models: {', '.join(m.name for m in self.graph.models)}"
            )
        return self.factory(name)

    def __dir__(self) -> list[str]:
        return sorted(m.name for m in self.graph.models)

    def factory(self, model: str) -> type[_Factory]:
        """The factory class of ``model`` (created on first use).

        Raises:
            SynthesisError: when the model's required parents form an unbreakable cycle.
        """
        if model not in self._factories:
            required_order(self.plans, self.plans[model].concrete)
            self._factories[model] = self._make_factory(self.plans[model])
        return self._factories[model]

    @contextlib.contextmanager
    def bind(self, session: Any) -> Iterator[Factories]:
        """Make every factory persist into ``session`` inside the block."""
        token = _SESSION.set(session)
        try:
            yield self
        finally:
            _SESSION.reset(token)

    @contextlib.contextmanager
    def sharing(self) -> Iterator[None]:
        """Inside the block, every call reuses the required parents earlier calls made
        (except where a unique key needs a parent of its own): far fewer rows per test."""
        token = _SHARED.set({})
        try:
            yield
        finally:
            _SHARED.reset(token)

    def create(self, model: str, **overrides: Any) -> Any:
        """A persisted (flushed) object of ``model`` with its required parents."""
        return self.factory(model).create(**overrides)

    def new(self, model: str, *, unlinked: Iterable[str] = (), **overrides: Any) -> Any:
        """A transient object whose required parents exist, except for ``unlinked`` FKs.

        Args:
            model: the model.
            unlinked: ``table.column`` names of FK columns to leave empty, because the
                caller links them itself (through the relationship under test).
            overrides: attribute values.
        """
        plan = self.plans[model]
        skip = set(unlinked)
        for link in plan.links:
            if link.columns & skip:
                overrides.setdefault(_link_key(link), _UNSET)
                for attribute in link.attributes:
                    overrides.setdefault(attribute, _UNSET)
        if _bound_session(self) is None:
            raise SynthesisError(
                "Factories.new() needs a session: use `with factories.bind(session):`"
            )
        return self.factory(model).build(**overrides)

    def build(self, model: str, **overrides: Any) -> Any:
        """A transient object with transient parents (no database)."""
        return self.factory(model).build(**overrides)

    def verify_links(self, obj: Any, model: str | None = None) -> int:
        """Check that every foreign key of a flushed ``obj`` points at an existing row.

        One ``SELECT`` per filled foreign key (per referenced table, when several keys
        point into one), in the bound session; a NULL in a required link is an error
        too. Use it in tests (or ``Factories(verify=True)``): the database enforces
        foreign keys anyway, this proves ormprobe linked what it meant.

        Args:
            obj: a persisted object made by these factories (or any mapped object of
                the graph).
            model: its model name, when the class is mapped more than once.

        Returns:
            How many links were checked.

        Raises:
            SynthesisError: a required link is NULL, or a link points at no row.
        """
        return self._verify([(model, obj)])

    def _verify(self, made: Iterable[tuple[str | None, Any]]) -> int:
        """Verify the links of several objects with one SELECT per referenced table."""
        wanted: dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], str]] = {}
        for model, obj in made:
            for link, keys, owner in self._filled_links(obj, model):
                group = wanted.setdefault((link.fk.target_table, link.fk.target_columns), {})
                group.setdefault(keys, f"{owner}.{'/'.join(link.attributes)}")
        session = self._session()
        for (table, columns), owners in wanted.items():
            found = _existing_keys(session, self._probe_table(table), columns, list(owners))
            for missing, owner in owners.items():
                if missing not in found:
                    raise SynthesisError(
                        f"{owner} = {missing!r} points at no row of {table}",
                        target=owner.partition(".")[0],
                    )
        return sum(len(owners) for owners in wanted.values())

    def _filled_links(
        self, obj: Any, model: str | None
    ) -> Iterator[tuple[Link, tuple[Any, ...], str]]:
        """(link, key values, model) of every filled foreign key of ``obj``.

        Raises:
            SynthesisError: a required link is NULL.
        """
        name = model or self._model_of_class.get(type(obj))
        if name is None:
            raise SynthesisError(f"{type(obj).__name__} is not a model of this graph")
        for link in self.plans[self.plans[name].concrete].links:
            keys = tuple(getattr(obj, attribute) for attribute in link.attributes)
            if all(key is not None for key in keys):
                yield link, keys, name
            elif link.required:
                raise SynthesisError(
                    f"{name}.{'/'.join(link.attributes)} is NULL, but "
                    f"{link.fk.name or link.fk.table} requires a parent",
                    target=name,
                )

    def _probe_table(self, name: str) -> sa.Table:
        if name not in self._probe_tables:
            self._probe_tables[name] = _probe_table(self.graph.table(name))
        return self._probe_tables[name]

    # -- factory source (``ormprobe factories``) ----------------------------------------

    def source_module(self, header: ModuleHeader) -> str:
        """A standalone factory_boy module for every model, as :mod:`.source` renders it."""
        declarations = {
            m.name: self.declarations(m.name)
            for m in self.graph.models
            if self.plans[m.name].concrete == m.name and m.configured
        }
        assigning = [
            model
            for model, declared in declarations.items()
            if not self._takes_keywords(model, declared)
        ]
        return render_module(self.graph, self.plans, declarations, header, assigning=assigning)

    def declarations(self, model: str) -> dict[str, values.Declaration]:
        """The values of ``model``'s factory as factory_boy source, by attribute.

        The same decisions as the runtime factories: which columns get values, their
        providers (described by :func:`ormprobe.synth.values.describe`), explicit keys
        for rows that point at themselves, ``[tool.ormprobe.values]`` overrides, and
        CHECK relations as ``LazyAttribute`` s. A CHECK ormprobe could not solve gets a
        value Python knows it accepts when there is one, and a note either way.
        """
        plan = self.plans[model]
        info = self.graph.model(plan.concrete)
        overrides = self._overrides_for(plan.concrete)
        out: dict[str, values.Declaration] = {}
        for column in self._valued_columns(plan):
            assert column.attribute is not None
            out[column.attribute] = self._declaration(info, plan, column)
        for link in plan.required_links:
            if closes_cycle(self.plans, plan.concrete, link):
                out[link.attributes[0]] = _deferred_key_source(self.graph, link)
        for table in info.tables:
            self._relation_declarations(plan.concrete, table, out, overrides)
            self._unsolved_declarations(plan.concrete, table, out, overrides)
        for attribute, (key, override) in overrides.items():
            out[attribute] = _override_source(key, override)
        return out

    def _declaration(
        self, info: ModelInfo, plan: ModelPlan, column: ColumnInfo
    ) -> values.Declaration:
        if self._explicit_key(plan, column):
            base = _explicit_key_base(column)
            return values.Declaration(
                f"factory.Sequence(lambda n: {base:_} - n)",
                note="set explicitly: the row points at itself, so its key must be known",
            )
        try:
            return values.describe(
                column,
                model=info.name,
                unique=self.must_be_unique(column),
                domain=self._analysis(column.table).domains.get(column.name),
                provider=self.provider(info, column),
            )
        except SynthesisError as exc:
            return values.Declaration("None", note=f"ormprobe has no value: {exc}")

    def _overrides_for(self, model: str) -> dict[str, tuple[str, Any]]:
        lineage = self._lineage(model)
        return {
            key.partition(".")[2]: (key, value)
            for key, value in self.overrides.items()
            if key.partition(".")[0] in lineage
        }

    def _relation_declarations(
        self,
        model: str,
        table: str,
        out: dict[str, values.Declaration],
        overrides: Mapping[str, Any],
    ) -> None:
        """``ends_at = LazyAttribute(starts_at + 1 hour)`` for each column-vs-column CHECK."""
        columns = self._columns(model, table)
        derived: dict[str, str] = {}
        for relation in self._analysis(table).relations:
            left, right = columns.get(relation.left), columns.get(relation.right)
            if left is None or right is None or left.attribute in overrides:
                continue
            if left.attribute in derived or derived.get(right.attribute) == left.attribute:
                continue  # one rule per column, and never a cycle of LazyAttributes
            if out.get(left.attribute, _NONE).source == "None" or right.attribute not in out:
                continue
            made = values.relation_declaration(relation, left.info, right.attribute)
            if made is not None:
                out[left.attribute] = replace(made, optional=out[left.attribute].optional)
                derived[left.attribute] = right.attribute

    def _unsolved_declarations(
        self,
        model: str,
        table: str,
        out: dict[str, values.Declaration],
        overrides: Mapping[str, Any],
    ) -> None:
        """For a CHECK the solver left alone: a value Python knows passes, and a note."""
        columns = self._columns(model, table)
        info = self.graph.table(table)
        for check in self._unsolved(table):
            named = [
                n
                for n in check_columns(check, info, self.dialect)
                if n in columns and columns[n].attribute in out
            ]
            if not named or any(columns[n].attribute in overrides for n in named):
                continue
            note = f"CHECK {check.name or ''} ({check.sqltext}): make sure values pass it"
            chosen = self._passing_value(table, check, columns, named)
            column = columns[chosen.column if chosen is not None else named[0]]
            rendered = values.render_literal(chosen.value) if chosen is not None else None
            if rendered is not None and not self.must_be_unique(column.info):
                out[column.attribute] = values.Declaration(rendered[0], rendered[1], note=note)
            else:
                out[column.attribute] = replace(out[column.attribute], note=note)

    def _passing_value(
        self,
        table: str,
        check: ConstraintInfo,
        columns: Mapping[str, _Column],
        named: list[str],
    ) -> Candidate | None:
        """A value Python knows passes ``check``, for a row of the providers' values."""
        sample = {n: s[0][1] for n, c in columns.items() if (s := self._provider_samples(c.info))}
        found = self._candidates(table, check, columns, sample, ())
        return next((c for c in found if c.verdict is True and c.column in named), None)

    def _takes_keywords(self, model: str, declared: Mapping[str, Any]) -> bool:
        """Whether the model's constructor takes every attribute its factory sets."""
        info = self.graph.model(model)
        accepted = _keyword_parameters(info.class_)
        if accepted is None:
            return True
        names = set(declared)
        for link in self.plans[model].required_links:
            names.update([link.relationship] if link.relationship else link.attributes)
        return names <= accepted

    # -- factory classes -------------------------------------------------------------

    def _make_factory(self, plan: ModelPlan) -> type[_Factory]:
        model = self.graph.model(plan.concrete)
        declarations: dict[str, Any] = {}
        params: dict[str, Any] = {}
        for column in self._valued_columns(plan):
            assert column.attribute is not None
            declarations[column.attribute] = self._value_declaration(model, plan, column)
        for link in plan.required_links:
            if link.parent is not None:
                self._link_declarations(plan, link, declarations, params)
        for key, override in self.overrides.items():
            owner, _, attribute = key.partition(".")
            if owner in self._lineage(plan.concrete):
                declarations[attribute] = _override_declaration(key, override)
        meta = type("Meta", (), {"model": model.class_})
        attrs: dict[str, Any] = {
            "Meta": meta,
            "_ormprobe": self,
            "_ormprobe_model": plan.concrete,
            **declarations,
        }
        if params:
            attrs["Params"] = type("Params", (), params)
        return type(f"{model.class_.__name__}Factory", (_Factory,), attrs)

    def _link_declarations(
        self, plan: ModelPlan, link: Link, declarations: dict[str, Any], params: dict[str, Any]
    ) -> None:
        """How a row gets the parent of one required link."""
        pairs = list(zip(link.attributes, link.target_attributes, strict=True))
        if link.self_referential:
            declarations.update({attribute: _self_attribute(target) for attribute, target in pairs})
        elif closes_cycle(self.plans, plan.concrete, link):
            # The parent comes after the row (see _create_deferred_parents): the row
            # gets the key the parent will have.
            declarations[link.attributes[0]] = _lazy_function(
                functools.partial(self._deferred_key, plan.concrete, link)
            )
        elif link.relationship is not None:
            declarations[link.relationship] = _lazy_function(
                functools.partial(self._parent_for, link)
            )
        else:
            params[_link_key(link)] = _lazy_function(functools.partial(self._parent_for, link))
            for attribute, target in pairs:
                declarations.setdefault(
                    attribute, _lazy_attribute(_key_of(_link_key(link), target))
                )

    def _valued_columns(self, plan: ModelPlan) -> list[ColumnInfo]:
        """The columns a row gets values for: those left to nobody else, plus those a
        CHECK relates to them (a ``server_default`` that ``ends_at > starts_at`` needs)."""
        chosen = []
        for column in plan.columns:
            if column.attribute is None:
                continue
            forced = column.name in self._analysis(column.table).needs_values
            explicit = column.attribute in plan.explicit_key
            if explicit or forced or values.needs_value(column):
                chosen.append(column)
        return chosen

    def _value_declaration(self, model: ModelInfo, plan: ModelPlan, column: ColumnInfo) -> Any:
        counter = self._counter(column)
        if self._explicit_key(plan, column):
            base = _explicit_key_base(column)
            return _lazy_function(lambda: base - next(counter))
        provider = self.provider(model, column)
        return _lazy_function(lambda: provider(values.context(next(counter))))

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
                unique=self.must_be_unique(column),
                domain=self._analysis(column.table).domains.get(column.name),
            )
        return self._providers[key]

    def analysis(self, table: str) -> CheckAnalysis:
        """What the CHECKs of ``table`` require, given the columns rows leave unset."""
        return self._analysis(table)

    def must_be_unique(self, column: ColumnInfo) -> bool:
        """True when the column is in a PRIMARY KEY, UNIQUE constraint or unique index."""
        if column.unique or column.primary_key:
            return True
        table = self.graph.table(column.table)
        return any(
            c.kind in ("unique", "primary_key") and column.name in c.columns
            for c in table.constraints
        ) or any(i.unique and column.name in i.columns for i in table.indexes)

    def _explicit_key(self, plan: ModelPlan, column: ColumnInfo) -> bool:
        """A key column set by the factory, counting down (see _EXPLICIT_KEY_BASE)."""
        return column.attribute in plan.explicit_key or (
            column.primary_key and not values.needs_value(column)
        )

    def _counter(self, column: ColumnInfo) -> Iterator[int]:
        return self._counters.setdefault((column.table, column.name), itertools.count())

    def _lineage(self, model: str) -> set[str]:
        """The model and the models it inherits from: overrides of a base apply below."""
        names: set[str] = set()
        current: str | None = model
        while current is not None and current not in names:
            names.add(current)
            current = self.graph.model(current).inherits
        return names

    def _analysis(self, table: str) -> CheckAnalysis:
        if table not in self._checks:
            info = self.graph.table(table)
            unset = [c.name for c in info.columns if not values.needs_value(c)]
            self._checks[table] = analyze_checks(info, self.dialect, unset=unset)
        return self._checks[table]

    def _parent_for(self, link: Link) -> Any:
        assert link.parent is not None
        scope = _SCOPE.get()
        shared = _SHARED.get()
        key = (link.parent, link.fk.target_table)
        if scope is not None and key in scope.assigned:
            parent = scope.assigned[key]
        elif not link.fresh and scope is not None and key in scope.parents:
            parent = scope.parents[key]
        elif not link.fresh and shared is not None and key in shared:
            parent = shared[key]
        else:
            parent_factory = self.factory(link.parent)
            session = _bound_session(self)
            parent = parent_factory.create() if session is not None else parent_factory.build()
            if not link.fresh and scope is not None:
                scope.parents[key] = parent
            if not link.fresh and shared is not None and session is not None:
                shared[key] = parent
        if link.relationship is None and scope is not None and scope.pending:
            # The row copies the parent's key itself: the parent must have one now.
            self._session().flush()
            scope.pending.clear()
        return parent

    # -- making one object -----------------------------------------------------------

    def _construct(self, model: str, model_class: type, kwargs: dict[str, Any]) -> Any:
        """A transient object from the declarations' values, CHECKs adjusted for."""
        return _instantiate(model_class, self._prepare(model, kwargs))

    def _persist(self, model: str, model_class: type, kwargs: dict[str, Any]) -> Any:
        """Add one object; flush it unless it is a parent the caller's row will flush.

        With CHECKs only the database can judge, the database is asked (inside a
        SAVEPOINT) before the object is kept.
        """
        session = self._session()
        row = self._prepare(model, kwargs)
        scope = _SCOPE.get()
        if self._needs_oracle(model, row):
            obj = self._insert_with_oracle(session, model, model_class, row)
        else:
            obj = _instantiate(model_class, row)
            session.add(obj)
            if scope is not None and scope.depth > 1:
                scope.pending.append(obj)
            else:
                session.flush()
        if scope is not None:
            scope.created.append((model, obj))
            self._create_deferred_parents(model, obj, scope)
        elif self.verify:
            self.verify_links(obj, model)
        return obj

    def _deferred_key(self, model: str, link: Link) -> Any:
        """The key a deferred-cycle link points at: the row being completed, when this
        row is the parent it creates; else the key its new parent will have."""
        scope = _SCOPE.get()
        completing = _assigned(scope, link)
        if completing is not None:
            return getattr(completing, link.target_attributes[0])
        return self._reserve_key(model, link)

    def _reserve_key(self, model: str, link: Link) -> Any:
        """The key a deferred-cycle parent will be created with, counted down like the
        explicit keys of self-referencing rows, so it never meets an autoincrement key."""
        if link.parent is None or len(link.fk.target_columns) != 1:
            raise SynthesisError(
                f"{model}: the DEFERRABLE cycle through {'/'.join(link.attributes)} has a "
                "composite key; set it in [tool.ormprobe.values]",
                target=model,
            )
        table = self.graph.table(link.fk.target_table)
        column = table.column(link.fk.target_columns[0])
        return _explicit_key_base(column) - next(self._counter(column))

    def _create_deferred_parents(self, model: str, obj: Any, scope: _Scope) -> None:
        """Create the parents of deferred-cycle links, pointing back at ``obj``.

        The row was inserted with the keys they will have (the database checks those
        foreign keys at commit); each parent's own link to the row reuses ``obj``.
        """
        plan = self.plans[model]
        given = _GIVEN.get()
        for link in plan.required_links:
            if link.attributes[0] in given or not closes_cycle(self.plans, model, link):
                continue
            if _assigned(scope, link) is not None:
                continue  # this row is itself the parent of the row it points at
            assert link.parent is not None
            if sa.inspect(obj).pending:
                self._session().flush()  # the parent copies this row's key
            for table in self.graph.model(model).tables:
                scope.assigned[(model, table)] = obj
            target = link.target_attributes[0]
            self.factory(link.parent).create(**{target: getattr(obj, link.attributes[0])})

    def _finish(self, scope: _Scope) -> None:
        """End a top-level call: flush the parents still pending, verify if asked."""
        session = _bound_session(self)
        if session is None:
            return
        if scope.pending:
            session.flush()
            scope.pending.clear()
        if self.verify:
            self._verify(scope.created)

    def _session(self) -> Any:
        session = _bound_session(self)
        if session is None:
            raise SynthesisError(
                "no session to create objects in: use `with factories.bind(session):` "
                "or ormprobe.factories(session)"
            )
        return session

    def _prepare(self, model: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The row as it will be inserted: relations made to hold, CHECKs repaired."""
        row = {key: value for key, value in kwargs.items() if value is not _UNSET}
        given = _GIVEN.get()
        for table in self.graph.model(model).tables:
            columns = self._columns(model, table)
            row = self._satisfy(table, columns, row, given)
            row = self._repair_in_python(table, columns, row, given)
        return row

    def _columns(self, model: str, table: str) -> dict[str, _Column]:
        """The model's columns in ``table``, by database name."""
        return {
            c.name: _Column(c, c.attribute)
            for c in self.graph.model(model).columns
            if c.table == table and c.attribute is not None
        }

    def _satisfy(
        self, table: str, columns: Mapping[str, _Column], row: dict[str, Any], given: frozenset[str]
    ) -> dict[str, Any]:
        """Make column-vs-column CHECKs (``ends_at > starts_at``) hold for this row."""
        analysis = self._analysis(table)
        if not analysis.relations:
            return row
        stored = _by_name(columns, row)
        fixed = [name for name, c in columns.items() if c.attribute in given]
        infos = {name: c.info for name, c in columns.items()}
        adjusted = satisfy_relations(stored, analysis, infos, fixed=fixed)
        return _write_back(columns, row, adjusted)

    def _repair_in_python(
        self, table: str, columns: Mapping[str, _Column], row: dict[str, Any], given: frozenset[str]
    ) -> dict[str, Any]:
        """Unsolved CHECKs Python can judge: reuse what the database accepted before,
        or pick a candidate Python knows it accepts. The rest is left to the oracle."""
        for check in self._unsolved(table):
            stored = _by_name(columns, row)
            verdict = self._verdict(check, columns, stored)
            if verdict is True and not self._collides(table, stored):
                continue
            memory = self._learned.get((table, _label(check)))
            if memory is not None and memory.values:
                reused = {
                    n: v for n, v in memory.values.items() if columns[n].attribute not in given
                }
                if self._verdict(check, columns, {**stored, **reused}) is not False:
                    row = _write_back(columns, row, reused)
                    continue
            frozen = [n for n, c in columns.items() if c.attribute in given]
            found = self._candidates(table, check, columns, stored, frozen)
            choice = next((c for c in found if c.verdict is True), None)
            if choice is None and memory is not None:
                # The database accepted values of this kind before: start from one.
                choice = next((c for c in found if memory.sources.get(c.column) == c.source), None)
            if choice is not None:
                self._use(table, choice)
                row = _write_back(columns, row, {choice.column: choice.value})
        return row

    def _unsolved(self, table: str) -> tuple[ConstraintInfo, ...]:
        if table not in self._unsolved_checks:
            unsolved = set(self._analysis(table).unsolved)
            self._unsolved_checks[table] = tuple(
                c
                for c in self.graph.table(table).constraints
                if c.kind == "check" and _label(c) in unsolved
            )
        return self._unsolved_checks[table]

    def _verdict(
        self, check: ConstraintInfo, columns: Mapping[str, _Column], stored: Mapping[str, Any]
    ) -> bool | None:
        if not check.sqltext:
            return None
        infos = {name: c.info for name, c in columns.items()}
        return evaluate(check.sqltext, stored, columns=infos, dialect=self.dialect)

    def _needs_oracle(self, model: str, row: Mapping[str, Any]) -> bool:
        """True when an unsolved CHECK of the row's tables is one Python can't vouch for."""
        for table in self.graph.model(model).tables:
            unsolved = self._unsolved(table)
            if not unsolved:
                continue
            columns = self._columns(model, table)
            stored = _by_name(columns, row)
            if any(self._verdict(check, columns, stored) is not True for check in unsolved):
                return True
        return False

    def _candidates(
        self,
        table: str,
        check: ConstraintInfo,
        columns: Mapping[str, _Column],
        stored: Mapping[str, Any],
        frozen: Iterable[str],
    ) -> list[Candidate]:
        """Values to try for the columns ``check`` names, most promising first.

        Keys and foreign keys stay as they are: changing them would break links and
        identities, not repair a CHECK. Values a unique column already got from a
        candidate are left out.
        """
        info = self.graph.table(table)
        linked = {name for fk in info.foreign_keys for name in fk.columns}
        held = {*frozen, *linked, *info.primary_key}
        named = [n for n in check_columns(check, info, self.dialect) if n not in held]
        extra = {n: self._provider_samples(columns[n].info) for n in named if n in columns}
        found = repair_candidates(
            check,
            info,
            stored,
            dialect=self.dialect,
            frozen=[c.name for c in info.columns if c.name not in extra],
            extra=extra,
        )
        return [c for c in found if not self._used_before(table, c.column, c.value)]

    def _provider_samples(self, column: ColumnInfo) -> list[tuple[str, Any]]:
        """Fresh values of the column's own provider, and simpler variants of its text:
        plausible, and unique if need be (the provider never repeats a sequence number)."""
        provider = self._providers.get((column.table, column.name))
        if provider is None:
            return []
        samples: list[tuple[str, Any]] = []
        counter = self._counter(column)
        for _ in range(_PROVIDER_SAMPLES):
            try:
                value = provider(values.context(next(counter)))
            except SynthesisError:  # a unique column out of values: the others may do
                break
            samples.append(("provider", value))
            if isinstance(value, str):
                samples.extend(_text_variants(value))
        return samples

    def _collides(self, table: str, stored: Mapping[str, Any]) -> bool:
        """True when a unique column's value is one a candidate already took."""
        return any(self._used_before(table, name, value) for name, value in stored.items())

    def _used_before(self, table: str, column: str, value: Any) -> bool:
        used = self._used.get((table, column))
        return used is not None and _value_key(value) in used

    def _column_info(self, table: str, name: str) -> ColumnInfo:
        return next(c for c in self.graph.table(table).columns if c.name == name)

    def _use(self, table: str, candidate: Candidate) -> None:
        """Remember a candidate given to a unique column, so no later row repeats it."""
        if self.must_be_unique(self._column_info(table, candidate.column)):
            self._used.setdefault((table, candidate.column), set()).add(_value_key(candidate.value))

    # -- the database as oracle ------------------------------------------------------

    def _insert_with_oracle(
        self, session: Any, model: str, model_class: type, row: dict[str, Any]
    ) -> Any:
        """Insert inside SAVEPOINTs, trying candidates for each CHECK the database rejects."""
        searches: dict[str, _Search] = {}
        last: _Search | None = None
        for _ in range(_ROW_TRIALS):
            try:
                with session.begin_nested():
                    obj = _instantiate(model_class, row)
                    session.add(obj)
                    session.flush()
            except sa_exc.DBAPIError as exc:
                found = self._violated_check(model, exc)
                if found is None:
                    # A candidate may break something else (a unique value taken by a
                    # row the caller made); that candidate failed, not the row.
                    if last is None or last.chosen is None:
                        raise
                    last.tried += 1
                    row = self._next_candidate(model, last, exc)
                    continue
                table, check = found
                last = searches.get(_label(check))
                if last is None:
                    last = self._start_search(model, table, check, row)
                    searches[_label(check)] = last
                else:
                    last.tried += 1
                row = self._next_candidate(model, last, exc)
                continue
            self._learn(searches.values())
            return obj
        assert last is not None
        raise self._defeated(model, last, None)

    def _start_search(
        self, model: str, table: str, check: ConstraintInfo, row: dict[str, Any]
    ) -> _Search:
        columns = self._columns(model, table)
        given = _GIVEN.get()
        frozen = [n for n, c in columns.items() if c.attribute in given]
        found = self._candidates(table, check, columns, _by_name(columns, row), frozen)
        memory = self._learned.get((table, _label(check)))
        if memory is not None:
            remembered = [
                Candidate(n, v, None, "learned")
                for n, v in memory.values.items()
                if n not in frozen
            ]
            # Candidates of a kind the database accepted before go first.
            found = remembered + sorted(
                found, key=lambda c: memory.sources.get(c.column) != c.source
            )
        ordered = ((columns[c.column].attribute, c) for c in found)
        return _Search(table, check, dict(row), itertools.islice(ordered, _CHECK_TRIALS))

    def _next_candidate(self, model: str, search: _Search, exc: Exception) -> dict[str, Any]:
        chosen = next(search.candidates, None)
        if chosen is None:
            raise self._defeated(model, search, exc) from exc
        search.chosen = chosen
        attribute, candidate = chosen
        return {**search.base, attribute: candidate.value}

    def _learn(self, searches: Iterable[_Search]) -> None:
        """Remember what the database accepted: the value itself for a column that may
        repeat, the kind of candidate for a unique one."""
        for search in searches:
            if search.chosen is None:
                continue
            _attribute, candidate = search.chosen
            memory = self._learned.setdefault((search.table, _label(search.check)), _Memory())
            self._use(search.table, candidate)
            if self.must_be_unique(self._column_info(search.table, candidate.column)):
                memory.sources[candidate.column] = candidate.source
            else:
                memory.values[candidate.column] = candidate.value

    def _violated_check(
        self, model: str, exc: sa_exc.DBAPIError
    ) -> tuple[str, ConstraintInfo] | None:
        """The CHECK of the model's tables that ``exc`` reports as violated, if any."""
        named = _violated_check_name(exc)
        if named is None:
            return None
        checks = [
            (table, c)
            for table in self.graph.model(model).tables
            for c in self.graph.table(table).constraints
            if c.kind == "check"
        ]
        wanted = _normalized(named)
        for table, check in checks:
            if wanted in (_normalized(check.name or ""), _normalized(check.sqltext or "")):
                return table, check
        unsolved = [(t, c) for t in self.graph.model(model).tables for c in self._unsolved(t)]
        # A database that doesn't say which CHECK (or names it differently): if only one
        # CHECK of these tables is unsolved, it is the one.
        return unsolved[0] if len(unsolved) == 1 else None

    def _defeated(self, model: str, search: _Search, exc: Exception | None) -> SynthesisError:
        check = search.check
        columns = self._columns(model, search.table)
        named = [c.attribute for n, c in columns.items() if n in check.columns] or [
            c.attribute for c in columns.values()
        ]
        attribute = named[0]
        said = f"; the database said: {_first_line(exc)}" if exc is not None else ""
        return SynthesisError(
            f"{model}: CHECK {check.name or '(unnamed)'} ({check.sqltext}) rejected every "
            f"value ormprobe tried for {', '.join(named)} ({search.tried + 1} tries on "
            f"{self.dialect or 'the database'}){said}; set a valid one in pyproject.toml: "
            f'[tool.ormprobe.values] "{model}.{attribute}" = ...',
            target=f"{model}.{attribute}",
        )


# -- helpers -----------------------------------------------------------------------------


def _explicit_key_base(column: ColumnInfo) -> int:
    return _EXPLICIT_KEY_BASE.get(column.type_class.rpartition(".")[2], _DEFAULT_EXPLICIT_KEY_BASE)


def _deferred_key_source(graph: ModelGraph, link: Link) -> values.Declaration:
    """The key column of a DEFERRABLE cycle link: the key its parent will be made with."""
    column = graph.table(link.fk.target_table).column(link.fk.target_columns[0])
    stem = link.relationship or link.attributes[0].removesuffix("_id")
    return values.Declaration(
        f"factory.Sequence(lambda n: {_explicit_key_base(column):_} - n)",
        note=f"DEFERRABLE: the {link.parent} it points at is made after the row (make_{stem})",
    )


def _override_source(key: str, override: Any) -> values.Declaration:
    """A ``[tool.ormprobe.values]`` entry as factory_boy source."""
    function = _override_callable(key, override)
    if function is None:
        rendered = values.render_literal(override)
        if rendered is None:
            return values.Declaration("None", note=f"{key}: set in [tool.ormprobe.values]")
        return values.Declaration(rendered[0], rendered[1], note="from [tool.ormprobe.values]")
    module, _, name = str(override).partition(":")
    if not inspect.signature(function).parameters:
        return values.Declaration(
            f"factory.LazyFunction({name})",
            (f"from {module} import {name}",),
            note="from [tool.ormprobe.values]",
        )
    # It takes ormprobe's ValueContext, which the generated module does without.
    rendered = values.render_literal(function(values.context(0)))
    source, imports = rendered if rendered is not None else ("None", ())
    return values.Declaration(
        source, imports, note=f"{override} takes an ormprobe ValueContext: one value it made"
    )


_NONE = values.Declaration("None")


def _lazy_function(function: Callable[[], Any]) -> Any:
    return factory.declarations.LazyFunction(function)  # type: ignore[no-untyped-call]


def _lazy_attribute(function: Callable[[Any], Any]) -> Any:
    return factory.declarations.LazyAttribute(function)  # type: ignore[no-untyped-call]


def _self_attribute(path: str) -> Any:
    return factory.declarations.SelfAttribute(path)  # type: ignore[no-untyped-call]


def _sequence(function: Callable[[int], Any]) -> Any:
    return factory.declarations.Sequence(function)  # type: ignore[no-untyped-call]


def _label(check: ConstraintInfo) -> str:
    """How :func:`analyze_checks` names a CHECK in ``unsolved``."""
    return check.name or check.sqltext or "<CHECK without text>"


def _by_name(columns: Mapping[str, _Column], row: Mapping[str, Any]) -> dict[str, Any]:
    """The row's values of ``columns``, by database name."""
    return {name: row[c.attribute] for name, c in columns.items() if c.attribute in row}


def _write_back(
    columns: Mapping[str, _Column], row: dict[str, Any], stored: Mapping[str, Any]
) -> dict[str, Any]:
    """``row`` with the values of ``stored`` (database names) under their attributes."""
    out = dict(row)
    for name, value in stored.items():
        column = columns.get(name)
        if column is not None and (column.attribute in out or value is not None):
            out[column.attribute] = value
    return out


def _text_variants(text: str) -> list[tuple[str, str]]:
    """Simpler shapes of a text value: CHECKs often forbid punctuation or a letter case."""
    plain = re.sub(r"[^0-9A-Za-z]", "", text)
    return [
        ("provider/alnum", plain),
        ("provider/lower", plain.lower()),
        ("provider/upper", plain.upper()),
        ("provider/letters", re.sub(r"[^A-Za-z]", "", text).lower()),
    ]


def _value_key(value: Any) -> tuple[str, str]:
    """A hashable stand-in for any value (JSON documents and lists included)."""
    return type(value).__name__, repr(value)


def _normalized(text: str) -> str:
    return "".join(text.lower().split()).strip("()")


def _violated_check_name(exc: sa_exc.DBAPIError) -> str | None:
    """The name (or, on SQLite without one, the text) of the CHECK ``exc`` reports."""
    orig = exc.orig
    constraint = getattr(getattr(orig, "diag", None), "constraint_name", None)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate == _PG_CHECK_VIOLATION and constraint:
        return str(constraint)
    # MySQL drivers put the server's error number first: only two of them are CHECKs.
    args: tuple[Any, ...] = tuple(getattr(orig, "args", ()))
    if args and isinstance(args[0], int) and args[0] not in _MYSQL_CHECK_VIOLATIONS:
        return None
    message = _first_line(exc)
    for pattern in _CHECK_MESSAGES:
        match = pattern.search(message)
        if match:
            return match.group(1).strip()
    return None


def _first_line(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    return next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)


def _existing_keys(
    session: Any, table: sa.Table, columns: tuple[str, ...], keys: list[tuple[Any, ...]]
) -> set[tuple[Any, ...]]:
    """Which of ``keys`` (values of ``columns``) exist in ``table``: one SELECT."""
    selected = [table.c[name] for name in columns]
    if len(selected) == 1:
        condition = selected[0].in_([key[0] for key in keys])
    else:
        condition = sa.tuple_(*selected).in_(keys)
    rows = session.execute(sa.select(*selected).where(condition)).all()
    return {tuple(row) for row in rows}


def _probe_table(table: TableInfo) -> sa.Table:
    """A stand-in ``Table`` with the columns and types of ``table``, for SELECTs.

    Built from the graph, not taken from the user's metadata; a ``Table`` (not a bare
    ``table()``) so that the sandbox's ``schema_translate_map`` (MySQL schemas live in
    scratch databases of their own) applies to it.
    """
    name = table.name.removeprefix(f"{table.schema}.") if table.schema else table.name
    columns = [sa.Column(c.name, c.sa_type) for c in table.columns]
    return sa.Table(name, sa.MetaData(), *columns, schema=table.schema)


@functools.cache
def _keyword_parameters(model_class: type) -> frozenset[str] | None:
    """Keywords the constructor takes, or None when it takes any (``**kwargs``)."""
    try:
        parameters = inspect.signature(model_class).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return frozenset(
        p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    )


def _instantiate(model_class: type, kwargs: Mapping[str, Any]) -> Any:
    """The object, made through the mapped class's constructor so ``@validates`` runs."""
    try:
        accepted = _keyword_parameters(model_class)
        if accepted is None or set(kwargs) <= accepted:
            return model_class(**kwargs)
        return _assign(model_class, kwargs)
    except Exception as exc:  # a @validates hook or __init__ may reject anything
        raise _constructor_error(model_class, kwargs, exc) from exc


def _assign(model_class: type, kwargs: Mapping[str, Any]) -> Any:
    """Make an instance of a class whose own ``__init__`` takes other arguments (a plain
    class mapped imperatively), then set the attributes one by one, so that ``@validates``
    hooks still run."""
    import sqlalchemy.orm as orm

    try:
        obj = model_class()
    except TypeError:
        obj = orm.class_mapper(model_class).class_manager.new_instance()
    for key, value in kwargs.items():
        setattr(obj, key, value)
    return obj


def _bound_session(owner: Factories | None) -> Any:
    """The session bound with ``bind()``, else the one the Factories were made for."""
    bound = _SESSION.get()
    if bound is not None:
        return bound
    return owner.session if owner is not None else None


@contextlib.contextmanager
def _parent_scope() -> Iterator[_Scope | None]:
    """Open the scope of a top-level call (yielded), or go one level deeper (None)."""
    scope = _SCOPE.get()
    if scope is not None:
        scope.depth += 1
        try:
            yield None
        finally:
            scope.depth -= 1
        return
    scope = _Scope(depth=1)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


def _assigned(scope: _Scope | None, link: Link) -> Any:
    """The parent ``link`` must use in this call, if one was assigned."""
    if scope is None or link.parent is None:
        return None
    return scope.assigned.get((link.parent, link.fk.target_table))


def _link_key(link: Link) -> str:
    # factory_boy ignores Params whose names start with "_", hence the plain prefix.
    columns = "_".join(link.fk.columns)
    return link.relationship or f"ormprobe_parent_{link.fk.table}_{columns}".replace(".", "_")


def _key_of(param: str, attribute: str) -> Callable[[Any], Any]:
    def read(resolver: Any) -> Any:
        parent = getattr(resolver, param)
        return None if parent is None or parent is _UNSET else getattr(parent, attribute)

    return read


def _override_declaration(key: str, override: Any) -> Any:
    """A declaration for a ``[tool.ormprobe.values]`` entry: a literal or "module:callable"."""
    function = _override_callable(key, override)
    if function is None:
        return override
    if inspect.signature(function).parameters:
        return _sequence(lambda n: function(values.context(n)))
    return _lazy_function(function)


def _override_callable(key: str, override: Any) -> Callable[..., Any] | None:
    """The callable a ``"module:callable"`` override names; None for a literal."""
    if not (
        isinstance(override, str)
        and ":" in override
        and all(p.isidentifier() for p in override.partition(":")[0].split("."))
    ):
        return None
    module_name, _, attribute = override.partition(":")
    try:
        function = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise SynthesisError(
            f"[tool.ormprobe.values] {key} = {override!r}: can't import it ({exc})", target=key
        ) from exc
    if not callable(function):
        raise SynthesisError(
            f"[tool.ormprobe.values] {key} = {override!r} is not callable", target=key
        )
    return function  # type: ignore[no-any-return]


def _constructor_error(
    model_class: type, kwargs: Mapping[str, Any], exc: Exception
) -> SynthesisError:
    """Name the @validates hook that rejected a synthesized value, and the way out."""
    name = model_class.__name__
    validators: dict[str, tuple[Any, Any]] = dict(sa.inspect(model_class).validators)
    frames = (
        [frame.function for frame in inspect.getinnerframes(exc.__traceback__)]
        if exc.__traceback__
        else []
    )
    for attribute, (method, _options) in validators.items():
        if getattr(method, "__name__", None) in frames:
            value = kwargs.get(attribute)
            return SynthesisError(
                f"{name}: @validates({attribute!r}) {method.__name__}() rejected the "
                f"synthesized value {value!r}: {type(exc).__name__}: {exc}; set a valid one "
                f'in pyproject.toml: [tool.ormprobe.values] "{name}.{attribute}" = ...',
                target=f"{name}.{attribute}",
            )
    return SynthesisError(
        f"{name}(...) raised {type(exc).__name__}: {exc} with synthesized values; set valid "
        f"ones in [tool.ormprobe.values]",
        target=name,
    )
