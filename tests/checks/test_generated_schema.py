"""A generated, correct 300-model schema: every case runs, nothing is found, nothing errors.

The schema (``fixtures/generate.py``) mixes every relationship kind, composite keys,
inheritance, secondary tables, unique and CHECK constraints, written the correct way; any
finding here is a false finding and any error an ormprobe bug.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import ormprobe

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))
from generate import write_models  # noqa: E402


@pytest.mark.slow
def test_generated_300_model_schema_is_clean(tmp_path: Path, clean_modules: None) -> None:
    path = write_models(tmp_path / "generated_300.py", 300, seed=7)
    report = ormprobe.scan(str(path), config=ormprobe.ProbeConfig())
    assert [r.case_id for r in report.errors()] == []
    assert [f"{f.code}[{f.target}] {f.message}" for f in report.findings()] == []
    counts = report.counts()
    assert counts["passed"] > 0.95 * counts["cases"]
    relationships = sum(len(m.declared_relationships) for m in report.graph.models)
    assert relationships >= 300
