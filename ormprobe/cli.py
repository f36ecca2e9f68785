"""The ``ormprobe`` command line: a thin face over loading, the runner and the reporters.

Heavy imports (SQLAlchemy, the user's models) happen inside the commands, so that
``ormprobe --help`` and ``ormprobe --version`` answer at once.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 usage/load/connection error
(one message, no traceback), 3 an ormprobe error (a bug in ormprobe; traceback shown).
"""

from __future__ import annotations

import functools
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
            click.echo("ormprobe: internal error (this is a bug in ormprobe, not in your models):", err=True)
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
