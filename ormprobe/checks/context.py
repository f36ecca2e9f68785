"""What a check sees while it runs: the graph, its own identity, and a finding factory.

``ctx.finding(...)`` fills in the code, slug, default severity, target and location from
the bound check and subject, so a check cannot mislabel its own findings.
"""

from __future__ import annotations

from dataclasses import dataclass

from ormprobe.checks.registry import Check, Subject
from ormprobe.config import ProbeConfig
from ormprobe.findings import Finding, Location, Severity
from ormprobe.graph import ModelGraph

__all__ = ["StaticContext"]


@dataclass
class StaticContext:
    """Context of a static prediction (no database).

    Attributes:
        graph: the models.
        check: the check being run.
        config: the run's configuration.
        dialect: the backend the run targets (``sqlite``, ``postgresql``, ``mysql``);
            static checks whose outcome depends on it read it here.
    """

    graph: ModelGraph
    check: Check
    config: ProbeConfig
    dialect: str = "sqlite"

    def finding(
        self,
        subject: Subject,
        message: str,
        *,
        fix: str | None = None,
        evidence: str | None = None,
        reproducer: str | None = None,
        severity: Severity | None = None,
        location: Location | None = None,
        dialect: str | None = None,
        upstream_code: str | None = None,
        target: str | None = None,
    ) -> Finding:
        """A finding of this check about ``subject``."""
        return Finding(
            code=self.check.code,
            check=self.check.slug,
            severity=severity or self.check.severity,
            target=target or subject.name,
            message=message,
            location=location or subject.location,
            evidence=evidence,
            fix=fix,
            reproducer=reproducer,
            dialect=dialect,
            upstream_code=upstream_code,
        )
