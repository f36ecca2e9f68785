"""The JSON report (``--format json``): the versioned contract other tools read.

Described by ``ormprobe/schemas/report.schema.json``; within a version, fields are only
ever added. Every finding is kept (the text report may summarise).
"""

from __future__ import annotations

import json
from typing import Any

from ormprobe.findings import Finding
from ormprobe.results import CaseResult, Report, Status

__all__ = ["REPORT_VERSION", "render", "report_to_dict"]

REPORT_VERSION = 1


def render(report: Report) -> str:
    """The report as an indented JSON document."""
    return json.dumps(report_to_dict(report), indent=2) + "\n"


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-compatible data."""
    counts = report.counts()
    return {
        "version": REPORT_VERSION,
        "ormprobe": report.version,
        "target": report.target,
        "seed": report.seed,
        "database": {"dialect": report.dialect, "url": report.database_url},
        "summary": {
            "cases": counts["cases"],
            "passed": counts[Status.PASSED.value],
            "findings": counts[Status.FINDING.value],
            "errors": counts[Status.ERROR.value],
            "skipped": counts[Status.SKIPPED.value],
        },
        "results": [_result(r) for r in report.results],
        "findings": [_finding(f) for f in report.findings()],
        "errors": [_error(r) for r in report.errors()],
        "stats": {
            "wall_seconds": round(report.stats.wall_seconds, 6),
            "statements": report.stats.statements,
            "db_seconds": round(report.stats.db_seconds, 6),
        },
    }


def _result(result: CaseResult) -> dict[str, Any]:
    return {
        "code": result.code,
        "check": result.check,
        "target": result.target,
        "status": result.status.value,
        "seconds": round(result.seconds, 6),
        "statements": result.statements,
        "reason": result.reason,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "check": finding.check,
        "severity": finding.severity.label,
        "target": finding.target,
        "message": finding.message,
        "evidence": finding.evidence,
        "fix": finding.fix,
        "reproducer": finding.reproducer,
        "location": {"path": finding.location.path, "line": finding.location.line},
        "dialect": finding.dialect,
        "upstream_code": finding.upstream_code,
    }


def _error(result: CaseResult) -> dict[str, Any]:
    assert result.error is not None
    return {
        "code": result.code,
        "target": result.target,
        "error": f"{result.error.type_name}: {result.error.message}",
        "traceback": result.error.traceback,
    }
