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
  ``ormprobe_ignore``, ``ormprobe_seed``. Precedence: options, then ini keys, then
  ``[tool.ormprobe]`` of the project's pyproject.toml.

Outcomes follow one rule: FAILED is a finding about the models, ERROR is ormprobe failing
(a bug in a check, or a database it can't open), SKIPPED is a case that can't be judged.
"""

from __future__ import annotations

import itertools
import os
import warnings
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from ormprobe.config import ProbeConfig
    from ormprobe.errors import OrmprobeError
    from ormprobe.graph import ModelGraph
    from ormprobe.loading import LoadedModels
    from ormprobe.results import CaseResult, Report
    from ormprobe.runner import Case, Run
    from ormprobe.synth.factories import Factories

__all__ = [
    "CaseHandle",
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
_NODE = "ormprobe"  # the collector's node id: items are ormprobe::CODE[target]

_PROBES = pytest.StashKey[dict[str, "_Probe"]]()


class ProbeFailure(AssertionError):
    """The findings of one case, shown as titled blocks: message, evidence, fix, reproducer.

    An ``AssertionError`` so that pytest reports the item as FAILED, not ERROR.

    Attributes:
        result: the case's result; ``result.findings`` holds the findings.
    """

    def __init__(self, result: CaseResult) -> None:
        self.result = result
        super().__init__(self._render())

    def _render(self) -> str:
        lines: list[str] = []
        for finding in self.result.findings:
            where = f" ({finding.location})" if finding.location.path else ""
            if lines:
                lines.append("")
            lines.append(f"{finding.code} {finding.check} [{finding.severity.label}] {finding.target}{where}")
            blocks = (
                ("Message", finding.message),
                ("Evidence", finding.evidence),
                ("Fix", finding.fix),
                ("Reproducer", finding.reproducer),
            )
            for title, text in blocks:
                if text:
                    lines.append(f"{title}:")
                    lines.extend(f"    {line}" if line else "" for line in text.splitlines())
        if lines:
            lines.append(f"More: ormprobe explain {self.result.code}")
        return "\n".join(lines)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``--ormprobe*`` options and ``ormprobe_*`` ini keys."""
    group = parser.getgroup("ormprobe", "ormprobe: test SQLAlchemy models")
    group.addoption(
        "--ormprobe",
        dest="ormprobe",
        nargs="?",
        const="",
        default=None,
        metavar="MODELS",
        help="collect one test per ormprobe check of MODELS; write --ormprobe=MODELS "
        "(default: the ormprobe_models ini key or [tool.ormprobe] models)",
    )
    group.addoption("--ormprobe-db", dest="ormprobe_db", metavar="URL", default=None, help=_DB_HELP)
    group.addoption(
        "--ormprobe-select",
        dest="ormprobe_select",
        metavar="CODES",
        default=None,
        help="only these check codes or prefixes, comma-separated",
    )
    group.addoption(
        "--ormprobe-ignore",
        dest="ormprobe_ignore",
        metavar="CODES",
        default=None,
        help="leave out these check codes or prefixes, comma-separated",
    )
    group.addoption(
        "--ormprobe-seed",
        dest="ormprobe_seed",
        metavar="N",
        default=None,
        type=int,
        help="seed for value synthesis",
    )
    parser.addini(
        "ormprobe_models",
        "models target of ormprobe: file, module or module:attr (paths relative to the ini file)",
        default="",
    )
    parser.addini("ormprobe_db", _DB_HELP, default="")
    parser.addini("ormprobe_select", "check codes or prefixes to run", type="args", default=[])
    parser.addini("ormprobe_ignore", "check codes or prefixes to leave out", type="args", default=[])
    parser.addini("ormprobe_seed", "seed for value synthesis", default="")


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``ormprobe`` marker; refuse ``--ormprobe`` swallowing a test path."""
    config.addinivalue_line(
        "markers",
        "ormprobe(models=None, select=None, ignore=None): an ormprobe check item, or the "
        "models and checks an ormprobe_case test is parametrized over",
    )
    config.stash[_PROBES] = {}
    _refuse_swallowed_argument(config)


def _refuse_swallowed_argument(config: pytest.Config) -> None:
    """``pytest --ormprobe tests/`` would take ``tests/`` as the models: say so instead.

    The option's value is optional, so argparse gives it the next word; only the
    ``--ormprobe=MODELS`` spelling is unambiguous.
    """
    value = config.getoption("ormprobe")
    args = list(config.invocation_params.args)
    for flag, following in itertools.pairwise(args):
        if flag == "--ormprobe" and value and following == value:
            raise pytest.UsageError(
                f"ormprobe: `--ormprobe {value}` is ambiguous; write --ormprobe={value} for "
                f"models, or put --ormprobe after the test paths (pytest {value} --ormprobe)"
            )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Close every run: scratch databases are dropped.

    At session finish, not at unconfigure: a pytest-xdist worker reports itself finished
    after this hook, and the controller kills workers that are still busy 10 seconds
    later, which would leave a scratch database behind.
    """
    _close_probes(session.config)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Close any run opened after the session finished."""
    _close_probes(config)


def _close_probes(config: pytest.Config) -> None:
    probes = config.stash.get(_PROBES, {})
    with ExitStack() as stack:
        for probe in probes.values():
            stack.callback(probe.run.close)
        probes.clear()


def pytest_report_header(config: pytest.Config) -> str | None:
    """Name the seed and the database when ormprobe items are collected."""
    if config.getoption("ormprobe") is None:
        return None
    from ormprobe.errors import OrmprobeError

    try:
        probe = _probe_config(config)
    except OrmprobeError:
        return None  # reported by collection, with the rest of the run's errors
    database = probe.db.split(":", 1)[0] if probe.db else "in-memory SQLite"
    return f"ormprobe: models {probe.models}, seed {probe.seed}, database {database}"


# -- configuration and runs ------------------------------------------------------------


def _probe_config(
    config: pytest.Config, *, models: str | None = None, select: Any = None, ignore: Any = None
) -> ProbeConfig:
    """Options, then ini keys, then [tool.ormprobe] of the project's pyproject.toml.

    ``models`` (from a marker) and ``models`` from an ini file or pyproject.toml are paths
    relative to the configuration's directory; ``--ormprobe=PATH`` is relative to the
    working directory, as any command-line path.
    """
    from ormprobe.config import ProbeConfig, find_pyproject

    inipath = config.inipath
    pyproject = inipath if inipath is not None and inipath.name == "pyproject.toml" else None
    pyproject = pyproject or find_pyproject(config.rootpath)
    base = ProbeConfig.from_pyproject(pyproject) if pyproject is not None else ProbeConfig()
    ini_dir = inipath.parent if inipath is not None else config.rootpath

    def option(name: str) -> Any:
        return config.getoption(name)

    def ini(name: str) -> Any:
        return config.getini(name) or None

    if models:
        target = _anchored(models, ini_dir)
    elif option("ormprobe"):
        target = option("ormprobe")
    elif ini("ormprobe_models"):
        target = _anchored(ini("ormprobe_models"), ini_dir)
    elif base.models and pyproject is not None:
        target = _anchored(base.models, pyproject.parent)
    else:
        target = None
    seed = option("ormprobe_seed") if option("ormprobe_seed") is not None else ini("ormprobe_seed")
    if select is None:
        select = option("ormprobe_select") or ini("ormprobe_select")
    if ignore is None:
        ignore = option("ormprobe_ignore") or ini("ormprobe_ignore")
    merged = base.merged(
        models=target,
        db=option("ormprobe_db") or ini("ormprobe_db"),
        select=select,
        ignore=ignore,
        seed=seed,
    )
    if merged.models and not _is_path(merged.models):
        # A module target imports from the project root, whatever the working directory.
        root = str(config.rootpath)
        if root not in merged.pythonpath:
            merged = merged.merged(pythonpath=(*merged.pythonpath, root))
    return merged


def _is_path(target: str) -> bool:
    location = target.rpartition(":")[0] or target
    return location.endswith(".py") or "/" in location or os.sep in location


def _anchored(target: str, base: Path) -> str:
    """``target`` made absolute against ``base`` when it is a relative path found there.

    Left as written when the working directory is ``base`` itself, so reports and
    reproducers show the path the user wrote.
    """
    location, sep, attr = target.rpartition(":")
    if not sep or not location:
        location, attr = target, ""
    path = Path(location)
    if path.is_absolute() or not (base / path).exists() or base.resolve() == Path.cwd().resolve():
        return target
    anchored = str((base / path).resolve())
    return f"{anchored}:{attr}" if attr else anchored


def _probe_for(config: pytest.Config, probe_config: ProbeConfig) -> _Probe:
    """The shared run of one configuration, prepared once per session (per xdist worker)."""
    from ormprobe.runner import prepare

    probes = config.stash[_PROBES]
    key = repr(probe_config)
    if key not in probes:
        probes[key] = _Probe(prepare(probe_config))
    return probes[key]


def _needs_models(what: str) -> str:
    return f"ormprobe: {what} needs models: set the ormprobe_models ini key or [tool.ormprobe] models"


class _Probe:
    """A prepared run plus the result of every case run so far.

    Each case runs at most once per session, whichever surface asks first (an item,
    ``ormprobe_case`` or ``ormprobe_report``).
    """

    def __init__(self, run: Run) -> None:
        self.run = run
        self.results: dict[str, CaseResult] = {}
        self._unavailable: OrmprobeError | None = None

    def result(self, case: Case) -> CaseResult:
        """The result of ``case``, running it (and its prerequisites) on first use.

        Raises:
            OrmprobeError: the database can't be opened (every later dynamic case raises
                the same error at once instead of trying again).
        """
        from ormprobe.runner import PREREQUISITE_CODES

        if case.id not in self.results:
            if case.dynamic:
                for needed in self.run.cases:
                    # Prerequisites record what later cases rely on (which models can't
                    # be built); they run first so -k, -m and xdist can't change outcomes.
                    if needed.dynamic and needed.check.code in PREREQUISITE_CODES:
                        self._run(needed)
            self._run(case)
        return self.results[case.id]

    def report(self) -> Report:
        """The report of every case, as ``ormprobe scan`` would make it."""
        return self.run.report([self.result(case) for case in self.run.cases])

    def _run(self, case: Case) -> None:
        from ormprobe.errors import OrmprobeError

        if case.id in self.results:
            return
        if self._unavailable is not None and case.dynamic:
            raise self._unavailable
        try:
            # As under `ormprobe scan`: warnings raised inside ormprobe or by the models
            # while a case runs are not the test suite's (a `filterwarnings = error`
            # suite would otherwise turn a library's DeprecationWarning into an ERROR).
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.results[case.id] = self.run.run_case(case)
        except OrmprobeError as exc:
            if case.dynamic:
                self._unavailable = exc
            raise


def _judge(probe: _Probe, case: Case) -> CaseResult:
    """Run ``case``; skip for a skipped case, fail (ERROR in setup) for an ormprobe error."""
    __tracebackhide__ = True
    from ormprobe.errors import OrmprobeError
    from ormprobe.results import Status

    try:
        result = probe.result(case)
    except OrmprobeError as exc:
        _fail(f"ormprobe: {exc}")
    if result.status is Status.SKIPPED:
        pytest.skip(result.reason or "skipped by ormprobe")
    if result.status is Status.ERROR:
        assert result.error is not None
        _fail(
            f"ormprobe error in {case.id} (a bug in ormprobe, not a finding about your "
            f"models):\n{result.error.traceback.rstrip()}"
        )
    return result


def _fail(message: str) -> NoReturn:
    __tracebackhide__ = True
    # pytest.fail(pytrace=False), without the exception being handled chained to it: the
    # message is the whole report; a traceback through the plugin or the driver says nothing.
    raise pytest.fail.Exception(message, pytrace=False) from None


def _raise_for_findings(result: CaseResult) -> None:
    __tracebackhide__ = True
    if result.findings:
        raise ProbeFailure(result)


# -- collection: --ormprobe --------------------------------------------------------------


class ProbeCollector(pytest.Collector):
    """Holds the ``ormprobe::CODE[target]`` items of one scan."""

    def __init__(self, *, probe: _Probe, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.probe = probe

    def collect(self) -> list[pytest.Item]:
        """One item per case, in the order ``ormprobe scan`` runs them."""
        return [ProbeItem.from_parent(self, name=case.id, case=case) for case in self.probe.run.cases]


class ProbeItem(pytest.Item):
    """One ormprobe case as a pytest item."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.result: CaseResult | None = None
        self.add_marker("ormprobe")

    @property
    def probe(self) -> _Probe:
        """The run this item belongs to."""
        parent = self.parent
        assert isinstance(parent, ProbeCollector)
        return parent.probe

    def setup(self) -> None:
        """Run the case.

        Running it here, not in ``runtest``, makes an ormprobe bug an ERROR and a skipped
        case a SKIP, leaving FAILED for real findings only.
        """
        self.result = _judge(self.probe, self.case)

    def runtest(self) -> None:
        """Fail with the case's findings, if any."""
        assert self.result is not None
        _raise_for_findings(self.result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | Any:
        """The findings as titled blocks, without a traceback through ormprobe."""
        if isinstance(excinfo.value, ProbeFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        """The subject's source location, and ``[ormprobe] CODE[target]`` as headline."""
        location = self.case.subject.location
        line = location.line - 1 if location.line else None
        return (location.path or _NODE, line, f"[ormprobe] {self.case.id}")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """With ``--ormprobe``, add the check items before -k/-m deselection sees the list.

    A models target that can't be loaded is a collection error (``ERROR collecting
    ormprobe``), so pytest stops before running anything, with and without xdist.
    """
    if config.getoption("ormprobe") is None:
        return
    from ormprobe.errors import OrmprobeError

    try:
        probe_config = _probe_config(config)
        if not probe_config.models:
            raise pytest.UsageError(
                "ormprobe: --ormprobe needs models: --ormprobe=myapp.models, the "
                "ormprobe_models ini key or [tool.ormprobe] models"
            )
        probe = _probe_for(config, probe_config)
    except OrmprobeError as exc:
        report = pytest.CollectReport(_NODE, "failed", f"ormprobe: {exc}", [])
        config.hook.pytest_collectreport(report=report)
        return
    collector = ProbeCollector.from_parent(session, name=_NODE, nodeid=_NODE, probe=probe)
    collected = collector.collect()
    # What session.perform_collect() does for collected nodes: the terminal counts the
    # items ("collected N items") and other plugins see them.
    config.hook.pytest_collectreport(report=pytest.CollectReport(_NODE, "passed", None, list(collected)))
    for item in collected:
        config.hook.pytest_itemcollected(item=item)
    items.extend(collected)


# -- the parametrized ormprobe_case fixture ------------------------------------------------


class CaseHandle:
    """What ``ormprobe_case`` gives a test: the case, and ``check()`` to judge it.

    Attributes:
        case: the check and the subject it is applied to.
    """

    def __init__(self, probe: _Probe, case: Case) -> None:
        self._probe = probe
        self.case = case

    @property
    def id(self) -> str:
        """``CODE[target]``."""
        return self.case.id

    @property
    def result(self) -> CaseResult:
        """The case's result (the case runs on first access)."""
        __tracebackhide__ = True
        return _judge(self._probe, self.case)

    def check(self) -> CaseResult:
        """Return the result when the case found nothing; raise ProbeFailure otherwise.

        Raises:
            ProbeFailure: the case found something (an ``AssertionError``: FAILED).
        """
        __tracebackhide__ = True
        result = self.result
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
        probe_config = _probe_config(
            metafunc.config,
            models=kwargs.get("models"),
            select=kwargs.get("select"),
            ignore=kwargs.get("ignore"),
        )
        if not probe_config.models:
            raise pytest.Collector.CollectError(
                _needs_models("ormprobe_case") + ", or use @pytest.mark.ormprobe(models=...)"
            )
        probe = _probe_for(metafunc.config, probe_config)
    except OrmprobeError as exc:
        raise pytest.Collector.CollectError(f"ormprobe: {exc}") from exc
    params = [
        pytest.param(CaseHandle(probe, case), id=case.id, marks=pytest.mark.ormprobe)
        for case in probe.run.cases
    ]
    metafunc.parametrize("ormprobe_case", params, indirect=True)


@pytest.fixture
def ormprobe_case(request: pytest.FixtureRequest) -> CaseHandle:
    """One ormprobe case; call ``ormprobe_case.check()`` in the test.

    The case runs while the fixture is set up: an ormprobe error is an ERROR and a skipped
    case a SKIP, before the test body runs; ``check()`` then fails for findings.
    """
    handle = getattr(request, "param", None)
    if not isinstance(handle, CaseHandle):
        _fail("ormprobe_case is parametrized by ormprobe; request it from a test function")
    _ = handle.result
    return handle


# -- fixtures for users' own tests ---------------------------------------------------------


@pytest.fixture(scope="session")
def ormprobe_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine for the test session: in-memory SQLite, or a scratch server database.

    ``--ormprobe-db URL`` or the ``ormprobe_db`` ini key names a server; a scratch database
    is created on it for the session (one per xdist worker) and dropped afterwards. When
    ``ormprobe_models`` is configured, the models' tables are created on it. Override this
    fixture in conftest.py to use your own engine (it is never committed to)::

        @pytest.fixture(scope="session")
        def ormprobe_engine():
            engine = sqlalchemy.create_engine("postgresql+psycopg://localhost/app_test")
            Base.metadata.create_all(engine)
            yield engine
            engine.dispose()
    """
    from ormprobe.errors import OrmprobeError
    from ormprobe.sandbox import open_database

    with ExitStack() as stack:
        try:
            probe = _probe_config(request.config)
            database = stack.enter_context(open_database(probe.db))
            if probe.models:
                database.create_schema(list(_loaded(request.config, probe).metadatas))
        except OrmprobeError as exc:
            # One line instead of a traceback through ormprobe: the URL or server is wrong.
            _fail(f"ormprobe_engine: {exc}")
        yield database.engine


@pytest.fixture
def ormprobe_session(ormprobe_engine: Engine) -> Iterator[Session]:
    """A Session whose every change is rolled back after the test.

    It joins one outer transaction through a SAVEPOINT, so ``session.commit()`` inside the
    test is fine: the next test sees none of it.
    """
    from ormprobe.sandbox import session

    with session(ormprobe_engine) as orm_session:
        yield orm_session


@pytest.fixture
def ormprobe_factories(request: pytest.FixtureRequest, ormprobe_session: Session) -> Iterator[Factories]:
    """Synthesized factory_boy factories of the configured models, bound to ``ormprobe_session``.

    ``ormprobe_factories.Agent.create()`` makes a valid Agent and every parent it needs,
    and flushes them into ``ormprobe_session``. Values are seeded (``ormprobe_seed``), so
    every test gets the same ones.
    """
    from ormprobe.errors import OrmprobeError
    from ormprobe.synth.factories import Factories, seed

    try:
        probe = _probe_config(request.config)
        if not probe.models:
            _fail(_needs_models("ormprobe_factories"))
        graph = _graph(request.config, probe)
    except OrmprobeError as exc:
        _fail(f"ormprobe_factories: {exc}")
    seed(probe.seed)
    dialect = ormprobe_session.get_bind().dialect.name
    factories = Factories(
        graph,
        overrides=probe.values,
        dialect="mysql" if dialect in ("mysql", "mariadb") else dialect,
    )
    # Bound both ways: the context variable for this test, the attribute for code that
    # runs in another context (threads, event loops).
    factories.session = ormprobe_session
    with factories.bind(ormprobe_session):
        yield factories


@pytest.fixture(scope="session")
def ormprobe_report(request: pytest.FixtureRequest) -> Report:
    """The Report of a full scan of the configured models (run once per session).

    Cases that ``--ormprobe`` items or ``ormprobe_case`` tests already ran are not run
    again.
    """
    from ormprobe.errors import OrmprobeError

    try:
        probe = _probe_config(request.config)
        if not probe.models:
            _fail(_needs_models("ormprobe_report"))
        return _probe_for(request.config, probe).report()
    except OrmprobeError as exc:
        _fail(f"ormprobe_report: {exc}")


def _loaded(config: pytest.Config, probe: ProbeConfig) -> LoadedModels:
    return _probe_for(config, probe).run.loaded


def _graph(config: pytest.Config, probe: ProbeConfig) -> ModelGraph:
    return _probe_for(config, probe).run.graph
