"""The human report: a summary that says what to fix first, then every finding.

Real models have many findings from few causes (hundreds of one-to-many relationships
missing the same cascade), so the report leads with counts grouped by check and by
model, most severe first; the details follow, grouped by model.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from io import StringIO

from rich.console import Console
from rich.markup import escape

from ormprobe.findings import Finding, Severity
from ormprobe.results import CaseResult, Report, Status

__all__ = ["render"]

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(
    report: Report,
    *,
    color: bool | None = None,
    width: int | None = None,
    show_reproducers: bool = False,
    show_passed: bool = False,
) -> str:
    """The report as text (with ANSI colour when ``color`` is True)."""
    buffer = StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=color is False,
        width=width or 100,
        highlight=False,
        soft_wrap=True,
    )
    _header(console, report)
    findings = report.findings()
    if findings:
        _by_check(console, findings, report)
        _by_model(console, findings)
        _details(console, findings, show_reproducers)
    _errors(console, report.errors())
    _skipped(console, [r for r in report.results if r.status is Status.SKIPPED])
    if show_passed:
        _passed(console, [r for r in report.results if r.status is Status.PASSED])
    _footer(console, report, findings)
    return buffer.getvalue()


def _header(console: Console, report: Report) -> None:
    counts = report.counts()
    console.print(
        f"[bold]ormprobe {escape(report.version)}[/] · {escape(report.target)} · "
        f"{escape(report.database_url)} · seed {report.seed}"
    )
    console.print(
        f"{counts['cases']} cases: [green]{counts['passed']} passed[/], "
        f"[red]{counts['finding']} with findings[/], {counts['error']} errors, "
        f"{counts['skipped']} skipped  [dim]({report.stats.wall_seconds:.2f} s, "
        f"{report.stats.statements} statements)[/]"
    )


def _by_check(console: Console, findings: tuple[Finding, ...], report: Report) -> None:
    console.print()
    console.print("[bold]Findings by check[/]")
    slugs = {c.code: c.slug for c in report.checks}
    grouped: dict[tuple[Severity, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[(finding.severity, finding.code)].append(finding)
    width = max(len(slugs.get(code, "")) for _, code in grouped)
    for (severity, code), items in sorted(grouped.items(), key=lambda kv: (-kv[0][0], -len(kv[1]), kv[0][1])):
        models = Counter(f.target.split(".")[0] for f in items)
        top = ", ".join(f"{m} ({n})" if n > 1 else m for m, n in models.most_common(4))
        more = f", +{len(models) - 4} more" if len(models) > 4 else ""
        console.print(
            f"  [{_STYLE[severity]}]{severity.label:<7}[/] {code} {escape(slugs.get(code, '')):<{width}}"
            f" {len(items):>4}  [dim]{escape(top + more)}[/]"
        )


def _by_model(console: Console, findings: tuple[Finding, ...]) -> None:
    console.print()
    console.print("[bold]Findings by model[/]")
    per_model: dict[str, Counter[Severity]] = defaultdict(Counter)
    for finding in findings:
        per_model[finding.target.split(".")[0]][finding.severity] += 1
    ranked = sorted(per_model.items(), key=lambda kv: (-max(kv[1]), -sum(kv[1].values()), kv[0]))
    for model, severities in ranked[:15]:
        parts = ", ".join(f"{n} {s.label}" for s, n in sorted(severities.items(), reverse=True))
        console.print(f"  {escape(model):<30} {sum(severities.values()):>4}  [dim]{parts}[/]")
    if len(ranked) > 15:
        console.print(f"  [dim]... and {len(ranked) - 15} more models[/]")


def _details(console: Console, findings: tuple[Finding, ...], show_reproducers: bool) -> None:
    console.print()
    console.print("[bold]Details[/]")
    for finding in sorted(findings, key=lambda f: (f.target.split(".")[0], -f.severity, f.target, f.code)):
        where = f"  [dim]{escape(str(finding.location))}[/]" if finding.location.path else ""
        dialect = f" [dim]({finding.dialect})[/]" if finding.dialect else ""
        console.print(
            f"[{_STYLE[finding.severity]}]{finding.severity.label}[/] {finding.code} "
            f"[bold]{escape(finding.target)}[/]{where}"
        )
        console.print(f"    {escape(finding.message)}{dialect}")
        if finding.evidence:
            console.print(f"    [dim]evidence:[/] {escape(_one_line(finding.evidence))}")
        if finding.fix:
            console.print(f"    [green]fix:[/] {escape(finding.fix)}")
        if show_reproducers and finding.reproducer:
            console.print("    [dim]reproducer:[/]")
            for line in finding.reproducer.splitlines():
                console.print(f"      {escape(line)}")


def _errors(console: Console, errors: tuple[CaseResult, ...]) -> None:
    if not errors:
        return
    console.print()
    console.print(
        f"[bold red]ormprobe errors ({len(errors)})[/] — bugs in ormprobe, not findings about your models:"
    )
    for result in errors:
        assert result.error is not None
        console.print(f"  {result.case_id}: {escape(result.error.type_name)}: {escape(result.error.message)}")
    console.print("  [dim]Run with --format json to see the tracebacks; please report them.[/]")


def _skipped(console: Console, skipped: list[CaseResult]) -> None:
    if not skipped:
        return
    console.print()
    console.print(f"[bold]Skipped ({len(skipped)})[/]")
    reasons = Counter(r.reason or "" for r in skipped)
    for reason, count in reasons.most_common(8):
        examples = [r.case_id for r in skipped if (r.reason or "") == reason][:3]
        console.print(f"  {count:>4}  {escape(reason)}  [dim]{escape(', '.join(examples))}[/]")
    if len(reasons) > 8:
        console.print(f"  [dim]... and {len(reasons) - 8} more reasons[/]")


def _passed(console: Console, passed: list[CaseResult]) -> None:
    console.print()
    console.print(f"[bold]Passed ({len(passed)})[/]")
    for result in passed:
        console.print(f"  [green]ok[/] {escape(result.case_id)}")


def _footer(console: Console, report: Report, findings: tuple[Finding, ...]) -> None:
    console.print()
    errors = len(report.errors())
    if not findings:
        if errors:
            console.print(
                f"[bold red]No findings, but {errors} ormprobe errors[/]: the models were not fully checked."
            )
        else:
            console.print("[bold green]No findings.[/]")
        return
    severities = Counter(f.severity for f in findings)
    parts = ", ".join(f"{severities[s]} {s.label}" for s in sorted(severities, reverse=True))
    console.print(
        f"[bold]{len(findings)} findings[/] ({parts}). `ormprobe explain CODE` tells more about a check."
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())
