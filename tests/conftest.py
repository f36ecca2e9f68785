"""Shared test fixtures: database URLs for every backend, and the fixtures directory.

Server backends come from environment variables (``.ci/run`` exports them):

- ``ORMPROBE_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
- ``ORMPROBE_TEST_MYSQL_URL`` (default ``mysql+pymysql://root@127.0.0.1:3306/test``)

A test that needs a server skips with the reason when the server does not answer, except
under ``CI=true``, where an unreachable server fails the test: CI must never go green by
skipping the PostgreSQL or MariaDB tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

POSTGRES_URL = os.environ.get(
    "ORMPROBE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MYSQL_URL = os.environ.get("ORMPROBE_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

_reachability: dict[str, str | None] = {}


def _unreachable_reason(url: str) -> str | None:
    """Why ``url`` can't be used (None when a connection works); cached per URL."""
    if url not in _reachability:
        import sqlalchemy as sa

        try:
            engine = sa.create_engine(url, connect_args=_connect_timeout(url))
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            engine.dispose()
            _reachability[url] = None
        except Exception as exc:  # any failure means "not usable here"; the reason is shown
            _reachability[url] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return _reachability[url]


def _connect_timeout(url: str) -> dict[str, int]:
    return {"connect_timeout": 5}


def require_server(url: str, name: str) -> str:
    """Return ``url`` if the server answers; skip (or fail under CI) otherwise."""
    reason = _unreachable_reason(url)
    if reason is None:
        return url
    message = f"{name} is not reachable at {url}: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: server tests must run, not skip)")
    pytest.skip(message)


@pytest.fixture
def postgres_url() -> str:
    """The PostgreSQL test server URL (skips/fails when unreachable)."""
    return require_server(POSTGRES_URL, "PostgreSQL")


@pytest.fixture
def mysql_url() -> str:
    """The MariaDB/MySQL test server URL (skips/fails when unreachable)."""
    return require_server(MYSQL_URL, "MariaDB")


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    pytest.param("mysql", id="mariadb", marks=pytest.mark.mariadb),
]


def url_for(backend: str) -> str:
    """The test URL of ``backend`` (``sqlite``, ``postgresql`` or ``mysql``)."""
    if backend == "sqlite":
        return "sqlite://"
    if backend == "postgresql":
        return require_server(POSTGRES_URL, "PostgreSQL")
    return require_server(MYSQL_URL, "MariaDB")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """Each backend in turn: in-memory SQLite, then the PostgreSQL and MariaDB servers."""
    return url_for(request.param)


@pytest.fixture(params=BACKENDS[:2])
def deferrable_db_url(request: pytest.FixtureRequest) -> str:
    """The backends with DEFERRABLE constraints: SQLite and PostgreSQL (not MariaDB)."""
    return url_for(request.param)


@pytest.fixture
def fixtures_dir() -> Path:
    """The repository's ``fixtures/`` directory."""
    return FIXTURES


@pytest.fixture
def clean_modules() -> Iterator[None]:
    """Forget modules imported and ``sys.path`` entries added during the test.

    ormprobe's own modules stay: a later test would otherwise run a second copy of, say,
    ``ormprobe.runner`` whose ``Skip`` the first copy's modules don't recognise.
    """
    import sys

    before = set(sys.modules)
    path_before = list(sys.path)
    yield
    for name in set(sys.modules) - before:
        if name.partition(".")[0] != "ormprobe":
            del sys.modules[name]
    sys.path[:] = path_before
