"""Synthesized factories against real models and real databases.

The promise under test: for any models module, ormprobe creates valid rows of every
model, with every required parent, on SQLite, PostgreSQL and MariaDB, without the user
writing a factory. Each database here is a scratch database (or in-memory SQLite) that
``open_database`` drops afterwards; every object is made inside a SAVEPOINT.
"""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ormprobe.errors import SynthesisError
from ormprobe.introspect import build_graph
from ormprobe.loading import load_models
from ormprobe.sandbox import SchemaResult, open_database
from ormprobe.synth.constraints import analyze_checks
from ormprobe.synth.factories import Factories, seed
from ormprobe.synth.values import register_provider, unregister_provider

# Imported before any test: ``clean_modules`` forgets what a test imported first, and
# cryptography (under sqlalchemy-utils' encrypted types) can't be imported twice: its
# compiled core keeps the classes of the first import.
importlib.import_module("sqlalchemy_utils")

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FIXTURE_MODELS = sorted((FIXTURES / "models").glob("*.py"))
CLEAN_DIR = FIXTURES / "clean"


# -- harness -----------------------------------------------------------------------------


@pytest.fixture
def write_models(tmp_path: Path, clean_modules: None) -> Callable[[str], str]:
    """Write a models module under a fresh name and return its path."""

    def write(source: str) -> str:
        path = tmp_path / f"models_{uuid.uuid4().hex[:10]}.py"
        path.write_text(source, encoding="utf-8")
        return str(path)

    return write


@contextmanager
def synthesis(
    target: str, url: str, *, verify: bool = True, **options: Any
) -> Iterator[tuple[Factories, Session, SchemaResult]]:
    """Factories over ``target``'s models, bound to a rolled-back session on ``url``."""
    loaded = load_models(target)
    graph = build_graph(loaded)
    with open_database(url) as database:
        schema = database.create_schema(list(loaded.metadatas))
        with database.sandbox() as box, box.session() as session:
            dialect = "mysql" if database.dialect in ("mysql", "mariadb") else database.dialect
            factories = Factories(graph, dialect=dialect, verify=verify, **options)
            with factories.bind(session):
                yield factories, session, schema


def create_every_model(
    factories: Factories, session: Session, schema: SchemaResult, count: int = 3
) -> tuple[int, list[str]]:
    """``count`` objects of every model, each in its own SAVEPOINT; (made, failures)."""
    made, failures = 0, []
    for model in factories.graph.models:
        if not all(schema.usable(t) for t in model.tables):
            continue  # the database refused the table itself: not synthesis's business
        for n in range(count):
            try:
                with session.begin_nested():
                    factories.create(model.name)
                made += 1
            except Exception as exc:  # every failure is collected and reported at once
                failures.append(f"{model.name} #{n}: {type(exc).__name__}: {_first_line(exc)}")
    return made, failures


