"""The pytest plugin end to end: pytester runs of the projects in ``fixtures/projects/``.

``inert``         an unrelated suite: the plugin costs nothing until asked
``helpdesk``      three findings: ``--ormprobe`` items, ``ormprobe_case``, the marker,
                  ``ormprobe_report``, -k/-m/--ormprobe-select, pytest-xdist, PostgreSQL
``agentapp``      the agent platform models: ``ormprobe_session`` + ``ormprobe_factories``
``brokencheck``   a check that raises: ERROR with its traceback, never FAILED
``pyprojectconf`` settings from ``[tool.ormprobe]``, overridden by ini keys and options

Outcomes are read from a small recording plugin (``outcome_recorder``), not from terminal
text; the terminal is only read where it is the feature (titled failure blocks). Expected
outcomes come from ``ormprobe scan --format json`` run on the same models.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import re
import secrets
import shutil
import subprocess
import sys
import tomllib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import ormprobe
from ormprobe.sandbox import drop_scratch_databases, list_scratch_databases

ROOT = Path(__file__).resolve().parent.parent
BUGS = ROOT / "fixtures" / "bugs"
MANIFEST = tomllib.loads((BUGS / "manifest.toml").read_text(encoding="utf-8"))
AGENT_PLATFORM = ROOT / "fixtures" / "models" / "agent_platform.py"

HELPDESK_FINDINGS = {
    ("OP102", "Queue.tickets"),
    ("OP201", "Ticket.comments"),
    ("OP202", "Ticket.comments"),
}
ONLY_ORMPROBE_ITEMS = "--ignore=tests"  # the helpdesk's own tests live in tests/
STATUS_TO_OUTCOME = {
    "passed": "passed",
    "finding": "failed",
    "error": "error",
    "skipped": "skipped",
}
ITEM_ID = re.compile(r"^ormprobe::(OP\d{3})\[(.+)\]$")
SECRET = "s3cr3t-pw"

RECORDER = '''
"""Writes outcomes.json: the items collected and each test's outcome, by node id."""

import json

_state = {}


def pytest_configure(config):
    _state.update(collected=[], outcomes={})


def pytest_collection_finish(session):
    _state["collected"] = [item.nodeid for item in session.items]


def pytest_runtest_logreport(report):
    if report.failed:
        outcome = "failed" if report.when == "call" else "error"
    elif report.skipped:
        outcome = "skipped"
    elif report.when == "call":
        outcome = "passed"
    else:
        return
    if _state["outcomes"].get(report.nodeid) not in ("failed", "error"):
        _state["outcomes"][report.nodeid] = outcome


def pytest_sessionfinish(session):
    if not hasattr(session.config, "workerinput"):  # the xdist controller writes it
        path = session.config.rootpath / "outcomes.json"
        path.write_text(json.dumps(_state))
