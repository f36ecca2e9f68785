"""The check catalogue as Markdown: the table of codes, then each check's documentation.

``docs/checks.md`` is this rendering (``ormprobe rules --format markdown``); a test keeps
the file and the registry in step, so the docs can't drift from the code.
"""

from __future__ import annotations

from collections.abc import Sequence

from ormprobe.results import CheckInfo

__all__ = ["render_markdown"]


def render_markdown(checks: Sequence[CheckInfo], preview: frozenset[str] = frozenset()) -> str:
    """Markdown for ``checks``; codes in ``preview`` are marked as preview checks."""
    lines = [
        "# ormprobe checks",
        "",
        "Generated from the check registry by `ormprobe rules --format markdown`; do not edit.",
        "Codes never change meaning and are never reused. *Dynamic* checks prove their",
        "prediction against the database; *static* ones read the models only.",
        "",
        "| code | slug | severity | kind | applies to | summary |",
        "|------|------|----------|------|------------|---------|",
    ]
    for check in checks:
        flag = " (preview)" if check.code in preview else ""
        lines.append(
            f"| {check.code} | {check.slug} | {check.severity.label} | {check.kind} | "
            f"{check.targets} | {check.summary}{flag} |"
        )
    for check in checks:
        lines += ["", f"## {check.code} {check.slug}", ""]
        body = check.doc.strip().splitlines()
        # Demote the check's own "## Why is this bad?" headings under its section.
        lines += [f"#{line}" if line.startswith("## ") else line for line in body]
    return "\n".join(lines) + "\n"