def _generator() -> Any:
    """``fixtures/generate.py``, imported from its file (fixtures/ is not a package)."""
    path = FIXTURE_MODELS[0].parents[1] / "generate.py"
    spec = importlib.util.spec_from_file_location("ormprobe_fixture_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up (clean_modules drops it)
    spec.loader.exec_module(module)
    return module


def _first_line(exc: BaseException) -> str:
    return next((line for line in str(exc).splitlines() if line.strip()), "")[:300]


# -- acceptance: every fixture model, every backend --------------------------------------


@pytest.mark.parametrize("path", FIXTURE_MODELS, ids=[p.stem for p in FIXTURE_MODELS])
def test_every_fixture_model_is_created_with_its_parents(
    path: Path, db_url: str, clean_modules: None
) -> None:
    with synthesis(str(path), db_url) as (factories, session, schema):
        made, failures = create_every_model(factories, session, schema)
    assert failures == []
    assert made >= 3


@pytest.mark.slow
def test_a_generated_300_model_schema_is_created_in_full(
    db_url: str, tmp_path: Path, clean_modules: None
) -> None:
    path = _generator().write_models(tmp_path / f"generated_{uuid.uuid4().hex[:8]}.py", 300, seed=3)
    with synthesis(str(path), db_url) as (factories, session, schema):
        made, failures = create_every_model(factories, session, schema)
    assert failures == []
    assert made == 900


# -- uniqueness, seeds -------------------------------------------------------------------

UNIQUE_MODELS = """
import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Shop(Base):
    __tablename__ = "shop"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))


class Product(Base):
    __tablename__ = "product"
    __table_args__ = (sa.UniqueConstraint("shop_id", "title"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(sa.ForeignKey("shop.id"))
    title: Mapped[str] = mapped_column(sa.String(60))
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    code: Mapped[str] = mapped_column(sa.String(4), unique=True)
    rank: Mapped[int] = mapped_column(sa.SmallInteger, unique=True)
    launched_on: Mapped[dt.date] = mapped_column(unique=True)
    price: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2), unique=True)
    shop: Mapped[Shop] = relationship()


class Account(Base):
    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    handle: Mapped[str] = mapped_column(sa.String(30), unique=True)
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "account"}


class Person(Account):
    __mapper_args__ = {"polymorphic_identity": "person"}


class Company(Account):
    __mapper_args__ = {"polymorphic_identity": "company"}
"""


def test_a_thousand_rows_never_collide_on_unique_columns(
    db_url: str, write_models: Callable[[str], str]
) -> None:
    with synthesis(write_models(UNIQUE_MODELS), db_url, verify=False) as (factories, session, _):
        shop = factories.create("Shop")
        products = [factories.create("Product", shop=shop) for _ in range(1000)]
        # Subclasses of one single-table hierarchy share its unique column.
        accounts = [factories.create(m) for m in ("Person", "Company") for _ in range(200)]
        session.flush()
    for attribute in ("email", "code", "rank", "launched_on", "price"):
        values = [getattr(p, attribute) for p in products]
        assert len(set(values)) == 1000, attribute
    assert len({p.title for p in products}) == 1000  # unique together with the shop
    assert len({a.handle.lower() for a in accounts}) == 400


def test_the_same_seed_gives_the_same_values(write_models: Callable[[str], str]) -> None:
    target = write_models(UNIQUE_MODELS)

    def values_with(seed_value: int) -> list[tuple[Any, ...]]:
        with synthesis(target, "sqlite://", verify=False) as (factories, _, _schema):
            seed(seed_value)
            rows = [factories.create("Product") for _ in range(5)]
            return [(p.title, p.email, p.code, p.rank, p.price, p.shop.name) for p in rows]

    assert values_with(11) == values_with(11)
    assert values_with(11) != values_with(12)


# -- CHECK constraints: the solver's choices, and the database as oracle -----------------

SERVER_DEFAULT_CHECKS = """
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Run(Base):
    __tablename__ = "run"
    __table_args__ = (
        sa.CheckConstraint("finished_at IS NULL OR finished_at >= started_at", name="ck_run_order"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, server_default=sa.func.now())
    finished_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)


class Booking(Base):
    __tablename__ = "booking"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ck_booking_order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, server_default=sa.func.now())
    ends_at: Mapped[dt.datetime] = mapped_column(sa.DateTime)
"""


def test_a_check_branch_is_chosen_that_the_row_can_satisfy(
    db_url: str, write_models: Callable[[str], str]
) -> None:
    """``started_at`` is filled by the database: the row can't relate ``finished_at``
    to it, so ``finished_at`` stays NULL; ``ends_at > starts_at`` has no such branch, so
    ``starts_at`` is given a value after all."""
    target = write_models(SERVER_DEFAULT_CHECKS)
    with synthesis(target, db_url) as (factories, _, _schema):
        runs = [factories.create("Run") for _ in range(3)]
        bookings = [factories.create("Booking") for _ in range(3)]
        run_analysis = factories.analysis("run")
        booking_analysis = factories.analysis("booking")
    assert all(run.finished_at is None for run in runs)
    assert run_analysis.domain("finished_at").null_only
    assert booking_analysis.needs_values == ("starts_at",)
    assert all(b.ends_at > b.starts_at for b in bookings)


def test_without_unset_columns_the_analysis_keeps_its_first_choice(
    write_models: Callable[[str], str],
) -> None:
    graph = build_graph(load_models(write_models(SERVER_DEFAULT_CHECKS)))
    plain = analyze_checks(graph.table("run"))
    informed = analyze_checks(graph.table("run"), unset=["started_at"])
    assert [r.text for r in plain.relations] == ["finished_at >= started_at"]
    assert informed.relations == ()
    assert informed.needs_values == ()


ORACLE_MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Shelf(Base):
    __tablename__ = "shelf"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(40))


