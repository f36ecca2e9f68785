# ormprobe.pytest_plugin: the pytest11 entry point (loaded in every pytest session).
"""ormprobe inside pytest: one test item per check, and fixtures for users' own tests.

Nothing happens unless asked. This module loads in every pytest session of anyone who
installs ormprobe, so at import time it touches nothing but pytest and the standard
library; ormprobe's engine, SQLAlchemy and the user's models are imported inside hooks
and fixtures, and only when ``--ormprobe``, ``ormprobe_case`` or an ``ormprobe_*`` fixture
is used.

Surfaces (one prefix everywhere):

- ``pytest --ormprobe`` (models from ``ormprobe_models`` / ``[tool.ormprobe] models``) or
  ``pytest --ormprobe=myapp.models``: collects ``ormprobe::CODE[target]`` items, marked
  ``ormprobe``, selectable with ``-k`` and ``-m``.
- ``def test_models(ormprobe_case): ormprobe_case.check()`` is parametrized over every
  case of the configured models (or ``@pytest.mark.ormprobe(models=..., select=[...])``).
- Fixtures: ``ormprobe_engine`` (override it in conftest.py), ``ormprobe_session`` (rolled
  back after each test), ``ormprobe_factories`` (synthesized factories bound to that
  session), ``ormprobe_report`` (the whole scan's Report, once per session).
- Options: ``--ormprobe-db``, ``--ormprobe-select``, ``--ormprobe-ignore``,
  ``--ormprobe-seed``; ini keys ``ormprobe_models``, ``ormprobe_db``, ``ormprobe_select``,
  ``ormprobe_ignore``, ``ormprobe_seed``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from ormprobe.config import ProbeConfig
    from ormprobe.results import CaseResult, Report
    from ormprobe.runner import Case, Run
    from ormprobe.synth.factories import Factories

__all__ = [
    "ProbeFailure",
    "ormprobe_case",
    "ormprobe_engine",
    "ormprobe_factories",
    "ormprobe_report",
    "ormprobe_session",
    "pytest_addoption",
]

_DB_HELP = (
    "database URL for ormprobe; a server URL gets a scratch database that is dropped "
    "afterwards (default: in-memory SQLite)"
)
_RUNS = pytest.StashKey[dict[str, Any]]()


class ProbeFailure(AssertionError):
    """A finding, shown as titled blocks: message, evidence, fix, reproducer.

    An ``AssertionError`` so that pytest reports the item as FAILED, not ERROR.
    """

    def __init__(self, result: CaseResult) -> None:
        self.result = result
        super().__init__(self._render())

    def _render(self) -> str:
        blocks = []
        for finding in self.result.findings:
            where = f" ({finding.location})" if finding.location.path else ""
            blocks.append(f"{finding.code} {finding.check} [{finding.severity.label}] {finding.target}{where}")
            blocks.append(f"  {finding.message}")
            for title, text in (("Evidence", finding.evidence), ("Fix", finding.fix),
                                ("Reproducer", finding.reproducer)):
                if text:
                    blocks.append(f"{title}:")
                    blocks.extend(f"    {line}" for line in text.splitlines())
        return "\n".join(blocks)


class ProbeError(Exception):
    """An ormprobe error inside a check: a bug in ormprobe, not a finding about the models."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``--ormprobe*`` options and ``ormprobe_*`` ini keys."""
    group = parser.getgroup("ormprobe", "ormprobe: test SQLAlchemy models")
    group.addoption("--ormprobe", dest="ormprobe", nargs="?", const="", default=None, metavar="MODELS",
                    help="collect one test per ormprobe check of MODELS (default: the ormprobe_models ini key)")
    group.addoption("--ormprobe-db", dest="ormprobe_db", metavar="URL", default=None, help=_DB_HELP)
    group.addoption("--ormprobe-select", dest="ormprobe_select", metavar="CODES", default=None,
                    help="only these check codes or prefixes, comma-separated")
    group.addoption("--ormprobe-ignore", dest="ormprobe_ignore", metavar="CODES", default=None,
                    help="leave out these check codes or prefixes, comma-separated")
    group.addoption("--ormprobe-seed", dest="ormprobe_seed", metavar="N", default=None, type=int,
                    help="seed for value synthesis")
    parser.addini("ormprobe_models", "models target ormprobe checks (file, module or module:attr)", default="")
    parser.addini("ormprobe_db", _DB_HELP, default="")
    parser.addini("ormprobe_select", "check codes or prefixes to run", type="args", default=[])
    parser.addini("ormprobe_ignore", "check codes or prefixes to leave out", type="args", default=[])
    parser.addini("ormprobe_seed", "seed for value synthesis", default="")


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``ormprobe`` marker."""
    config.addinivalue_line(
        "markers",
        "ormprobe(models=None, select=None, ignore=None): an ormprobe check item, or the "
        "models and checks an ormprobe_case test is parametrized over",
    )
    config.stash[_RUNS] = {}


def pytest_unconfigure(config: pytest.Config) -> None:
    """Close every run: scratch databases are dropped."""
    runs = config.stash.get(_RUNS, {})
    for run in runs.values():
        run.close()
    runs.clear()


# -- configuration and runs ------------------------------------------------------------


def _probe_config(config: pytest.Config, *, models: str | None = None, select: Any = None,
                  ignore: Any = None) -> ProbeConfig:
    """[tool.ormprobe] of the rootdir's pyproject.toml, then ini keys, then options."""
    from ormprobe.config import ProbeConfig, find_pyproject

    base = ProbeConfig.from_pyproject(find_pyproject(config.rootpath))

    def option(name: str) -> Any:
        return config.getoption(name)

    def ini(name: str) -> Any:
        value = config.getini(name)
        return value or None

    cli_models = option("ormprobe") or None
    seed = option("ormprobe_seed") if option("ormprobe_seed") is not None else ini("ormprobe_seed")
    return base.merged(
        models=models or cli_models or ini("ormprobe_models"),
        db=option("ormprobe_db") or ini("ormprobe_db"),
        select=select if select is not None else (option("ormprobe_select") or ini("ormprobe_select")),
        ignore=ignore if ignore is not None else (option("ormprobe_ignore") or ini("ormprobe_ignore")),
        seed=seed,
    )


