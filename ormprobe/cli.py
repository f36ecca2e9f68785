"""The ``ormprobe`` command line: a thin face over loading, the runner and the reporters.

Heavy imports (SQLAlchemy, the user's models) happen inside the commands, so that
``ormprobe --help`` and ``ormprobe --version`` answer at once.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 usage/load/connection error
(one message, no traceback), 3 an ormprobe error (a bug in ormprobe; traceback shown).
"""

from __future__ import annotations

import functools
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ormprobe._version import __version__
from ormprobe.errors import OrmprobeError

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])

EXIT_USAGE = 2
EXIT_INTERNAL = 3


def _fail_cleanly(command: F) -> F:
    """Turn ormprobe's own errors into one line and exit 2; bugs into exit 3."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except OrmprobeError as exc:
            click.echo(f"ormprobe: error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt, SystemExit):
            raise
        except Exception:
            click.echo(
                "ormprobe: internal error (this is a bug in ormprobe, not in your models):",
                err=True,
            )
            click.echo(traceback.format_exc(), err=True)
            click.echo("Please report it with the traceback above.", err=True)
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.UsageError(f"can't write {output}: {exc.strerror}") from exc


def _resolve_target(target: str | None, configured: str | None) -> str:
    chosen = target or configured
    if not chosen:
        raise click.UsageError(
            "no models target; pass one (e.g. `ormprobe inspect app/models.py`) "
            "or set `models` in [tool.ormprobe] in pyproject.toml"
        )
    return chosen


pythonpath_option = click.option(
    "--pythonpath",
    "pythonpath",
    multiple=True,
    type=click.Path(file_okay=False, path_type=str),
    metavar="DIR",
    help="Put DIR in front of sys.path before importing the models (repeatable).",
)
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the output to FILE instead of stdout.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="ormprobe")
def main() -> None:
    """Test SQLAlchemy models automatically.

    ormprobe discovers every relationship, foreign key, cascade and constraint of a models
    module, builds valid objects for every model and proves against a real database that
    each relationship behaves as declared.
    """
    # psycopg logs "error ignored terminating <Pipeline ...>" when a batched INSERT that a
    # check expected to fail is rolled back; without a handler of its own, Python's
    # last-resort handler would print it in the middle of the report.
    logging.getLogger("psycopg").addHandler(logging.NullHandler())


@main.command()
@click.argument("target", required=False)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@output_option
@pythonpath_option
@_fail_cleanly
def inspect(target: str | None, format_: str, output: Path | None, pythonpath: tuple[str, ...]) -> None:
    """Show what ormprobe sees in TARGET: models, columns, keys, relationships.

    TARGET is a models file (app/models.py), a package directory, or a module
    (app.models), optionally with :attr to scan one base or registry (app.models:Base).
    """
    from ormprobe.config import ProbeConfig
    from ormprobe.introspect import build_graph
    from ormprobe.loading import load_models
    from ormprobe.reporters import inspect as inspect_reporter

    config = ProbeConfig.from_pyproject()
    chosen = _resolve_target(target, config.models)
    loaded = load_models(chosen, pythonpath=pythonpath or config.pythonpath)
    graph = build_graph(loaded)
    if format_ == "json":
        text = inspect_reporter.render_json(graph, chosen)
    else:
        color = None if output is None else False
        text = inspect_reporter.render_text(graph, chosen, color=color)
    _write_output(text, output)


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


@main.command()
@click.argument("target", required=False)
@click.option(
    "--db",
    metavar="URL",
    default=None,
    help="Database to prove findings on (default: in-memory SQLite). A server URL gets a "
    "scratch database that is dropped afterwards.",
)
@click.option(
    "--select",
    metavar="CODES",
    default=None,
    help="Only these checks: codes or prefixes, comma-separated (OP2,OP101).",
)
@click.option(
    "--ignore",
    metavar="CODES",
    default=None,
    help="Leave out these checks: codes or prefixes, comma-separated.",
)
@click.option("--preview", is_flag=True, default=None, help="Also run checks marked preview.")
@click.option(
    "--static-only",
    is_flag=True,
    default=None,
    help="Only predict from the models; touch no database.",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@output_option
@click.option("--seed", type=int, default=None, help="Seed for value synthesis (printed in every report).")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity that makes the exit code 1 [default: error].",
)
@click.option("--keep-db", is_flag=True, default=None, help="Keep the scratch database and print its URL.")
@click.option(
    "--in-place",
    is_flag=True,
    default=None,
    help="Run inside the --db database in a transaction that is always rolled back.",
)
@click.option(
    "--existing-schema",
    is_flag=True,
    default=None,
    help="Use the tables already in --db; create nothing.",
)
@click.option(
    "--show-reproducers",
    is_flag=True,
    default=False,
    help="Print each finding's reproducer snippet.",
)
@pythonpath_option
@_fail_cleanly
def scan(
    target: str | None,
    db: str | None,
    select: str | None,
    ignore: str | None,
    preview: bool | None,
    static_only: bool | None,
    format_: str,
    output: Path | None,
    seed: int | None,
    fail_on: str | None,
    keep_db: bool | None,
    in_place: bool | None,
    existing_schema: bool | None,
    show_reproducers: bool,
    pythonpath: tuple[str, ...],
) -> None:
    """Check the models in TARGET and prove each finding against a database.

    Exit status: 0 no findings at or above --fail-on, 1 findings, 2 usage or
    connection error, 3 an ormprobe error happened in a check.
    """
    from ormprobe.config import ProbeConfig
    from ormprobe.reporters import json_report, text
    from ormprobe.runner import prepare

    config = ProbeConfig.from_pyproject().merged(
        models=target,
        db=db,
        select=_codes(select),
        ignore=_codes(ignore),
        preview=preview,
        static_only=static_only,
        seed=seed,
        fail_on=fail_on,
        keep_db=keep_db,
        in_place=in_place,
        existing_schema=existing_schema,
        pythonpath=pythonpath or None,
    )
    _resolve_target(target, config.models)
    with prepare(config) as run:
        with _progress(len(run.cases)) as advance:
            report = run.run_all(advance)
        if config.keep_db and run.database_url:
            click.echo(f"ormprobe: kept the scratch database: {run.database_url}", err=True)
    if format_ == "json":
        rendered = json_report.render(report)
    else:
        color = None if output is None else False
        rendered = text.render(report, color=color, show_reproducers=show_reproducers)
    _write_output(rendered, output)
    sys.exit(report.exit_code(config.fail_on))


def _progress(total: int) -> Any:
    """A rich progress bar on stderr when it is a terminal; a no-op otherwise."""
    import contextlib

    if not sys.stderr.isatty() or total == 0:
        return contextlib.nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    @contextlib.contextmanager
    def bar() -> Any:
        progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        with progress:
            task = progress.add_task("checking", total=total)

            def advance(result: Any) -> None:
                progress.update(task, advance=1, description=f"checking {result.code}[{result.target}]"[:60])

            yield advance

    return bar()


@main.command()
@click.option("--preview", is_flag=True, help="Include preview checks.")
@click.option(
    "--format", "format_", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True
)
def rules(preview: bool, format_: str) -> None:
    """List every check: code, slug, severity, kind and what it looks for."""
    import json

    from ormprobe.checks import Stability, load_builtin_checks

    registry = load_builtin_checks()
    chosen = [c for c in registry if preview or c.stability is Stability.STABLE]
    chosen.sort(key=lambda c: c.code)
    if format_ == "markdown":
        from ormprobe.reporters.catalogue import render_markdown

        previews = frozenset(c.code for c in chosen if c.stability is Stability.PREVIEW)
        click.echo(render_markdown([c.info for c in chosen], previews), nl=False)
        return
    if format_ == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "code": c.code,
                        "slug": c.slug,
                        "severity": c.severity.label,
                        "kind": c.info.kind,
                        "targets": c.info.targets,
                        "stability": c.stability.value,
                        "summary": c.summary,
                    }
                    for c in chosen
                ],
                indent=2,
            )
        )
        return
    for entry in chosen:
        flag = " (preview)" if entry.stability is Stability.PREVIEW else ""
        click.echo(
            f"{entry.code}  {entry.slug:<34} {entry.severity.label:<8} {entry.info.kind:<8} "
            f"{entry.summary}{flag}"
        )


@main.command()
@click.argument("code")
@_fail_cleanly
def explain(code: str) -> None:
    """Print the documentation of check CODE (e.g. OP201)."""
    from ormprobe.checks import load_builtin_checks

    entry = load_builtin_checks().get(code)
    click.echo(
        f"{entry.code} {entry.slug} ({entry.severity.label}, {entry.info.kind}, "
        f"applies to {entry.info.targets})\n"
    )
    click.echo(entry.doc)


@main.command()
@click.option(
    "--db",
    metavar="URL",
    required=True,
    help="The server whose leftover scratch databases to remove.",
)
@click.option("--yes", "-y", is_flag=True, help="Drop without asking.")
@_fail_cleanly
def clean(db: str, yes: bool) -> None:
    """Drop the ormprobe_* scratch databases a killed run left on a server.

    Databases a running scan is still connected to are listed and left alone.
    """
    from ormprobe.sandbox import (
        drop_scratch_databases,
        list_scratch_databases,
        mask_url,
        scratch_databases_in_use,
    )

    in_use = scratch_databases_in_use(db)
    names = [name for name in list_scratch_databases(db) if name not in in_use]
    for name in sorted(in_use):
        click.echo(f"{name} is in use by a running ormprobe; left alone.")
    if not names:
        click.echo(f"No leftover ormprobe scratch databases on {mask_url(db)}.")
        return
    click.echo(f"Scratch databases on {mask_url(db)}:")
    for name in names:
        click.echo(f"  {name}")
    if not yes and not click.confirm(f"Drop these {len(names)} databases?", default=False):
        click.echo("Nothing dropped.")
        return
    drop_scratch_databases(db, names)
    click.echo(f"Dropped {len(names)} databases.")


@main.command(name="factories")
@click.argument("target", required=False)
@output_option
@pythonpath_option
@_fail_cleanly
def factories_command(target: str | None, output: Path | None, pythonpath: tuple[str, ...]) -> None:
    """Write factory_boy factories for the models in TARGET, to keep and edit.

    One factory per model with Faker values and sequences, SubFactory for required
    parents, flushing into the session given to bind(). The module imports the models
    by their import path and needs nothing from ormprobe.
    """
    import shlex

    from ormprobe.config import ProbeConfig
    from ormprobe.introspect import build_graph
    from ormprobe.loading import load_models
    from ormprobe.synth.factories import Factories, seed
    from ormprobe.synth.source import ModuleHeader

    config = ProbeConfig.from_pyproject()
    chosen = _resolve_target(target, config.models)
    loaded = load_models(chosen, pythonpath=pythonpath or config.pythonpath)
    graph = build_graph(loaded)
    seed(config.seed)  # the same models give the same file
    words = ["ormprobe", "factories", chosen, *(["-o", str(output)] if output else [])]
    header = ModuleHeader(
        target=chosen,
        command=" ".join(shlex.quote(w) for w in words),
        version=__version__,
        import_root=_import_root(loaded.module),
    )
    text = Factories(graph, overrides=config.values).source_module(header)
    _write_output(text, output)


def _import_root(module: Any) -> str | None:
    """The directory a module is imported from, when it is not the current directory."""
    filename = getattr(module, "__file__", None)
    if not filename:
        return None
    root = Path(filename).resolve().parent
    depth = module.__name__.count(".") + (1 if Path(filename).name == "__init__.py" else 0)
    for _ in range(depth):
        root = root.parent
    if root == Path.cwd().resolve():
        return None
    try:
        return str(root.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(root)
