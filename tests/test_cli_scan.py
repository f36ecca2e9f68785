"""`ormprobe scan`, `rules`, `explain`, `clean`: output formats, exit codes, error contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "ormprobe" / "schemas" / "report.schema.json").read_text())
INVOICES = "fixtures/bugs/op201_invoice_lines.py"  # OP201 (error) + OP202 (warning)
ORPHANS_ONLY = "fixtures/bugs/op202_ticket_comments.py"  # OP202 (warning) only
CLEAN = "fixtures/clean/billing_invoices.py"


def ormprobe(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ormprobe", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_findings_exit_1_and_the_text_report_leads_with_the_summary() -> None:
    result = ormprobe("scan", INVOICES)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert out.index("Findings by check") < out.index("Findings by model") < out.index("Details")
    assert "OP201 delete-nulls-required-fk" in out
    assert "Invoice.lines" in out
    assert 'cascade="all, delete-orphan"' in out  # the fix
    assert "NOT NULL constraint failed: invoice_line.invoice_id" in out  # the evidence
    assert "seed " in out.splitlines()[0]


def test_json_report_is_valid_and_complete() -> None:
    result = ormprobe("scan", INVOICES, "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    assert report["summary"]["cases"] == len(report["results"])
    assert report["summary"]["findings"] == sum(r["status"] == "finding" for r in report["results"])
    assert {(f["code"], f["target"]) for f in report["findings"]} == {
        ("OP201", "Invoice.lines"),
        ("OP202", "Invoice.lines"),
    }
    op201 = next(f for f in report["findings"] if f["code"] == "OP201")
    assert op201["severity"] == "error"
    assert op201["location"]["path"] == INVOICES
    assert "ormprobe.session(" in op201["reproducer"]
    assert report["database"] == {"dialect": "sqlite", "url": "sqlite://"}
    assert report["stats"]["statements"] > 0
    assert report["errors"] == []


def test_reproducer_reproduces_the_finding(tmp_path: Path) -> None:
    """The reproducer is runnable code: run it and see the same database error."""
    report = json.loads(ormprobe("scan", INVOICES, "--format", "json", "--select", "OP201").stdout)
    snippet = report["findings"][0]["reproducer"]
    script = tmp_path / "repro.py"
    script.write_text(snippet, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "NOT NULL constraint failed: invoice_line.invoice_id" in result.stderr


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 0), ("warning", 1), ("info", 1)])
def test_fail_on_sets_the_threshold(fail_on: str, expected: int) -> None:
    assert ormprobe("scan", ORPHANS_ONLY, "--fail-on", fail_on).returncode == expected


def test_clean_models_exit_0() -> None:
    result = ormprobe("scan", CLEAN)
    assert result.returncode == 0, result.stdout
    assert "No findings." in result.stdout


def test_select_and_ignore_take_codes_and_prefixes() -> None:
    only_201 = json.loads(ormprobe("scan", INVOICES, "--format", "json", "--select", "OP201").stdout)
    assert {r["code"] for r in only_201["results"]} == {"OP201"}
    no_2xx = json.loads(ormprobe("scan", INVOICES, "--format", "json", "--ignore", "OP2").stdout)
    assert not any(r["code"].startswith("OP2") for r in no_2xx["results"])
    assert no_2xx["findings"] == []


def test_unknown_code_is_a_usage_error_listing_valid_codes() -> None:
    result = ormprobe("scan", INVOICES, "--select", "OP777")
    assert result.returncode == 2
    assert "'OP777' matches no check code; valid codes: OP101" in result.stderr
    assert "Traceback" not in result.stderr


def test_static_only_touches_no_database() -> None:
    report = json.loads(ormprobe("scan", INVOICES, "--format", "json", "--static-only").stdout)
    assert report["stats"]["statements"] == 0
    assert {(f["code"], f["target"]) for f in report["findings"]} == {
        ("OP201", "Invoice.lines"),
        ("OP202", "Invoice.lines"),
    }
    assert all(f["evidence"] is None for f in report["findings"])  # predicted, not proven
    skipped = [r for r in report["results"] if r["status"] == "skipped"]
    assert skipped and all("static-only" in r["reason"] for r in skipped)


def test_output_file_and_per_target_ignores_from_pyproject(tmp_path: Path) -> None:
    models = tmp_path / "invoices_models.py"
    models.write_text((ROOT / INVOICES).read_text(), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ormprobe]\nmodels = "invoices_models.py"\n'
        '[tool.ormprobe.per-target-ignores]\n"Invoice.lines" = ["OP202"]\n'
    )
    result = ormprobe("scan", "--format", "json", "-o", "out.json", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    report = json.loads((tmp_path / "out.json").read_text())
    assert {f["code"] for f in report["findings"]} == {"OP201"}
    assert ("OP202", "Invoice.lines") not in {(r["code"], r["target"]) for r in report["results"]}


@pytest.mark.postgres
def test_password_is_masked_everywhere(postgres_url: str) -> None:
    secret = "S3cret-Pass"
    url = postgres_url.replace("postgres@", f"postgres:{secret}@")  # trust auth ignores it
    result = ormprobe("scan", INVOICES, "--db", url, "--format", "json")
    assert result.returncode == 1, result.stderr
    assert secret not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["database"]["dialect"] == "postgresql"
    assert "***" in report["database"]["url"]


def test_unreachable_database_is_one_clear_line() -> None:
    result = ormprobe("scan", INVOICES, "--db", "postgresql+psycopg://someone:pw@127.0.0.1:1/nope")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "pw@" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_rules_lists_the_catalogue_and_explain_prints_one() -> None:
    rules = ormprobe("rules", "--format", "json")
    catalogue = json.loads(rules.stdout)
    codes = [entry["code"] for entry in catalogue]
    assert codes == sorted(codes)
    assert {"OP101", "OP201", "OP301", "OP401", "OP501", "OP901"} <= set(codes)
    assert "OP311" not in codes  # preview
    assert "OP311" in {
        e["code"] for e in json.loads(ormprobe("rules", "--preview", "--format", "json").stdout)
    }
    explained = ormprobe("explain", "op201")
    assert explained.returncode == 0
    for heading in ("## Why is this bad?", "## Example", "## Use instead"):
        assert heading in explained.stdout
    missing = ormprobe("explain", "OP999")
    assert missing.returncode == 2
    assert "unknown check code 'OP999'" in missing.stderr


def test_internal_errors_are_exit_3_not_findings(tmp_path: Path) -> None:
    """A check that crashes is an ormprobe error: exit 3, listed apart, the run goes on."""
    driver = tmp_path / "crash.py"
    driver.write_text(
        "import sys\n"
        "from ormprobe.checks import load_builtin_checks\n"
        "registry = load_builtin_checks()\n"
        "def boom(ctx, subject):\n"
        "    raise RuntimeError('check bug')\n"
        "registry.get('OP302').predict = boom\n"
        "registry.get('OP302').proven = False\n"
        "from ormprobe.cli import main\n"
        f"main(['scan', {INVOICES!r}, '--format', 'json'])\n"
    )
    result = subprocess.run(
        [sys.executable, str(driver)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 3, result.stderr
    report = json.loads(result.stdout)
    assert {e["code"] for e in report["errors"]} == {"OP302"}
    assert "RuntimeError: check bug" in report["errors"][0]["traceback"]
    assert all(f["code"] != "OP302" for f in report["findings"])
    assert {(f["code"], f["target"]) for f in report["findings"]} == {
        ("OP201", "Invoice.lines"),
        ("OP202", "Invoice.lines"),
    }


def test_clean_on_sqlite_has_nothing_to_do() -> None:
    result = ormprobe("clean", "--db", "sqlite://")
    assert result.returncode == 0
    assert "No leftover ormprobe scratch databases" in result.stdout


@pytest.mark.postgres
def test_clean_drops_a_kept_scratch_database(postgres_url: str) -> None:
    from ormprobe.sandbox import list_scratch_databases, open_database

    with open_database(postgres_url, keep=True) as database:
        name = database.scratch_name
    assert name in list_scratch_databases(postgres_url)
    listed = subprocess.run(
        [sys.executable, "-m", "ormprobe", "clean", "--db", postgres_url],
        cwd=ROOT,
        input="n\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert name in listed.stdout and "Nothing dropped." in listed.stdout
    assert name in list_scratch_databases(postgres_url)
    dropped = ormprobe("clean", "--db", postgres_url, "--yes")
    assert dropped.returncode == 0, dropped.stderr
    assert name not in list_scratch_databases(postgres_url)


@pytest.mark.parametrize(
    "server",
    [
        pytest.param("postgres_url", marks=pytest.mark.postgres),
        pytest.param("mysql_url", marks=pytest.mark.mariadb),
    ],
)
def test_clean_leaves_the_database_of_a_running_scan_alone(
    server: str, request: pytest.FixtureRequest
) -> None:
    """`ormprobe clean` while a scan runs must not pull its scratch database away."""
    from ormprobe.sandbox import list_scratch_databases, open_database

    url = request.getfixturevalue(server)
    with open_database(url) as database, database.sandbox() as box, box.session() as session:
        session.execute(sa.text("SELECT 1"))
        name = database.scratch_name
        result = ormprobe("clean", "--db", url, "--yes")
        assert result.returncode == 0, result.stderr
        assert f"{name} is in use by a running ormprobe; left alone." in result.stdout
        assert name in list_scratch_databases(url)
        session.execute(sa.text("SELECT 1"))  # the run carries on
    assert name not in list_scratch_databases(url)  # and drops its own database at the end
