"""Results of a run: what each case concluded, and the report that gathers them.

Pure data plus the exit-code policy, so reporters and the pytest plugin can read results
without importing SQLAlchemy.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from ormprobe.findings import Finding, Severity
from ormprobe.graph import ModelGraph

__all__ = [
    "EXIT_ERROR",
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_USAGE",
    "CaseResult",
    "CheckInfo",
    "ErrorInfo",
    "Report",
    "RunStats",
    "Status",
]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_ERROR = 3


class Status(enum.Enum):
    """What one case concluded."""

    PASSED = "passed"
    FINDING = "finding"
    ERROR = "error"
    SKIPPED = "skipped"


CheckKind = Literal["static", "dynamic"]


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """A check's catalogue entry, as reporters and SARIF need it (no callable).

    Attributes:
        code: stable code, e.g. ``"OP201"``.
        slug: kebab-case name, e.g. ``"delete-nulls-required-fk"``.
        summary: the first line of its documentation.
        severity: the severity of its findings unless a finding says otherwise.
        kind: ``static`` (reads the graph) or ``dynamic`` (runs against the database).
        targets: what a case is about: ``model``, ``relationship``, ``column``,
            ``constraint``, ``table`` or ``graph``.
        doc: the full documentation (Markdown).
    """

    code: str
    slug: str
    summary: str
    severity: Severity
    kind: CheckKind
    targets: str
    doc: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """An exception raised inside ormprobe while a case ran: an ormprobe bug."""

    type_name: str
    message: str
    traceback: str


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one case: one check applied to one target.

    Attributes:
        code: the check's code.
        check: the check's slug.
        target: ``Model.attr``, ``Model``, ``table`` or ``table.column``.
        status: passed, finding, error or skipped.
        findings: the findings, when ``status`` is FINDING.
        seconds: wall time of the case.
        statements: SQL statements the case sent to the database.
        db_seconds: time spent inside the database driver.
        reason: why it was skipped, or a note on a pass.
        error: the exception, when ``status`` is ERROR.
    """

    code: str
    check: str
    target: str
    status: Status
    findings: tuple[Finding, ...] = ()
    seconds: float = 0.0
    statements: int = 0
    db_seconds: float = 0.0
    reason: str | None = None
    error: ErrorInfo | None = None

    @property
    def case_id(self) -> str:
        """``CODE[target]``: how pytest and the text report name the case."""
        return f"{self.code}[{self.target}]"


@dataclass(frozen=True, slots=True)
class RunStats:
    """Totals for a run."""

    wall_seconds: float = 0.0
    statements: int = 0
    db_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a run found, in the order cases ran.

    Attributes:
        target: what was scanned (as given).
        seed: the seed that makes value synthesis reproducible.
        dialect: the database dialect the dynamic checks ran on.
        database_url: the database URL with its password masked.
        checks: catalogue entries of the checks that were selected.
        results: one per case.
        graph: the introspected models.
        stats: run totals.
        version: the ormprobe version that produced it.
    """

    target: str
    seed: int
    dialect: str
    database_url: str
    checks: tuple[CheckInfo, ...]
    results: tuple[CaseResult, ...]
    graph: ModelGraph = field(repr=False)
    stats: RunStats = RunStats()
    version: str = ""

    def findings(self) -> tuple[Finding, ...]:
        """Every finding, most severe first, then by code and target."""
        found = [f for result in self.results for f in result.findings]
        return tuple(sorted(found, key=lambda f: (-f.severity, f.code, f.target)))

    def errors(self) -> tuple[CaseResult, ...]:
        """The cases that ended in an ormprobe error."""
        return tuple(r for r in self.results if r.status is Status.ERROR)

    def counts(self) -> dict[str, int]:
        """Cases per status, plus the total under ``cases``."""
        counted = Counter(r.status.value for r in self.results)
        summary = {"cases": len(self.results)}
        summary.update({status.value: counted.get(status.value, 0) for status in Status})
        return summary

    def exit_code(self, fail_on: Severity = Severity.ERROR) -> int:
        """The process exit code this report calls for.

        3 when any case ended in an ormprobe error (a run with a crashed check must never
        look clean), else 1 when a finding is at or above ``fail_on``, else 0.
        """
        if self.errors():
            return EXIT_ERROR
        if any(f.severity >= fail_on for f in self.findings()):
            return EXIT_FINDINGS
        return EXIT_OK
