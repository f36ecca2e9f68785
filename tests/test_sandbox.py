"""Tests for ormprobe.sandbox: isolation, scratch databases, DDL failures, error messages.

Everything runs against real databases (SQLite in memory or on disk, and the PostgreSQL and
MariaDB servers from conftest.py); nothing is mocked.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import secrets
import selectors
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from subprocess import Popen

import pytest
import sqlalchemy as sa
from sqlalchemy import ForeignKey, Index, String, func, inspect, select, text
from sqlalchemy.dialects.postgresql import INET, TSVECTOR
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.orm.exc import DetachedInstanceError

from ormprobe.errors import MissingDependencyError, SandboxError, UsageError
from ormprobe.sandbox import (
    Database,
    drop_scratch_databases,
    list_scratch_databases,
    mask_url,
    open_database,
    session,
)

SECRET = "hunter2-Secret"


class Base(DeclarativeBase):
    pass


class Parent(Base):
    __tablename__ = "parent"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    children: Mapped[list[Child]] = relationship(back_populates="parent", cascade="all, delete-orphan")


class Child(Base):
    __tablename__ = "child"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parent.id"))
    name: Mapped[str] = mapped_column(String(50))
    parent: Mapped[Parent] = relationship(back_populates="children")


class Owner(Base):
    """Deleting an owner makes the ORM blank out Item.owner_id, part of Item's primary key."""

    __tablename__ = "owner"
    id: Mapped[int] = mapped_column(primary_key=True)
    items: Mapped[list[Item]] = relationship(back_populates="owner")


class Item(Base):
    __tablename__ = "item"
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"), primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[Owner] = relationship(back_populates="items")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A database on each backend with the models above created."""
    with open_database(db_url) as database:
        result = database.create_schema([Base.metadata])
        assert result.failed == () and result.skipped == ()
        yield database


def count(s: sa.orm.Session, model: type[Base]) -> int:
    return s.scalar(select(func.count()).select_from(model)) or 0


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------------
# URL masking


def test_mask_url_hides_passwords_even_in_malformed_urls() -> None:
    assert mask_url(f"postgresql+psycopg://app:{SECRET}@db:5432/app") == (
        "postgresql+psycopg://app:***@db:5432/app"
    )
    assert mask_url(sa.make_url(f"mysql+pymysql://root:{SECRET}@h/x")).count("***") == 1
    assert mask_url("sqlite:///models.db") == "sqlite:///models.db"
    malformed = mask_url(f"postgresql+psycopg://app:{SECRET}@db:port/app")
    assert SECRET not in malformed and "app:***@db" in malformed


# --------------------------------------------------------------------------------------------
# Isolation between cases


def test_objects_never_cross_sessions(db: Database) -> None:
    with db.sandbox() as box:
        with box.session() as first:
            kept = Parent(name="first")
            first.add(kept)
            first.flush()
            kept_id, kept_key = kept.id, inspect(kept).key
            assert kept_key in first.identity_map
        state = inspect(kept)
        assert state.detached and state.session is None
        assert kept_key not in first.identity_map

        with box.session() as second:
            assert second is not first
            assert kept not in second and kept_key not in second.identity_map
            assert second.get(Parent, kept_id) is None
            assert second.scalars(select(Parent)).all() == []
            with pytest.raises(DetachedInstanceError):
                _ = kept.children  # lazy load on an object of a closed case
            merged = second.merge(kept)  # the row is gone, so merge makes a new pending copy
            assert merged is not kept and inspect(merged).pending
            second.flush()
            assert count(second, Parent) == 1

        with box.session() as third:
            assert count(third, Parent) == 0


def test_commit_inside_a_case_is_rolled_back_too(db: Database) -> None:
    with db.sandbox() as box:
        with box.session() as s:
            s.add(Parent(name="committed", children=[Child(name="c")]))
            s.commit()
            assert count(s, Child) == 1
        with box.session() as s:
            assert count(s, Parent) == 0 and count(s, Child) == 0
    with db.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Parent)) == 0


def test_session_refuses_to_be_rebound(db: Database) -> None:
    with db.sandbox() as box, pytest.raises(UsageError, match="bind"), box.session(bind=db.engine):
        pass


# --------------------------------------------------------------------------------------------
# attempt(): expected failures in their own savepoint


def test_attempt_swallows_database_errors_and_keeps_the_session_usable(db: Database) -> None:
    with db.sandbox() as box:
        with box.session() as s:
            parent = Parent(name="a")
            s.add(parent)
            s.flush()
            with box.attempt(s) as duplicate:
                s.add(Parent(name="a"))
            with box.attempt(s) as orphan:
                s.add(Child(parent_id=987654, name="no parent"))
                s.flush()
            with box.attempt(s) as fine:
                s.add(Child(parent=parent, name="ok"))

            assert isinstance(duplicate.error, IntegrityError) and duplicate.message
            assert "\n" not in duplicate.message
            # SQLite enforces it only because the sandbox turns foreign keys on.
            assert isinstance(orphan.error, IntegrityError)
            assert not fine.failed and fine.message is None
            # Still one transaction, still usable, with the work before and between attempts.
            assert s.scalars(select(Parent.name)).all() == ["a"]
            assert s.scalars(select(Child.name)).all() == ["ok"]
        with box.session() as later:
            assert count(later, Parent) == 0 and count(later, Child) == 0


