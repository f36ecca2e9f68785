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
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import importlib
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import factory
import factory.alchemy
import factory.random

from ormprobe.errors import SynthesisError
from ormprobe.graph import ColumnInfo, ModelGraph, ModelInfo
from ormprobe.synth import values
from ormprobe.synth.constraints import CheckAnalysis, analyze_checks, satisfy_relations
from ormprobe.synth.plan import Link, ModelPlan, build_plans, required_order

__all__ = ["Factories", "seed"]

# The session every factory persists into, bound per case by Factories.bind().
_SESSION: contextvars.ContextVar[Any] = contextvars.ContextVar("ormprobe_session", default=None)
# Parents shared by the rows of one top-level factory call: {(parent model, link key): obj}.
_SCOPE: contextvars.ContextVar[dict[Any, Any] | None] = contextvars.ContextVar(
    "ormprobe_scope", default=None
)

# Passed by new() for links the caller will make itself: the keyword is dropped before the
# model's constructor runs, so neither the relationship nor its FK columns are touched.
_UNSET = object()

# Explicit keys (for rows that reference themselves) count down from high values, so they
# never meet the keys an autoincrement counter hands out, even after it jumps past them.
_EXPLICIT_KEY_BASE = {"SmallInteger": 30_000, "SMALLINT": 30_000}
_DEFAULT_EXPLICIT_KEY_BASE = 2_000_000_000


def seed(value: int) -> None:
    """Reseed factory_boy and Faker together, so a run can be repeated exactly."""
    values.seed(value)


class _Factory(factory.alchemy.SQLAlchemyModelFactory):  # type: ignore[misc]
    """Base of the generated factories: flush persistence and shared-parent scopes."""

    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"

    _ormprobe: Factories | None = None
    _ormprobe_model: str = ""

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        with _parent_scope():
            return super()._generate(strategy, params)

    @classmethod
    def _build(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        return cls._construct(model_class, kwargs)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        session = _bound_session(cls._ormprobe)
        if session is None:
            raise SynthesisError(
                "no session to create objects in: use `with factories.bind(session):` "
                "or ormprobe.factories(session)"
            )
        obj = cls._construct(model_class, kwargs)
        session.add(obj)
        session.flush()
        return obj

    @classmethod
    def _construct(cls, model_class: type, kwargs: dict[str, Any]) -> Any:
        kwargs = {key: value for key, value in kwargs.items() if value is not _UNSET}
        owner = cls._ormprobe
        if owner is not None:
            kwargs = owner._adjust_row(cls._ormprobe_model, kwargs)
        try:
            if _accepts_keywords(model_class, kwargs):
                return model_class(**kwargs)
            return _assign(model_class, kwargs)
        except Exception as exc:  # a @validates hook or __init__ may reject anything
            raise _constructor_error(model_class, kwargs, exc) from exc


@functools.lru_cache(maxsize=None)
def _keyword_parameters(model_class: type) -> frozenset[str] | None:
    """Keywords the constructor takes, or None when it takes any (``**kwargs``)."""
    try:
        parameters = inspect.signature(model_class).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return frozenset(p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))


def _accepts_keywords(model_class: type, kwargs: Mapping[str, Any]) -> bool:
    accepted = _keyword_parameters(model_class)
    return accepted is None or set(kwargs) <= accepted


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


