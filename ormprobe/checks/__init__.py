"""The check catalogue.

``load_builtin_checks()`` imports the built-in static check modules by name (no
scanning), and ``load_dynamic_checks()`` the modules that attach database confirmations.
"""

from __future__ import annotations

import importlib

from ormprobe.checks.registry import REGISTRY, Check, Registry, Stability, Subject, check

__all__ = [
    "REGISTRY",
    "Check",
    "Registry",
    "Stability",
    "Subject",
    "check",
    "load_builtin_checks",
    "load_dynamic_checks",
]

_STATIC_MODULES = (
    "ormprobe.checks.wiring",
    "ormprobe.checks.cascades",
    "ormprobe.checks.keys",
    "ormprobe.checks.models",
    "ormprobe.checks.defaults",
    "ormprobe.checks.upstream",
)
_DYNAMIC_MODULES = (
    "ormprobe.checks.dynamic.wiring",
    "ormprobe.checks.dynamic.cascades",
    "ormprobe.checks.dynamic.keys",
    "ormprobe.checks.dynamic.models",
    "ormprobe.checks.dynamic.defaults",
)


def load_builtin_checks() -> Registry:
    """Register the built-in checks (idempotent) and return the registry."""
    for module in _STATIC_MODULES:
        importlib.import_module(module)
    return REGISTRY


def load_dynamic_checks() -> Registry:
    """Also attach the database confirmations (imports SQLAlchemy and the synthesizer)."""
    load_builtin_checks()
    for module in _DYNAMIC_MODULES:
        importlib.import_module(module)
    return REGISTRY
