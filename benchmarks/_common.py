"""Helpers shared by the benchmark scripts (not a benchmark itself).

The scripts put this directory on ``sys.path`` and ``import _common``; nothing here
imports ormprobe or SQLAlchemy, so a worker subprocess in another virtualenv can use it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
GENERATOR = REPO / "fixtures" / "generate.py"

POSTGRES_URL = os.environ.get(
    "ORMPROBE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def generator() -> ModuleType:
    """``fixtures/generate.py`` as a module."""
    spec = importlib.util.spec_from_file_location("ormprobe_fixtures_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def write_models(path: Path, n_models: int, seed: int = 0) -> Path:
    """Write a generated correct schema of ``n_models`` models to ``path``."""
    return generator().write_models(path, n_models, seed=seed)


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) with linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run_json_worker(
    argv: Sequence[str], *, timeout: float = 3600, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run a worker subprocess whose last stdout line is a JSON object; return it.

    Raises RuntimeError with the worker's stderr when it fails.
    """
    proc = subprocess.run(
        list(argv),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=REPO,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(
            f"worker {' '.join(argv)} exited {proc.returncode}\n"
            f"--- stdout (tail)\n{proc.stdout[-3000:]}\n--- stderr (tail)\n{proc.stderr[-5000:]}"
        )
    return json.loads(lines[-1])


def emit(result: dict[str, Any]) -> None:
    """Print a worker's result as the last stdout line."""
    sys.stdout.flush()
    print(json.dumps(result), flush=True)


def environment() -> dict[str, Any]:
    """Where the numbers were taken."""
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    try:
        import sqlalchemy

        info["sqlalchemy"] = sqlalchemy.__version__
    except ImportError:
        pass
    try:
        from ormprobe import __version__

        info["ormprobe"] = __version__
    except ImportError:
        pass
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        info["commit"] = commit or None
    except (OSError, subprocess.SubprocessError):
        info["commit"] = None
    return info


def write_results(name: str, payload: dict[str, Any]) -> Path:
    """Write ``benchmarks/results/<name>.json``."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    body = {"benchmark": name, "environment": environment(), **payload}
    path.write_text(json.dumps(body, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> str:
    """A plain-text table; floats are shown as given (format them before)."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    if title:
        lines.append(title)
    for n, row in enumerate(cells):
        parts = []
        for i, value in enumerate(row):
            parts.append(value.ljust(widths[i]) if i == 0 else value.rjust(widths[i]))
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def profile_area(filename: str) -> str:
    """The package (``ormprobe.<module>``, ``sqlalchemy.<sub>``, ...) of a pstats filename."""
    path = filename.replace("\\", "/")
    if "/ormprobe/" in path and "site-packages" not in path:
        return "ormprobe." + path.rsplit("/ormprobe/", 1)[1].removesuffix(".py").replace("/", ".")
    if "site-packages/" in path:
        parts = path.rsplit("site-packages/", 1)[1].split("/")
        top = parts[0]
        if top == "sqlalchemy" and len(parts) > 1:
            return f"sqlalchemy.{parts[1].removesuffix('.py')}"
        return top.removesuffix(".py")
    if filename.startswith("<built-in method") or filename == "~":
        return "builtins"
    return "stdlib/other"
