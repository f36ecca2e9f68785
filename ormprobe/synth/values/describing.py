"""Providers as factory_boy source: :func:`describe`, for generated factory modules.

The first natural declaration whose values fit the column wins; when none does (a user
provider, a LIKE pattern, an exotic type), the provider's own values are written out.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ormprobe.errors import SynthesisError
from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints import Domain, fits_type, storage_value, type_domain
from ormprobe.synth.values.binding import BindProbe
from ormprobe.synth.values.declaration import Declaration
from ormprobe.synth.values.dispatch import decorator_choice, provider_for
from ormprobe.synth.values.literals import Rendered, join_literals, render_all, render_literal
from ormprobe.synth.values.natural import VERIFY_SAMPLES, candidate_declarations
from ormprobe.synth.values.randomness import Provider, context
from ormprobe.synth.values.registry import user_provided
from ormprobe.synth.values.spec import ColumnSpec

# Values of the provider written out when no natural declaration keeps to the column.
_LITERAL_SAMPLES = 50


def describe(
    column: ColumnInfo,
    *,
    model: str | None = None,
    unique: bool = False,
    domain: Domain | None = None,
    provider: Provider | None = None,
    dialect: str | None = None,
) -> Declaration:
    """The values :func:`provider_for` makes for ``column``, as factory_boy source.

    Natural declarations are tried first (``factory.Faker("safe_email")`` for an e-mail
    column, ``factory.Sequence(lambda n: f"slug-{n}")`` for a unique slug, a Faker range
    around the provider's own values for numbers and dates). Each is checked by making
    values from its source: they must fit the type, the CHECK domain and, for a unique
    column, never repeat. A ``TypeDecorator`` that decides its own values (the GUID
    recipe wants ``uuid.UUID``) gets the declarations of the kind it takes, and each
    value must pass its bind processing. When none passes (a user provider, a LIKE
    pattern, an exotic type), the provider's own values are written out as literals.

    Args:
        column: the column.
        model: the model name, for messages.
        unique: values must not repeat.
        domain: what the table's CHECKs require of the column.
        provider: the column's provider, if already made (else :func:`provider_for`).
        dialect: the SQLAlchemy dialect name of the database, when known (see
            :func:`provider_for`).

    Returns:
        The declaration; its source needs only factory_boy, Faker and its imports.

    Raises:
        SynthesisError: when no provider handles the column (see :func:`provider_for`).

    Example:
        >>> from ormprobe.synth.constraints.examples import example_column
        >>> describe(example_column("email"), unique=True).source
        'factory.Sequence(lambda n: f"user{n}@example.com")'
    """
    spec = ColumnSpec.of(column, model=model, unique=unique, domain=domain or Domain(), dialect=dialect)
    if spec.domain.null_only:
        return Declaration("None", note="its CHECKs leave it NULL", optional=column.nullable)
    return replace(_described(spec, provider), optional=column.nullable)


def _described(spec: ColumnSpec, provider: Provider | None) -> Declaration:
    if not user_provided(spec.column):
        fit = _Fit.of(spec)
        for candidate in candidate_declarations(fit.natural):
            if _declaration_holds(spec, candidate, fit):
                return candidate
    made = provider or provider_for(
        spec.column,
        model=spec.target.partition(".")[0],
        unique=spec.unique,
        domain=spec.domain,
        dialect=spec.dialect,
    )
    return _sampled_declaration(spec, made)


@dataclass(frozen=True, slots=True)
class _Fit:
    """What a declaration's values are judged by.

    Attributes:
        natural: the column as declarations see it: for a decorator that decides its
            values, the type of the values it takes (``Uuid()`` for the GUID recipe).
        probe: that decorator's bind processing, which every value must pass.
    """

    natural: ColumnSpec
    probe: BindProbe | None

    @classmethod
    def of(cls, spec: ColumnSpec) -> _Fit:
        chosen = decorator_choice(spec)
        if chosen is None:
            return cls(spec, None)
        column = replace(chosen.spec.column, sa_type=chosen.sa_type)
        return cls(replace(chosen.spec, column=column), chosen.probe)


def _declaration_holds(spec: ColumnSpec, declaration: Declaration, fit: _Fit) -> bool:
    """Make values from the declaration's own source; True when every one fits."""
    namespace: dict[str, Any] = {"factory": importlib.import_module("factory")}
    try:
        for line in declaration.imports:
            exec(line, namespace)  # our own import lines, e.g. "import datetime"
        made = eval(declaration.source, namespace)  # our own source, checked before it's written
        build_batch: Callable[..., list[dict[str, Any]]] = namespace["factory"].build_batch
        rows = build_batch(dict, VERIFY_SAMPLES, value=made)
    except Exception:  # a declaration that can't even run is simply not the one
        return False
    produced = [row["value"] for row in rows]
    if not all(_fits(spec, value, fit) for value in produced):
        return False
    return not spec.unique or _distinct(produced)


def _fits(spec: ColumnSpec, value: Any, fit: _Fit) -> bool:
    """True when ``value`` is a valid ORM value of the column: type, length, CHECKs, and
    the decorator's bind processing when it decides the values."""
    if value is None:
        return False
    if fit.probe is not None and not fit.probe.accepts(value):
        return False
    try:
        stored = storage_value(spec.column, value)
    except Exception:  # a value the column's type can't even bind
        return False
    column = spec.column
    # The ORM value is judged as the kind it is; what is stored, by the column's own type.
    return (
        fits_type(value, fit.natural.column)
        and type_domain(column.sa_type, nullable=column.nullable).admits(stored)
        and spec.domain.admits(stored)
    )


def _distinct(produced: Sequence[Any]) -> bool:
    # Case-folded: MySQL and MariaDB compare text case-insensitively under UNIQUE.
    keys = [v.lower() if isinstance(v, str) else repr(v) for v in produced]
    return len(set(keys)) == len(keys)


def _sampled_declaration(spec: ColumnSpec, provider: Provider) -> Declaration:
    """The provider's own values as literals: one for a plain column, a list to walk
    through for a unique one."""
    count = _LITERAL_SAMPLES if spec.unique else 1
    made: list[Any] = []
    for n in range(count):
        try:
            made.append(provider(context(n)))
        except SynthesisError:
            break
    items = render_all(made, lambda value: _renderable(spec, value))
    if not made or items is None:
        return Declaration(
            "None",
            note=f"ormprobe can't write {spec.target}'s values as source; set one here",
        )
    listing, imports = join_literals(items)
    if spec.unique:
        note = f"{len(items)} distinct values ormprobe made; add more for more rows"
        return Declaration(f"factory.Iterator([{listing}], cycle=False)", imports, note)
    source = items[0][0]
    if isinstance(made[0], (list, dict, set)):
        source = f"factory.LazyFunction(lambda: {source})"
    return Declaration(source, imports, note="a value ormprobe made; replace as you like")


def _renderable(spec: ColumnSpec, value: Any) -> Rendered | None:
    """A literal of ``value``, else of its stored form (sqlalchemy-utils types take it)."""
    rendered = render_literal(value)
    if rendered is not None:
        return rendered
    try:
        return render_literal(storage_value(spec.column, value))
    except Exception:  # no stored form either
        return None
