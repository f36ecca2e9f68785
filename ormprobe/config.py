"""Configuration: ``[tool.ormprobe]`` in pyproject.toml, overridden by options.

Precedence, highest first: command-line options (or pytest options / library
arguments), then ``[tool.ormprobe]`` in the nearest pyproject.toml, then the defaults
below. Values are validated when the configuration is built, never in the middle of a
run, so a typo in a key or a code is one clear :class:`~ormprobe.errors.UsageError`.

Example pyproject.toml::

    [tool.ormprobe]
    models = "myapp.models"
    db = "postgresql+psycopg://localhost/app"
    select = ["OP2"]          # code prefixes, as in ruff
    ignore = ["OP307"]
    seed = 1234
    fail-on = "warning"

    [tool.ormprobe.per-target-ignores]
    "Parent.children" = ["OP202"]

    [tool.ormprobe.values]
    "User.email" = "alice@example.com"          # a literal
    "User.slug" = "myapp.testing:make_slug"     # or "module:callable"
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ormprobe.errors import UsageError
from ormprobe.findings import Severity

__all__ = ["DEFAULT_SEED", "ProbeConfig", "find_pyproject"]

DEFAULT_SEED = 20_241_125


@dataclass(frozen=True)
class ProbeConfig:
    """Every setting of a run.

    Attributes:
        models: the models target (file, module, or ``module:attr``).
        db: database URL; None means in-memory SQLite.
        select: check codes or code prefixes to run; empty means all stable checks.
        ignore: codes or prefixes to leave out.
        per_target_ignores: ``{"Model.attr": ("OP202",)}`` silences codes for one target.
        values: ``{"Model.column": literal or "module:callable"}`` value overrides.
        seed: seeds Faker and factory_boy together so runs repeat exactly.
        fail_on: lowest severity that makes the exit code 1.
        pythonpath: directories put in front of ``sys.path`` before importing.
        static_only: run only the checks that need no database.
        preview: also run checks marked preview.
        keep_db: keep the scratch database after the run (for debugging).
        in_place: run inside the given database in a rolled-back transaction instead
            of a scratch database.
        existing_schema: the tables already exist; create nothing.
    """

    models: str | None = None
    db: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_target_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)
    seed: int = DEFAULT_SEED
    fail_on: Severity = Severity.ERROR
    pythonpath: tuple[str, ...] = ()
    static_only: bool = False
    preview: bool = False
    keep_db: bool = False
    in_place: bool = False
    existing_schema: bool = False

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], *, source: str = "configuration") -> ProbeConfig:
        """Build a config from a ``[tool.ormprobe]``-shaped mapping.

        Keys may be written kebab-case (``fail-on``) or snake_case (``fail_on``).

        Raises:
            UsageError: for an unknown key or a value of the wrong type.
        """
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            name = key.replace("-", "_")
            if name not in known:
                valid = ", ".join(sorted(k.replace("_", "-") for k in known))
                raise UsageError(f"{source}: unknown key {key!r}; valid keys: {valid}")
            values[name] = _coerce(name, value, source)
        return cls(**values)

    @classmethod
    def from_pyproject(cls, path: Path | None = None) -> ProbeConfig:
        """Read ``[tool.ormprobe]`` from ``path`` or the nearest pyproject.toml above cwd.

        Returns the defaults when there is no pyproject.toml or no such table.

        Raises:
            UsageError: when the file is not valid TOML or the table is malformed.
        """
        path = path or find_pyproject(Path.cwd())
        if path is None:
            return cls()
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"{path}: can't read it as TOML: {exc}") from exc
        table = document.get("tool", {}).get("ormprobe", {})
        if not isinstance(table, dict):
            raise UsageError(f"{path}: [tool.ormprobe] must be a table")
        config = cls.from_raw(table, source=f"{path} [tool.ormprobe]")
        # Relative paths in the file are relative to the file, not to the cwd.
        if config.pythonpath:
            base = path.parent
            config = replace(config, pythonpath=tuple(str(base / p) for p in config.pythonpath))
        return config

    def merged(self, **overrides: Any) -> ProbeConfig:
        """A copy with every override that is not None applied (options beat the file).

        Raises:
            UsageError: for an unknown setting or a value of the wrong type.
        """
        known = {f.name for f in fields(self)}
        changes = {}
        for name, value in overrides.items():
            if name not in known:
                raise UsageError(f"unknown setting {name!r}")
            if value is None:
                continue
            changes[name] = _coerce(name, value, "option")
        return replace(self, **changes)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml in ``start`` or a parent directory."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _coerce(name: str, value: Any, source: str) -> Any:
    where = f"{source}: {name.replace('_', '-')}"
    if name in ("select", "ignore", "pythonpath"):
        return _string_tuple(value, where)
    if name == "per_target_ignores":
        if not isinstance(value, Mapping):
            raise UsageError(f"{where} must be a table of target = [codes]")
        return {str(target): _string_tuple(codes, f"{where}.{target}") for target, codes in value.items()}
    if name == "values":
        if not isinstance(value, Mapping):
            raise UsageError(f'{where} must be a table of "Model.column" = value')
        for target in value:
            if "." not in str(target):
                raise UsageError(f"{where}: {target!r} must name a column as Model.column")
        return dict(value)
    if name == "seed":
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                return int(value)
            except (TypeError, ValueError):
                raise UsageError(f"{where} must be an integer, got {value!r}") from None
        return value
    if name == "fail_on":
        if isinstance(value, Severity):
            return value
        try:
            return Severity.parse(str(value))
        except ValueError as exc:
            raise UsageError(f"{where}: {exc}") from None
    if name in ("static_only", "preview", "keep_db", "in_place", "existing_schema"):
        if not isinstance(value, bool):
            raise UsageError(f"{where} must be true or false, got {value!r}")
        return value
    if name in ("models", "db"):
        if not isinstance(value, str):
            raise UsageError(f"{where} must be a string, got {value!r}")
        return value
    return value


def _string_tuple(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",")]
    elif isinstance(value, (list, tuple)):
        items = [str(part).strip() for part in value]
    else:
        raise UsageError(f"{where} must be a list of strings, got {value!r}")
    return tuple(item for item in items if item)
