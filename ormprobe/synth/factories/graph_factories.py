""":class:`Factories`: the factories of one graph, and how their objects are persisted.

The public face of the package, and the persistence every generated factory hands back
to: rows are added to the bound session and flushed together with the parents they
need (one unit of work per top-level call), through the database oracle when a CHECK
only the database can judge is involved. The parts it wires together (CHECK rules,
values, candidates, the oracle, link verification, source declarations) live in the
package's other modules.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ormprobe.errors import SynthesisError
from ormprobe.graph import ColumnInfo, ModelGraph, ModelInfo
from ormprobe.synth import values
from ormprobe.synth.constraints import CheckAnalysis
from ormprobe.synth.factories.building import SynthesizedFactory, factory_class, link_key
from ormprobe.synth.factories.candidates import Candidates
from ormprobe.synth.factories.column_values import ColumnValues
from ormprobe.synth.factories.construction import Construction
from ormprobe.synth.factories.declarations import SourceDeclarations
from ormprobe.synth.factories.deferred import create_deferred_parents
from ormprobe.synth.factories.oracle import DatabaseOracle
from ormprobe.synth.factories.repair import RowRepair
from ormprobe.synth.factories.scopes import (
    SCOPE,
    SHARED,
    UNSET,
    Scope,
    bound_session,
    bound_to,
    shared_parents,
)
from ormprobe.synth.factories.tables import TableRules
from ormprobe.synth.factories.verification import LinkVerifier
from ormprobe.synth.plan import Link, ModelPlan, build_plans, required_order
from ormprobe.synth.source import ModuleHeader


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
        self._factories: dict[str, type[SynthesizedFactory]] = {}
        # The parts, each with the state of its own job (caches, counters, memory).
        self._rules = TableRules(graph, dialect)
        self._values = ColumnValues(self._rules)
        self._candidates = Candidates(self._rules, self._values)
        self._repair = RowRepair(graph, self._rules, self._candidates)
        self._construction = Construction()
        self._oracle = DatabaseOracle(graph, self._rules, self._candidates, self._construction)
        self._verifier = LinkVerifier(graph, self.plans)
        self._source = SourceDeclarations(graph, self.plans, self._rules, self._values, self._candidates)

    # -- public API ------------------------------------------------------------------

    def __getattr__(self, name: str) -> type[SynthesizedFactory]:
        if name.startswith("_") or not self.graph.has_model(name):
            raise AttributeError(
                f"no model named {name!r}; models: {', '.join(m.name for m in self.graph.models)}"
            )
        return self.factory(name)

    def __dir__(self) -> list[str]:
        return sorted(m.name for m in self.graph.models)

    def factory(self, model: str) -> type[SynthesizedFactory]:
        """The factory class of ``model`` (created on first use).

        Raises:
            SynthesisError: when the model's required parents form an unbreakable cycle.
        """
        if model not in self._factories:
            required_order(self.plans, self.plans[model].concrete)
            self._factories[model] = factory_class(self, self.plans[model])
        return self._factories[model]

    @contextlib.contextmanager
    def bind(self, session: Any) -> Iterator[Factories]:
        """Make every factory persist into ``session`` inside the block."""
        with bound_to(session):
            yield self

    @contextlib.contextmanager
    def sharing(self) -> Iterator[None]:
        """Inside the block, every call reuses the required parents earlier calls made
        (except where a unique key needs a parent of its own): far fewer rows per test."""
        with shared_parents():
            yield

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
                overrides.setdefault(link_key(link), UNSET)
                for attribute in link.attributes:
                    overrides.setdefault(attribute, UNSET)
        if bound_session(self.session) is None:
            raise SynthesisError("Factories.new() needs a session: use `with factories.bind(session):`")
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

    def source_module(self, header: ModuleHeader) -> str:
        """A standalone factory_boy module for every model, as :mod:`.source` renders it."""
        return self._source.source_module(header, self.overrides)

    def declarations(self, model: str) -> dict[str, values.Declaration]:
        """The values of ``model``'s factory as factory_boy source, by attribute.

        The same decisions as the runtime factories: which columns get values, their
        providers (described by :func:`ormprobe.synth.values.describe`), explicit keys
        for rows that point at themselves, ``[tool.ormprobe.values]`` overrides, and
        CHECK relations as ``LazyAttribute`` s. A CHECK ormprobe could not solve gets a
        value Python knows it accepts when there is one, and a note either way.
        """
        return self._source.declarations(model, self.overrides)

    def provider(self, model: ModelInfo, column: ColumnInfo) -> values.Provider:
        """The value provider of ``column`` (cached; CHECK domains and uniqueness applied).

        Raises:
            SynthesisError: no provider handles the type, or the CHECKs admit no value.
        """
        return self._values.provider(model, column)

    def analysis(self, table: str) -> CheckAnalysis:
        """What the CHECKs of ``table`` require, given the columns rows leave unset."""
        return self._rules.analysis(table)

    def must_be_unique(self, column: ColumnInfo) -> bool:
        """True when the column is in a PRIMARY KEY, UNIQUE constraint or unique index."""
        return self._rules.must_be_unique(column)

    # -- persistence: what the generated factories hand back -------------------------

    def _construct(self, model: str, model_class: type, kwargs: dict[str, Any]) -> Any:
        """A transient object from the declarations' values, CHECKs adjusted for."""
        return self._construction.make(model_class, self._repair.prepare(model, kwargs))

    def _persist(self, model: str, model_class: type, kwargs: dict[str, Any]) -> Any:
        """Add one object; flush it unless it is a parent the caller's row will flush.

        With CHECKs only the database can judge, the database is asked (inside a
        SAVEPOINT) before the object is kept.
        """
        session = self._session()
        row = self._repair.prepare(model, kwargs)
        scope = SCOPE.get()
        if self._repair.needs_oracle(model, row):
            obj = self._oracle.insert(session, model, model_class, row)
        else:
            obj = self._construction.make(model_class, row)
            session.add(obj)
            if scope is not None and scope.depth > 1:
                scope.pending.append(obj)
            else:
                session.flush()
        if scope is not None:
            scope.created.append((model, obj))
            create_deferred_parents(self, model, obj, scope)
        elif self.verify:
            self.verify_links(obj, model)
        return obj

    def _parent_for(self, link: Link) -> Any:
        """The parent of a required link: assigned, shared in the call or the block, or new."""
        assert link.parent is not None
        scope = SCOPE.get()
        shared = SHARED.get()
        key = (link.parent, link.fk.target_table)
        if scope is not None and key in scope.assigned:
            parent = scope.assigned[key]
        elif not link.fresh and scope is not None and key in scope.parents:
            parent = scope.parents[key]
        elif not link.fresh and shared is not None and key in shared:
            parent = shared[key]
        else:
            parent_factory = self.factory(link.parent)
            session = bound_session(self.session)
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

    def _finish(self, scope: Scope) -> None:
        """End a top-level call: flush the parents still pending, verify if asked."""
        session = bound_session(self.session)
        if session is None:
            return
        if scope.pending:
            session.flush()
            scope.pending.clear()
        if self.verify:
            self._verify(scope.created)

    def _verify(self, made: Iterable[tuple[str | None, Any]]) -> int:
        """Verify the links of several objects with one SELECT per referenced table."""
        wanted = self._verifier.wanted(made)
        return self._verifier.check(self._session(), wanted)

    def _session(self) -> Any:
        session = bound_session(self.session)
        if session is None:
            raise SynthesisError(
                "no session to create objects in: use `with factories.bind(session):` "
                "or ormprobe.factories(session)"
            )
        return session