class Factories:
    """The synthesized factories of one graph.

    Attribute access gives the factory class of a model (``factories.Agent.create()``).

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
    ) -> None:
        self.graph = graph
        self.dialect = dialect
        self.overrides = dict(overrides or {})
        self.plans: dict[str, ModelPlan] = build_plans(graph)
        self.session: Any = None
        self._factories: dict[str, type[_Factory]] = {}
        self._checks: dict[str, CheckAnalysis] = {}

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

    # -- factory classes -------------------------------------------------------------

    def _make_factory(self, plan: ModelPlan) -> type[_Factory]:
        model = self.graph.model(plan.concrete)
        declarations: dict[str, Any] = {}
        params: dict[str, Any] = {}
        for column in plan.columns:
            declaration = self._value_declaration(
                model, column, explicit_key=column.attribute in plan.explicit_key
            )
            if declaration is not None:
                declarations[column.attribute] = declaration  # type: ignore[index]
        for link in plan.links:
            if not link.required or link.parent is None:
                continue
            if link.self_referential:
                for attribute, target in zip(link.attributes, link.target_attributes):
                    declarations[attribute] = factory.SelfAttribute(target)
                continue
            parent = functools.partial(self._parent_for, link)
            if link.relationship is not None:
                declarations[link.relationship] = factory.LazyFunction(parent)
            else:
                params[_link_key(link)] = factory.LazyFunction(parent)
                for attribute, target in zip(link.attributes, link.target_attributes):
                    declarations.setdefault(
                        attribute, factory.LazyAttribute(_key_of(_link_key(link), target))
                    )
        for key, override in self.overrides.items():
            owner, _, attribute = key.partition(".")
            if owner == plan.model or owner == plan.concrete:
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

    def _value_declaration(
        self, model: ModelInfo, column: ColumnInfo, *, explicit_key: bool
    ) -> Any:
        if explicit_key:
            base = _EXPLICIT_KEY_BASE.get(
                column.type_class.rpartition(".")[2], _DEFAULT_EXPLICIT_KEY_BASE
            )
            return factory.Sequence(lambda n, base=base: base - n)
        if not values.needs_value(column):
            return None
        analysis = self._analysis(column.table)
        provider = values.provider_for(
            column,
            model=model.name,
            unique=self._must_be_unique(column),
            domain=analysis.domains.get(column.name),
        )
        return factory.Sequence(lambda n, provider=provider: provider(values.context(n)))

    def _must_be_unique(self, column: ColumnInfo) -> bool:
        if column.unique or column.primary_key:
            return True
        table = self.graph.table(column.table)
        return any(
            c.kind in ("unique", "primary_key") and column.name in c.columns
            for c in table.constraints
        ) or any(i.unique and column.name in i.columns for i in table.indexes)

    def _analysis(self, table: str) -> CheckAnalysis:
        if table not in self._checks:
            self._checks[table] = analyze_checks(self.graph.table(table), self.dialect)
        return self._checks[table]

    def _adjust_row(self, model: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Make column-vs-column CHECKs (``ends_at > starts_at``) hold for this row."""
        info = self.graph.model(model)
        for table in info.tables:
            analysis = self._analysis(table)
            if not analysis.relations:
                continue
            columns = {c.name: c for c in info.columns if c.table == table}
            by_name = {c.name: c.attribute for c in columns.values()}
            row = {name: kwargs[attr] for name, attr in by_name.items() if attr in kwargs}
            adjusted = satisfy_relations(dict(row), analysis, columns)
            for name, value in adjusted.items():
                attribute = by_name.get(name)
                if attribute is not None and attribute in kwargs:
                    kwargs[attribute] = value
        return kwargs

    def _parent_for(self, link: Link) -> Any:
        assert link.parent is not None
        scope = _SCOPE.get()
        key = (link.parent, link.fk.target_table)
        if not link.fresh and scope is not None and key in scope:
            return scope[key]
        parent_factory = self.factory(link.parent)
        parent = (
            parent_factory.create() if _bound_session(self) is not None else parent_factory.build()
        )
        if not link.fresh and scope is not None:
            scope[key] = parent
        return parent


def _bound_session(owner: Factories | None) -> Any:
    """The session bound with ``bind()``, else the one the Factories were made for."""
    bound = _SESSION.get()
    if bound is not None:
        return bound
    return owner.session if owner is not None else None


@contextlib.contextmanager
def _parent_scope() -> Iterator[None]:
    if _SCOPE.get() is not None:
        yield
        return
    token = _SCOPE.set({})
    try:
        yield
    finally:
        _SCOPE.reset(token)


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
    if (
        isinstance(override, str)
        and ":" in override
        and all(p.isidentifier() for p in override.partition(":")[0].split("."))
    ):
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
        takes_context = bool(inspect.signature(function).parameters)
        if takes_context:
            return factory.Sequence(lambda n: function(values.context(n)))
        return factory.LazyFunction(function)
    return override


def _constructor_error(
    model_class: type, kwargs: Mapping[str, Any], exc: Exception
) -> SynthesisError:
    """Name the @validates hook that rejected a synthesized value, and the way out."""
    import sqlalchemy as sa

    name = model_class.__name__
    validators = dict(sa.inspect(model_class).validators)
    frames = (
        [frame.function for frame in inspect.getinnerframes(exc.__traceback__)]
        if exc.__traceback__
        else []
    )
    for attribute, (method, _options) in validators.items():
        if getattr(method, "__name__", None) in frames:
            value = kwargs.get(attribute)
            return SynthesisError(
                f"{name}: @validates({attribute!r}) {method.__name__}() rejected the synthesized value "
                f"{value!r}: {type(exc).__name__}: {exc}; set a valid one in pyproject.toml: "
                f'[tool.ormprobe.values] "{name}.{attribute}" = ...',
                target=f"{name}.{attribute}",
            )
    return SynthesisError(
        f"{name}(...) raised {type(exc).__name__}: {exc} with synthesized values; set valid ones in "
        f"[tool.ormprobe.values]",
        target=name,
    )
