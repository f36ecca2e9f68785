"""Plan cases (checks x subjects) and run them: static ones on the graph, dynamic ones in
the sandbox, each in its own rolled-back savepoint.

The case list is the unit every face iterates: ``ormprobe scan`` runs all of them, the
pytest plugin makes one item of each. An exception inside a check is an ormprobe bug: it
becomes an ``error`` result with its traceback, never a finding, and the run goes on.
"""

from __future__ import annotations

import contextlib
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ormprobe._version import __version__
from ormprobe.checks import load_builtin_checks, load_dynamic_checks
from ormprobe.checks.context import StaticContext
from ormprobe.checks.registry import Check, Subject
from ormprobe.config import ProbeConfig
from ormprobe.errors import OrmprobeError, UsageError
from ormprobe.findings import Finding
from ormprobe.graph import ModelGraph
from ormprobe.introspect import build_graph
from ormprobe.loading import LoadedModels, load_models
from ormprobe.results import CaseResult, ErrorInfo, Report, RunStats, Status

if TYPE_CHECKING:
    from ormprobe.checks.dynamic.context import RunState

__all__ = ["PREREQUISITE_CODES", "Case", "Run", "Skip", "plan_cases", "prepare", "scan"]

# Dynamic checks that record what later cases rely on: OP306 which tables exist, OP401
# which models can be built (cases needing an unbuildable model are skipped, not errors).
# They run before every other dynamic case, whatever order the cases are asked in.
PREREQUISITE_CODES = ("OP306", "OP401")

ResultCallback = Callable[[CaseResult], None]


class Skip(Exception):
    """Raised by a check to end its case as skipped, with the reason as message."""


@dataclass(frozen=True)
class Case:
    """One check applied to one subject: what a result and a pytest item are about."""

    check: Check
    subject: Subject

    @property
    def id(self) -> str:
        """``CODE[target]``."""
        return f"{self.check.code}[{self.subject.name}]"

    @property
    def dynamic(self) -> bool:
        """True when the case runs against the database."""
        return self.check.dynamic


def plan_cases(graph: ModelGraph, checks: Sequence[Check], config: ProbeConfig) -> tuple[Case, ...]:
    """Every (check, subject) pair, minus per-target ignores, in a stable order.

    Static cases come first, then the dynamic ones with ``build`` (OP401) leading, so
    later cases know which models can be created.
    """
    ignores = {target: tuple(c.upper() for c in codes) for target, codes in config.per_target_ignores.items()}
    cases = []
    for chosen in checks:
        for subject in chosen.subjects(graph):
            silenced = ignores.get(subject.name, ())
            if any(chosen.code.startswith(code) for code in silenced):
                continue
            cases.append(Case(chosen, subject))

    def order(case: Case) -> tuple[int, str]:
        if not case.dynamic:
            return (0, case.check.code)
        return (1 if case.check.code in PREREQUISITE_CODES else 2, case.check.code)

    return tuple(sorted(cases, key=order))


