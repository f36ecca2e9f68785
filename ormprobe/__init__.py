"""ormprobe: test SQLAlchemy models automatically.

The public API. Everything not listed in ``__all__`` is internal and may change.
Names that need SQLAlchemy are imported on first use, so ``import ormprobe`` (and the
``ormprobe`` command's ``--help``) stays fast.

Example:
    >>> import ormprobe
    >>> ormprobe.Severity.parse("warning") >= ormprobe.Severity.INFO
    True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ormprobe import errors
from ormprobe._version import __version__
from ormprobe.config import ProbeConfig
from ormprobe.findings import Finding, Location, Severity

if TYPE_CHECKING:
    from ormprobe.api import factories, session
    from ormprobe.checks.registry import check
    from ormprobe.graph import ModelGraph
    from ormprobe.introspect import build_graph
    from ormprobe.loading import LoadedModels, load_models
    from ormprobe.results import CaseResult, Report, Status
    from ormprobe.runner import scan
    from ormprobe.synth.values import register_provider

__all__ = [
    "CaseResult",
    "Finding",
    "LoadedModels",
    "Location",
    "ModelGraph",
    "ProbeConfig",
    "Report",
    "Severity",
    "Status",
    "__version__",
    "build_graph",
    "check",
    "errors",
    "factories",
    "load_models",
    "register_provider",
    "scan",
    "session",
]

# name -> module that defines it; imported lazily by __getattr__ (PEP 562).
_LAZY = {
    "CaseResult": "ormprobe.results",
    "LoadedModels": "ormprobe.loading",
    "ModelGraph": "ormprobe.graph",
    "Report": "ormprobe.results",
    "Status": "ormprobe.results",
    "build_graph": "ormprobe.introspect",
    "check": "ormprobe.checks.registry",
    "factories": "ormprobe.api",
    "load_models": "ormprobe.loading",
    "register_provider": "ormprobe.synth.values",
    "scan": "ormprobe.runner",
    "session": "ormprobe.api",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ormprobe' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
