"""Constraints the models declare but the database does not enforce (``--existing-schema``).

The table is created the way an old migration left it: without the NOT NULL, UNIQUE and
CHECK constraints the models declare. ormprobe must prove each gap against the database
(OP304, OP307, OP308) and leave the user's database exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
MODELS = "fixtures/models/drifted_store.py"
OLD_MIGRATION = (
    "CREATE TABLE drift_item (id {key} PRIMARY KEY, sku VARCHAR(40), "
    "title VARCHAR(120) NOT NULL, price_cents INTEGER NOT NULL, attributes JSON)"
)
EXPECTED = {
    ("OP304", "DriftItem.sku"),
    ("OP304", "DriftItem.attributes"),
    ("OP307", "DriftItem.sku"),
    ("OP308", "DriftItem.ck_drift_item_price_non_negative"),
}


def scan(*args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "ormprobe", "scan", MODELS, "--format", "json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def findings(report: dict) -> set[tuple[str, str]]:
    assert report["errors"] == []
    return {(f["code"], f["target"]) for f in report["findings"]}


def test_models_alone_are_correct() -> None:
    assert findings(scan()) == set()


def test_sqlite_file_with_drifted_schema(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as connection:
        connection.execute(OLD_MIGRATION.format(key="INTEGER"))
        connection.execute("""INSERT INTO drift_item VALUES (1, 'A-1', 'kept', 100, '{"a": 1}')""")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    report = scan("--db", f"sqlite:///{path}", "--existing-schema")
    assert findings(report) == EXPECTED
    assert all(f["dialect"] == "sqlite" for f in report["findings"])
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.postgres
def test_postgresql_in_place_with_drifted_schema(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS drift_item")
        connection.exec_driver_sql(OLD_MIGRATION.format(key="SERIAL"))
        connection.exec_driver_sql("""INSERT INTO drift_item VALUES (100, 'A-1', 'kept', 100, '{"a": 1}')""")
    try:
        report = scan("--db", postgres_url, "--in-place", "--existing-schema")
        assert findings(report) == EXPECTED
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT id, sku, title, price_cents FROM drift_item").all()
        assert [tuple(r) for r in rows] == [(100, "A-1", "kept", 100)]
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS drift_item")
        engine.dispose()