def _run_for(config: pytest.Config, probe: ProbeConfig) -> Run:
    """The shared Run of one (models, selection) configuration, prepared once per session."""
    from ormprobe.runner import prepare

    runs = config.stash[_RUNS]
    key = repr((probe.models, probe.db, probe.select, probe.ignore, probe.seed))
    if key not in runs:
        runs[key] = prepare(probe)
    return runs[key]  # type: ignore[no-any-return]


def _usage_error(exc: Exception) -> pytest.UsageError:
    return pytest.UsageError(f"ormprobe: {exc}")


# -- collection: --ormprobe --------------------------------------------------------------


class ProbeCollector(pytest.Collector):
    """Holds the ``ormprobe::CODE[target]`` items of one scan."""

    def __init__(self, *, run: Run, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.run = run

    def collect(self) -> list[pytest.Item]:
        return [ProbeItem.from_parent(self, name=case.id, case=case) for case in self.run.cases]


class ProbeItem(pytest.Item):
    """One ormprobe case as a pytest item."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.result: CaseResult | None = None
        self.add_marker("ormprobe")

    @property
    def run(self) -> Run:
        parent = self.parent
        assert isinstance(parent, ProbeCollector)
        return parent.run

    def setup(self) -> None:
        # Running the case in setup() makes an ormprobe bug an ERROR and a skip a SKIP,
        # leaving FAILED for real findings only.
        self.result = _execute(self.run, self.case)

    def runtest(self) -> None:
        assert self.result is not None
        _raise_for_findings(self.result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, (ProbeFailure, ProbeError)):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int | None, str]:
        location = self.case.subject.location
        line = location.line - 1 if location.line else None
        return (location.path or "ormprobe", line, f"[ormprobe] {self.case.id}")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--ormprobe``, add the check items before -k/-m deselection sees the list."""
    if config.getoption("ormprobe") is None:
        return
    from ormprobe.errors import OrmprobeError

    try:
        probe = _probe_config(config)
        if not probe.models:
            raise pytest.UsageError(
                "ormprobe: --ormprobe needs models: --ormprobe=myapp.models or the ormprobe_models ini key"
            )
        run = _run_for(config, probe)
    except OrmprobeError as exc:
        raise _usage_error(exc) from exc
    collector = ProbeCollector.from_parent(session, name="ormprobe", run=run)
    items.extend(collector.collect())


# -- the parametrized ormprobe_case fixture ------------------------------------------------


class CaseHandle:
    """What ``ormprobe_case`` gives a test: the case, and ``check()`` to run it."""

    def __init__(self, run: Run, case: Case) -> None:
        self.run = run
        self.case = case

    @property
    def id(self) -> str:
        """``CODE[target]``."""
        return self.case.id

    def check(self) -> CaseResult:
        """Run the case: return quietly when it passes, fail with the finding otherwise."""
        result = _execute(self.run, self.case)
        _raise_for_findings(result)
        return result

    def __repr__(self) -> str:
        return f"<ormprobe case {self.case.id}>"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``ormprobe_case`` over the cases of the configured models."""
    if "ormprobe_case" not in metafunc.fixturenames:
        return
    from ormprobe.errors import OrmprobeError

    marker = metafunc.definition.get_closest_marker("ormprobe")
    kwargs = dict(marker.kwargs) if marker else {}
    try:
        probe = _probe_config(metafunc.config, models=kwargs.get("models"), select=kwargs.get("select"),
                              ignore=kwargs.get("ignore"))
        if not probe.models:
            raise pytest.UsageError(
                "ormprobe: ormprobe_case needs models: the ormprobe_models ini key or "
                "@pytest.mark.ormprobe(models=...)"
            )
        run = _run_for(metafunc.config, probe)
    except OrmprobeError as exc:
        raise _usage_error(exc) from exc
    handles = [CaseHandle(run, case) for case in run.cases]
    metafunc.parametrize("ormprobe_case", handles, ids=[h.id for h in handles], indirect=True)


@pytest.fixture
def ormprobe_case(request: pytest.FixtureRequest) -> CaseHandle:
    """One ormprobe case; call ``ormprobe_case.check()`` in the test."""
    handle = getattr(request, "param", None)
    if handle is None:
        raise pytest.UsageError("ormprobe_case is parametrized by ormprobe; configure ormprobe_models")
    return handle  # type: ignore[no-any-return]


def _execute(run: Run, case: Case) -> CaseResult:
    from ormprobe.errors import OrmprobeError
    from ormprobe.results import Status

    try:
        result = run.run_case(case)
    except OrmprobeError as exc:
        raise pytest.UsageError(f"ormprobe: {exc}") from exc
    if result.status is Status.SKIPPED:
        pytest.skip(result.reason or "skipped by ormprobe")
    if result.status is Status.ERROR:
        assert result.error is not None
        raise ProbeError(
            f"ormprobe error in {case.id} (a bug in ormprobe, not a finding about your models):\n"
            f"{result.error.traceback}"
        )
    return result


def _raise_for_findings(result: CaseResult) -> None:
    if result.findings:
        raise ProbeFailure(result)


# -- fixtures for users' own tests ---------------------------------------------------------


@pytest.fixture(scope="session")
def ormprobe_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine for the test session: in-memory SQLite, or a scratch server database.

    When ``ormprobe_models`` is configured, the models' tables are created on it. Override
    this fixture in conftest.py to use your own engine::

        @pytest.fixture(scope="session")
        def ormprobe_engine():
            engine = sqlalchemy.create_engine("postgresql+psycopg://localhost/app_test")
            Base.metadata.create_all(engine)
            yield engine
            engine.dispose()
    """
    from ormprobe.errors import OrmprobeError
    from ormprobe.sandbox import open_database

    probe = _probe_config(request.config)
    with ExitStack() as stack:
        try:
            database = stack.enter_context(open_database(probe.db))
            if probe.models:
                database.create_schema(list(_loaded(request.config, probe).metadatas))
        except OrmprobeError as exc:
            # One line instead of a traceback through ormprobe: the URL or server is wrong.
            pytest.fail(f"ormprobe_engine: {exc}", pytrace=False)
        yield database.engine


@pytest.fixture
def ormprobe_session(ormprobe_engine: Engine) -> Iterator[Session]:
    """A Session whose every change is rolled back after the test."""
    from ormprobe.sandbox import session

    with session(ormprobe_engine) as orm_session:
        yield orm_session


@pytest.fixture
def ormprobe_factories(request: pytest.FixtureRequest, ormprobe_session: Session) -> Iterator[Factories]:
    """Synthesized factory_boy factories of the configured models, bound to ``ormprobe_session``.

    ``ormprobe_factories.Agent.create()`` makes a valid Agent and every parent it needs.
    """
    from ormprobe.synth.factories import Factories, seed

    probe = _probe_config(request.config)
    if not probe.models:
        raise pytest.UsageError("ormprobe_factories needs models: set the ormprobe_models ini key")
    graph = _graph(request.config, probe)
    seed(probe.seed)
    factories = Factories(graph, overrides=probe.values, dialect=ormprobe_session.get_bind().dialect.name)
    with factories.bind(ormprobe_session):
        yield factories


@pytest.fixture(scope="session")
def ormprobe_report(request: pytest.FixtureRequest) -> Report:
    """The Report of a full scan of the configured models (run once per session)."""
    probe = _probe_config(request.config)
    if not probe.models:
        raise pytest.UsageError("ormprobe_report needs models: set the ormprobe_models ini key")
    run = _run_for(request.config, probe)
    return run.run_all()


def _loaded(config: pytest.Config, probe: ProbeConfig) -> Any:
    return _run_for(config, probe).loaded


def _graph(config: pytest.Config, probe: ProbeConfig) -> Any:
    return _run_for(config, probe).graph
