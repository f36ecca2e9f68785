"""Readable factory_boy source for a models module: ``ormprobe factories``.

For teams that want to keep and edit factories: one ``SQLAlchemyModelFactory`` per model,
Faker declarations and Sequences for values, ``SubFactory`` for required parents
(``SelfAttribute`` for links written as plain key columns), flushing (never committing)
into a session the user binds. The module imports the models by their import path and
needs nothing from ormprobe.

Rendering only: what each column gets is decided elsewhere (:meth:`Factories.declarations
<ormprobe.synth.factories.Factories.declarations>` describes every value provider as a
:class:`~ormprobe.synth.values.Declaration`); this module turns the graph, the plans and
those declarations into text, deterministically.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ormprobe.errors import SynthesisError
from ormprobe.graph import ModelGraph, ModelInfo
from ormprobe.synth.plan import Link, ModelPlan, ancestors, closes_cycle, required_order
from ormprobe.synth.values import Declaration

__all__ = ["ModuleHeader", "deferred_parent_hook", "render_module"]

_INDENT = "    "
# The alias the models module gets when every model lives in one module.
_MODELS_ALIAS = "models"


@dataclass(frozen=True, slots=True)
class ModuleHeader:
    """What the generated module says about itself.

    Attributes:
        target: the models target as the user gave it.
        command: the command that wrote the module, to rerun it.
        version: ormprobe's version.
        import_root: the directory the models are imported from, when not the current
            one (it must be on ``sys.path`` for the module to import).
    """

    target: str
    command: str
    version: str
    import_root: str | None = None


@dataclass(frozen=True, slots=True)
class _Names:
    """How the generated module refers to model classes and their factories."""

    modules: Mapping[str, str]
    factories: Mapping[str, str]

    graph: ModelGraph

    def model(self, info: ModelInfo) -> str:
        return f"{self.modules[info.module]}.{info.qualname}"

    def model_of(self, name: str) -> str:
        return self.model(self.graph.model(name))


def render_module(
    graph: ModelGraph,
    plans: Mapping[str, ModelPlan],
    declarations: Mapping[str, Mapping[str, Declaration]],
    header: ModuleHeader,
    *,
    assigning: Collection[str] = (),
) -> str:
    """The source of a factories module for every model that can be created.

    Args:
        graph: the models.
        plans: their plans (:func:`ormprobe.synth.plan.build_plans`).
        declarations: per model, per attribute, the value declaration.
        header: what the module says about itself.
        assigning: models whose constructor does not take the attributes as keywords
            (a plain class mapped imperatively): their factory sets them one by one.

    Returns:
        Python source; it imports factory_boy, the models and what the values need.
    """
    chosen, skipped = _creatable(graph, plans)
    abstract = _abstract_bases(graph, chosen)
    skipped = [(model, why) for model, why in skipped if model not in abstract]
    ordered = _ordered(graph, plans, [*abstract, *chosen])
    names = _names(graph, ordered)
    bodies = [
        _abstract_class(graph, model, names)
        if model in abstract
        else _factory_class(graph, plans, model, declarations, names, model in assigning)
        for model in ordered
    ]
    imports = _imports(graph, ordered, declarations, names, bool(set(assigning) & set(ordered)))
    parts = [
        _docstring(header, ordered, names),
        "from __future__ import annotations",
        "",
        *imports,
        "",
        "",
        _SESSION_HELPERS,
    ]
    if set(assigning) & set(ordered):
        parts.extend(["", "", _ASSIGNING_BASE])
    text = "\n".join(parts)
    for body in bodies:
        text += "\n\n\n" + body
    if skipped:
        text += "\n\n\n" + "\n".join(f"# {model}: {why}" for model, why in skipped)
    return text + "\n"


# -- what to render ----------------------------------------------------------------------


def _creatable(graph: ModelGraph, plans: Mapping[str, ModelPlan]) -> tuple[list[str], list[tuple[str, str]]]:
    """Models that get a factory, and the others with the reason."""
    chosen: list[str] = []
    skipped: list[tuple[str, str]] = []
    for model in graph.models:
        plan = plans[model.name]
        if plan.concrete != model.name:
            skipped.append((model.name, f"abstract; {plan.concrete}Factory makes its rows"))
        elif not model.configured:
            skipped.append((model.name, "its mappers failed to configure; no factory"))
        elif model.class_ is None:
            skipped.append((model.name, "no mapped class; no factory"))
        else:
            try:
                required_order(dict(plans), model.name)
            except SynthesisError as exc:
                skipped.append((model.name, f"no factory: {exc}"))
                continue
            chosen.append(model.name)
    return chosen, skipped


def _abstract_bases(graph: ModelGraph, chosen: Sequence[str]) -> list[str]:
    """Ancestors without a factory of their own that chosen models inherit from: they
    get an abstract factory, so their subclasses' factories share sequence counters
    (unique values of a shared table then never repeat across subclasses)."""
    wanted = set(chosen)
    found: list[str] = []
    for model in chosen:
        for ancestor in ancestors(graph, model):
            if ancestor not in wanted and ancestor not in found:
                found.append(ancestor)
    return found


def _ordered(graph: ModelGraph, plans: Mapping[str, ModelPlan], models: Sequence[str]) -> list[str]:
    """Factories in an order where base classes and SubFactory targets come first."""
    wanted = set(models)
    ordered: list[str] = []

    def visit(model: str) -> None:
        if model in ordered or model not in wanted:
            return
        for ancestor in reversed(ancestors(graph, model)):
            visit(ancestor)
        if plans[model].concrete == model:
            for needed in required_order(dict(plans), model)[:-1]:
                visit(needed)
        if model not in ordered:
            ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def _names(graph: ModelGraph, models: Sequence[str]) -> _Names:
    modules = sorted({graph.model(m).module for m in models})
    aliases = {modules[0]: _MODELS_ALIAS} if len(modules) == 1 else {m: m for m in modules}
    factories: dict[str, str] = {}
    taken: set[str] = set()
    for model in models:
        base = f"{graph.model(model).qualname.replace('.', '')}Factory"
        name, counter = base, 2
        while name in taken:
            name, counter = f"{base}{counter}", counter + 1
        taken.add(name)
        factories[model] = name
    return _Names(aliases, factories, graph)


# -- module parts ------------------------------------------------------------------------


def _docstring(header: ModuleHeader, models: Sequence[str], names: _Names) -> str:
    example = names.factories[models[-1]] if models else "SomeModelFactory"
    about = (
        f"Written by ormprobe {header.version} (`{header.command}`); edit freely, ormprobe "
        "never reads this file back. One factory per model: Faker values and sequences, "
        "required parents through SubFactory. Objects are flushed, never committed, into "
        "the session given to bind():"
    )
    lines = [
        f'"""factory_boy factories for the models in {header.target}.',
        "",
        *textwrap.wrap(about, width=88, break_on_hyphens=False, break_long_words=False),
        "",
        "    import factories",
        "",
        "    factories.bind(session)",
        f"    obj = factories.{example}()",
    ]
    if header.import_root:
        root = (
            f"The models are imported from {header.import_root}: put that directory on "
            "sys.path (PYTHONPATH, or pytest's pythonpath setting)."
        )
        lines += ["", *textwrap.wrap(root, width=88, break_on_hyphens=False)]
    lines.append('"""')
    return "\n".join(lines) + "\n"


