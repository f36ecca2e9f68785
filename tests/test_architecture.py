"""The import direction of ARCHITECTURE.md, enforced.

Each module may import only the ormprobe modules (and third-party packages) its layer
allows. The rules are checked by parsing every module's imports with :mod:`ast`, so a
forbidden import fails here before it can tangle the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ormprobe"

# module prefix -> ormprobe modules it may import (prefix match). Listed most specific first.
ALLOWED: list[tuple[str, set[str]]] = [
    ("ormprobe._version", set()),
    ("ormprobe.errors", set()),
    ("ormprobe.findings", set()),
    ("ormprobe.graph", {"ormprobe.findings"}),
    ("ormprobe.results", {"ormprobe.findings", "ormprobe.graph"}),
    ("ormprobe.config", {"ormprobe.errors", "ormprobe.findings"}),
    ("ormprobe.sourcemap", {"ormprobe.findings"}),
    ("ormprobe.annotations", set()),
    (
        "ormprobe.loading",
        {"ormprobe.errors", "ormprobe.findings", "ormprobe.graph", "ormprobe.sourcemap"},
    ),
    (
        "ormprobe.introspect",
        {
            "ormprobe.errors",
            "ormprobe.findings",
            "ormprobe.graph",
            "ormprobe.loading",
            "ormprobe.sourcemap",
            "ormprobe.annotations",
        },
    ),
    ("ormprobe.sandbox", {"ormprobe.errors", "ormprobe.config"}),
    (
        "ormprobe.synth",
        {
            "ormprobe.errors",
            "ormprobe.findings",
            "ormprobe.graph",
            "ormprobe.synth",
            "ormprobe.config",
        },
    ),
    (
        "ormprobe.checks.registry",
        {"ormprobe.errors", "ormprobe.findings", "ormprobe.results", "ormprobe.graph"},
    ),
    (
        "ormprobe.checks.context",
        {
            "ormprobe.checks.registry",
            "ormprobe.checks.targets",
            "ormprobe.findings",
            "ormprobe.graph",
            "ormprobe.config",
            "ormprobe.errors",
            "ormprobe.results",
        },
    ),
    (
        "ormprobe.checks.dynamic",
        {
            "ormprobe.checks",
            "ormprobe.findings",
            "ormprobe.graph",
            "ormprobe.config",
            "ormprobe.errors",
            "ormprobe.results",
            "ormprobe.synth",
            "ormprobe.sandbox",
            "ormprobe.loading",
            "ormprobe.runner",
        },
    ),
    (
        "ormprobe.checks",
        {
            "ormprobe.checks",
            "ormprobe.findings",
            "ormprobe.graph",
            "ormprobe.config",
            "ormprobe.errors",
            "ormprobe.results",
        },
    ),
    (
        "ormprobe.reporters",
        {
            "ormprobe.reporters",
            "ormprobe.results",
            "ormprobe.findings",
            "ormprobe.graph",
            "ormprobe._version",
            "ormprobe.errors",
        },
    ),
    (
        "ormprobe.runner",
        {
            "ormprobe.checks",
            "ormprobe.findings",
            "ormprobe.graph",
            "ormprobe.config",
            "ormprobe.errors",
            "ormprobe.results",
            "ormprobe.synth",
            "ormprobe.sandbox",
            "ormprobe.loading",
            "ormprobe.introspect",
            "ormprobe._version",
        },
    ),
    (
        "ormprobe.api",
        {
            "ormprobe.config",
            "ormprobe.errors",
            "ormprobe.graph",
            "ormprobe.loading",
            "ormprobe.introspect",
            "ormprobe.sandbox",
            "ormprobe.synth",
        },
    ),
    ("ormprobe.cli", {"ormprobe"}),
    ("ormprobe.pytest_plugin", {"ormprobe"}),
    ("ormprobe.__main__", {"ormprobe.cli"}),
    ("ormprobe", {"ormprobe"}),  # the package __init__: the public API
]

# Third-party packages a layer must never import (rules 2 and 4 of ARCHITECTURE.md).
FORBIDDEN_THIRD_PARTY: list[tuple[str, set[str]]] = [
    ("ormprobe.findings", {"sqlalchemy", "factory", "faker", "rich", "click"}),
    ("ormprobe.graph", {"sqlalchemy", "factory", "faker", "rich", "click"}),
    ("ormprobe.results", {"sqlalchemy", "factory", "faker", "rich", "click"}),
    ("ormprobe.reporters", {"sqlalchemy", "factory", "faker"}),
    ("ormprobe.checks.registry", {"sqlalchemy", "factory", "faker"}),
    ("ormprobe.checks.static", {"sqlalchemy", "factory", "faker"}),
    ("ormprobe.sandbox", {"factory", "faker"}),
    ("ormprobe.loading", {"factory", "faker"}),
    ("ormprobe.introspect", {"factory", "faker"}),
]


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append((".".join(parts), path))
    return found


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            if target == "ormprobe":  # `from ormprobe import sourcemap` names a submodule
                names.update(f"ormprobe.{alias.name}" for alias in node.names)
            else:
                names.add(target)
    return names


def _rule(table: list[tuple[str, set[str]]], module: str) -> set[str] | None:
    for prefix, allowed in table:
        if module == prefix or module.startswith(prefix + "."):
            return allowed
    return None


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_module_imports_follow_the_layering(module: str, path: Path) -> None:
    allowed = _rule(ALLOWED, module)
    assert allowed is not None, f"{module} has no layer in tests/test_architecture.py: add it"
    internal = {name for name in _imports(path, module) if name.split(".")[0] == "ormprobe"}
    internal.discard(module)
    bad = sorted(
        name for name in internal if not any(name == ok or name.startswith(ok + ".") for ok in allowed)
    )
    assert not bad, f"{module} imports {bad}, which its layer may not import"


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_layers_keep_out_of_forbidden_third_party_packages(module: str, path: Path) -> None:
    forbidden = _rule(FORBIDDEN_THIRD_PARTY, module) or set()
    external = {name.split(".")[0] for name in _imports(path, module)}
    assert not (external & forbidden), f"{module} imports {sorted(external & forbidden)}"


def test_nothing_imports_the_faces() -> None:
    for module, path in _modules():
        if module in ("ormprobe.__main__", "ormprobe.cli", "ormprobe.pytest_plugin"):
            continue
        imported = _imports(path, module)
        assert "ormprobe.cli" not in imported, f"{module} imports ormprobe.cli"
        assert "ormprobe.pytest_plugin" not in imported, f"{module} imports ormprobe.pytest_plugin"


def test_plugin_module_imports_only_pytest_and_stdlib_at_top_level() -> None:
    path = PACKAGE / "pytest_plugin.py"
    if not path.exists():
        pytest.skip("the pytest plugin module is not written yet")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top_level.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top_level.add(node.module.split(".")[0])
    heavy = top_level & {"sqlalchemy", "factory", "faker", "rich", "click", "sqlglot", "ormprobe"}
    assert not heavy, f"the plugin imports {sorted(heavy)} at import time; import them lazily"