def test_an_error_outside_attempt_does_not_poison_later_cases(db: Database) -> None:
    # On PostgreSQL an error aborts the transaction; the case savepoint must recover it.
    with db.sandbox() as box:
        with box.session() as s:
            s.add_all([Parent(name="same"), Parent(name="same")])
            with pytest.raises(IntegrityError):
                s.flush()
        for _ in range(2):
            with box.session() as s:
                s.add(Parent(name="next"))
                s.flush()
                assert s.scalars(select(Parent.name)).all() == ["next"]


def test_attempt_swallows_orm_flush_assertions(db: Database) -> None:
    with db.sandbox() as box, box.session() as s:
        owner = Owner(items=[Item(number=1)])
        s.add(owner)
        s.flush()
        with box.attempt(s) as deleting:
            s.delete(owner)  # no delete cascade: the ORM tries to NULL Item.owner_id
        assert isinstance(deleting.error, AssertionError)
        assert deleting.message is not None and "blank-out primary key" in deleting.message
        assert count(s, Owner) == 1 and count(s, Item) == 1


def test_attempt_reraises_errors_of_the_callers_own_code(db: Database) -> None:
    with db.sandbox() as box, box.session() as s:
        with pytest.raises(AssertionError, match="caller"), box.attempt(s):
            s.add(Parent(name="rolled back"))
            s.flush()
            raise AssertionError("caller")
        with pytest.raises(KeyError), box.attempt(s):
            raise KeyError("not a database error")
        assert count(s, Parent) == 0


# --------------------------------------------------------------------------------------------
# Statement accounting


def test_statement_stats_count_each_statement(db: Database) -> None:
    with db.sandbox() as box:
        before = db.stats.snapshot()
        for _ in range(3):
            box.connection.execute(text("SELECT 1"))
        statements, seconds = db.stats.snapshot()
        assert statements - before[0] == 3 and seconds > before[1]

        with box.session() as s:  # case SAVEPOINT
            assert db.stats.statements - statements == 1
            s.execute(select(1))  # the session's own SAVEPOINT, then the SELECT
            assert db.stats.statements - statements == 3
            with box.attempt(s) as failing:  # SAVEPOINT, the rejected INSERT, ROLLBACK TO
                s.execute(sa.insert(Child).values(id=1, parent_id=424242, name="orphan"))
            assert failing.failed and db.stats.statements - statements == 6


# --------------------------------------------------------------------------------------------
# SQLite specifics


def test_sqlite_sessions_enforce_foreign_keys() -> None:
    with session() as s:
        assert s.scalar(text("PRAGMA foreign_keys")) == 1


def test_sqlite_nested_savepoints_roll_back() -> None:
    with open_database() as database:
        database.create_schema([Base.metadata])
        with database.sandbox() as box:
            with box.session() as s:
                s.add(Parent(name="outer"))
                s.flush()
                first = s.begin_nested()
                s.add(Parent(name="first"))
                s.flush()
                second = s.begin_nested()
                s.add(Parent(name="second"))
                s.flush()
                second.rollback()
                assert sorted(s.scalars(select(Parent.name))) == ["first", "outer"]
                first.commit()  # RELEASE must not commit anything on SQLite
                third = s.begin_nested()
                s.add(Parent(name="third"))
                s.flush()
                third.rollback()
                assert sorted(s.scalars(select(Parent.name))) == ["first", "outer"]
            with box.session() as s:
                assert count(s, Parent) == 0


def _make_sqlite_file(path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(sa.insert(Parent), [{"id": i, "name": f"p{i}"} for i in range(5)])
    engine.dispose()


def test_sqlite_file_is_never_modified(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    _make_sqlite_file(path)
    checksum, mtime = sha256(path), path.stat().st_mtime_ns
    extra = sa.MetaData()
    sa.Table("extra", extra, sa.Column("id", sa.Integer, primary_key=True))

    with open_database(f"sqlite:///{path}", existing_schema=True) as existing:
        tables = {"owner", "parent", "child", "item"}
        assert set(existing.create_schema([Base.metadata]).created) == tables
        with existing.sandbox() as box, box.session() as s:
            assert count(s, Parent) == 5
            s.execute(sa.delete(Parent))
            s.add(Parent(name="new"))
            s.commit()
        with existing.engine.begin() as connection:  # even a commit lands in the copy
            connection.execute(sa.insert(Parent).values(name="committed to the copy"))
        copy = Path(str(existing.engine.url.database))
        assert copy != path and copy.exists()
    with open_database(f"sqlite:///{path}") as fresh:
        assert fresh.create_schema([extra]).created == ("extra",)
        again = fresh.create_schema([Base.metadata])
        assert again.created == () and again.failed == ()
        assert {name for name, _ in again.skipped} == tables
        assert all("existing_schema=True" in reason for _, reason in again.skipped)
    assert not copy.exists()
    assert sha256(path) == checksum and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]


def test_sqlite_keep_leaves_the_copy_for_inspection(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    _make_sqlite_file(path)
    with open_database(f"sqlite:///{path}", keep=True) as database:
        database.create_schema([sa.MetaData()])
        assert database.scratch_url is not None
    copy = Path(str(sa.make_url(database.scratch_url).database))
    try:
        engine = sa.create_engine(f"sqlite:///{copy}")
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Parent)) == 5
        engine.dispose()
    finally:
        copy.unlink()
        copy.parent.rmdir()