def _imports(
    graph: ModelGraph,
    models: Sequence[str],
    declarations: Mapping[str, Mapping[str, Declaration]],
    names: _Names,
    assigning: bool,
) -> list[str]:
    needed = {
        line
        for m in models
        for attribute, d in declarations.get(m, {}).items()
        if attribute in _active(declarations.get(m, {}))
        for line in d.imports
    }
    models_modules = set(names.modules)
    plain = sorted(
        line for line in needed if line.startswith("import ") and line.split()[1] not in models_modules
    )
    from_lines = sorted(
        line for line in needed if line.startswith("from ") and line.split()[1] not in models_modules
    )
    stdlib = [line for line in [*plain, *from_lines] if _is_stdlib(line)]
    third = [line for line in [*plain, *from_lines] if not _is_stdlib(line)]
    third_party = sorted(
        {
            "import factory",
            "from factory.alchemy import SQLAlchemyModelFactory",
            "from sqlalchemy.orm import Session",
            *(["import sqlalchemy.orm"] if assigning else []),
            *third,
        },
        key=lambda line: (line.startswith("from "), line),
    )
    own = [
        f"import {module} as {alias}" if alias != module else f"import {module}"
        for module, alias in sorted(names.modules.items())
    ]
    blocks = [block for block in (stdlib, third_party, own) if block]
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("")
        out.extend(block)
    return out


