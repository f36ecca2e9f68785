"""Benchmark: the cost of building the ModelGraph, and the CLI's start-up time.

Issue: "on a generated 1,000-model schema, building the ModelGraph adds under 10 % to the
time Python needs to import the models and run configure_mappers()".

Each repetition runs two fresh subprocesses on the same generated schema:

* ``plain``: ``importlib`` imports the models file, then ``configure_mappers()`` — what Python
  needs anyway (SQLAlchemy itself is imported first and timed apart);
* ``ormprobe``: ``ormprobe.loading.load_models()`` (import + configure, split by timing
  ormprobe's configure step) then ``ormprobe.introspect.build_graph()``.

The ratio ``build_graph / (plain import + configure)`` is the number the issue holds (< 10 %).

Then ``ormprobe --version`` and ``ormprobe --help`` are run N times each with the venv's
console script (target: under 150 ms), next to ``python -c pass`` for the interpreter floor.

Usage::

    python benchmarks/introspection.py            # 1,000 models, 3 repetitions, 20 CLI runs
    python benchmarks/introspection.py --quick    # 200 models, 1 repetition, 10 CLI runs

Results: printed, and written to ``benchmarks/results/introspection.json``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common

GRAPH_BUDGET = 0.10  # build_graph may add at most 10 % to import + configure
CLI_BUDGET_MS = 150.0


# -- workers (fresh subprocesses) ---------------------------------------------------------------


def _worker_plain(models: Path) -> dict[str, Any]:
    import importlib.util

    t0 = time.perf_counter()
    import sqlalchemy.orm

    t1 = time.perf_counter()
    spec = importlib.util.spec_from_file_location("bench_generated_models", models)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    t2 = time.perf_counter()
    sqlalchemy.orm.configure_mappers()
    t3 = time.perf_counter()
    n_mappers = len(module.Base.registry.mappers)
    return {
        "sqlalchemy_import_s": t1 - t0,
        "import_s": t2 - t1,
        "configure_s": t3 - t2,
        "mappers": n_mappers,
    }


def _worker_ormprobe(models: Path, profile: Path | None = None) -> dict[str, Any]:
    t0 = time.perf_counter()
    import sqlalchemy.orm  # noqa: F401

    t1 = time.perf_counter()
    from ormprobe import introspect, loading

    t2 = time.perf_counter()

    # Split load_models() into import and configure by timing its configure step.
    configure_s = 0.0
    original = getattr(loading, "_configure", None)
    if original is not None:

        def timed(*args: Any, **kwargs: Any) -> Any:
            nonlocal configure_s
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                configure_s += time.perf_counter() - started

        loading._configure = timed  # type: ignore[attr-defined]

    t3 = time.perf_counter()
    loaded = loading.load_models(str(models))
    t4 = time.perf_counter()
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        graph = introspect.build_graph(loaded)
        profiler.disable()
        profiler.dump_stats(str(profile))
    else:
        graph = introspect.build_graph(loaded)
    t5 = time.perf_counter()
    return {
        "sqlalchemy_import_s": t1 - t0,
        "ormprobe_import_s": t2 - t1,
        "load_models_s": t4 - t3,
        "load_configure_s": configure_s if original is not None else None,
        "build_graph_s": t5 - t4,
        "models": len(graph.models),
        "tables": len(graph.tables),
        "relationships": sum(1 for _ in graph.relationships()),
    }


# -- profile ------------------------------------------------------------------------------------


def _profile_summary(path: Path, top: int = 15) -> dict[str, Any]:
    """Where build_graph() spends its time: self time per package, ormprobe's functions."""
    import pstats
    from collections import defaultdict

    raw = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    total = max(v[3] for v in raw.values())
    by_area: dict[str, float] = defaultdict(float)
    own = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in raw.items():
        area = _common.profile_area(filename)
        by_area[area] += tottime
        if area.startswith("ormprobe."):
            own.append(
                {
                    "function": f"{area}:{name}:{line}",
                    "calls": ncalls,
                    "cum_s": cumtime,
                    "self_s": tottime,
                    "share": cumtime / total,
                }
            )
    own.sort(key=lambda r: -r["cum_s"])
    return {
        "profiled_total_s": total,
        "self_time_by_area": [
            {"area": a, "self_s": t, "share": t / total}
            for a, t in sorted(by_area.items(), key=lambda kv: -kv[1])
            if t > 0.001
        ],
        "ormprobe_by_cumulative": own[:top],
    }


