"""What ormprobe reports about models: severities, source locations and findings.

Pure data with no dependency beyond the standard library, so every layer (checks,
reporters, the pytest plugin) can share it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Finding", "Location", "Severity"]


class Severity(enum.IntEnum):
    """How bad a finding is, ordered so that ``--fail-on`` can compare.

    The severity follows the consequence, not the rule: lost rows, a refused delete or
    rows with NULL/dangling parents are errors; a correct outcome reached the slow way is
    info.
    """

    INFO = 10
    WARNING = 30
    ERROR = 40

    @property
    def label(self) -> str:
        """The lower-case name used in every output format (``"error"``)."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity from its label (``"warning"``), case-insensitively.

        Raises:
            ValueError: for an unknown label, listing the valid ones.
        """
        try:
            return cls[text.strip().upper()]
        except KeyError:
            valid = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}; use one of: {valid}") from None


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is defined in the user's source.

    Attributes:
        path: file path, relative to the working directory when it is inside it.
        line: 1-based line number, or None when only the file is known.
    """

    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.path is None:
            return "<unknown>"
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One defect of the user's models, proven or predicted.

    Attributes:
        code: stable code such as ``"OP201"``; never reused for another meaning.
        check: the check's kebab-case slug.
        severity: how bad the consequence is.
        target: what it is about: ``Model.attr``, ``Model``, ``table`` or ``table.column``.
        message: one line, in plain words, under about 80 characters.
        location: where the target is defined.
        evidence: what was observed: the database error, or expected versus observed.
        fix: the suggested change, as code where possible.
        reproducer: a short standalone Python snippet that shows the defect.
        dialect: the backend the finding was proven on, when it depends on one.
        upstream_code: SQLAlchemy's own error/warning code (``"qzyx"``), when relayed.
    """

    code: str
    check: str
    severity: Severity
    target: str
    message: str
    location: Location = Location()
    evidence: str | None = None
    fix: str | None = None
    reproducer: str | None = None
    dialect: str | None = None
    upstream_code: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """``(code, target)``: what identifies a finding across backends and runs."""
        return (self.code, self.target)