'''


@dataclass
class Ran:
    """A pytester run and what the recorder saw."""

    result: pytest.RunResult
    collected: list[str]
    outcomes: dict[str, str]

    def failing_items(self) -> set[tuple[str, str]]:
        """``(code, target)`` of every failed ``ormprobe::`` item."""
        found = set()
        for node_id, outcome in self.outcomes.items():
            match = ITEM_ID.match(node_id)
            if match and outcome == "failed":
                found.add((match[1], match[2]))
        return found


def _plugin_args() -> list[str]:
    """Load the plugin explicitly only when its pytest11 entry point is not installed."""
    entry_points = importlib.metadata.entry_points(group="pytest11")
    if any(ep.value == "ormprobe.pytest_plugin" for ep in entry_points):
        return []
    return ["-p", "ormprobe.pytest_plugin"]


def _pytest(pytester: pytest.Pytester, *args: str, in_subprocess: bool = False) -> Ran:
    """Run pytest in the pytester directory with the outcome recorder loaded."""
    (pytester.path / "outcome_recorder.py").write_text(RECORDER, encoding="utf-8")
    (pytester.path / "outcomes.json").unlink(missing_ok=True)
    argv = [*_plugin_args(), "-p", "outcome_recorder", *args]
    if in_subprocess:
        result = pytester.runpytest_subprocess(*argv, timeout=300)
    else:
        pytester.syspathinsert()
        result = pytester.runpytest(*argv)
    recorded = pytester.path / "outcomes.json"
    assert recorded.exists(), result.stdout.str() + result.stderr.str()
    data = json.loads(recorded.read_text(encoding="utf-8"))
    return Ran(result, data["collected"], data["outcomes"])


def _scan(target: str, cwd: Path, *args: str) -> dict[str, Any]:
    """``ormprobe scan TARGET --format json`` in a subprocess."""
    completed = subprocess.run(
        [sys.executable, "-m", "ormprobe", "scan", target, "--format", "json", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode in (0, 1, 3), completed.stderr
    report: dict[str, Any] = json.loads(completed.stdout)
    return report


def _findings(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["code"], f["target"]) for f in report["findings"]}


def _expected(report: dict[str, Any], node: str = "ormprobe::{}") -> dict[str, str]:
    """The pytest outcome of every case of a CLI report, by node id."""
    return {
        node.format(f"{r['code']}[{r['target']}]"): STATUS_TO_OUTCOME[r["status"]] for r in report["results"]
    }


@pytest.fixture(scope="session", autouse=True)
def _modules_preloaded() -> None:
    """Import what inline runs need before pytester snapshots ``sys.modules``.

    An inline run forgets the modules it imported, so without this every run imports
    ormprobe's checks, Faker and Hypothesis (whose plugin loads it) again, and asserts
    them again: seconds per run instead of a fraction of one. And a re-imported psycopg
    raises exception classes its still-loaded C extension does not know.
    """
    importlib.import_module("hypothesis")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # passlib's DeprecationWarning, on first import
        ormprobe.scan(str(BUGS / "op201_invoice_lines.py"))
    for url in ("postgresql+psycopg://", "mysql+pymysql://"):
        sa.create_engine(url).dispose()


@pytest.fixture
def pg_role_url(postgres_url: str) -> Iterator[str]:
    """A URL for a throwaway PostgreSQL role that may create databases.

    Every scratch database the run creates is owned by this role, so "nothing left
    behind" can be checked exactly while other tests create scratch databases of their own.
    """
    role = f"probe_plugin_{secrets.token_hex(4)}"
    password = secrets.token_hex(8)
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE ROLE {role} LOGIN CREATEDB PASSWORD '{password}'")
    url = sa.make_url(postgres_url).set(username=role, password=password)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        leftovers = _scratch_databases_of(postgres_url, role)
        if leftovers:
            drop_scratch_databases(postgres_url, leftovers)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP ROLE {role}")
        admin.dispose()


def _scratch_databases_of(url: str, role: str) -> list[str]:
    """The ``ormprobe_*`` databases on the server that ``role`` owns."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            owned = set(
                connection.execute(
                    sa.text(
                        "SELECT d.datname FROM pg_database d JOIN pg_roles r "
                        "ON d.datdba = r.oid WHERE r.rolname = :role"
                    ),
                    {"role": role},
                ).scalars()
            )
    finally:
        engine.dispose()
    return sorted(owned.intersection(list_scratch_databases(url)))


# -- inert until asked ---------------------------------------------------------------------


def test_an_unrelated_suite_imports_nothing_heavy(pytester: pytest.Pytester) -> None:
    pytester.copy_example("inert")

    def modules_loaded(*args: str) -> set[str]:
        # Faker's own pytest plugin imports faker in every session; leave it out of both.
        pytester.runpytest_subprocess("-p", "no:faker", *args).assert_outcomes(passed=2)
        return set(json.loads((pytester.path / "modules.json").read_text(encoding="utf-8")))

    with_plugin = modules_loaded(*_plugin_args())
    without_plugin = modules_loaded("-p", "no:ormprobe")

    assert "ormprobe.pytest_plugin" in with_plugin
    assert "ormprobe.pytest_plugin" not in without_plugin
    heavy = {"sqlalchemy", "factory", "faker", "rich", "ormprobe.runner", "ormprobe.checks"}
    assert heavy.isdisjoint(with_plugin)
    added = with_plugin - without_plugin
    assert {name for name in added if not name.startswith(("ormprobe", "tomllib"))} == set()


def test_options_and_ini_keys_share_one_prefix(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(*_plugin_args(), "--help")
    result.stdout.fnmatch_lines(["ormprobe: test SQLAlchemy models:"])
    text = result.stdout.str()
    for flag in (
        "--ormprobe=",
        "--ormprobe-db",
        "--ormprobe-select",
        "--ormprobe-ignore",
        "--ormprobe-seed",
    ):
        assert flag in text
    for key in ("models", "db", "select", "ignore", "seed"):
        assert f"ormprobe_{key} " in text


# -- --ormprobe items --------------------------------------------------------------------------


def test_items_are_the_cases_of_the_cli_scan(pytester: pytest.Pytester) -> None:
    pytester.copy_example("helpdesk")
    ran = _pytest(pytester, "--ormprobe", ONLY_ORMPROBE_ITEMS)
    report = _scan("helpdesk.models", pytester.path)

    assert all(ITEM_ID.match(node_id) for node_id in ran.collected)
    assert len(ran.collected) == report["summary"]["cases"] == len(set(ran.collected))
    assert ran.failing_items() == _findings(report) == HELPDESK_FINDINGS
    assert ran.outcomes == _expected(report)
    ran.result.stdout.fnmatch_lines(
        [
            "ormprobe: models helpdesk.models, seed *, database in-memory SQLite",
            f"collected {len(ran.collected)} items",
        ]
    )


def test_items_filter_by_keyword_marker_and_select(pytester: pytest.Pytester) -> None:
    pytester.copy_example("helpdesk")
    everything = _pytest(pytester, "--ormprobe", ONLY_ORMPROBE_ITEMS)

    def subset(predicate: Any) -> dict[str, str]:
        return {n: o for n, o in everything.outcomes.items() if predicate(n)}

    by_code = _pytest(pytester, "--ormprobe", ONLY_ORMPROBE_ITEMS, "-k", "OP2")
    assert by_code.outcomes == subset(lambda n: n.startswith("ormprobe::OP2"))

    by_target = _pytest(pytester, "--ormprobe", ONLY_ORMPROBE_ITEMS, "-k", "Ticket and comments")
    assert by_target.outcomes == subset(lambda n: "[Ticket.comments]" in n)
    assert by_target.failing_items() == {("OP201", "Ticket.comments"), ("OP202", "Ticket.comments")}

    by_marker = _pytest(pytester, "--ormprobe", ONLY_ORMPROBE_ITEMS, "-m", "ormprobe")
    assert by_marker.outcomes == everything.outcomes
    assert _pytest(pytester, "--ormprobe", ONLY_ORMPROBE_ITEMS, "-m", "not ormprobe").outcomes == {}

    selected = _pytest(pytester, "--ormprobe", ONLY_ORMPROBE_ITEMS, "--ormprobe-select", "OP1,OP3")
    assert selected.outcomes == _expected(_scan("helpdesk.models", pytester.path, "--select", "OP1,OP3"))
    assert selected.failing_items() == {("OP102", "Queue.tickets")}

    ignored = _pytest(pytester, "--ormprobe", ONLY_ORMPROBE_ITEMS, "--ormprobe-ignore", "OP1,OP2")
    assert ignored.outcomes == subset(lambda n: not n.startswith(("ormprobe::OP1", "ormprobe::OP2")))


def test_a_finding_fails_with_titled_blocks(pytester: pytest.Pytester) -> None:
    pytester.copy_example("helpdesk")
    result = pytester.runpytest(*_plugin_args(), "--ormprobe", ONLY_ORMPROBE_ITEMS, "-k", "OP201")
    outcomes = result.parseoutcomes()
    assert (outcomes.get("failed"), outcomes.get("errors")) == (1, None), outcomes
    result.stdout.fnmatch_lines(
        [
            "*_ [[]ormprobe[]] OP201[[]Ticket.comments[]] _*",
            "OP201 delete-nulls-required-fk [[]error[]] Ticket.comments (helpdesk/models.py:*)",
            "Message:",
            "    deleting a Ticket sets NOT NULL comment.ticket_id to NULL*",
            "Evidence:",
            "    IntegrityError: *comment.ticket_id*",
            "Fix:",
            "    comments = relationship(*",
            "Reproducer:",
            "    import ormprobe",
            "*",
            "    with ormprobe.session('helpdesk.models', db=None) as session:",
            "*",
            "More: ormprobe explain OP201",
            "*",
            "FAILED ormprobe::OP201[[]Ticket.comments[]] - OP201 delete-nulls-required-fk*",
        ]
    )
    # The report is the finding, not a traceback through ormprobe.
    assert "pytest_plugin.py" not in result.stdout.str()
    assert "Traceback" not in result.stdout.str()


def test_an_ormprobe_error_is_an_error_with_its_traceback(pytester: pytest.Pytester) -> None:
    # In a subprocess: the project's conftest registers a check in ormprobe's registry.
    pytester.copy_example("brokencheck")
    ran = _pytest(pytester, "--ormprobe", in_subprocess=True)
    assert ran.outcomes == {
        "ormprobe::OP998[Shelf]": "error",
        "ormprobe::OP998[Box]": "error",
        "test_cases.py::test_models[OP998[Shelf]]": "error",
        "test_cases.py::test_models[OP998[Box]]": "error",
    }
    ran.result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of [[]ormprobe[]] OP998[[]Shelf[]]*",
            "ormprobe error in OP998[[]Shelf[]] (a bug in ormprobe, not a finding about your*",
            "Traceback (most recent call last):",
            '*File "*conftest.py", line *, in always_crashes',
            "RuntimeError: this check is broken (Shelf)",
        ]
    )


def test_an_unreachable_database_errors_the_dynamic_items_in_one_line(
    pytester: pytest.Pytester,
) -> None:
    pytester.copy_example("helpdesk")
    url = f"postgresql+psycopg://u:{SECRET}@127.0.0.1:1/app"
    ran = _pytest(pytester, "--ormprobe", ONLY_ORMPROBE_ITEMS, f"--ormprobe-db={url}")
    # Cases that need the database are ERRORs (not findings); the rest still pass.
    assert set(ran.outcomes.values()) <= {"error", "passed"}
    errors = list(ran.outcomes.values()).count("error")
    assert errors > 0
    ran.result.stdout.fnmatch_lines(
        [
            "*_ ERROR at setup of [[]ormprobe[]] OP306[[]Organization[]] _*",
            "ormprobe: cannot reach the postgresql server at 127.0.0.1:1 (Connection refused); *",
            "*_ ERROR at setup of *",
        ]
    )
    text = ran.result.stdout.str()
    assert text.count("ormprobe: cannot reach the postgresql server") >= errors
    assert "Traceback" not in text and "OperationalError" not in text
    assert SECRET not in text


def test_missing_models_are_reported_not_crashed_on(pytester: pytest.Pytester) -> None:
    swallowed = pytester.runpytest(*_plugin_args(), "--ormprobe", "tests/")
    assert swallowed.ret == pytest.ExitCode.USAGE_ERROR
    swallowed.stderr.fnmatch_lines(["*`--ormprobe tests/` is ambiguous; write --ormprobe=tests/*"])

    no_models = pytester.runpytest(*_plugin_args(), "--ormprobe")
    assert no_models.ret == pytest.ExitCode.USAGE_ERROR
    no_models.stderr.fnmatch_lines(["*ormprobe: --ormprobe needs models*"])

    missing = pytester.runpytest(*_plugin_args(), "--ormprobe=nosuch_app.models")
    assert missing.ret == pytest.ExitCode.INTERRUPTED
    missing.stdout.fnmatch_lines(
        ["*ERROR collecting ormprobe*", "ormprobe: no module named 'nosuch_app.models'*"]
    )

    pytester.makepyfile(test_cases="def test_models(ormprobe_case):\n    ormprobe_case.check()\n")
    unconfigured = pytester.runpytest(*_plugin_args())
    assert unconfigured.ret == pytest.ExitCode.INTERRUPTED
    unconfigured.stdout.fnmatch_lines(["*ormprobe: ormprobe_case needs models*"])


# -- ormprobe_case and ormprobe_report --------------------------------------------------------


def test_ormprobe_case_is_parametrized_over_the_cases(pytester: pytest.Pytester) -> None:
    pytester.copy_example("helpdesk")
    ran = _pytest(pytester, "tests/test_models.py", "tests/test_marked.py")
    everything = _scan("helpdesk.models", pytester.path)
    cascades = _scan("helpdesk.models", pytester.path, "--select", "OP2")
    assert ran.outcomes == {
        **_expected(everything, "tests/test_models.py::test_models[{}]"),
        **_expected(cascades, "tests/test_marked.py::test_cascades[{}]"),
    }
    # The parameters carry the marker: -m ormprobe selects them, and only them.
    marked = _pytest(pytester, "-m", "ormprobe")
    assert marked.outcomes == ran.outcomes


def test_ormprobe_report_is_the_session_scan(pytester: pytest.Pytester) -> None:
    pytester.copy_example("helpdesk")
    _pytest(pytester, "tests/test_report.py").result.assert_outcomes(passed=1)
    # Alongside the items, the cases the items ran are not run again.
    with_items = _pytest(pytester, "tests/test_report.py", "--ormprobe")
    assert with_items.outcomes["tests/test_report.py::test_report_lists_the_planted_mistakes"] == ("passed")


# -- configuration ---------------------------------------------------------------------------


def test_tool_ormprobe_is_read_and_ini_keys_and_options_win(pytester: pytest.Pytester) -> None:
    pytester.copy_example("pyprojectconf")
    from_pyproject = _pytest(pytester, "--ormprobe")
    report = _scan("library_models.py", pytester.path, "--select", "OP2", "--seed", "7")
    assert from_pyproject.outcomes == _expected(report)
    assert from_pyproject.failing_items() == _findings(report) != set()
    from_pyproject.result.stdout.fnmatch_lines(["ormprobe: models library_models.py, seed 7, *"])

    from_options = _pytest(pytester, "--ormprobe", "--ormprobe-select=OP1", "--ormprobe-seed=9")
    assert from_options.collected
    assert all(n.startswith("ormprobe::OP1") for n in from_options.collected)
    from_options.result.stdout.fnmatch_lines(["ormprobe: models library_models.py, seed 9, *"])

    from_ini = _pytest(pytester, "--ormprobe", "-o", "ormprobe_select=OP4")
    assert from_ini.collected
    assert all(n.startswith("ormprobe::OP4") for n in from_ini.collected)

    option_over_ini = _pytest(pytester, "--ormprobe", "-o", "ormprobe_select=OP4", "--ormprobe-select=OP1")
    assert option_over_ini.collected == from_options.collected


# -- pytest-xdist ------------------------------------------------------------------------------


def test_xdist_gives_the_same_outcomes(pytester: pytest.Pytester) -> None:
    pytester.copy_example("helpdesk")
    # Items, ormprobe_case tests and ormprobe_report, split over two workers.
    serial = _pytest(pytester, "--ormprobe", in_subprocess=True)
    parallel = _pytest(pytester, "--ormprobe", "-n", "2", in_subprocess=True)
    items = [n for n in serial.outcomes if n.startswith("ormprobe::")]
    cases = [n for n in serial.outcomes if n.startswith("tests/test_models.py::")]
    assert len(items) == len(cases) > 0
    assert parallel.outcomes == serial.outcomes


def test_deselection_and_xdist_do_not_change_an_outcome(pytester: pytest.Pytester) -> None:
    # OP306 (which tables exist) and OP401 (which models can be built) decide whether later
    # cases skip. The plugin runs them first even when -k leaves them out or another
    # worker has their items; without that, cases here would pass instead of skipping.
    target = f"--ormprobe={BUGS / 'op301_city_country_code_indexed.py'}"
    full = _pytest(pytester, target)
    leading = ("ormprobe::OP306[", "ormprobe::OP401[")
    narrowed = _pytest(pytester, target, "-k", "not OP306 and not OP401")
    assert narrowed.outcomes == {n: o for n, o in full.outcomes.items() if not n.startswith(leading)}
    assert "skipped" in narrowed.outcomes.values()
    parallel = _pytest(pytester, target, "-n", "2", in_subprocess=True)
    assert parallel.outcomes == full.outcomes


# -- fixtures for users' own tests -------------------------------------------------------------


def _agentapp(pytester: pytest.Pytester) -> None:
    pytester.copy_example("agentapp")
    shutil.copyfile(AGENT_PLATFORM, pytester.path / "agentapp" / "models.py")


AGENTAPP_TESTS = [
    "tests/test_agents.py::test_every_model_can_be_created",
    "tests/test_agents.py::test_an_agent_comes_with_its_parents",
    "tests/test_agents.py::test_rows_do_not_leak_between_tests",
    "tests/test_agents.py::test_engine",
]


def test_factories_create_every_model_without_a_factory(pytester: pytest.Pytester) -> None:
    _agentapp(pytester)
    ran = _pytest(pytester)
    assert ran.collected == AGENTAPP_TESTS
    assert ran.outcomes == dict.fromkeys(AGENTAPP_TESTS, "passed"), ran.result.stdout.str()
    assert (pytester.path / "engine-url.txt").read_text() == "sqlite://"


@pytest.mark.postgres
def test_factories_on_postgres_leave_no_database(pytester: pytest.Pytester, pg_role_url: str) -> None:
    _agentapp(pytester)
    role = sa.make_url(pg_role_url).username
    assert role is not None
    ran = _pytest(pytester, f"--ormprobe-db={pg_role_url}", in_subprocess=True)
    assert ran.outcomes == dict.fromkeys(AGENTAPP_TESTS, "passed"), ran.result.stdout.str()
    used = sa.make_url((pytester.path / "engine-url.txt").read_text())
    assert used.get_backend_name() == "postgresql"
    assert used.database is not None and used.database.startswith("ormprobe_")
    assert _scratch_databases_of(pg_role_url, role) == []


@pytest.mark.postgres
def test_items_on_postgres_with_xdist(pytester: pytest.Pytester, pg_role_url: str, postgres_url: str) -> None:
    pytester.copy_example("helpdesk")
    role = sa.make_url(pg_role_url).username
    assert role is not None
    ran = _pytest(
        pytester,
        "--ormprobe",
        ONLY_ORMPROBE_ITEMS,
        "-n",
        "2",
        f"--ormprobe-db={pg_role_url}",
        in_subprocess=True,
    )
    report = _scan("helpdesk.models", pytester.path, "--db", postgres_url)
    assert ran.outcomes == _expected(report)
    assert ran.failing_items() == HELPDESK_FINDINGS
    assert _scratch_databases_of(pg_role_url, role) == []


# -- one machinery, three faces ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_cli_plugin_and_library_find_the_same_on_every_bug_fixture(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = BUGS / name
    # Each face imports the file afresh, as a new process would: SQLAlchemy warns only
    # the first time a module is imported and configured, and OP9xx findings are those
    # warnings. (Other tests in this process may have imported the same file.)
    monkeypatch.delitem(sys.modules, path.stem, raising=False)
    library = {finding.key for finding in ormprobe.scan(str(path)).findings()}
    monkeypatch.delitem(sys.modules, path.stem, raising=False)
    ran = _pytest(pytester, f"--ormprobe={path}")
    report = _scan(str(path), ROOT)
    cli = _findings(report)
    assert library == cli, f"library and CLI differ; the CLI's summary: {report['summary']}"
    assert ran.failing_items() == cli
    assert ran.outcomes == _expected(report)