@dataclass
class Run:
    """State shared by the cases of one run: the graph, and the database once needed.

    Use as a context manager; the database (a scratch database on a server, or
    in-memory SQLite) is opened on the first dynamic case and removed on exit.
    """

    config: ProbeConfig
    loaded: LoadedModels
    graph: ModelGraph
    checks: tuple[Check, ...]
    cases: tuple[Case, ...]
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    _state: RunState | None = None
    _started: float = field(default_factory=time.perf_counter)

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the database (drops a scratch database)."""
        self._stack.close()
        self._state = None

    @property
    def dialect(self) -> str:
        """The dialect dynamic cases run on (``sqlite`` until a database is opened)."""
        if self._state is not None:
            return self._state.dialect
        return _dialect_of(self.config.db)

    @property
    def database_url(self) -> str:
        """The database URL, password masked."""
        if self._state is not None:
            return self._state.database_url
        return _masked(self.config.db)

    def state(self) -> RunState:
        """The dynamic-run state, opening the database and creating the schema on first use.

        Raises:
            SandboxError: when the database can't be reached or created.
        """
        if self._state is None:
            from ormprobe.checks.dynamic.context import open_run_state

            load_dynamic_checks()
            self._state = self._stack.enter_context(open_run_state(self.config, self.loaded, self.graph))
        return self._state

    def run_case(self, case: Case) -> CaseResult:
        """Run one case and return its result; never raises for a check's own failure."""
        started = time.perf_counter()
        statements_before, db_seconds_before = self._counters()
        try:
            if case.dynamic and not self.config.static_only:
                findings = self.state().run_dynamic(case.check, case.subject)
            elif case.check.needs_database:
                raise Skip("needs a database; this run is static-only")
            else:
                findings = self._run_static(case)
        except Skip as skip:
            return self._result(
                case,
                Status.SKIPPED,
                started,
                statements_before,
                db_seconds_before,
                reason=str(skip),
            )
        except OrmprobeError:
            raise
        except Exception as exc:  # the isolation boundary: a check bug must not stop the run
            error = ErrorInfo(
                type(exc).__name__,
                str(exc).strip().splitlines()[0] if str(exc).strip() else "",
                traceback.format_exc(),
            )
            return self._result(
                case, Status.ERROR, started, statements_before, db_seconds_before, error=error
            )
        status = Status.FINDING if findings else Status.PASSED
        return self._result(case, status, started, statements_before, db_seconds_before, findings=findings)

    def run_all(self, on_result: ResultCallback | None = None) -> Report:
        """Run every case in order and return the report."""
        results = []
        for case in self.cases:
            result = self.run_case(case)
            results.append(result)
            if on_result is not None:
                on_result(result)
        return self.report(results)

    def report(self, results: Sequence[CaseResult]) -> Report:
        """A :class:`Report` of ``results``."""
        statements, db_seconds = self._counters()
        return Report(
            target=self.loaded.target,
            seed=self.config.seed,
            dialect=self.dialect,
            database_url=self.database_url,
            checks=tuple(c.info for c in self.checks),
            results=tuple(results),
            graph=self.graph,
            stats=RunStats(time.perf_counter() - self._started, statements, db_seconds),
            version=__version__,
        )

    def _run_static(self, case: Case) -> tuple[Finding, ...]:
        context = StaticContext(self.graph, case.check, self.config, self.dialect)
        return tuple(case.check.predict(context, case.subject))

    def _counters(self) -> tuple[int, float]:
        if self._state is None:
            return (0, 0.0)
        return self._state.counters()

    def _result(
        self,
        case: Case,
        status: Status,
        started: float,
        statements_before: int,
        db_seconds_before: float,
        *,
        findings: tuple[Finding, ...] = (),
        reason: str | None = None,
        error: ErrorInfo | None = None,
    ) -> CaseResult:
        statements, db_seconds = self._counters()
        return CaseResult(
            code=case.check.code,
            check=case.check.slug,
            target=case.subject.name,
            status=status,
            findings=findings,
            seconds=time.perf_counter() - started,
            statements=statements - statements_before,
            db_seconds=db_seconds - db_seconds_before,
            reason=reason,
            error=error,
        )


def prepare(config: ProbeConfig, *, loaded: LoadedModels | None = None) -> Run:
    """Load the models named by ``config.models`` and plan the cases.

    Raises:
        UsageError: when no models target is configured, or a code is unknown.
        LoadError: when the target can't be imported.
    """
    if loaded is None:
        if not config.models:
            raise UsageError("no models target; pass one or set `models` in [tool.ormprobe]")
        loaded = load_models(config.models, pythonpath=config.pythonpath)
    graph = build_graph(loaded)
    registry = load_builtin_checks()
    checks = tuple(registry.select(config.select, config.ignore, preview=config.preview))
    return Run(config, loaded, graph, checks, plan_cases(graph, checks, config))


def scan(
    target: str | None = None,
    *,
    db: str | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    seed: int | None = None,
    static_only: bool | None = None,
    config: ProbeConfig | None = None,
    on_result: ResultCallback | None = None,
    **options: Any,
) -> Report:
    """Scan ``target`` and return the :class:`~ormprobe.results.Report`.

    Arguments override ``config`` (which defaults to ``[tool.ormprobe]`` of the nearest
    pyproject.toml).

    Raises:
        OrmprobeError: for usage, load and database errors (findings never raise).
    """
    base = config if config is not None else ProbeConfig.from_pyproject()
    merged = base.merged(
        models=target,
        db=db,
        select=select,
        ignore=ignore,
        seed=seed,
        static_only=static_only,
        **options,
    )
    with prepare(merged) as run:
        return run.run_all(on_result)


def _dialect_of(url: str | None) -> str:
    if not url:
        return "sqlite"
    name = url.split(":", 1)[0].split("+", 1)[0].lower()
    return "mysql" if name in ("mysql", "mariadb") else name


def _masked(url: str | None) -> str:
    if not url:
        return "sqlite://"
    from ormprobe.sandbox import mask_url

    return mask_url(url)
