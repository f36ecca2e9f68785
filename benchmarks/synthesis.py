"""Benchmark: objects per second for build + flush, ormprobe vs factory_boy vs polyfactory.

Issue: "reports objects per second for build+flush of a parent/child graph, next to the same
graph built with polyfactory's SQLAlchemyFactory and with hand-written factory_boy
factories".

Schema (written to a temp file, the same for every tool): ``Parent`` <- ``Child`` <-
``GrandChild`` over NOT NULL foreign keys, with UNIQUE columns (``Parent.code``,
``Child.email``, ``(Child.parent_id, Child.name)``), named CHECK constraints (non-empty name,
``budget >= 0``, ``quantity BETWEEN 0 AND 1000``, ``score BETWEEN 0 AND 100``,
``ends_at > starts_at``) and an ``Enum``.

Each tool runs in a fresh subprocess on in-memory SQLite with ``PRAGMA foreign_keys=ON``,
inside one transaction that is rolled back at the end; every ``create`` adds and flushes.
Two workloads, each timed N times per repetition:

* ``chain``: create one ``GrandChild`` — with a fresh ``Child`` and ``Parent`` (3 rows);
* ``single``: create one ``Parent`` (1 row).

Objects per second = rows actually inserted (counted with ``SELECT count(*)`` before the
rollback) / wall time of the loop. Factory setup (ormprobe: load + graph + factories) is
timed apart and not in the rate.

Tools:

* ``ormprobe``: ``Factories(graph)``, ``with factories.bind(session): factories.create(...)``;
* ``factory_boy``: hand-written ``SQLAlchemyModelFactory`` classes with ``SubFactory`` and
  explicit values that satisfy the constraints (below, in this file);
* ``polyfactory``: ``SQLAlchemyFactory`` with ``__set_relationships__`` (parents built by
  polyfactory, collections left empty) and the few overrides the CHECK / UNIQUE columns need;
  it runs in a separate throwaway virtualenv (polyfactory must never be a dependency of
  ormprobe), ``/tmp/benchvenv`` by default — see benchmarks/README.md.

Usage::

    python benchmarks/synthesis.py                 # N=2000, 5 repetitions (best of 5 shown)
    python benchmarks/synthesis.py --quick         # N=300, 1 repetition
    python benchmarks/synthesis.py --polyfactory-python /path/to/venv/bin/python

Results: printed, and written to ``benchmarks/results/synthesis.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common

DEFAULT_POLYFACTORY_PYTHON = "/tmp/benchvenv/bin/python"
WORKLOADS = {"chain": "GrandChild", "single": "Parent"}

MODELS_SOURCE = '''\
"""Parent <- Child <- GrandChild over NOT NULL FKs, with UNIQUE and CHECK columns."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Status(enum.Enum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class Parent(Base):
    __tablename__ = "parent"
    __table_args__ = (
        CheckConstraint("length(name) >= 1", name="ck_parent_name_not_empty"),
        CheckConstraint("budget >= 0", name="ck_parent_budget_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    budget: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    founded_on: Mapped[dt.date]
    notes: Mapped[str | None] = mapped_column(Text)

    children: Mapped[list[Child]] = relationship(
        back_populates="parent", cascade="all, delete-orphan"
    )


class Child(Base):
    __tablename__ = "child"
    __table_args__ = (
        UniqueConstraint("parent_id", "name", name="uq_child_parent_name"),
        CheckConstraint("quantity BETWEEN 0 AND 1000", name="ck_child_quantity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parent.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(120), unique=True)
    quantity: Mapped[int]
    status: Mapped[Status] = mapped_column(
        Enum(Status, name="child_status", create_constraint=True)
    )

    parent: Mapped[Parent] = relationship(back_populates="children")
    grandchildren: Mapped[list[GrandChild]] = relationship(
        back_populates="child", cascade="all, delete-orphan"
    )


class GrandChild(Base):
    __tablename__ = "grand_child"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 100", name="ck_grand_child_score_range"),
        CheckConstraint("ends_at > starts_at", name="ck_grand_child_ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(50))
    score: Mapped[int]
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    done: Mapped[bool] = mapped_column(default=False)

    child: Mapped[Child] = relationship(back_populates="grandchildren")
'''


# -- the shared harness (runs in every worker, in either virtualenv) ----------------------------


def _import_file(path: Path) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_synthesis_models", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _sqlite_session(metadata: Any) -> tuple[Any, Any, Any]:
    """In-memory SQLite with FKs on, schema created, one outer transaction; a Session on it."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.orm import Session

    engine = create_engine("sqlite://")

    @event.listens_for(engine, "connect")
    def _fks_on(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    metadata.create_all(engine)
    connection = engine.connect()
    transaction = connection.begin()
    return connection, transaction, Session(bind=connection)


def _run_workload(make: Any, model: str, n: int, metadata: Any, session: Any) -> dict[str, Any]:
    """Time ``n`` calls of ``make(model)``; count the rows they inserted."""
    from sqlalchemy import func, select

    make(model)  # warm-up: first-use setup (factory classes, caches), not timed
    before = _rows(session, metadata, func, select)
    started = time.perf_counter()
    for _ in range(n):
        make(model)
    seconds = time.perf_counter() - started
    after = _rows(session, metadata, func, select)
    rows = {t: after[t] - before[t] for t in after}
    inserted = sum(rows.values())
    return {
        "model": model,
        "creates": n,
        "seconds": seconds,
        "rows": rows,
        "objects": inserted,
        "objects_per_s": inserted / seconds,
        "creates_per_s": n / seconds,
    }


def _rows(session: Any, metadata: Any, func: Any, select: Any) -> dict[str, int]:
    return {t.name: session.scalar(select(func.count()).select_from(t)) for t in metadata.sorted_tables}


def _measure(make: Any, metadata: Any, session: Any, n: int) -> dict[str, Any]:
    return {name: _run_workload(make, model, n, metadata, session) for name, model in WORKLOADS.items()}


# -- workers ------------------------------------------------------------------------------------


def _worker_ormprobe(models_file: Path, n: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    from ormprobe.introspect import build_graph
    from ormprobe.loading import load_models
    from ormprobe.synth.factories import Factories, seed

    loaded = load_models(str(models_file))
    graph = build_graph(loaded)
    factories = Factories(graph, dialect="sqlite")
    seed(0)
    setup = time.perf_counter() - t0
    metadata = graph.model("Parent").class_.metadata
    connection, transaction, session = _sqlite_session(metadata)
    try:
        with factories.bind(session):
            result = _measure(factories.create, metadata, session, n)
    finally:
        session.close()
        transaction.rollback()
        connection.close()
    return {"setup_s": setup, "workloads": result}


def _factory_boy_factories(models: Any) -> dict[str, Any]:
    """Hand-written factory_boy factories: what a developer writes for this schema."""
    import datetime as dt
    from decimal import Decimal

    import factory
    from factory.alchemy import SQLAlchemyModelFactory

    class BaseFactory(SQLAlchemyModelFactory):
        class Meta:
            abstract = True
            sqlalchemy_session_persistence = "flush"

    class ParentFactory(BaseFactory):
        class Meta:
            model = models.Parent

        name = factory.Faker("company")
        code = factory.Sequence(lambda n: f"P-{n:06d}")
        budget = factory.LazyFunction(lambda: Decimal("1000.00"))
        founded_on = factory.Faker("date_object")
        notes = factory.Faker("sentence")

    class ChildFactory(BaseFactory):
        class Meta:
            model = models.Child

        parent = factory.SubFactory(ParentFactory)
        name = factory.Sequence(lambda n: f"child {n}")
        email = factory.Sequence(lambda n: f"child{n}@example.com")
        quantity = factory.Faker("random_int", min=0, max=1000)
        status = models.Status.ACTIVE

    class GrandChildFactory(BaseFactory):
        class Meta:
            model = models.GrandChild

        child = factory.SubFactory(ChildFactory)
        label = factory.Faker("word")
        score = factory.Faker("random_int", min=0, max=100)
        starts_at = factory.Faker("date_time")
        ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
        done = False

    return {"Parent": ParentFactory, "Child": ChildFactory, "GrandChild": GrandChildFactory}


def _worker_factory_boy(models_file: Path, n: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    import factory.random

    models = _import_file(models_file)
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    factories = _factory_boy_factories(models)
    factory.random.reseed_random(0)
    setup = time.perf_counter() - t0
    connection, transaction, session = _sqlite_session(models.Base.metadata)
    for made in factories.values():
        made._meta.sqlalchemy_session = session
    try:
        result = _measure(lambda model: factories[model].create(), models.Base.metadata, session, n)
    finally:
        session.close()
        transaction.rollback()
        connection.close()
    return {"setup_s": setup, "workloads": result}


def _worker_polyfactory(models_file: Path, n: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    import datetime as dt
    import itertools
    import random
    from decimal import Decimal

    from polyfactory import PostGenerated, Use
    from polyfactory.factories.sqlalchemy_factory import (
        SQLAlchemyFactory,
        SQLAlchemyPersistenceMethod,
    )

    models = _import_file(models_file)
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    counter = itertools.count()
    rng = random.Random(0)

    class Base(SQLAlchemyFactory[Any]):
        __is_base_factory__ = True
        __set_relationships__ = True  # build the required parents through the relationships
        __set_foreign_keys__ = False  # ... and let the flush fill the FK columns from them
        __set_primary_key__ = False  # autoincrement ids
        __persistence_method__ = SQLAlchemyPersistenceMethod.FLUSH
        __set_as_default_factory_for_type__ = True
        __check_model__ = False

    # Only what the constraints force on a user: UNIQUE columns from a counter, CHECK
    # ranges, ends_at > starts_at, empty child collections (polyfactory would otherwise
    # invent random lists of children). Everything else is polyfactory's own choice.
    class ParentFactory(Base):
        __model__ = models.Parent
        name = Use(lambda: f"parent {rng.randrange(10**6)}")
        code = Use(lambda: f"P-{next(counter):06d}")
        budget = Use(lambda: Decimal(rng.randrange(0, 100_000)) / 100)
        children = Use(list)

    class ChildFactory(Base):
        __model__ = models.Child
        name = Use(lambda: f"child {next(counter)}")
        email = Use(lambda: f"child{next(counter)}@example.com")
        quantity = Use(lambda: rng.randint(0, 1000))
        grandchildren = Use(list)

    class GrandChildFactory(Base):
        __model__ = models.GrandChild
        score = Use(lambda: rng.randint(0, 100))
        starts_at = Use(lambda: dt.datetime(2024, 1, 1) + dt.timedelta(minutes=rng.randrange(10**6)))
        ends_at = PostGenerated(lambda _name, values: values["starts_at"] + dt.timedelta(hours=1))

    factories = {"Parent": ParentFactory, "Child": ChildFactory, "GrandChild": GrandChildFactory}
    for made in factories.values():
        made.seed_random(0)
    setup = time.perf_counter() - t0
    connection, transaction, session = _sqlite_session(models.Base.metadata)
    for made in factories.values():
        made.__session__ = session
    try:
        result = _measure(lambda model: factories[model].create_sync(), models.Base.metadata, session, n)
    finally:
        session.close()
        transaction.rollback()
        connection.close()
    import polyfactory.__metadata__ as meta  # type: ignore[import-not-found]

    return {
        "setup_s": setup,
        "workloads": result,
        "polyfactory": getattr(meta, "__version__", None),
    }


WORKERS = {
    "ormprobe": _worker_ormprobe,
    "factory_boy": _worker_factory_boy,
    "polyfactory": _worker_polyfactory,
}


# -- driver -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N=300, 1 repetition")
    parser.add_argument("-n", type=int, help="creates per workload (default 2000)")
    parser.add_argument("--reps", type=int, help="fresh-subprocess repetitions (default 5)")
    parser.add_argument(
        "--polyfactory-python",
        default=os.environ.get("ORMPROBE_BENCH_POLYFACTORY_PYTHON", DEFAULT_POLYFACTORY_PYTHON),
        help="python of the throwaway venv with polyfactory (default /tmp/benchvenv/bin/python)",
    )
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--models-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    n = args.n or (300 if args.quick else 2000)
    if args.worker:
        _common.emit(WORKERS[args.worker](args.models_file, n))
        return 0

    reps = args.reps or (1 if args.quick else 5)
    script = str(Path(__file__).resolve())
    pythons = {"ormprobe": sys.executable, "factory_boy": sys.executable}
    skipped: dict[str, str] = {}
    if Path(args.polyfactory_python).exists():
        pythons["polyfactory"] = args.polyfactory_python
    else:
        skipped["polyfactory"] = (
            f"{args.polyfactory_python} not found; create the throwaway venv as in benchmarks/README.md"
        )

    runs: dict[str, list[dict[str, Any]]] = {tool: [] for tool in pythons}
    with tempfile.TemporaryDirectory(prefix="ormprobe-bench-") as tmp:
        models_file = Path(tmp) / "synthesis_models.py"
        models_file.write_text(MODELS_SOURCE, encoding="utf-8")
        print(f"N={n} creates per workload, {reps} repetition(s), fresh subprocess each")
        for rep in range(reps):
            for tool, python in pythons.items():
                argv_ = [
                    python,
                    script,
                    "--worker",
                    tool,
                    "--models-file",
                    str(models_file),
                    "-n",
                    str(n),
                ]
                try:
                    result = _common.run_json_worker(argv_)
                except RuntimeError as exc:
                    skipped[tool] = str(exc).splitlines()[0]
                    print(f"  {tool} FAILED:\n{exc}")
                    continue
                runs[tool].append(result)
                print(
                    f"  rep {rep + 1} {tool:12s} "
                    + "  ".join(
                        f"{w}: {r['objects_per_s']:.0f} obj/s" for w, r in result["workloads"].items()
                    )
                )

    summary: dict[str, Any] = {}
    for tool, tool_runs in runs.items():
        if not tool_runs:
            continue
        summary[tool] = {"setup_s": _common.median([r["setup_s"] for r in tool_runs])}
        for workload in WORKLOADS:
            per = [r["workloads"][workload] for r in tool_runs]
            # Best of the repetitions is the headline (the machine is shared: slower runs
            # measure the neighbours); the median is kept next to it.
            summary[tool][workload] = {
                "objects_per_s": max(p["objects_per_s"] for p in per),
                "objects_per_s_median": _common.median([p["objects_per_s"] for p in per]),
                "creates_per_s": max(p["creates_per_s"] for p in per),
                "objects_per_create": per[0]["objects"] / per[0]["creates"],
                "ms_per_create": 1000 * min(p["seconds"] / p["creates"] for p in per),
            }

    rows = []
    for tool, s in summary.items():
        rows.append(
            [
                tool,
                f"{s['chain']['objects_per_s']:.0f}",
                f"{s['chain']['objects_per_s_median']:.0f}",
                f"{s['chain']['ms_per_create']:.2f}",
                f"{s['chain']['objects_per_create']:.1f}",
                f"{s['single']['objects_per_s']:.0f}",
                f"{s['single']['ms_per_create']:.2f}",
                f"{s['setup_s']:.2f}",
            ]
        )
    for tool in skipped:
        if tool not in summary:
            rows.append([tool, "skipped", "-", "-", "-", "-", "-", "-"])
    print()
    print(
        _common.table(
            [
                "tool",
                "chain obj/s",
                "(median)",
                "ms/GrandChild",
                "rows/create",
                "single obj/s",
                "ms/Parent",
                "setup s",
            ],
            rows,
            title=(f"build+flush on in-memory SQLite (FKs on), one rolled-back transaction, best of {reps}"),
        )
    )
    for tool, reason in skipped.items():
        print(f"note: {tool}: {reason}")
    if "ormprobe" in summary:
        for other in ("factory_boy", "polyfactory"):
            if other in summary:
                ratio = (
                    summary["ormprobe"]["chain"]["objects_per_s"] / summary[other]["chain"]["objects_per_s"]
                )
                print(f"ormprobe / {other} (chain objects/s): {ratio:.2f}x")

    path = _common.write_results(
        "synthesis",
        {
            "quick": args.quick,
            "n": n,
            "repetitions": reps,
            "workloads": WORKLOADS,
            "summary": summary,
            "skipped": skipped,
            "runs": runs,
        },
    )
    print(f"\nwrote {path.relative_to(_common.REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