_STDLIB = frozenset({"datetime", "decimal", "uuid", "ipaddress", "enum", "zoneinfo", "json"})


def _is_stdlib(line: str) -> bool:
    return line.split()[1].split(".")[0] in _STDLIB


_SESSION_HELPERS = '''\
_session: Session | None = None


def bind(session: Session) -> None:
    """Make every factory in this module flush into ``session`` (e.g. in a fixture)."""
    global _session
    _session = session


def current_session() -> Session:
    """The session bound with bind()."""
    if _session is None:
        raise RuntimeError("call factories.bind(session) before using the factories")
    return _session


class BaseFactory(SQLAlchemyModelFactory):
    """Flushes into the bound session, so constraints are checked; never commits."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = current_session
        sqlalchemy_session_persistence = "flush"'''

_ASSIGNING_BASE = '''\
class AssigningFactory(BaseFactory):
    """For classes whose __init__ takes other arguments: set the attributes one by one."""

    class Meta:
        abstract = True

    @classmethod
    def _save(cls, model_class, session, args, kwargs):
        try:
            obj = model_class()
        except TypeError:
            obj = sqlalchemy.orm.class_mapper(model_class).class_manager.new_instance()
        for key, value in kwargs.items():
            setattr(obj, key, value)
        session.add(obj)
        session.flush()
        return obj'''


# -- one factory class -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    """One declaration of a factory: its name and its lines (comments first)."""

    name: str
    lines: tuple[str, ...]


def _abstract_class(graph: ModelGraph, model: str, names: _Names) -> str:
    info = graph.model(model)
    lines = [
        f"class {names.factories[model]}({_base_factory(graph, model, names, False)}):",
        f'{_INDENT}"""Abstract: the factories of {model}\'s subclasses share its sequences."""',
        "",
        f"{_INDENT}class Meta:",
        f"{_INDENT * 2}model = {names.model(info)}",
        f"{_INDENT * 2}abstract = True",
    ]
    return "\n".join(lines)


def _factory_class(
    graph: ModelGraph,
    plans: Mapping[str, ModelPlan],
    model: str,
    declarations: Mapping[str, Mapping[str, Declaration]],
    names: _Names,
    assigning: bool,
) -> str:
    plan = plans[model]
    base = _base_factory(graph, model, names, assigning)
    params, body = _entries(plans, plan, declarations.get(model, {}), names)
    inherited = _inherited_entries(graph, plans, model, declarations, names) if not assigning else []
    params = [e for e in params if e not in inherited]
    body = [e for e in body if e not in inherited]
    lines = [
        f"class {names.factories[model]}({base}):",
        f'{_INDENT}"""{_summary(plan)}"""',
        "",
        f"{_INDENT}class Meta:",
        f"{_INDENT * 2}model = {names.model(graph.model(model))}",
    ]
    if params:
        lines += ["", f"{_INDENT}class Params:"]
        lines += [f"{_INDENT * 2}{line}" for entry in params for line in entry.lines]
    if body:
        lines.append("")
        lines += [f"{_INDENT}{line}" if line else "" for entry in body for line in entry.lines]
    return "\n".join(lines)


def _base_factory(graph: ModelGraph, model: str, names: _Names, assigning: bool) -> str:
    """The nearest ancestor's factory (declarations and counters inherited), else the base."""
    if assigning:
        return "AssigningFactory"
    for ancestor in ancestors(graph, model):
        if ancestor in names.factories:
            return names.factories[ancestor]
    return "BaseFactory"