def test_session_on_a_plain_sqlite_engine_never_commits(tmp_path: Path) -> None:
    # A user's engine lacks the pysqlite BEGIN workaround; session() must still not commit.
    path = tmp_path / "user.db"
    _make_sqlite_file(path)
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with session(engine) as s:
            s.add(Parent(name="x"))
            s.commit()
            assert count(s, Parent) == 6
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Parent)) == 5
    finally:
        engine.dispose()


# --------------------------------------------------------------------------------------------
# Schemas and create_schema


def test_schema_names_are_created_in_the_sandbox(db_url: str) -> None:
    metadata = sa.MetaData()
    users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True))
    log = sa.Table(
        "log",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.ForeignKey(users.c.id), nullable=False),
        schema="audit",
    )
    with open_database(db_url) as database:
        result = database.create_schema([metadata])
        assert result.created == ("users", "audit.log") and result.failed == ()
        with database.sandbox() as box, box.session() as s:
            s.execute(users.insert().values(id=1))
            s.execute(log.insert().values(id=1, user_id=1))
            assert s.execute(select(log.c.user_id)).scalar_one() == 1
            with box.attempt(s) as orphan:
                s.execute(log.insert().values(id=2, user_id=2))
            # SQLite can't reference another attached database, so SQLAlchemy leaves the
            # foreign key out of the DDL there; the servers enforce it.
            assert orphan.failed is (database.dialect != "sqlite")
        scratch = database.scratch_name
        if database.dialect in ("mysql", "mariadb"):
            assert f"{scratch}_audit" in list_scratch_databases(db_url)
    if scratch is not None:
        assert not [n for n in list_scratch_databases(db_url) if n.startswith(scratch)]


def _failures(metadata: sa.MetaData, url: str) -> tuple[dict[str, str], set[str], dict[str, str]]:
    """(failed table -> statement + error, created tables, skipped table -> reason)."""
    with open_database(url) as database:
        result = database.create_schema([metadata])
    assert all(f.dialect == database.dialect for f in result.failed)
    failed = {f.table: f"{f.statement}\n{f.error}" for f in result.failed}
    return failed, set(result.created), dict(result.skipped)


def test_duplicate_index_name_fails_its_table_and_skips_dependents(db_url: str) -> None:
    metadata = sa.MetaData()
    sa.Table("fine", metadata, sa.Column("id", sa.Integer, primary_key=True))
    dup = sa.Table(
        "dup",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.Integer),
    )
    Index("ix_same", dup.c.a)
    Index("ix_same", dup.c.b)
    sa.Table(
        "needs_dup",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dup_id", sa.ForeignKey("dup.id")),
    )
    failed, created, skipped = _failures(metadata, db_url)
    assert set(failed) == {"dup"} and "CREATE INDEX ix_same" in failed["dup"]
    assert created == {"fine"}
    assert skipped["needs_dup"].startswith("references dup, which could not be created: ")


def test_foreign_key_to_a_non_unique_column(db_url: str) -> None:
    metadata = sa.MetaData()
    sa.Table(
        "target",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.Integer),
    )
    sa.Table(
        "source",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.ForeignKey("target.code")),
    )
    failed, created, _ = _failures(metadata, db_url)
    if db_url.startswith("sqlite"):  # SQLite only complains when a row is inserted
        assert created == {"target", "source"}
    else:
        assert set(failed) == {"source"} and "FOREIGN KEY" in failed["source"]
        assert created == {"target"}


def test_string_without_length_fails_only_on_mysql(db_url: str) -> None:
    metadata = sa.MetaData()
    sa.Table("notes", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("s", String()))
    failed, created, _ = _failures(metadata, db_url)
    if db_url.startswith("mysql"):
        assert "VARCHAR requires a length" in failed["notes"] and created == set()
    else:
        assert failed == {} and created == {"notes"}