class Gadget(Base):
    __tablename__ = "gadget"
    __table_args__ = (
        sa.CheckConstraint("abs(tilt) < 5", name="ck_gadget_tilt"),
        sa.CheckConstraint("serial % 7 = 3", name="ck_gadget_serial"),
        sa.CheckConstraint("replace(code, '-', '') = code", name="ck_gadget_no_dash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    shelf_id: Mapped[int] = mapped_column(sa.ForeignKey("shelf.id"))
    tilt: Mapped[int]
    serial: Mapped[int] = mapped_column(unique=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    shelf: Mapped[Shelf] = relationship()


class Widget(Base):
    __tablename__ = "widget"
    __table_args__ = (
        sa.CheckConstraint("length(replace(name, 'a', '')) = 37", name="ck_widget_impossible"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(10))
"""


def test_checks_the_solver_cannot_read_are_met_with_the_database_as_oracle(
    db_url: str, write_models: Callable[[str], str]
) -> None:
    with synthesis(write_models(ORACLE_MODELS), db_url) as (factories, session, _):
        assert set(factories.analysis("gadget").unsolved) == {
            "ck_gadget_tilt",
            "ck_gadget_serial",
            "ck_gadget_no_dash",
        }
        gadgets = [factories.create("Gadget") for _ in range(8)]
        stored = session.execute(sa.text("SELECT tilt, serial, code FROM gadget")).all()
    assert len(stored) == 8
    assert all(abs(tilt) < 5 and serial % 7 == 3 and "-" not in code for tilt, serial, code in stored)
    assert len({g.serial for g in gadgets}) == len({g.code for g in gadgets}) == 8


def test_a_check_nothing_satisfies_is_named_with_the_way_out(
    db_url: str, write_models: Callable[[str], str]
) -> None:
    with synthesis(write_models(ORACLE_MODELS), db_url) as (factories, session, _):
        with pytest.raises(SynthesisError) as raised:
            factories.create("Widget")
        # The failed tries were rolled back to their SAVEPOINTs: the session still works.
        factories.create("Gadget")
        session.flush()
    message = str(raised.value)
    assert "ck_widget_impossible" in message
    assert "length(replace(name, 'a', '')) = 37" in message
    assert '[tool.ormprobe.values] "Widget.name"' in message


def test_what_the_database_accepted_is_remembered(write_models: Callable[[str], str]) -> None:
    """After the first row, the accepted kind of value is tried first: no more rejects."""
    with synthesis(write_models(ORACLE_MODELS), "sqlite://", verify=False) as (f, session, _):
        f.create("Gadget")
        connection = session.connection()
        statements: list[str] = []
        sa.event.listen(connection, "before_cursor_execute", _record(statements))
        for _ in range(5):
            f.create("Gadget")
    inserts = [s for s in statements if s.startswith("INSERT INTO gadget")]
    assert len(inserts) == 5


def _record(into: list[str]) -> Callable[..., None]:
    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        into.append(statement)

    return record


# -- foreign keys ------------------------------------------------------------------------

LINKED_MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))


class Player(Base):
    __tablename__ = "player"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id"))
    coach_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id"))
    name: Mapped[str] = mapped_column(sa.String(40))
    team: Mapped[Team] = relationship(foreign_keys=[team_id])
"""


def test_link_verification_finds_a_key_that_points_nowhere(
    write_models: Callable[[str], str],
) -> None:
    with synthesis(write_models(LINKED_MODELS), "sqlite://", verify=False) as (f, session, _):
        player = f.create("Player")
        assert f.verify_links(player) == 1
        assert player.coach_id is None  # a nullable link stays empty
        session.execute(sa.text("PRAGMA defer_foreign_keys = ON"))
        session.execute(sa.text("UPDATE player SET team_id = 987654"))
        session.expire(player)
        with pytest.raises(SynthesisError, match="points at no row of team"):
            f.verify_links(player)


def test_one_parent_is_shared_per_call_unless_the_link_is_unique(clean_modules: None) -> None:
    target = str(next(p for p in FIXTURE_MODELS if p.stem == "agent_platform"))
    with synthesis(target, "sqlite://") as (factories, _, _schema):
        execution = factories.create("AgentExecution")
        config = factories.create("AgentConfig")
        other = factories.create("AgentConfig")
    assert execution.workspace is execution.agent.workspace
    assert config.agent is not other.agent  # agent_config.agent_id is unique


def test_two_links_of_a_row_to_one_table_get_two_parents(clean_modules: None) -> None:
    target = str(CLEAN_DIR / "ledger_distinct_parents.py")
    with synthesis(target, "sqlite://") as (factories, _, _schema):
        transfers = [factories.create("Transfer") for _ in range(3)]
        follow = factories.create("Follow")
    assert all(t.source is not t.destination for t in transfers)  # CHECK source <> destination
    assert follow.follower is not follow.followee
    with synthesis(target, "sqlite://") as (factories, _, _schema), factories.sharing():
        first, second = factories.create("Transfer"), factories.create("Transfer")
    # One role's parent is still shared, the other's is the row's own.
    assert (first.source is second.source) != (first.destination is second.destination)


SINGLE_PARENT = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Address(Base):
    __tablename__ = "address"
    id: Mapped[int] = mapped_column(primary_key=True)
    street: Mapped[str] = mapped_column(sa.String(80))


class Shipment(Base):
    __tablename__ = "shipment"
    id: Mapped[int] = mapped_column(primary_key=True)
    address_id: Mapped[int] = mapped_column(sa.ForeignKey("address.id"))
    # delete-orphan on a many-to-one needs single_parent: one address per shipment.
    address: Mapped[Address] = relationship(cascade="all, delete-orphan", single_parent=True)
"""


def test_a_single_parent_many_to_one_gets_a_parent_per_row(write_models: Callable[[str], str]) -> None:
    with synthesis(write_models(SINGLE_PARENT), "sqlite://") as (factories, _, _schema), factories.sharing():
        first, second = factories.create("Shipment"), factories.create("Shipment")
    assert first.address is not second.address


MUTABLE_JSON = """
import sqlalchemy as sa
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Document(Base):
    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    tags = mapped_column(MutableList.as_mutable(sa.JSON), nullable=False)
    meta = mapped_column(MutableDict.as_mutable(sa.JSON), nullable=False)
    plain = mapped_column(sa.JSON, nullable=False)
"""


def test_mutable_json_columns_get_the_container_they_accept(
    write_models: Callable[[str], str], db_url: str
) -> None:
    with synthesis(write_models(MUTABLE_JSON), db_url) as (factories, session, _schema):
        document = factories.create("Document")
        session.expire(document)
        assert isinstance(document.tags, list) and document.tags
        assert isinstance(document.meta, dict) and isinstance(document.plain, dict)
        document.tags.append("changed")  # still tracked by MutableList
        assert document in session.dirty


DEFERRED_CYCLE = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    latest_book_id: Mapped[int] = mapped_column(
        sa.ForeignKey(
            "book.id", deferrable=True, initially="DEFERRED", use_alter=True, name="fk_latest"
        )
    )
    latest_book: Mapped["Book"] = relationship(foreign_keys=[latest_book_id], post_update=True)


class Book(Base):
    __tablename__ = "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("author.id"))
    title: Mapped[str] = mapped_column(sa.String(40))
    author: Mapped[Author] = relationship(foreign_keys=[author_id])
"""


def test_a_not_null_cycle_closed_by_a_deferrable_key_is_created(
    deferrable_db_url: str, write_models: Callable[[str], str]
) -> None:
    """The DEFERRABLE INITIALLY DEFERRED key is checked at commit: the Author is inserted
    pointing at the key its Book will get, and the Book follows, pointing back."""
    with synthesis(write_models(DEFERRED_CYCLE), deferrable_db_url) as (factories, session, schema):
        made, failures = create_every_model(factories, session, schema)
        author = factories.create("Author")
        assert author.latest_book.author is author
    assert failures == []
    assert made == 6


# -- the user's say: validators, overrides, providers -------------------------------------

VALIDATED_MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates


class Base(DeclarativeBase):
    pass


class Voucher(Base):
    __tablename__ = "voucher"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.String(40))
    sku: Mapped[str] = mapped_column(sa.String(20))

    @validates("code")
    def _code_starts_with_v(self, key: str, value: str) -> str:
        if not value.startswith("V-"):
            raise ValueError("voucher codes start with V-")
        return value
"""

HELPERS = """
def note() -> str:
    return "from a callable"


def numbered(ctx) -> str:
    return f"V-{ctx.sequence}"
"""


def test_a_validator_that_rejects_a_value_is_named_with_the_override(
    write_models: Callable[[str], str],
) -> None:
    target = write_models(VALIDATED_MODELS)
    with (
        synthesis(target, "sqlite://") as (factories, _, _s),
        pytest.raises(SynthesisError) as raised,
    ):
        factories.create("Voucher")
    message = str(raised.value)
    assert "@validates('code') _code_starts_with_v() rejected the synthesized value" in message
    assert "voucher codes start with V-" in message
    assert '[tool.ormprobe.values] "Voucher.code" = ...' in message


def test_value_overrides_take_literals_and_callables(
    write_models: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helpers = f"helpers_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{helpers}.py").write_text(HELPERS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    overrides = {
        "Voucher.code": f"{helpers}:numbered",
        "Voucher.note": f"{helpers}:note",
        "Voucher.sku": "SKU-1",
    }
    target = write_models(VALIDATED_MODELS)
    with synthesis(target, "sqlite://", overrides=overrides) as (factories, _, _schema):
        vouchers = [factories.create("Voucher") for _ in range(3)]
        given = factories.create("Voucher", sku="SKU-2")
    assert [v.code for v in vouchers] == ["V-0", "V-1", "V-2"]
    assert {v.note for v in vouchers} == {"from a callable"}
    assert {v.sku for v in vouchers} == {"SKU-1"}
    assert given.sku == "SKU-2"


def test_a_registered_provider_makes_the_values(write_models: Callable[[str], str]) -> None:
    def is_sku(column: Any) -> bool:
        return bool(column.name == "sku")

    register_provider(is_sku, lambda ctx: f"SKU-{ctx.sequence:04d}")
    try:
        target = write_models(VALIDATED_MODELS)
        overrides = {"Voucher.code": "V-fixed"}
        with synthesis(target, "sqlite://", overrides=overrides) as (factories, _, _schema):
            skus = [factories.create("Voucher").sku for _ in range(3)]
    finally:
        unregister_provider(is_sku)
    assert all(sku.startswith("SKU-") and len(sku) == 8 for sku in skus)
    assert len(set(skus)) == 3
