"""Benchmark: scan speed per relationship, vs a hand-written suite and vs the raw DBAPI floor.

Issue: "A benchmark scans a generated correct schema of 200 models on SQLite and PostgreSQL
and prints milliseconds per relationship, statements per case and seconds inside the DB
driver, next to a hand-written factory_boy + pytest suite (explicit factories, savepoint
session fixture, a round-trip and a cascade test per relationship) for the same schema, run
in the same benchmark. [...] The target that a later issue will hold ormprobe to: at least
10x faster than the hand-written suite and at most 8x the raw floor on SQLite."

For each backend (SQLite in-memory, PostgreSQL scratch database):

1. **ormprobe** — ``ormprobe.scan(models, db=...)`` in a fresh subprocess (library API; the
   time is measured around the ``scan()`` call, so it includes loading the models, the graph,
   creating the schema and every case). ``report.stats`` gives statements and seconds inside
   the DB driver; ``report.results`` the per-case numbers, summed here per check code.
2. **hand-written** — a suite generated into a temp dir the way a developer writes one:
   ``models.py`` (the same schema), ``factories.py`` (one explicit ``SQLAlchemyModelFactory``
   per model, ``SubFactory`` for each required parent, ``Sequence`` values), ``conftest.py``
   (session-scoped engine + ``create_all``; the SQLAlchemy docs' "join a Session into an
   external transaction" fixture with ``join_transaction_mode="create_savepoint"``; the
   pysqlite SAVEPOINT recipe on SQLite) and ``test_relationships.py`` (per relationship one
   round-trip test and one cascade-delete test, written out explicitly). It runs with
   ``python -m pytest`` in a subprocess (plugin autoload off); the time is from the top of
   conftest.py (before the models are imported) to the end of the session.
3. **raw floor** — the hand-written suite is run once more with every statement and its
   DBAPI parameters captured (``before_cursor_execute``, plus commit/rollback markers), and
   the statements are replayed through the bare DBAPI (``sqlite3`` / ``psycopg``) on a fresh
   database; that loop is timed. The same is done for ormprobe's own statements (captured with
   a class-level ``Engine`` listener in a separate run) to show how much of a scan is database
   time.

Reported per backend: ms per relationship (time / relationship attributes), statements per
case, seconds inside the DB driver, and the two target ratios: hand-written / ormprobe (>= 10)
and ormprobe / raw floor of the hand-written suite (<= 8). With ``--profile`` (default in a
full run) ormprobe's SQLite scan is run again under cProfile and the hot spots are printed:
self time grouped by package and module, and ormprobe's own functions by cumulative time in
ms per dynamic case.

Usage::

    python benchmarks/scan_speed.py                   # 200 models, SQLite + PostgreSQL, profile
    python benchmarks/scan_speed.py --quick           # 30 models, no profile
    python benchmarks/scan_speed.py --backends sqlite --models 100 --no-profile

PostgreSQL: ``ORMPROBE_BENCH_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); it is skipped when it can't be reached.

Results: printed, and written to ``benchmarks/results/scan_speed.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import pstats
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common

TARGET_VS_HANDWRITTEN = 10.0  # ormprobe at least 10x faster than the hand-written suite
TARGET_VS_RAW = 8.0  # ormprobe at most 8x the raw DBAPI floor (SQLite)
RELATIONSHIP_FAMILIES = ("OP1", "OP2")  # checks whose subjects are relationships


# =============================================================================================
# Statement capture and raw DBAPI replay
# =============================================================================================

CAPTURE_CODE = '''
def _install_capture(path):
    """Record every cursor execution (statement + DBAPI parameters) and commit/rollback."""
    import atexit
    import pickle

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    log = []

    def before(conn, cursor, statement, parameters, context, executemany):
        # "insertmanyvalues" batches report executemany=True but run as one execute() with
        # a flat parameter list; only a list of parameter sets is a real executemany().
        many = bool(
            executemany and isinstance(parameters, (list, tuple)) and parameters
            and isinstance(parameters[0], (list, tuple, dict))
        )
        log.append(("x", conn.engine.url.database, statement, parameters, many))

    def commit(conn):
        log.append(("commit", conn.engine.url.database))

    def rollback(conn):
        log.append(("rollback", conn.engine.url.database))

    def failed(context):
        if context.connection is not None:
            log.append(("error", context.connection.engine.url.database))

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "commit", commit)
    event.listen(Engine, "rollback", rollback)
    event.listen(Engine, "handle_error", failed)

    def dump():
        with open(path, "wb") as fh:
            pickle.dump(log, fh, protocol=pickle.HIGHEST_PROTOCOL)

    atexit.register(dump)
'''


def _install_capture(path: str) -> None:
    namespace: dict[str, Any] = {}
    exec(CAPTURE_CODE, namespace)  # the same code the generated conftest carries
    namespace["_install_capture"](path)


def replay(
    capture_file: Path, backend: str, pg_url: str, *, release_rolled_back: bool = False
) -> dict[str, Any]:
    """Replay captured statements through the bare DBAPI on a fresh database; time it.

    ``release_rolled_back``: also send ``RELEASE SAVEPOINT x`` right after each ``ROLLBACK TO
    SAVEPOINT x`` (SQLAlchemy sends none: the savepoint stays open on the database's savepoint
    stack until the enclosing transaction ends). A diagnostic: what the same statements cost
    when the stack does not grow.
    """
    with open(capture_file, "rb") as fh:
        log = pickle.load(fh)
    per_db: dict[Any, int] = defaultdict(int)
    for entry in log:
        if entry[0] == "x":
            per_db[entry[1]] += 1
    main_db = max(per_db, key=per_db.get)  # the scratch database, not the admin one
    entries = [e for e in log if e[1] == main_db]
    captured_errors = sum(1 for e in entries if e[0] == "error")
    statements = sum(1 for e in entries if e[0] == "x")
    ddl = sum(
        1
        for e in entries
        if e[0] == "x" and e[2].lstrip()[:6].upper() in ("CREATE", "ALTER ", "DROP T", "DROP I")
    )

    if backend == "sqlite":
        import sqlite3

        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute("PRAGMA foreign_keys=ON")
        cleanup = conn.close
        errors_types: tuple[type[BaseException], ...] = (sqlite3.Error,)
    else:
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(pg_url)
        name = f"bench_replay_{secrets.token_hex(4)}"
        admin_info = dict(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username,
            password=url.password or None,
            dbname=url.database,
        )
        with psycopg.connect(**admin_info, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        conn = psycopg.connect(**{**admin_info, "dbname": name})

        def cleanup() -> None:
            conn.close()
            with psycopg.connect(**admin_info, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name}")

        errors_types = (psycopg.Error,)

    errors = 0
    cursor = conn.cursor()
    try:
        started = time.perf_counter()
        for entry in entries:
            kind = entry[0]
            if kind == "x":
                _, _, statement, parameters, many = entry
                try:
                    if many:
                        cursor.executemany(statement, parameters)
                    elif parameters:
                        cursor.execute(statement, parameters)
                    else:
                        cursor.execute(statement)
                    if cursor.description is not None:
                        cursor.fetchall()
                except errors_types:
                    errors += 1
                if release_rolled_back and statement.startswith("ROLLBACK TO SAVEPOINT "):
                    cursor.execute("RELEASE" + statement[len("ROLLBACK TO") :])
            elif kind == "commit":
                conn.commit()
            elif kind == "rollback":
                conn.rollback()
        seconds = time.perf_counter() - started
        conn.rollback()
    finally:
        cursor.close()
        cleanup()
    return {
        "seconds": seconds,
        "statements": statements,
        "ddl_statements": ddl,
        "errors": errors,
        "errors_in_original_run": captured_errors,
    }


# =============================================================================================
# The hand-written suite (generated from the graph, written out explicitly)
# =============================================================================================

CONFTEST = '''\
"""conftest.py of the hand-written suite (generated by benchmarks/scan_speed.py)."""

import time

_STARTED = time.perf_counter()  # benchmark: before anything is imported

import json
import os
import secrets

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

import factories
import models

DB_URL = os.environ.get("BENCH_DB_URL") or "sqlite://"


@pytest.fixture(scope="session")
def engine():
    if DB_URL.startswith("sqlite"):
        engine = create_engine(DB_URL, poolclass=StaticPool)

        # SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL" for
        # pysqlite: let SQLAlchemy emit BEGIN, so that SAVEPOINTs really nest.
        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

        @event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN")

        models.Base.metadata.create_all(engine)
        yield engine
        engine.dispose()
        return
    admin = create_engine(DB_URL, isolation_level="AUTOCOMMIT")
    name = f"bench_handwritten_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine = create_engine(make_url(DB_URL).set(database=name))
    try:
        models.Base.metadata.create_all(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()


@pytest.fixture
def session(engine):
    # SQLAlchemy docs, "Joining a Session into an External Transaction (such as for test
    # suites)": everything a test does is rolled back, session.commit() included.
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    factories.Session.registry.set(session)
    yield session
    factories.Session.remove()
    transaction.rollback()
    connection.close()


# -- benchmark instrumentation (not part of a hand-written suite) ------------------------------

_STATS = {"statements": 0, "db_seconds": 0.0, "passed": 0, "failed": 0, "errors": 0,
          "tests_seconds": 0.0, "failures": []}


def _before(conn, cursor, statement, parameters, context, executemany):
    conn.info["bench_started"] = time.perf_counter()


def _after(conn, *_):
    started = conn.info.pop("bench_started", None)
    if started is not None:
        _STATS["statements"] += 1
        _STATS["db_seconds"] += time.perf_counter() - started


def _error(context):
    if context.connection is not None:
        _after(context.connection)


event.listen(Engine, "before_cursor_execute", _before)
event.listen(Engine, "after_cursor_execute", _after)
event.listen(Engine, "handle_error", _error)

if os.environ.get("BENCH_CAPTURE"):
{capture_code}
    _install_capture(os.environ["BENCH_CAPTURE"])


def pytest_runtest_logreport(report):
    _STATS["tests_seconds"] += report.duration
    if report.when == "call":
        _STATS["passed" if report.passed else "failed"] += 1
    elif report.failed:
        _STATS["errors"] += 1
    if report.failed and len(_STATS["failures"]) < 20:
        _STATS["failures"].append(report.nodeid + ": " + str(report.longrepr)[-600:])


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("BENCH_RESULT")
    if path:
        _STATS["seconds"] = time.perf_counter() - _STARTED
        _STATS["exitstatus"] = int(exitstatus)
        with open(path, "w") as fh:
            json.dump(_STATS, fh)
'''


def _indent(code: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in code.strip("\n").splitlines())


class SuiteWriter:
    """Writes the hand-written-style suite for one graph."""

    def __init__(self, graph: Any) -> None:
        self.graph = graph
        self.columns = {(c.table, c.name): c for t in graph.tables for c in t.columns}

    # -- factories -------------------------------------------------------------------------

    def _fk_nullable(self, qualified: str) -> bool:
        table, _, name = qualified.rpartition(".")
        return self.columns[(table, name)].nullable

    def required_parents(self, model: Any) -> list[Any]:
        return [
            r
            for r in model.relationships
            if r.direction.name == "MANYTOONE"
            and not r.self_referential
            and r.fk_columns
            and not any(self._fk_nullable(c) for c in r.fk_columns)
        ]

    def _value(self, column: Any) -> str | None:
        if column.enum_values:
            enum_class = getattr(column.sa_type, "enum_class", None)
            if enum_class is not None:
                return f"models.{enum_class.__name__}.{next(iter(enum_class)).name}"
            return repr(column.enum_values[0])
        py = column.python_type
        if py == "str":
            length = column.length or 40
            prefix = column.name[:3]
            return f'factory.Sequence(lambda n: f"{prefix}-{{n}}"[:{length}])'
        if py == "int":
            return "factory.Sequence(lambda n: n + 1)"
        return {
            "Decimal": 'Decimal("1.00")',
            "date": "dt.date(2024, 1, 1)",
            "datetime": "dt.datetime(2024, 1, 1, 12, 0)",
            "bool": "True",
            "float": "1.0",
            "dict": "factory.LazyFunction(dict)",
            "list": "factory.LazyFunction(list)",
            "bytes": 'b"x"',
            "UUID": "factory.LazyFunction(uuid.uuid4)",
            "time": "dt.time(12, 0)",
            "timedelta": "dt.timedelta(hours=1)",
        }.get(py or "")

    def factory_source(self, model: Any) -> str:
        parents = self.required_parents(model)
        covered = {c for r in parents for c in r.fk_columns}
        auto_keys = {c.attribute for c in model.columns if c.primary_key and c.autoincrement}
        lines = [
            f"class {model.name}Factory(BaseFactory):",
            "    class Meta:",
            f"        model = models.{model.name}",
            "",
        ]
        seen: set[str] = set()
        for column in model.columns:
            attr = column.attribute
            if (
                attr is None
                or attr in seen
                or attr in auto_keys
                or column.nullable
                or column.default is not None
                or column.server_default is not None
                or column.computed
                or column.identity
                or f"{column.table}.{column.name}" in covered
                or (model.polymorphic_on and attr == model.polymorphic_on)
            ):
                continue
            seen.add(attr)
            value = self._value(column)
            if value is None:
                raise ValueError(f"no value rule for {model.name}.{attr} ({column.python_type})")
            lines.append(f"    {attr} = {value}")
        for rel in parents:
            lines.append(f"    {rel.key} = factory.SubFactory({rel.target}Factory)")
        return "\n".join(lines) + "\n"

    def factories_source(self) -> str:
        models = {m.name: m for m in self.graph.models}
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(name: str) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                raise ValueError(f"required-parent cycle through {name}")
            state[name] = 1
            for rel in self.required_parents(models[name]):
                visit(rel.target)
            state[name] = 2
            order.append(name)

        for name in models:
            visit(name)
        head = (
            '"""factories.py of the hand-written suite '
            '(generated by benchmarks/scan_speed.py)."""\n\n'
            "import datetime as dt\nimport uuid\nfrom decimal import Decimal\n\nimport factory\n"
            "from factory.alchemy import SQLAlchemyModelFactory\n"
            "from sqlalchemy.orm import scoped_session, sessionmaker\n\nimport models\n\n"
            "Session = scoped_session(sessionmaker())\n\n\n"
            "class BaseFactory(SQLAlchemyModelFactory):\n    class Meta:\n        abstract = True\n"
            "        sqlalchemy_session = Session\n"
            '        sqlalchemy_session_persistence = "flush"\n'
        )
        return head + "".join("\n\n" + self.factory_source(models[n]) for n in order)

    # -- tests ------------------------------------------------------------------------------

    def _attribute_of(self, model_name: str, qualified: str) -> str:
        table, _, name = qualified.rpartition(".")
        for column in self.graph.model(model_name).columns:
            if column.table == table and column.name == name and column.attribute:
                return column.attribute
        raise KeyError(f"{model_name} has no attribute for {qualified}")

    def tests_source(self) -> tuple[str, int]:
        out = [
            '"""Relationship tests of the hand-written suite '
            '(generated by benchmarks/scan_speed.py)."""\n\n'
            "from sqlalchemy import func, inspect, select\n\nimport models\n"
            "from factories import *  # noqa: F403\n"
        ]
        count = 0
        for rel in self.graph.relationships():
            for test in (self._round_trip(rel), self._cascade(rel)):
                out.append("\n\n" + test)
                count += 1
        return "".join(out), count

    @staticmethod
    def _unparented(rel: Any) -> str:
        # Built without the parent its SubFactory would make: a child moved from a transient
        # parent into a delete-orphan collection is expunged again by SQLAlchemy's orphan
        # bookkeeping, and the test would fail because of the harness, not the models.
        reverse = rel.reverse or rel.back_populates
        return f"{reverse}=None" if reverse else ""

    def _round_trip(self, rel: Any) -> str:
        m, t, key = rel.model, rel.target, rel.key
        head = f"def test_{m}_{key}_round_trip(session):\n"
        kind = rel.direction.name
        if kind == "MANYTOONE":
            body = (
                f"    parent = {t}Factory()\n"
                f"    child = {m}Factory({key}=parent)\n"
                "    session.flush()\n"
                "    session.expire_all()\n"
                f"    assert child.{key} is parent\n"
            )
        elif kind == "MANYTOMANY":
            body = (
                f"    left = {m}Factory()\n"
                f"    right = {t}Factory()\n"
                f"    left.{key}.append(right)\n"
                "    session.flush()\n"
                "    session.expire_all()\n"
                f"    assert right in left.{key}\n"
            )
        elif rel.uselist:
            body = (
                f"    parent = {m}Factory()\n"
                f"    child = {t}Factory.build({self._unparented(rel)})\n"
                f"    parent.{key}.append(child)\n"
                "    session.flush()\n"
                "    session.expire_all()\n"
                f"    assert child in parent.{key}\n"
            )
        else:
            body = (
                f"    parent = {m}Factory()\n"
                f"    child = {t}Factory.build({self._unparented(rel)})\n"
                f"    parent.{key} = child\n"
                "    session.flush()\n"
                "    session.expire_all()\n"
                f"    assert parent.{key} is child\n"
            )
        return head + body

    def _cascade(self, rel: Any) -> str:
        m, t, key = rel.model, rel.target, rel.key
        head = f"def test_{m}_{key}_cascade_delete(session):\n"
        kind = rel.direction.name
        deletes = "delete" in rel.cascade
        expect = "None" if deletes else "not None"
        if kind == "MANYTOONE":
            return head + (
                f"    parent = {t}Factory()\n"
                f"    child = {m}Factory({key}=parent)\n"
                "    session.flush()\n"
                "    parent_key = inspect(parent).identity\n"
                "    session.delete(child)\n"
                "    session.flush()\n"
                "    session.expire_all()\n"
                f"    assert session.get(models.{t}, parent_key) is {expect}\n"
            )
        if kind == "MANYTOMANY":
            ((local, remote),) = rel.sync_pairs
            local_attr = self._attribute_of(m, local)
            link_column = remote.rpartition(".")[2]
            return head + (
                f"    left = {m}Factory()\n"
                f"    right = {t}Factory()\n"
                f"    left.{key}.append(right)\n"
                "    session.flush()\n"
                f"    left_id = left.{local_attr}\n"
                "    right_key = inspect(right).identity\n"
                "    session.delete(left)\n"
                "    session.flush()\n"
                "    session.expire_all()\n"
                f"    assert session.get(models.{t}, right_key) is {expect}\n"
                f'    link = models.Base.metadata.tables["{rel.secondary}"]\n'
                "    rows = session.scalar(\n"
                "        select(func.count()).select_from(link)"
                f".where(link.c.{link_column} == left_id)\n"
                "    )\n"
                "    assert rows == 0\n"
            )
        attach = f"    parent.{key}.append(child)\n" if rel.uselist else f"    parent.{key} = child\n"
        setup = (
            f"    parent = {m}Factory()\n"
            f"    child = {t}Factory.build({self._unparented(rel)})\n" + attach + "    session.flush()\n"
            "    child_key = inspect(child).identity\n"
            "    session.delete(parent)\n"
            "    session.flush()\n"
            "    session.expire_all()\n"
            f"    remaining = session.get(models.{t}, child_key)\n"
        )
        if deletes:
            return head + setup + "    assert remaining is None\n"
        fk_attrs = [self._attribute_of(t, c) for c in rel.fk_columns]
        checks = "".join(f"    assert remaining.{a} is None\n" for a in fk_attrs)
        return head + setup + "    assert remaining is not None\n" + checks

    def write(self, models_file: Path, out: Path) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(models_file, out / "models.py")
        (out / "factories.py").write_text(self.factories_source(), encoding="utf-8")
        tests, count = self.tests_source()
        (out / "test_relationships.py").write_text(tests, encoding="utf-8")
        (out / "conftest.py").write_text(
            CONFTEST.replace("{capture_code}", _indent(CAPTURE_CODE)), encoding="utf-8"
        )
        (out / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n", encoding="utf-8")
        return {"tests": count, "factories": len(self.graph.models)}


def run_suite(suite: Path, db_url: str | None, *, capture: Path | None = None) -> dict[str, Any]:
    """Run the hand-written suite with pytest in a subprocess; return its numbers."""
    result_file = suite / f"result-{secrets.token_hex(4)}.json"
    env = {
        **os.environ,
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "BENCH_DB_URL": db_url or "",
        "BENCH_RESULT": str(result_file),
        "BENCH_CAPTURE": str(capture) if capture else "",
    }
    env.pop("PYTHONPATH", None)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--no-header", "-p", "no:randomly", str(suite)],
        cwd=suite,
        env=env,
        capture_output=True,
        text=True,
        timeout=7200,
    )
    wall = time.perf_counter() - started
    if not result_file.exists():
        raise RuntimeError(
            f"pytest wrote no result (exit {proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    data = json_load(result_file)
    result_file.unlink()
    data["wall_s"] = wall
    data["summary_line"] = (proc.stdout.strip().splitlines() or [""])[-1]
    return data


def json_load(path: Path) -> Any:
    import json

    return json.loads(path.read_text(encoding="utf-8"))


# =============================================================================================
# ormprobe worker
# =============================================================================================


def _worker_ormprobe(
    models_file: Path, db: str | None, capture: str | None, profile: str | None
) -> dict[str, Any]:
    t0 = time.perf_counter()
    import ormprobe
    from ormprobe.config import ProbeConfig

    if capture:
        _install_capture(capture)
    t1 = time.perf_counter()
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    report = ormprobe.scan(str(models_file), db=db, config=ProbeConfig())
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    t2 = time.perf_counter()

    per_code: dict[str, dict[str, float]] = defaultdict(
        lambda: {"cases": 0, "seconds": 0.0, "statements": 0, "db_seconds": 0.0}
    )
    for r in report.results:
        row = per_code[r.code]
        row["cases"] += 1
        row["seconds"] += r.seconds
        row["statements"] += r.statements
        row["db_seconds"] += r.db_seconds
    checks = {c.code: c for c in report.checks}
    dynamic_cases = sum(1 for r in report.results if checks[r.code].kind == "dynamic") if checks else None
    return {
        "import_s": t1 - t0,
        "scan_s": t2 - t1,
        "stats": {
            "wall_seconds": report.stats.wall_seconds,
            "statements": report.stats.statements,
            "db_seconds": report.stats.db_seconds,
        },
        "counts": report.counts(),
        "dynamic_cases": dynamic_cases,
        "relationships": sum(1 for _ in report.graph.relationships()),
        "models": len(report.graph.models),
        "per_code": {
            code: dict(v, slug=checks[code].slug if code in checks else "")
            for code, v in sorted(per_code.items())
        },
        "errors": [f"{r.case_id}: {r.error.type_name}: {r.error.message}" for r in report.errors()][:20],
        "findings": [f"{f.code} {f.target}: {f.message}" for f in report.findings()][:20],
    }


# =============================================================================================
# Profile summary
# =============================================================================================


def summarize_profile(path: Path, dynamic_cases: int, top: int = 25) -> dict[str, Any]:
    stats = pstats.Stats(str(path))
    raw = stats.stats  # type: ignore[attr-defined]
    total = max(v[3] for v in raw.values())  # the scan() call's cumulative time
    by_area: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        area = _common.profile_area(filename)
        if area == "builtins":
            if "sqlite3" in name or "execute" in name or "psycopg" in name:
                area = "DB driver (C: execute/fetch/commit)"
            else:
                area = "builtins"
        by_area[area] += tottime
    # ormprobe's own functions by cumulative time
    own = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in raw.items():
        if _common.profile_area(filename).startswith("ormprobe."):
            own.append(
                {
                    "function": f"{_common.profile_area(filename)}:{name}:{line}",
                    "calls": ncalls,
                    "cum_s": cumtime,
                    "self_s": tottime,
                    "cum_ms_per_case": 1000 * cumtime / max(dynamic_cases, 1),
                    "self_ms_per_case": 1000 * tottime / max(dynamic_cases, 1),
                }
            )
    own.sort(key=lambda r: -r["cum_s"])
    by_self = sorted(own, key=lambda r: -r["self_s"])[:top]
    areas = sorted(by_area.items(), key=lambda kv: -kv[1])
    return {
        "profiled_total_s": total,
        "dynamic_cases": dynamic_cases,
        "self_time_by_area": [
            {
                "area": a,
                "self_s": s,
                "share": s / total,
                "ms_per_case": 1000 * s / max(dynamic_cases, 1),
            }
            for a, s in areas
            if s > 0.001
        ][:30],
        "ormprobe_by_cumulative": own[:top],
        "ormprobe_by_self": by_self,
    }


def print_profile(summary: dict[str, Any]) -> None:
    n = summary["dynamic_cases"]
    print()
    print(
        _common.table(
            ["area (self time)", "s", "share", "ms/dyn case"],
            [
                [r["area"], f"{r['self_s']:.2f}", f"{r['share']:.0%}", f"{r['ms_per_case']:.2f}"]
                for r in summary["self_time_by_area"][:18]
            ],
            title=(
                f"cProfile of ormprobe.scan on SQLite: {summary['profiled_total_s']:.1f} s "
                f"under the profiler, {n} dynamic cases"
            ),
        )
    )
    print()
    print(
        _common.table(
            ["ormprobe function (cumulative)", "calls", "cum s", "cum ms/case", "self ms/case"],
            [
                [
                    r["function"],
                    r["calls"],
                    f"{r['cum_s']:.2f}",
                    f"{r['cum_ms_per_case']:.2f}",
                    f"{r['self_ms_per_case']:.3f}",
                ]
                for r in summary["ormprobe_by_cumulative"]
            ],
            title="ormprobe's own code, by cumulative time",
        )
    )
    print()
    print(
        _common.table(
            ["ormprobe function (self)", "calls", "self s", "self ms/case"],
            [
                [r["function"], r["calls"], f"{r['self_s']:.2f}", f"{r['self_ms_per_case']:.3f}"]
                for r in summary["ormprobe_by_self"][:12]
            ],
            title="ormprobe's own code, by self time",
        )
    )


# =============================================================================================
# Driver
# =============================================================================================


def _pg_reachable(url: str) -> str | None:
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        engine.dispose()
        return None
    except Exception as exc:  # any failure means: skip PostgreSQL
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


def _ormprobe_run(
    script: str,
    models: Path,
    db: str | None,
    tmp: Path,
    *,
    capture: Path | None = None,
    profile: Path | None = None,
) -> dict[str, Any]:
    argv = [sys.executable, script, "--worker", "--models-file", str(models)]
    if db:
        argv += ["--db", db]
    if capture:
        argv += ["--capture", str(capture)]
    if profile:
        argv += ["--profile-file", str(profile)]
    started = time.perf_counter()
    proc_result = _common.run_json_worker(argv, timeout=7200, env={"PYTHONPATH": ""})
    proc_result["process_wall_s"] = time.perf_counter() - started
    return proc_result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="30 models, no profile")
    parser.add_argument("--models", type=int, help="generated models (default 200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument(
        "--profile",
        dest="profile",
        action="store_true",
        default=None,
        help="profile ormprobe's SQLite scan (default in a full run)",
    )
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument(
        "--no-ormprobe-floor",
        action="store_true",
        help="skip capturing + replaying ormprobe's own statements",
    )
    parser.add_argument("--keep-suite", type=Path, help="also copy the generated suite here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--models-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--capture", help=argparse.SUPPRESS)
    parser.add_argument("--profile-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        os.chdir(tempfile.gettempdir())  # no pyproject.toml above: default configuration
        _common.emit(_worker_ormprobe(args.models_file, args.db, args.capture, args.profile_file))
        return 0

    n_models = args.models or (30 if args.quick else 200)
    profile = (not args.quick) if args.profile is None else args.profile
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    pg_url = _common.POSTGRES_URL
    script = str(Path(__file__).resolve())
    skipped: dict[str, str] = {}
    if "postgresql" in backends:
        reason = _pg_reachable(pg_url)
        if reason:
            skipped["postgresql"] = reason
            backends.remove("postgresql")
            print(f"PostgreSQL skipped: {reason}")

    from ormprobe.introspect import build_graph
    from ormprobe.loading import load_models

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="ormprobe-bench-") as tmp_name:
        tmp = Path(tmp_name)
        models = _common.write_models(tmp / "generated_models.py", n_models, args.seed)
        graph = build_graph(load_models(str(models)))
        suite_dir = tmp / "handwritten_suite"
        suite_shape = SuiteWriter(graph).write(models, suite_dir)
        if args.keep_suite:
            shutil.copytree(suite_dir, args.keep_suite, dirs_exist_ok=True)
        n_rel = sum(1 for _ in graph.relationships())
        print(
            f"schema: {n_models} generated models (seed {args.seed}), {len(graph.tables)} tables, "
            f"{n_rel} relationships; hand-written suite: {suite_shape['factories']} factories, "
            f"{suite_shape['tests']} tests"
        )

        for backend in backends:
            db = None if backend == "sqlite" else pg_url
            res: dict[str, Any] = {}
            print(f"\n[{backend}] ormprobe scan ...", flush=True)
            res["ormprobe"] = _ormprobe_run(script, models, db, tmp)
            print(f"[{backend}] hand-written suite ...", flush=True)
            res["handwritten"] = run_suite(suite_dir, db)
            print(
                f"[{backend}] capture + replay of the hand-written suite's statements ...",
                flush=True,
            )
            capture = tmp / f"hw-{backend}.pickle"
            res["handwritten_capture_run"] = run_suite(suite_dir, db, capture=capture)
            res["raw_handwritten"] = replay(capture, backend, pg_url)
            if not args.no_ormprobe_floor:
                print(f"[{backend}] capture + replay of ormprobe's statements ...", flush=True)
                capture = tmp / f"op-{backend}.pickle"
                _ormprobe_run(script, models, db, tmp, capture=capture)
                res["raw_ormprobe"] = replay(capture, backend, pg_url)
                res["raw_ormprobe_released"] = replay(capture, backend, pg_url, release_rolled_back=True)
            results[backend] = res

        profile_summary = None
        if profile and "sqlite" in results:
            print("\n[sqlite] ormprobe scan under cProfile ...", flush=True)
            prof = tmp / "scan.prof"
            profiled = _ormprobe_run(script, models, None, tmp, profile=prof)
            profile_summary = summarize_profile(prof, profiled["dynamic_cases"] or 1)
            profile_summary["scan_s_under_profiler"] = profiled["scan_s"]
            # Kept outside the repository (1-2 MB); open with python -m pstats or snakeviz.
            keep = Path(tempfile.gettempdir()) / "ormprobe-scan_speed-sqlite.prof"
            shutil.copy(prof, keep)
            profile_summary["pstats_file"] = str(keep)

    # -- report ---------------------------------------------------------------------------------
    summary: dict[str, Any] = {}
    for backend, res in results.items():
        op, hw, raw_hw = res["ormprobe"], res["handwritten"], res["raw_handwritten"]
        raw_op = res.get("raw_ormprobe")
        raw_op_rel = res.get("raw_ormprobe_released")
        cases = op["counts"]["cases"]
        rel_cases = [v for c, v in op["per_code"].items() if c.startswith(RELATIONSHIP_FAMILIES)]
        rel_seconds = sum(v["seconds"] for v in rel_cases)
        rel_statements = sum(v["statements"] for v in rel_cases)
        rel_case_count = sum(v["cases"] for v in rel_cases)
        hw_tests = hw["passed"] + hw["failed"]
        s = {
            "relationships": n_rel,
            "ormprobe_ms_per_rel": 1000 * op["scan_s"] / n_rel,
            "ormprobe_rel_checks_ms_per_rel": 1000 * rel_seconds / n_rel,
            "handwritten_ms_per_rel": 1000 * hw["seconds"] / n_rel,
            "raw_handwritten_ms_per_rel": 1000 * raw_hw["seconds"] / n_rel,
            "raw_ormprobe_ms_per_rel": 1000 * raw_op["seconds"] / n_rel if raw_op else None,
            "raw_ormprobe_released_ms_per_rel": (
                1000 * raw_op_rel["seconds"] / n_rel if raw_op_rel else None
            ),
            "ormprobe_cases": cases,
            "ormprobe_statements": op["stats"]["statements"],
            "ormprobe_statements_per_case": op["stats"]["statements"] / cases,
            "ormprobe_statements_per_dynamic_case": op["stats"]["statements"]
            / max(op["dynamic_cases"] or 1, 1),
            "ormprobe_rel_statements_per_case": rel_statements / max(rel_case_count, 1),
            "ormprobe_db_seconds": op["stats"]["db_seconds"],
            "handwritten_tests": hw_tests,
            "handwritten_statements": hw["statements"],
            "handwritten_statements_per_case": hw["statements"] / max(hw_tests, 1),
            "handwritten_db_seconds": hw["db_seconds"],
        }
        s["speedup_vs_handwritten"] = s["handwritten_ms_per_rel"] / s["ormprobe_ms_per_rel"]
        s["ormprobe_over_raw"] = s["ormprobe_ms_per_rel"] / s["raw_handwritten_ms_per_rel"]
        s["target_speedup_met"] = s["speedup_vs_handwritten"] >= TARGET_VS_HANDWRITTEN
        s["target_raw_met"] = s["ormprobe_over_raw"] <= TARGET_VS_RAW
        summary[backend] = s

        print()
        rows = [
            [
                "ormprobe scan (all checks)",
                f"{s['ormprobe_ms_per_rel']:.1f}",
                cases,
                op["stats"]["statements"],
                f"{s['ormprobe_statements_per_case']:.1f}",
                f"{op['stats']['db_seconds']:.2f}",
                f"{op['scan_s']:.1f}",
            ],
            [
                "  of which OP1xx/OP2xx cases",
                f"{s['ormprobe_rel_checks_ms_per_rel']:.1f}",
                rel_case_count,
                rel_statements,
                f"{s['ormprobe_rel_statements_per_case']:.1f}",
                f"{sum(v['db_seconds'] for v in rel_cases):.2f}",
                f"{rel_seconds:.1f}",
            ],
            [
                "hand-written factory_boy+pytest",
                f"{s['handwritten_ms_per_rel']:.1f}",
                hw_tests,
                hw["statements"],
                f"{s['handwritten_statements_per_case']:.1f}",
                f"{hw['db_seconds']:.2f}",
                f"{hw['seconds']:.1f}",
            ],
            [
                "raw DBAPI replay (hand-written)",
                f"{s['raw_handwritten_ms_per_rel']:.2f}",
                "-",
                raw_hw["statements"],
                "-",
                f"{raw_hw['seconds']:.2f}",
                f"{raw_hw['seconds']:.2f}",
            ],
        ]
        if raw_op:
            rows.append(
                [
                    "raw DBAPI replay (ormprobe)",
                    f"{s['raw_ormprobe_ms_per_rel']:.2f}",
                    "-",
                    raw_op["statements"],
                    "-",
                    f"{raw_op['seconds']:.2f}",
                    f"{raw_op['seconds']:.2f}",
                ]
            )
        if raw_op_rel:
            rows.append(
                [
                    "  same + RELEASE after ROLLBACK TO",
                    f"{s['raw_ormprobe_released_ms_per_rel']:.2f}",
                    "-",
                    raw_op_rel["statements"],
                    "-",
                    f"{raw_op_rel['seconds']:.2f}",
                    f"{raw_op_rel['seconds']:.2f}",
                ]
            )
        print(
            _common.table(
                ["", "ms/rel", "cases", "statements", "stmts/case", "db s", "total s"],
                rows,
                title=f"{backend}: {n_rel} relationships, {n_models} models",
            )
        )
        speed_verdict = "PASS" if s["target_speedup_met"] else "MISS"
        raw_verdict = "PASS" if s["target_raw_met"] else "MISS"
        scope = " on SQLite" if backend == "sqlite" else ", informative"
        print(
            f"hand-written / ormprobe = {s['speedup_vs_handwritten']:.2f}x "
            f"(target >= {TARGET_VS_HANDWRITTEN:.0f}x: {speed_verdict}); "
            f"ormprobe / raw floor = {s['ormprobe_over_raw']:.1f}x "
            f"(target <= {TARGET_VS_RAW:.0f}x{scope}: {raw_verdict})"
        )
        if hw["failed"] or hw["errors"]:
            print(
                f"note: hand-written suite: {hw['failed']} failed, {hw['errors']} errors; "
                f"first: {hw['failures'][:1]}"
            )
        if op["errors"] or op["findings"]:
            print(
                f"note: ormprobe: {len(op['errors'])} errors, {len(op['findings'])} findings "
                f"on a correct schema: {(op['errors'] + op['findings'])[:3]}"
            )
        for name, raw in (("hand-written", raw_hw), ("ormprobe", raw_op)):
            if raw and raw["errors"] != raw["errors_in_original_run"]:
                print(
                    f"note: {name} replay had {raw['errors']} failing statements "
                    f"(the original run had {raw['errors_in_original_run']})"
                )
        print()
        print(
            _common.table(
                ["check", "cases", "s", "ms/case", "stmts/case", "db ms/case"],
                [
                    [
                        f"{code} {v['slug']}",
                        v["cases"],
                        f"{v['seconds']:.2f}",
                        f"{1000 * v['seconds'] / v['cases']:.1f}",
                        f"{v['statements'] / v['cases']:.1f}",
                        f"{1000 * v['db_seconds'] / v['cases']:.2f}",
                    ]
                    for code, v in sorted(op["per_code"].items(), key=lambda kv: -kv[1]["seconds"])
                ],
                title=f"{backend}: ormprobe time per check",
            )
        )

    if profile_summary:
        print_profile(profile_summary)

    path = _common.write_results(
        "scan_speed",
        {
            "quick": args.quick,
            "schema": {
                "n_models": n_models,
                "seed": args.seed,
                "relationships": n_rel,
                "tables": len(graph.tables),
            },
            "handwritten_suite": suite_shape,
            "targets": {
                "handwritten_over_ormprobe_min": TARGET_VS_HANDWRITTEN,
                "ormprobe_over_raw_max_sqlite": TARGET_VS_RAW,
            },
            "summary": summary,
            "skipped": skipped,
            "runs": results,
            "profile": profile_summary,
        },
    )
    print(f"\nwrote {path.relative_to(_common.REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
