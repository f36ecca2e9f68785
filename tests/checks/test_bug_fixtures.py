"""Every planted-bug fixture yields exactly its expected findings; clean files yield none.

The expectations live in ``fixtures/bugs/manifest.toml`` (one table per file, with
per-backend overrides where SQLite, PostgreSQL and MariaDB behave differently). Each file
is scanned in a fresh process so the fixtures' models never share a process, on each
backend the ``db_url`` fixture provides.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUGS = ROOT / "fixtures" / "bugs"
CLEAN = ROOT / "fixtures" / "clean"
MANIFEST = tomllib.loads((BUGS / "manifest.toml").read_text(encoding="utf-8"))


def _backend(url: str) -> str:
    name = url.split(":", 1)[0].split("+", 1)[0]
    return "mysql" if name in ("mysql", "mariadb") else name


def scan(path: Path, db_url: str) -> dict:
    """``ormprobe scan --format json`` in a fresh process, as a user runs it."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ormprobe",
            "scan",
            str(path.relative_to(ROOT)),
            "--db",
            db_url,
            "--format",
            "json",
            "--fail-on",
            "info",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode in (0, 1), f"exit {result.returncode}\n{result.stderr[-3000:]}"
    return json.loads(result.stdout)


def expected_for(name: str, backend: str) -> set[tuple[str, str]]:
    entry = MANIFEST[name]
    chosen = entry.get(backend, {}).get("expected", entry["expected"])
    return {(code, target) for code, target in chosen}


def describe(report: dict) -> str:
    lines = [f"{f['code']} {f['target']}: {f['message']} | {f['evidence']}" for f in report["findings"]]
    lines += [f"ERROR {e['code']} {e['target']}: {e['error']}" for e in report["errors"]]
    return "\n".join(lines)


@pytest.mark.parametrize("name", sorted(MANIFEST), ids=[n.removesuffix(".py") for n in sorted(MANIFEST)])
def test_planted_bug_is_found_exactly(name: str, db_url: str) -> None:
    report = scan(BUGS / name, db_url)
    found = {(f["code"], f["target"]) for f in report["findings"]}
    assert report["errors"] == [], describe(report)
    assert found == expected_for(name, _backend(db_url)), describe(report)


@pytest.mark.parametrize("path", sorted(CLEAN.glob("*.py")), ids=lambda p: p.stem)
def test_clean_models_have_no_findings(path: Path, db_url: str) -> None:
    report = scan(path, db_url)
    assert report["findings"] == [], describe(report)
    assert report["errors"] == [], describe(report)
    assert report["summary"]["passed"] > 0


def test_every_bug_file_is_in_the_manifest() -> None:
    files = {p.name for p in BUGS.glob("*.py")}
    assert files == set(MANIFEST), "bug fixtures and manifest disagree"