def _print_profile(summary: dict[str, Any]) -> None:
    total = summary["profiled_total_s"]
    print()
    print(
        _common.table(
            ["area (self time)", "s", "share"],
            [
                [r["area"], f"{r['self_s']:.3f}", f"{r['share']:.0%}"]
                for r in summary["self_time_by_area"][:10]
            ],
            title=f"cProfile of build_graph(): {total:.2f} s under the profiler",
        )
    )
    print()
    print(
        _common.table(
            ["ormprobe function (cumulative)", "calls", "cum s", "share"],
            [
                [r["function"], r["calls"], f"{r['cum_s']:.3f}", f"{r['share']:.0%}"]
                for r in summary["ormprobe_by_cumulative"]
            ],
        )
    )


# -- driver -------------------------------------------------------------------------------------


def _time_command(argv: list[str], runs: int) -> list[float]:
    subprocess.run(argv, capture_output=True, check=True)  # warm the page cache, not counted
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _summary(times_ms: list[float]) -> dict[str, float]:
    return {
        "median_ms": _common.median(times_ms),
        "p90_ms": _common.percentile(times_ms, 90),
        "min_ms": min(times_ms),
        "max_ms": max(times_ms),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 models, 1 repetition")
    parser.add_argument("--models", type=int, help="number of generated models (default 1000)")
    parser.add_argument("--reps", type=int, help="fresh-subprocess repetitions (default 5)")
    parser.add_argument("--cli-runs", type=int, help="runs of each CLI command (default 20)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--profile",
        dest="profile",
        action="store_true",
        default=None,
        help="profile build_graph() once more under cProfile (default in a full run)",
    )
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--profile-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker", choices=("plain", "ormprobe"), help=argparse.SUPPRESS)
    parser.add_argument("--models-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker == "plain":
        _common.emit(_worker_plain(args.models_file))
        return 0
    if args.worker == "ormprobe":
        _common.emit(_worker_ormprobe(args.models_file, args.profile_file))
        return 0
    profile = (not args.quick) if args.profile is None else args.profile

    n_models = args.models or (200 if args.quick else 1000)
    reps = args.reps or (1 if args.quick else 5)
    cli_runs = args.cli_runs or (10 if args.quick else 20)
    python = sys.executable
    script = str(Path(__file__).resolve())

    with tempfile.TemporaryDirectory(prefix="ormprobe-bench-") as tmp:
        models = _common.write_models(Path(tmp) / f"models_{n_models}.py", n_models, args.seed)
        print(f"schema: {n_models} generated models (seed {args.seed}), {reps} repetition(s)")
        plain_runs, probe_runs = [], []
        for rep in range(reps):
            for kind, bucket in (("plain", plain_runs), ("ormprobe", probe_runs)):
                result = _common.run_json_worker(
                    [python, script, "--worker", kind, "--models-file", str(models)]
                )
                bucket.append(result)
                print(
                    f"  rep {rep + 1} {kind}: "
                    + ", ".join(
                        f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()
                    )
                )

        profile_summary = None
        if profile:
            prof = Path(tmp) / "build_graph.prof"
            _common.run_json_worker(
                [
                    python,
                    script,
                    "--worker",
                    "ormprobe",
                    "--models-file",
                    str(models),
                    "--profile-file",
                    str(prof),
                ]
            )
            profile_summary = _profile_summary(prof)

    def med(runs: list[dict[str, Any]], key: str) -> float | None:
        values = [r[key] for r in runs if r.get(key) is not None]
        return _common.median(values) if values else None

    plain_import = med(plain_runs, "import_s")
    plain_configure = med(plain_runs, "configure_s")
    plain_total = _common.median([r["import_s"] + r["configure_s"] for r in plain_runs])
    load_total = med(probe_runs, "load_models_s")
    graph_s = med(probe_runs, "build_graph_s")
    ratio_plain = graph_s / plain_total
    ratio_load = graph_s / load_total
    # Best of the repetitions (the machine is shared; slow runs measure the neighbours).
    best_plain = min(r["import_s"] + r["configure_s"] for r in plain_runs)
    best_graph = min(r["build_graph_s"] for r in probe_runs)
    ratio_best = best_graph / best_plain
    shape = probe_runs[0]

    rows = [
        ["import sqlalchemy (both workers, not counted)", med(plain_runs, "sqlalchemy_import_s")],
        ["plain: import models (importlib)", plain_import],
        ["plain: configure_mappers()", plain_configure],
        ["plain: import + configure  [baseline]", plain_total],
        ["import ormprobe.loading + introspect", med(probe_runs, "ormprobe_import_s")],
        ["ormprobe: load_models() (import + configure)", load_total],
        ["  of which configure", med(probe_runs, "load_configure_s")],
        ["ormprobe: build_graph()", graph_s],
    ]
    print()
    print(
        _common.table(
            ["step (median of fresh subprocesses)", "seconds"],
            [[name, None if v is None else round(v, 3)] for name, v in rows],
            title=(
                f"ModelGraph on {shape['models']} models, {shape['tables']} tables, "
                f"{shape['relationships']} relationships"
            ),
        )
    )
    verdict = "PASS" if ratio_plain < GRAPH_BUDGET else "MISS"
    verdict_best = "PASS" if ratio_best < GRAPH_BUDGET else "MISS"
    print(
        f"\nbuild_graph / (import + configure) = {ratio_plain:.1%} median "
        f"(target < {GRAPH_BUDGET:.0%}: {verdict}), {ratio_best:.1%} best of {reps} "
        f"({best_graph:.3f} s / {best_plain:.3f} s: {verdict_best}); "
        f"build_graph / load_models = {ratio_load:.1%}"
    )

    console = Path(python).parent / "ormprobe"
    cli: dict[str, Any] = {}
    commands = {
        "python -c pass (interpreter floor)": [python, "-c", "pass"],
        "ormprobe --version": [str(console), "--version"],
        "ormprobe --help": [str(console), "--help"],
    }
    for name, command in commands.items():
        cli[name] = {"runs": cli_runs, **_summary(_time_command(command, cli_runs))}
    print()
    print(
        _common.table(
            ["command", "median ms", "p90 ms", "min ms", "max ms", "target"],
            [
                [
                    name,
                    _common.fmt(s["median_ms"]),
                    _common.fmt(s["p90_ms"]),
                    _common.fmt(s["min_ms"]),
                    _common.fmt(s["max_ms"]),
                    "-"
                    if name.startswith("python")
                    else ("PASS" if s["p90_ms"] < CLI_BUDGET_MS else "MISS") + f" (<{CLI_BUDGET_MS:.0f})",
                ]
                for name, s in cli.items()
            ],
            title=f"CLI start-up, {cli_runs} runs each ({console})",
        )
    )

    if profile_summary:
        _print_profile(profile_summary)

    path = _common.write_results(
        "introspection",
        {
            "quick": args.quick,
            "schema": {
                "n_models": n_models,
                "seed": args.seed,
                **{k: shape[k] for k in ("models", "tables", "relationships")},
            },
            "repetitions": reps,
            "plain_runs": plain_runs,
            "ormprobe_runs": probe_runs,
            "median": {
                "plain_import_s": plain_import,
                "plain_configure_s": plain_configure,
                "plain_import_configure_s": plain_total,
                "load_models_s": load_total,
                "build_graph_s": graph_s,
            },
            "build_graph_over_import_configure": ratio_plain,
            "build_graph_over_import_configure_best": ratio_best,
            "best": {"plain_import_configure_s": best_plain, "build_graph_s": best_graph},
            "build_graph_over_load_models": ratio_load,
            "target_ratio": GRAPH_BUDGET,
            "target_met": ratio_plain < GRAPH_BUDGET,
            "cli": cli,
            "profile": profile_summary,
            "cli_target_ms": CLI_BUDGET_MS,
        },
    )
    print(f"\nwrote {path.relative_to(_common.REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