@pytest.mark.parametrize("pg_type", [TSVECTOR, INET], ids=["tsvector", "inet"])
def test_postgres_only_types_fail_elsewhere(db_url: str, pg_type: type[sa.types.TypeEngine[object]]) -> None:
    metadata = sa.MetaData()
    sa.Table("docs", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", pg_type))
    sa.Table("plain", metadata, sa.Column("id", sa.Integer, primary_key=True))
    failed, created, _ = _failures(metadata, db_url)
    if db_url.startswith("postgresql"):
        assert failed == {} and created == {"docs", "plain"}
    else:
        assert set(failed) == {"docs"} and created == {"plain"}
        assert "CREATE TABLE docs" in failed["docs"] and "can't render" in failed["docs"]
        assert " object at 0x" not in failed["docs"]


def test_cycles_and_use_alter_foreign_keys_are_created_and_enforced(db_url: str) -> None:
    metadata = sa.MetaData()
    a = sa.Table(
        "a",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("b_id", sa.ForeignKey("b.id")),
    )
    sa.Table(
        "b",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a_id", sa.ForeignKey("a.id")),
    )
    c = sa.Table(
        "c",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a_id", sa.ForeignKey("a.id", use_alter=True, name="fk_c_a")),
    )
    with open_database(db_url) as database:
        result = database.create_schema([metadata])
        assert set(result.created) == {"a", "b", "c"} and result.failed == ()
        with database.sandbox() as box, box.session() as s:
            with box.attempt(s) as bad_cycle:
                s.execute(a.insert().values(id=1, b_id=42))
            with box.attempt(s) as bad_alter:
                s.execute(c.insert().values(id=1, a_id=42))
            assert bad_cycle.failed and bad_alter.failed


def test_cycle_member_referencing_a_failed_table_is_skipped(db_url: str) -> None:
    metadata = sa.MetaData()
    sa.Table(
        "left",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("right_id", sa.ForeignKey("right.id")),
    )
    sa.Table(
        "right",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("left_id", sa.ForeignKey("left.id")),
        sa.Column("doc", TSVECTOR),
    )
    failed, created, skipped = _failures(metadata, db_url)
    if db_url.startswith("postgresql"):
        assert created == {"left", "right"}
    else:
        assert set(failed) == {"right"} and created == set()
        assert skipped["left"].startswith("references right, which could not be created")


def test_enum_type_survives_a_failed_table_on_postgres(db_url: str) -> None:
    # The failed table's transaction also rolls back CREATE TYPE; the next user recreates it.
    metadata = sa.MetaData()
    color = sa.Enum("red", "green", name="color")
    first = sa.Table(
        "first",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("color", color),
        sa.Column("a", sa.Integer),
    )
    Index("ix_first", first.c.a)
    Index("ix_first", first.c.id, first.c.a)
    sa.Table("second", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("color", color))
    failed, created, _ = _failures(metadata, db_url)
    assert set(failed) == {"first"} and created == {"second"}


def test_create_schema_is_refused_inside_a_sandbox() -> None:
    with (
        open_database() as database,
        database.sandbox(),
        pytest.raises(UsageError, match="before sandbox"),
    ):
        database.create_schema([Base.metadata])


def test_existing_schema_reports_missing_tables_as_failed(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    _make_sqlite_file(path)
    metadata = sa.MetaData()
    sa.Table("parent", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("missing", metadata, sa.Column("id", sa.Integer, primary_key=True))
    with open_database(f"sqlite:///{path}", existing_schema=True) as database:
        result = database.create_schema([metadata])
    assert result.created == ("parent",) and result.usable("parent")
    assert [f.table for f in result.failed] == ["missing"] and not result.usable("missing")


# --------------------------------------------------------------------------------------------
# Nothing is ever committed to the user's database


GUARD_ROWS = 4


@pytest.fixture
def guard(request: pytest.FixtureRequest) -> Iterator[tuple[str, sa.MetaData]]:
    """Tables with rows in the user's real database, and MetaData mirroring them.

    PostgreSQL: tables in a dedicated schema; MariaDB: prefixed tables (a schema there is a
    database of its own). Dropped afterwards.
    """
    url = request.getfixturevalue(request.param)
    tag = f"guard_{secrets.token_hex(4)}"
    metadata = sa.MetaData()
    on_postgres = url.startswith("postgresql")
    schema = tag if on_postgres else None
    prefix = "" if on_postgres else f"{tag}_"
    parent = sa.Table(
        f"{prefix}parent",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", String(40), unique=True, nullable=False),
        schema=schema,
    )
    sa.Table(
        f"{prefix}child",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("parent_id", sa.ForeignKey(parent.c.id), nullable=False),
        sa.Column("name", String(40), nullable=False),
        schema=schema,
    )
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if on_postgres:
            connection.execute(sa.schema.CreateSchema(tag))
        metadata.create_all(connection)
        parent_table, child_table = metadata.sorted_tables
        connection.execute(parent_table.insert(), [{"id": i, "name": f"p{i}"} for i in range(GUARD_ROWS)])
        connection.execute(
            child_table.insert(),
            [{"id": i, "parent_id": i % GUARD_ROWS, "name": f"c{i}"} for i in range(9)],
        )
    try:
        yield url, metadata
    finally:
        with engine.begin() as connection:
            metadata.drop_all(connection)
            if on_postgres:
                connection.execute(sa.schema.DropSchema(tag, cascade=True))
        engine.dispose()


def _fingerprint(url: str, metadata: sa.MetaData) -> dict[str, tuple[int, str]]:
    """Row count and content checksum of every table of metadata, in the user's database."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            prints = {}
            for table in metadata.sorted_tables:
                rows = connection.execute(select(table).order_by(*table.primary_key)).all()
                digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
                prints[table.fullname] = (len(rows), digest)
            return prints
    finally:
        engine.dispose()


def _churn(database: Database, metadata: sa.MetaData) -> None:
    """Many inserts, updates, deletes, commits and expected failures, over several cases."""
    parent, child = metadata.sorted_tables
    with database.sandbox() as box:
        for case in range(4):
            with box.session() as s:
                s.execute(child.delete())
                s.execute(parent.delete())
                s.execute(parent.insert(), [{"id": 100 + i, "name": f"n{case}{i}"} for i in range(20)])
                s.execute(child.insert(), [{"id": i, "parent_id": 100, "name": "x"} for i in range(20)])
                with box.attempt(s) as orphan:
                    s.execute(child.insert().values(id=999, parent_id=424242, name="orphan"))
                with box.attempt(s) as duplicate:
                    s.execute(parent.insert().values(id=100, name="again"))
                assert orphan.failed and duplicate.failed
                s.execute(parent.update().values(name=parent.c.name + "!"))
                s.commit()
                assert s.scalar(select(func.count()).select_from(parent)) == 20


BOTH_SERVERS = [
    pytest.param("postgres_url", marks=pytest.mark.postgres, id="postgresql"),
    pytest.param("mysql_url", marks=pytest.mark.mariadb, id="mariadb"),
]


@pytest.mark.parametrize("guard", BOTH_SERVERS, indirect=True)
def test_scratch_mode_never_writes_the_users_database(guard: tuple[str, sa.MetaData]) -> None:
    url, metadata = guard
    before = _fingerprint(url, metadata)
    with open_database(url) as database:
        result = database.create_schema([metadata])
        assert len(result.created) == 2, result
        _churn(database, metadata)
        scratch = database.scratch_name
        assert scratch is not None and database.url.endswith(f"/{scratch}")
    assert _fingerprint(url, metadata) == before
    assert not [n for n in list_scratch_databases(url) if n.startswith(str(scratch))]


@pytest.mark.parametrize("guard", BOTH_SERVERS, indirect=True)
def test_in_place_existing_schema_rolls_everything_back(guard: tuple[str, sa.MetaData]) -> None:
    url, metadata = guard
    before = _fingerprint(url, metadata)
    assert before[metadata.sorted_tables[0].fullname][0] == GUARD_ROWS
    with open_database(url, in_place=True, existing_schema=True) as database:
        assert database.scratch_name is None
        assert len(database.create_schema([metadata]).created) == 2
        _churn(database, metadata)
        _churn(database, metadata)  # a second sandbox starts from the user's rows again
    assert _fingerprint(url, metadata) == before


@pytest.mark.postgres
@pytest.mark.parametrize("guard", ["postgres_url"], indirect=True)
def test_in_place_on_postgres_creates_tables_inside_the_transaction(
    guard: tuple[str, sa.MetaData],
) -> None:
    url, metadata = guard
    schema = str(metadata.sorted_tables[0].schema)
    before = _fingerprint(url, metadata)
    extra = sa.MetaData(schema=schema)
    parent = sa.Table(
        "extra_parent",
        extra,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", String(40), unique=True, nullable=False),
    )
    sa.Table(
        "extra_child",
        extra,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("parent_id", sa.ForeignKey(parent.c.id), nullable=False),
        sa.Column("name", String(40), nullable=False),
    )
    broken = sa.MetaData(schema=schema)
    sa.Table("broken", broken, sa.Column("id", sa.Integer, primary_key=True), sa.Column("d", sa.Integer))
    Index("ix_broken", broken.tables[f"{schema}.broken"].c.d)
    Index("ix_broken", broken.tables[f"{schema}.broken"].c.id)
    with open_database(url, in_place=True) as database:
        result = database.create_schema([broken, extra, metadata])
        assert [f.table for f in result.failed] == [f"{schema}.broken"]
        assert set(result.created) == {f"{schema}.extra_parent", f"{schema}.extra_child"}
        assert {name for name, _ in result.skipped} == {t.fullname for t in metadata.sorted_tables}
        _churn(database, extra)
    engine = sa.create_engine(url)
    try:
        assert sorted(inspect(engine).get_table_names(schema=schema)) == sorted(
            t.name for t in metadata.sorted_tables
        )
    finally:
        engine.dispose()
    assert _fingerprint(url, metadata) == before


@pytest.mark.mariadb
def test_in_place_on_mariadb_needs_existing_schema(mysql_url: str) -> None:
    with (
        pytest.raises(UsageError, match="existing-schema"),
        open_database(mysql_url, in_place=True),
    ):
        pass


@pytest.mark.postgres
def test_existing_schema_needs_in_place_on_a_server(postgres_url: str) -> None:
    with (
        pytest.raises(UsageError, match="in-place"),
        open_database(postgres_url, existing_schema=True),
    ):
        pass


# --------------------------------------------------------------------------------------------
# Killed runs: SIGTERM cleans up by itself, SIGKILL leaves work for `ormprobe clean`


CHILD = textwrap.dedent(
    """
    import sys, time
    import sqlalchemy as sa
    from ormprobe.sandbox import open_database

    url, table = sys.argv[1], sys.argv[2]
    metadata = sa.MetaData()
    rows = sa.Table(table, metadata, sa.Column("id", sa.Integer, primary_key=True))
    with open_database(url) as database:
        assert database.create_schema([metadata]).created == (table,)
        with database.sandbox() as box, box.session() as s:
            s.execute(rows.insert(), [{"id": i} for i in range(1, 51)])
            s.commit()
            print(database.scratch_name, flush=True)
            time.sleep(60)
    """
)


@contextmanager
def _child_holding_a_scratch_database(url: str, table: str) -> Iterator[tuple[Popen[str], str]]:
    """A process inside an open scratch database, and that database's name."""
    child = Popen([sys.executable, "-c", CHILD, url, table], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(child.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout=30)
        name = child.stdout.readline().strip() if ready else ""
        assert name.startswith("ormprobe_"), f"child did not start (exit {child.poll()})"
        yield child, name
    finally:
        child.kill()
        child.wait(timeout=10)


def _table_exists(url: str, table: str) -> bool:
    engine = sa.create_engine(url)
    try:
        return inspect(engine).has_table(table)
    finally:
        engine.dispose()


@pytest.mark.parametrize("server", BOTH_SERVERS)
def test_sigkill_leaves_a_scratch_database_that_clean_removes(
    server: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(server)
    table = f"killed_{secrets.token_hex(4)}"
    with _child_holding_a_scratch_database(url, table) as (child, name):
        child.kill()
        child.wait(timeout=10)
    assert not _table_exists(url, table)  # nothing reached the user's database
    assert name in list_scratch_databases(url)
    drop_scratch_databases(url, [name])  # what `ormprobe clean` does
    assert name not in list_scratch_databases(url)


@pytest.mark.parametrize("server", BOTH_SERVERS)
def test_sigterm_drops_the_scratch_database(server: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue(server)
    with _child_holding_a_scratch_database(url, f"term_{secrets.token_hex(4)}") as (child, name):
        assert name in list_scratch_databases(url)
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=20)
    assert name not in list_scratch_databases(url)


@pytest.mark.postgres
def test_keep_leaves_the_scratch_database_for_inspection(postgres_url: str) -> None:
    with open_database(postgres_url, keep=True) as database:
        assert database.create_schema([Base.metadata]).failed == ()
        name = str(database.scratch_name)
        assert database.scratch_url == f"{postgres_url.rsplit('/', 1)[0]}/{name}"
    try:
        assert name in list_scratch_databases(postgres_url)
    finally:
        drop_scratch_databases(postgres_url, [name])


@pytest.mark.mariadb
def test_mariadb_scratch_databases_use_utf8mb4(mysql_url: str) -> None:
    with open_database(mysql_url) as database, database.engine.connect() as connection:
        charset = connection.scalar(
            text(
                "SELECT default_character_set_name FROM information_schema.schemata WHERE schema_name = :name"
            ),
            {"name": database.scratch_name},
        )
    assert charset == "utf8mb4"


def test_drop_scratch_databases_refuses_other_names() -> None:
    with pytest.raises(UsageError, match="not an ormprobe scratch database"):
        drop_scratch_databases("sqlite://", ["ormprobe_1234", "production"])


def test_sigterm_handler_is_restored() -> None:
    previous = signal.getsignal(signal.SIGTERM)
    with open_database():
        assert signal.getsignal(signal.SIGTERM) is not previous
    assert signal.getsignal(signal.SIGTERM) is previous


# --------------------------------------------------------------------------------------------
# Error messages: one line, the cause, the fix, no password


def _message(exc_info: pytest.ExceptionInfo[BaseException]) -> str:
    message = str(exc_info.value)
    assert SECRET not in message and "\n" not in message
    return message


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"postgresql+psycopg://u:{SECRET}@127.0.0.1:1/test", id="postgresql"),
        pytest.param(f"mysql+pymysql://u:{SECRET}@127.0.0.1:1/test", id="mariadb"),
    ],
)
def test_unreachable_server(url: str) -> None:
    with pytest.raises(SandboxError) as exc_info, open_database(url):
        pass
    message = _message(exc_info)
    assert type(exc_info.value) is SandboxError
    assert "cannot reach" in message and "127.0.0.1:1" in message
    assert "refused" in message and "check that it is running" in message and "***" in message


@pytest.mark.postgres
def test_unknown_postgres_role(postgres_url: str) -> None:
    url = sa.make_url(postgres_url).set(username="nobody_ormprobe", password=SECRET)
    with pytest.raises(SandboxError) as exc_info, open_database(url.render_as_string(False)):
        pass
    message = _message(exc_info)
    assert "refused user 'nobody_ormprobe'" in message
    assert 'role "nobody_ormprobe" does not exist' in message and "check the user name" in message


@pytest.mark.mariadb
def test_wrong_mariadb_password(mysql_url: str) -> None:
    url = sa.make_url(mysql_url).set(password=SECRET)
    with pytest.raises(SandboxError) as exc_info, open_database(url.render_as_string(False)):
        pass
    message = _message(exc_info)
    assert "refused user 'root'" in message and "Access denied" in message
    assert "check the user name and password" in message


@pytest.mark.postgres
def test_unknown_database(postgres_url: str) -> None:
    url = sa.make_url(postgres_url).set(database="no_such_db_ormprobe", password=SECRET)
    with pytest.raises(SandboxError) as exc_info, open_database(url.render_as_string(False)):
        pass
    assert "database 'no_such_db_ormprobe' does not exist" in _message(exc_info)


@pytest.mark.parametrize(
    ("url", "module", "extra"),
    [
        (f"postgresql+asyncpg://u:{SECRET}@127.0.0.1/test", "asyncpg", "ormprobe[postgres]"),
        (f"mysql+mysqldb://u:{SECRET}@127.0.0.1/test", "MySQLdb", "ormprobe[mysql]"),
    ],
    ids=["asyncpg", "mysqldb"],
)
def test_missing_driver(url: str, module: str, extra: str) -> None:
    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed here")
    with pytest.raises(MissingDependencyError) as exc_info, open_database(url):
        pass
    message = _message(exc_info)
    assert module in message and f"install {extra}" in message and "***" in message


@pytest.mark.mariadb
def test_url_without_driver_uses_the_installed_one(mysql_url: str) -> None:
    plain = sa.make_url(mysql_url).set(drivername="mysql")
    with open_database(plain.render_as_string(False)) as database:
        assert database.engine.dialect.driver in ("pymysql", "mysqldb")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"postgresql+psycopg://u:{SECRET}@127.0.0.1:port/test", "malformed database URL"),
        ("definitely not a url", "malformed database URL"),
        (f"postgresql+nosuchdriver://u:{SECRET}@127.0.0.1/test", "unknown database or driver"),
        (f"oracle+oracledb://u:{SECRET}@127.0.0.1/test", "does not support oracle"),
    ],
    ids=["bad-port", "not-a-url", "unknown-driver", "unsupported-database"],
)
def test_bad_urls_are_usage_errors(url: str, expected: str) -> None:
    with pytest.raises(UsageError) as exc_info, open_database(url):
        pass
    assert type(exc_info.value) is UsageError and expected in _message(exc_info)


