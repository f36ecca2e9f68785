"""Exceptions raised by ormprobe.

A *finding* is data about the user's models (see :mod:`ormprobe.findings`); an exception
from this module means ormprobe could not look, or was asked to do something it can't.
The two never cross: a mapping SQLAlchemy refuses to configure is a finding, a file that
does not exist is a :class:`LoadError`.

Exception tree::

    OrmprobeError                    any exception raised on purpose by ormprobe
    ├── UsageError                   bad option, unknown code, malformed config    (exit 2)
    ├── LoadError                    the target can't be found or imported         (exit 2)
    │   ├── TargetNotFound           no such file or module
    │   └── NoModelsFound            imported, but no mapped class or table in reach
    ├── SandboxError                 can't connect, create or reach the database   (exit 2)
    ├── RuleDefinitionError          a check was registered wrongly (import time)
    ├── SynthesisError               no valid value or row can be made for a column/model
    └── MissingDependencyError       an optional package is not installed          (exit 2)
"""

from __future__ import annotations

__all__ = [
    "LoadError",
    "MissingDependencyError",
    "NoModelsFound",
    "OrmprobeError",
    "RuleDefinitionError",
    "SandboxError",
    "SynthesisError",
    "TargetNotFound",
    "UsageError",
]


class OrmprobeError(Exception):
    """Base class of every exception ormprobe raises on purpose.

    Catch this to handle "ormprobe could not do what was asked" without also catching
    bugs. Its message is one line that says what is wrong and what to do.
    """


class UsageError(OrmprobeError):
    """An option, configuration value or code is not valid."""


class LoadError(OrmprobeError):
    """The models target could not be imported."""


class TargetNotFound(LoadError):
    """No file or module matches the target."""


class NoModelsFound(LoadError):
    """The target imported, but no mapped class or table is reachable from it."""


class SandboxError(OrmprobeError):
    """The database can't be reached, created or used as a sandbox."""


class RuleDefinitionError(OrmprobeError):
    """A check was defined wrongly: duplicate code or slug, missing docstring section."""


class SynthesisError(OrmprobeError):
    """No valid value or row can be synthesized.

    Attributes:
        target: ``Model.column`` or ``Model`` the problem is about, when known.
    """

    def __init__(self, message: str, *, target: str | None = None) -> None:
        super().__init__(message)
        self.target = target


class MissingDependencyError(OrmprobeError, ImportError):
    """An optional dependency needed for the requested feature is not installed."""
