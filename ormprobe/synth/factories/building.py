"""The factory_boy classes: one ``SQLAlchemyModelFactory`` subclass per model, made at runtime.

Every generated class derives from :class:`SynthesizedFactory`, which hands factory_boy's
build and create steps back to the :class:`Factories` that made it (values adjusted for
CHECKs, parents flushed with the row) and opens the shared-parent scope of a top-level
call. The class body holds a declaration per valued column, per required link (the
parent, or the key it will have) and per ``[tool.ormprobe.values]`` entry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import factory.alchemy
import factory.enums
import sqlalchemy as sa
from sqlalchemy.orm import make_transient

from ormprobe.graph import ColumnInfo, ModelInfo
from ormprobe.synth import values
from ormprobe.synth.factories.column_values import ColumnValues
from ormprobe.synth.factories.deferred import deferred_key
from ormprobe.synth.factories.keys import is_explicit_key
from ormprobe.synth.factories.lazy import lazy_attribute, lazy_function, self_attribute
from ormprobe.synth.factories.overrides import lineage, override_declaration
from ormprobe.synth.factories.scopes import GIVEN, UNSET, parent_scope
from ormprobe.synth.plan import Link, ModelPlan, closes_cycle

if TYPE_CHECKING:
    from ormprobe.synth.factories.graph_factories import Factories


class SynthesizedFactory(factory.alchemy.SQLAlchemyModelFactory):
    """Base of the generated factories: flush persistence and shared-parent scopes."""

    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"

    _ormprobe: ClassVar[Factories]
    _ormprobe_model: ClassVar[str] = ""

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        token = GIVEN.set(frozenset(params))
        try:
            with parent_scope() as scope:
                obj = super()._generate(strategy, params)  # type: ignore[no-untyped-call]
                if scope is not None:
                    if strategy == factory.enums.BUILD_STRATEGY:
                        _keep_transient(obj)
                    cls._ormprobe._finish(scope)
                return obj
        finally:
            GIVEN.reset(token)

    @classmethod
    def _build(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        return cls._ormprobe._construct(cls._ormprobe_model, model_class, kwargs)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        return cls._ormprobe._persist(cls._ormprobe_model, model_class, kwargs)


def _keep_transient(obj: Any) -> None:
    """Take a built object back out of the session it was cascaded into.

    A backref named like the attribute it mirrors (``Permission.grantor`` with
    ``backref="grantor"``) defeats SQLAlchemy's test for "this event came from the
    backref", so linking the new object to a parent already in the session saves it
    there too; the flush of the parents would then insert it with the links the caller
    has yet to make. ``make_transient`` expunges just this object, without cascading.
    """
    state = sa.inspect(obj, raiseerr=False)
    if state is not None and state.pending:
        make_transient(obj)


def factory_class(factories: Factories, plan: ModelPlan) -> type[SynthesizedFactory]:
    """The factory class of ``plan``'s model, persisting through ``factories``.

    It reads the parts ``factories`` holds (rules, column values) and binds its parent
    hooks: the generated class is the runtime face of those parts.
    """
    model = factories.graph.model(plan.concrete)
    declarations: dict[str, Any] = {}
    params: dict[str, Any] = {}
    for column in factories._rules.valued_columns(plan):
        assert column.attribute is not None
        declarations[column.attribute] = _value_declaration(factories._values, model, plan, column)
    for link in plan.required_links:
        if link.parent is not None:
            _link_declarations(factories, plan, link, declarations, params)
    # Every entry of the lineage is resolved, not only the one that wins for an attribute
    # (as overrides_for gives): a broken "module:callable" on a base fails here too.
    for key, override in factories.overrides.items():
        owner, _, attribute = key.partition(".")
        if owner in lineage(factories.graph, plan.concrete):
            declarations[attribute] = override_declaration(key, override)
    meta = type("Meta", (), {"model": model.class_})
    attrs: dict[str, Any] = {
        "Meta": meta,
        "_ormprobe": factories,
        "_ormprobe_model": plan.concrete,
        **declarations,
    }
    if params:
        attrs["Params"] = type("Params", (), params)
    return type(f"{model.class_.__name__}Factory", (SynthesizedFactory,), attrs)


def link_key(link: Link) -> str:
    """The keyword that carries ``link``'s parent: its relationship, else a parameter."""
    # factory_boy ignores Params whose names start with "_", hence the plain prefix.
    columns = "_".join(link.fk.columns)
    return link.relationship or f"ormprobe_parent_{link.fk.table}_{columns}".replace(".", "_")


def _value_declaration(
    column_values: ColumnValues, model: ModelInfo, plan: ModelPlan, column: ColumnInfo
) -> Any:
    if is_explicit_key(plan, column):
        return lazy_function(functools.partial(column_values.next_explicit_key, column))
    counter = column_values.counter(column)
    provider = column_values.provider(model, column)
    return lazy_function(lambda: provider(values.context(next(counter))))


def _link_declarations(
    factories: Factories,
    plan: ModelPlan,
    link: Link,
    declarations: dict[str, Any],
    params: dict[str, Any],
) -> None:
    """How a row gets the parent of one required link."""
    pairs = list(zip(link.attributes, link.target_attributes, strict=True))
    if link.self_referential:
        declarations.update({attribute: self_attribute(target) for attribute, target in pairs})
    elif closes_cycle(factories.plans, plan.concrete, link):
        # The parent comes after the row (see deferred.create_deferred_parents): the row
        # gets the key the parent will have.
        declarations[link.attributes[0]] = lazy_function(
            functools.partial(deferred_key, factories.graph, factories._values, plan.concrete, link)
        )
    elif link.relationship is not None:
        declarations[link.relationship] = lazy_function(functools.partial(factories._parent_for, link))
    else:
        params[link_key(link)] = lazy_function(functools.partial(factories._parent_for, link))
        for attribute, target in pairs:
            declarations.setdefault(attribute, lazy_attribute(_key_of(link_key(link), target)))


def _key_of(param: str, attribute: str) -> Callable[[Any], Any]:
    def read(resolver: Any) -> Any:
        parent = getattr(resolver, param)
        return None if parent is None or parent is UNSET else getattr(parent, attribute)

    return read
