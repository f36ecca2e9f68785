"""``[tool.ormprobe.values]``: values the user sets for ``"Model.attr"``, at runtime and as source.

An entry is a literal, or ``"module:callable"`` naming a function of no arguments or of
ormprobe's ``ValueContext``. It is the way out wherever ormprobe can't make a valid value
itself (a CHECK or ``@validates`` hook it can't satisfy), so it applies to the model and
to every model that inherits from it.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from ormprobe.errors import SynthesisError
from ormprobe.graph import ModelGraph
from ormprobe.synth import values
from ormprobe.synth.factories.lazy import lazy_function, sequence
from ormprobe.synth.plan import ancestors


def lineage(graph: ModelGraph, model: str) -> set[str]:
    """The model and the models it inherits from: overrides of a base apply below."""
    return {model, *ancestors(graph, model)}


def overrides_for(graph: ModelGraph, overrides: Mapping[str, Any], model: str) -> dict[str, tuple[str, Any]]:
    """The entries that apply to ``model``, by attribute: (``"Model.attr"``, value)."""
    applying = lineage(graph, model)
    return {
        key.partition(".")[2]: (key, value)
        for key, value in overrides.items()
        if key.partition(".")[0] in applying
    }


def override_declaration(key: str, override: Any) -> Any:
    """A declaration for a ``[tool.ormprobe.values]`` entry: a literal or "module:callable"."""
    function = override_callable(key, override)
    if function is None:
        return override
    if inspect.signature(function).parameters:
        return sequence(lambda n: function(values.context(n)))
    return lazy_function(function)


def override_source(key: str, override: Any) -> values.Declaration:
    """A ``[tool.ormprobe.values]`` entry as factory_boy source."""
    function = override_callable(key, override)
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


def override_callable(key: str, override: Any) -> Callable[..., Any] | None:
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
        raise SynthesisError(f"[tool.ormprobe.values] {key} = {override!r} is not callable", target=key)
    return function  # type: ignore[no-any-return]
