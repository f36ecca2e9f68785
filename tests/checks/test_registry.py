"""The check catalogue: registration rules, selection, and that every check is complete."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ormprobe.checks import REGISTRY, Stability, check, load_builtin_checks, load_dynamic_checks
from ormprobe.checks.registry import REQUIRED_SECTIONS, Registry
from ormprobe.errors import RuleDefinitionError, UsageError
from ormprobe.findings import Severity

ROOT = Path(__file__).resolve().parents[2]
DOC = """Summary line.

## Why is this bad?
Because.

## Example
Bad.

## Use instead
Good.
"""


def define(registry: Registry, code: str, slug: str, doc: str = DOC, module: str | None = None) -> None:
    def predict(ctx, subject):  # type: ignore[no-untyped-def]
        return ()

    predict.__name__ = slug.replace("-", "_")
    predict.__doc__ = doc
    if module is not None:
        predict.__module__ = module
    check(code, slug, Severity.ERROR, subjects=lambda graph: (), registry=registry)(predict)


def test_duplicate_code_from_another_module_is_refused() -> None:
    local = Registry()
    define(local, "OP990", "first-check", module="one")
    with pytest.raises(RuleDefinitionError, match="OP990 is already registered"):
        define(local, "OP990", "second-check", module="two")


def test_reimporting_the_same_module_replaces_the_check() -> None:
    local = Registry()
    define(local, "OP990", "first-check", module="same")
    define(local, "OP990", "first-check", module="same")
    assert len(local) == 1


@pytest.mark.parametrize(
    ("code", "slug", "doc", "message"),
    [
        ("OP99", "short-code", DOC, "three digits"),
        ("OP991", "Not_Kebab", DOC, "kebab-case"),
        ("OP992", "no-sections", "Just a summary.", "lacks ## Why is this bad?"),
    ],
)
def test_malformed_checks_are_refused(code: str, slug: str, doc: str, message: str) -> None:
    with pytest.raises(RuleDefinitionError, match=message):
        define(Registry(), code, slug, doc)


def test_function_name_must_match_the_slug() -> None:
    def misnamed(ctx, subject):  # type: ignore[no-untyped-def]
        return ()

    misnamed.__doc__ = DOC
    with pytest.raises(RuleDefinitionError, match="must be named right_name"):
        check("OP993", "right-name", Severity.INFO, subjects=lambda g: (), registry=Registry())(misnamed)


def test_selection_by_code_and_prefix() -> None:
    registry = load_builtin_checks()
    assert [c.code for c in registry.select(["OP201"])] == ["OP201"]
    assert {c.code[:3] for c in registry.select(["OP2"])} == {"OP2"}
    assert "OP201" not in {c.code for c in registry.select(ignore=["OP20"])}
    assert "OP311" not in {c.code for c in registry.select()}  # preview: not by default
    assert "OP311" in {c.code for c in registry.select(preview=True)}
    assert [c.code for c in registry.select(["OP311"])] == ["OP311"]  # named explicitly
    with pytest.raises(UsageError, match="'OP8' matches no check code"):
        registry.select(["OP8"])
    with pytest.raises(UsageError, match="unknown check code 'OP000'"):
        registry.get("OP000")


def test_every_check_is_complete() -> None:
    """Docs with the sections, a confirmation for every check that promises one, and a
    planted-bug fixture (or a dedicated test) for every stable check."""
    registry = load_dynamic_checks()
    manifest = tomllib.loads((ROOT / "fixtures" / "bugs" / "manifest.toml").read_text())
    planted = {
        code
        for entry in manifest.values()
        for variant in [entry, *[v for v in entry.values() if isinstance(v, dict)]]
        for code, _ in variant.get("expected", [])
    }
    tested_elsewhere = {"OP304", "OP307", "OP308"}  # tests/checks/test_schema_drift.py
    for entry in registry:
        for section in REQUIRED_SECTIONS:
            assert section in entry.doc, f"{entry.code} lacks {section}"
        if entry.dynamic:
            assert entry.confirm is not None, f"{entry.code} is dynamic but has no confirmation"
        if entry.stability is Stability.STABLE:
            assert entry.code in planted | tested_elsewhere, f"{entry.code} has no planted-bug fixture"


def test_codes_are_unique_and_slugs_unique() -> None:
    registry = load_builtin_checks()
    codes = [c.code for c in registry]
    slugs = [c.slug for c in registry]
    assert len(codes) == len(set(codes)) == len(REGISTRY)
    assert len(slugs) == len(set(slugs))


def test_docs_catalogue_matches_the_registry() -> None:
    """docs/checks.md is the registry's own rendering; regenerate it with
    `ormprobe rules --preview --format markdown > docs/checks.md`."""
    from ormprobe.reporters.catalogue import render_markdown

    registry = load_builtin_checks()
    checks = sorted(registry, key=lambda c: c.code)
    previews = frozenset(c.code for c in checks if c.stability is Stability.PREVIEW)
    expected = render_markdown([c.info for c in checks], previews)
    assert (ROOT / "docs" / "checks.md").read_text(encoding="utf-8") == expected