@pytest.mark.postgres
def test_postgres_role_without_createdb(postgres_url: str) -> None:
    role = f"ormprobe_nocreate_{secrets.token_hex(4)}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE ROLE {role} LOGIN NOCREATEDB PASSWORD 'pw'")
    url = sa.make_url(postgres_url).set(username=role, password=SECRET).render_as_string(False)
    try:
        with pytest.raises(SandboxError) as exc_info, open_database(url):
            pass
        message = _message(exc_info)
        assert f"user '{role}' may not create databases" in message
        assert "permission denied to create database" in message
        assert "CREATEDB" in message and "--in-place" in message
        with open_database(url, in_place=True) as database, database.sandbox() as box:
            assert box.connection.scalar(text("SELECT current_user")) == role
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP ROLE {role}")
        admin.dispose()


@pytest.mark.mariadb
def test_mariadb_user_without_create(mysql_url: str) -> None:
    user = f"ormprobe_nc_{secrets.token_hex(4)}"
    admin = sa.create_engine(mysql_url)
    with admin.begin() as connection:
        # %% because PyMySQL %-formats every statement.
        connection.exec_driver_sql(f"CREATE USER '{user}'@'%%' IDENTIFIED BY '{SECRET}'")
        connection.exec_driver_sql(f"GRANT SELECT ON test.* TO '{user}'@'%%'")
    url = sa.make_url(mysql_url).set(username=user, password=SECRET).render_as_string(False)
    try:
        with pytest.raises(SandboxError) as exc_info, open_database(url):
            pass
        message = _message(exc_info)
        assert f"user '{user}' may not create databases" in message
        assert "Access denied" in message and "--in-place" in message
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP USER '{user}'@'%%'")
        admin.dispose()