def _inherited_entries(
    graph: ModelGraph,
    plans: Mapping[str, ModelPlan],
    model: str,
    declarations: Mapping[str, Mapping[str, Declaration]],
    names: _Names,
) -> list[_Entry]:
    """The entries the nearest ancestor's factory already declares, written once there."""
    for ancestor in ancestors(graph, model):
        if ancestor not in names.factories:
            continue
        if plans[ancestor].concrete != ancestor:
            return []  # an abstract factory declares nothing
        params, body = _entries(plans, plans[ancestor], declarations.get(ancestor, {}), names)
        return [*params, *body, *_inherited_entries(graph, plans, ancestor, declarations, names)]
    return []


def _entries(
    plans: Mapping[str, ModelPlan],
    plan: ModelPlan,
    declarations: Mapping[str, Declaration],
    names: _Names,
) -> tuple[list[_Entry], list[_Entry]]:
    """``Params`` entries, and the links', values' and hooks' entries of one factory."""
    params, links = _link_entries(plans, plan, names)
    hooks = [entry for entry in links if entry.name.startswith("make_")]
    plain = [entry for entry in links if entry not in hooks]
    body = [*plain, *_value_entries(declarations, names), *hooks]
    if body and body[0].lines[0] == "":
        body[0] = _Entry(body[0].name, body[0].lines[1:])  # no blank line after Meta's
    return params, body


def _summary(plan: ModelPlan) -> str:
    parents = sorted(
        {link.parent for link in plan.required_links if link.parent and not link.self_referential}
    )
    article = "An" if plan.concrete[:1].upper() in "AEIOU" else "A"
    if not parents:
        return f"{article} {plan.concrete}."
    return f"{article} {plan.concrete}, with its {' and '.join(parents)}."


def _link_entries(
    plans: Mapping[str, ModelPlan], plan: ModelPlan, names: _Names
) -> tuple[list[_Entry], list[_Entry]]:
    """``Params`` entries and attribute entries that give the row its required parents."""
    params: list[_Entry] = []
    entries: list[_Entry] = []
    taken: set[str] = set()
    for link in plan.required_links:
        pairs = list(zip(link.attributes, link.target_attributes, strict=True))
        if link.self_referential:
            entries += [
                _Entry(a, (f'{a} = factory.SelfAttribute("{t}")  # the row points at itself',))
                for a, t in pairs
            ]
            continue
        if link.parent is None or link.parent not in names.factories:
            name = "/".join(link.attributes)
            entries.append(_Entry(name, (f"# {name}: no factory for its parent; set it",)))
            continue
        if closes_cycle(dict(plans), plan.concrete, link):
            entries.append(_deferred_parent_entry(plans, plan, link, names))
            continue
        shared = _shared_parents(plans, plan, link)
        arguments = "".join(f', {key}=factory.SelfAttribute("..{own}")' for key, own in shared)
        sub = f"factory.SubFactory({names.factories[link.parent]}{arguments})"
        if link.relationship is not None:
            entries.append(_Entry(link.relationship, (f"{link.relationship} = {sub}",)))
            continue
        param = _param_name(link, taken)
        params.append(_Entry(param, (f"{param} = {sub}",)))
        entries += [_Entry(a, (f'{a} = factory.SelfAttribute("{param}.{t}")',)) for a, t in pairs]
    return params, entries


def _deferred_parent_entry(
    plans: Mapping[str, ModelPlan], plan: ModelPlan, link: Link, names: _Names
) -> _Entry:
    """A post-generation hook making the parent of a DEFERRABLE cycle after the row.

    The row's key column already holds the key the parent gets (see the declarations);
    the parent points back at the row, and the database checks both at commit.
    """
    assert link.parent is not None
    attribute, target = link.attributes[0], link.target_attributes[0]
    hook = deferred_parent_hook(link)
    back = _back_reference(plans, plan, link)
    if link.relationship is not None:
        missing = f"obj.{link.relationship} is None"
    else:
        model = names.model_of(plans[link.parent].concrete)
        missing = f"current_session().get({model}, obj.{attribute}) is None"
    lines = (
        "",
        "@factory.post_generation",
        f"def {hook}(obj, create, extracted, **kwargs):",
        f'{_INDENT}"""The {link.parent} this row points at, made after it (checked at commit)."""',
        f"{_INDENT}if create and {missing}:",
        f"{_INDENT * 2}{names.factories[link.parent]}({target}=obj.{attribute}{back})",
    )
    return _Entry(hook, lines)