# --------------------------------------------------------------------------------------------
# pytest fixtures for users' own tests


def _plugin_args() -> list[str]:
    """Load the plugin explicitly only when its pytest11 entry point is not installed.

    Passing ``-p`` for an already auto-loaded plugin makes pytest register the module twice.
    """
    entry_points = importlib.metadata.entry_points(group="pytest11")
    if any(ep.value == "ormprobe.pytest_plugin" for ep in entry_points):
        return []
    return ["-p", "ormprobe.pytest_plugin"]


@pytest.fixture(scope="session")
def drivers_loaded() -> None:
    """Import the server drivers before any pytester fixture takes its sys.modules snapshot.

    pytester forgets the modules first imported after that snapshot. A re-imported psycopg
    then raises exception classes its still-loaded C extension does not know, so SQLAlchemy
    no longer recognises (and wraps) them.
    """
    for url in ("postgresql+psycopg://", "mysql+pymysql://"):
        sa.create_engine(url).dispose()


PLUGIN_MODELS = """
    import sqlalchemy as sa

    metadata = sa.MetaData()
    notes = sa.Table("notes", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""

PLUGIN_CONFTEST = """
    import pytest
    from notes_models import metadata

    @pytest.fixture(scope="session", autouse=True)
    def tables(ormprobe_engine):
        metadata.create_all(ormprobe_engine)
"""

# Both runs insert the same keys and commit: whichever runs second fails unless the first
# one's rows were rolled back.
PLUGIN_TESTS = """
    import pytest
    import sqlalchemy as sa
    from notes_models import notes

    def count(s):
        return s.scalar(sa.select(sa.func.count()).select_from(notes))

    @pytest.mark.parametrize("run", [1, 2])
    def test_insert_and_commit(ormprobe_session, run):
        assert count(ormprobe_session) == 0
        ormprobe_session.execute(notes.insert(), [{"id": 1}, {"id": 2}, {"id": 3}])
        ormprobe_session.commit()
        assert count(ormprobe_session) == 3

    def test_engine(ormprobe_engine, request):
        path = request.config.rootpath / "engine.txt"
        path.write_text(ormprobe_engine.url.render_as_string(hide_password=False))
"""


def test_plugin_isolates_tests(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(PLUGIN_CONFTEST)
    pytester.makepyfile(notes_models=PLUGIN_MODELS, test_notes=PLUGIN_TESTS)
    result = pytester.runpytest(*_plugin_args())
    result.assert_outcomes(passed=3)
    assert (pytester.path / "engine.txt").read_text() == "sqlite://"


@pytest.mark.postgres
@pytest.mark.usefixtures("drivers_loaded")
def test_plugin_uses_a_scratch_database_from_the_flag(pytester: pytest.Pytester, postgres_url: str) -> None:
    pytester.makeconftest(PLUGIN_CONFTEST)
    pytester.makepyfile(notes_models=PLUGIN_MODELS, test_notes=PLUGIN_TESTS)
    result = pytester.runpytest(*_plugin_args(), f"--ormprobe-db={postgres_url}")
    result.assert_outcomes(passed=3)
    used = sa.make_url((pytester.path / "engine.txt").read_text())
    assert used.get_backend_name() == "postgresql"
    assert used.database is not None and used.database.startswith("ormprobe_")
    assert used.database not in list_scratch_databases(postgres_url)


def test_plugin_reads_the_ini_option(pytester: pytest.Pytester, tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    _make_sqlite_file(path)
    pytester.makeini(f"[pytest]\normprobe_db = sqlite:///{path}\n")
    pytester.makeconftest(PLUGIN_CONFTEST)
    pytester.makepyfile(notes_models=PLUGIN_MODELS, test_notes=PLUGIN_TESTS)
    result = pytester.runpytest(*_plugin_args())
    result.assert_outcomes(passed=3)
    used = sa.make_url((pytester.path / "engine.txt").read_text()).database
    assert used is not None and used.endswith("app.db") and Path(used) != path


def test_plugin_engine_can_be_overridden_and_is_never_committed_to(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    path = tmp_path / "user.db"
    pytester.makeconftest(
        f"""
        import pytest
        import sqlalchemy as sa
        from notes_models import metadata

        @pytest.fixture(scope="session")
        def ormprobe_engine():
            engine = sa.create_engine("sqlite:///{path}")
            metadata.create_all(engine)
            yield engine
            engine.dispose()
        """
    )
    pytester.makepyfile(notes_models=PLUGIN_MODELS, test_notes=PLUGIN_TESTS)
    pytester.runpytest(*_plugin_args()).assert_outcomes(passed=3)
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM notes")) == 0
    engine.dispose()


@pytest.mark.usefixtures("drivers_loaded")
def test_plugin_reports_a_bad_url_in_one_line(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(PLUGIN_CONFTEST)
    pytester.makepyfile(notes_models=PLUGIN_MODELS, test_notes=PLUGIN_TESTS)
    url = f"postgresql+psycopg://u:{SECRET}@127.0.0.1:1/test"
    result = pytester.runpytest(*_plugin_args(), f"--ormprobe-db={url}")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*ormprobe_engine: cannot reach the postgresql server*"])
    assert SECRET not in result.stdout.str()


def test_plugin_module_imports_no_sqlalchemy() -> None:
    code = "import sys, ormprobe.pytest_plugin; print('sqlalchemy' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "False"