def deferred_parent_hook(link: Link) -> str:
    """The name of the post-generation hook that makes a deferred-cycle parent
    (``make_workspace``); the runtime declarations' notes point at it by this name."""
    stem = link.relationship or link.attributes[0].removesuffix("_id")
    return f"make_{stem}"


def _back_reference(plans: Mapping[str, ModelPlan], plan: ModelPlan, link: Link) -> str:
    """Keyword arguments pointing the deferred parent's own link back at the row."""
    assert link.parent is not None
    own_tables = {link.fk.table}
    for back in plans[link.parent].required_links:
        if back.fk.target_table not in own_tables or back.self_referential:
            continue
        if back.relationship is not None:
            return f", {back.relationship}=obj"
        pairs = zip(back.attributes, back.target_attributes, strict=True)
        return "".join(f", {a}=obj.{t}" for a, t in pairs)
    return ""


def _shared_parents(plans: Mapping[str, ModelPlan], plan: ModelPlan, link: Link) -> list[tuple[str, str]]:
    """Grandparents the row already has that the parent should reuse, not make again:
    an ``Agent`` of the execution's own ``Workspace`` (one level deep)."""
    parent_plan = plans.get(link.parent) if link.parent is not None else None
    if parent_plan is None:
        return []
    own = {
        (other.parent, other.fk.target_table): other.relationship
        for other in plan.required_links
        if other is not link and other.relationship is not None and not other.self_referential
    }
    shared: list[tuple[str, str]] = []
    for upper in parent_plan.required_links:
        mine = own.get((upper.parent, upper.fk.target_table))
        if upper.relationship is not None and mine is not None and not upper.fresh:
            shared.append((upper.relationship, mine))
    return shared


def _param_name(link: Link, taken: set[str]) -> str:
    table = link.fk.target_table.rpartition(".")[2]
    base = re.sub(r"\W+", "_", f"{table}_parent").strip("_")
    name, counter = base, 2
    while name in taken:
        name, counter = f"{base}_{counter}", counter + 1
    taken.add(name)
    return name


def _value_entries(declarations: Mapping[str, Declaration], names: _Names) -> list[_Entry]:
    """One entry per value; nullable columns nothing needs are left commented out."""
    active = _active(declarations)
    entries: list[_Entry] = []
    for attribute, declaration in declarations.items():
        line = f"{attribute} = {_through_alias(declaration, names)}"
        if attribute not in active:
            entries.append(_Entry(attribute, (f"# {line}  (nullable)",)))
        elif declaration.note:
            entries.append(_Entry(attribute, (f"# {declaration.note}", line)))
        else:
            entries.append(_Entry(attribute, (line,)))
    return entries


def _active(declarations: Mapping[str, Declaration]) -> set[str]:
    """Attributes that get a value: the required ones, and what they read (``o.x``)."""
    active = {a for a, d in declarations.items() if not d.optional}
    pending = list(active)
    while pending:
        source = declarations[pending.pop()].source
        for name in re.findall(r"\bo\.(\w+)", source):
            if name in declarations and name not in active:
                active.add(name)
                pending.append(name)
    return active


def _through_alias(declaration: Declaration, names: _Names) -> str:
    """The source, with classes of a models module reached through its import
    (``models.PlanTier``) instead of an import of their own."""
    source = declaration.source
    for line in declaration.imports:
        parts = line.split()
        if len(parts) == 4 and parts[0] == "from" and parts[1] in names.modules:
            alias, imported = names.modules[parts[1]], parts[3]
            source = re.sub(rf"(?<![\w.]){re.escape(imported)}\b", f"{alias}.{imported}", source)
    return source
