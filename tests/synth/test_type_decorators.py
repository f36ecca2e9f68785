"""User TypeDecorators whose Python side is not what their impl stores, on real databases.

A GUID-style decorator stores text (or a native UUID on PostgreSQL) but binds only
``uuid.UUID``; a JSON-in-Text decorator stores text but is meant for dicts, which a
``Mutable`` wrapper insists on (redash wraps an encrypted type so, whose bind needs the
wrapper's own class). Values are chosen by what the decorator binds; rows are
created by the synthesized factories inside a scratch database that is dropped after.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ormprobe.errors import SynthesisError
from ormprobe.graph import ColumnInfo, ModelGraph
from ormprobe.introspect import build_graph
from ormprobe.loading import load_models
from ormprobe.sandbox import open_database
from ormprobe.synth.factories import Factories
from ormprobe.synth.values import (
    context,
    describe,
    provider_for,
    register_provider,
    seed,
    unregister_provider,
)

# Imported before any test: ``clean_modules`` forgets what a test imported first, and
# sqlalchemy-utils (which the built-in providers look for) warns when imported twice.
importlib.import_module("sqlalchemy_utils")

MODELS = """
import json
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.mutable import Mutable, MutableDict
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy_utils import StringEncryptedType


class HexUUID(sa.types.TypeDecorator):
    \"\"\"A native UUID on PostgreSQL, 32 hex digits elsewhere; binds only uuid.UUID.\"\"\"

    impl = sa.CHAR(32)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.UUID(as_uuid=True))
        return dialect.type_descriptor(sa.CHAR(32))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, uuid.UUID):
            raise TypeError(f"HexUUID binds uuid.UUID, not {type(value).__name__}")
        return value if dialect.name == "postgresql" else value.hex

    def process_result_value(self, value, dialect):
        if value is None or isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(hex=value)


class JSONText(sa.types.TypeDecorator):
    \"\"\"JSON serialised into a TEXT column.\"\"\"

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else json.dumps(value)

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(value)


class Options(Mutable, dict):
    \"\"\"A hand-written Mutable dict: assigning anything but a dict fails.\"\"\"

    @classmethod
    def coerce(cls, key, value):
        if isinstance(value, Options):
            return value
        if isinstance(value, dict):
            return Options(value)
        return Mutable.coerce(key, value)

    def __setitem__(self, key, value):
        dict.__setitem__(self, key, value)
        self.changed()


class Config(Mutable):
    \"\"\"Not a dict, but made from one by coerce(); its types bind only a Config.\"\"\"

    def __init__(self, data):
        self.data = dict(data)

    @classmethod
    def coerce(cls, key, value):
        if isinstance(value, Config):
            return value
        if isinstance(value, dict):
            return Config(value)
        return Mutable.coerce(key, value)

    def to_json(self):
        return json.dumps(self.data)


class ConfigText(sa.types.TypeDecorator):
    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value.to_json()

    def process_result_value(self, value, dialect):
        return None if value is None else Config(json.loads(value))


class EncryptedConfig(StringEncryptedType):
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return super().process_bind_param(None if value is None else value.to_json(), dialect)

    def process_result_value(self, value, dialect):
        text = super().process_result_value(value, dialect)
        return None if text is None else Config(json.loads(text))


class Base(DeclarativeBase):
    pass


class Gadget(Base):
    __tablename__ = "gadget"

    id = mapped_column(sa.Integer, primary_key=True)
    public_id = mapped_column(HexUUID(), unique=True, nullable=False)
    replaces = mapped_column(HexUUID())
    options = mapped_column(Options.as_mutable(JSONText()), nullable=False)
    settings = mapped_column(MutableDict.as_mutable(JSONText()))
    config = mapped_column(Config.as_mutable(ConfigText()), nullable=False)
    secrets = mapped_column(Config.as_mutable(EncryptedConfig(sa.Text, "not-a-secret", length=400)))
"""

# Integers on PostgreSQL (the column was migrated there), text elsewhere. On PostgreSQL
# it leaves checking to the driver, so only its dialect impl tells what the column holds.
PER_DIALECT_MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, mapped_column


class Code(sa.types.TypeDecorator):
    impl = sa.String(12)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(sa.Integer())
        return dialect.type_descriptor(sa.String(12))

    def process_bind_param(self, value, dialect):
        if value is None or dialect.name == "postgresql":
            return value
        if not isinstance(value, (str, int)):
            raise TypeError(f"Code binds text or numbers, not {type(value).__name__}")
        return str(value)


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "ticket"

    id = mapped_column(sa.Integer, primary_key=True)
    code = mapped_column(Code(), nullable=False)
"""

# A decorator that binds only its own value class: no built-in kind will do.
MONEY_MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, mapped_column


class Money:
    def __init__(self, cents, currency):
        self.cents, self.currency = cents, currency


class MoneyType(sa.types.TypeDecorator):
    impl = sa.String(20)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Money):
            raise TypeError(f"MoneyType binds Money, not {type(value).__name__}")
        return f"{value.cents} {value.currency}"


class Base(DeclarativeBase):
    pass


class Invoice(Base):
    __tablename__ = "invoice"

    id = mapped_column(sa.Integer, primary_key=True)
    total = mapped_column(MoneyType())
"""


# -- harness -----------------------------------------------------------------------------


@pytest.fixture
def load(tmp_path: Path, clean_modules: None) -> Callable[[str], ModelGraph]:
    """Write a models module under a fresh name and load it like ``ormprobe scan`` does."""

    def loader(source: str) -> ModelGraph:
        path = tmp_path / f"models_{uuid.uuid4().hex[:10]}.py"
        path.write_text(source, encoding="utf-8")
        return build_graph(load_models(str(path)))

    return loader


@contextmanager
def synthesis(graph: ModelGraph, url: str) -> Iterator[tuple[Factories, Session]]:
    """Factories over ``graph``'s models, bound to a rolled-back session on ``url``."""
    metadatas = list(dict.fromkeys(m.class_.metadata for m in graph.models))
    with open_database(url) as database:
        schema = database.create_schema(metadatas)
        assert not schema.failed, schema.failed
        with database.sandbox() as box, box.session() as session:
            dialect = "mysql" if database.dialect in ("mysql", "mariadb") else database.dialect
            factories = Factories(graph, dialect=dialect)
            with factories.bind(session):
                yield factories, session


def column(graph: ModelGraph, model: str, name: str) -> ColumnInfo:
    return graph.model(model).column(name)


# -- the values a decorator binds --------------------------------------------------------


def test_guid_and_json_text_decorators_get_values_they_bind_and_rows_persist(
    load: Callable[[str], ModelGraph], db_url: str
) -> None:
    graph = load(MODELS)
    with synthesis(graph, db_url) as (factories, session):
        gadgets = [factories.create("Gadget") for _ in range(5)]
        session.expire_all()
        public_ids = [g.public_id for g in gadgets]
        assert all(isinstance(i, uuid.UUID) for i in public_ids)
        assert len(set(public_ids)) == len(public_ids)
        assert all(isinstance(g.replaces, uuid.UUID) for g in gadgets)
        assert all(isinstance(g.options, dict) and g.options for g in gadgets)
        assert all(isinstance(g.settings, dict) and g.settings for g in gadgets)
        # Mutable wrappers that turn a dict into their own class before the type binds it.
        assert all(type(g.config).__name__ == "Config" and g.config.data for g in gadgets)
        assert all(type(g.secrets).__name__ == "Config" and g.secrets.data for g in gadgets)
        gadgets[0].options["changed"] = True  # still tracked by the hand-written Mutable
        assert gadgets[0] in session.dirty


def test_the_dialects_own_impl_decides_when_the_dialect_is_known(
    load: Callable[[str], ModelGraph], postgres_url: str
) -> None:
    graph = load(PER_DIALECT_MODELS)
    code = column(graph, "Ticket", "code")
    on_sqlite = [provider_for(code, unique=True, dialect="sqlite")(context(n)) for n in range(3)]
    on_postgresql = [provider_for(code, unique=True, dialect="postgresql")(context(n)) for n in range(3)]
    assert all(isinstance(v, str) and len(v) <= 12 for v in on_sqlite)
    assert all(isinstance(v, int) and not isinstance(v, bool) for v in on_postgresql)

    ticket = graph.model("Ticket").class_
    with open_database(postgres_url) as database:
        database.create_schema([ticket.metadata])
        with database.sandbox() as box, box.session() as session:
            session.add_all([ticket(code=value) for value in on_postgresql])
            session.flush()
            stored = session.scalars(sa.select(ticket.code).order_by(ticket.code)).all()
    assert sorted(stored) == sorted(on_postgresql)


def test_a_decorator_that_binds_no_known_kind_is_named_with_the_way_out(
    load: Callable[[str], ModelGraph],
) -> None:
    graph = load(MONEY_MODELS)
    total = column(graph, "Invoice", "total")
    assert total.nullable
    # Nullable, yet an error, not NULL: a check that needs the column's values (a
    # UNIQUE, a CHECK) would otherwise prove things about NULLs without saying so.
    with pytest.raises(SynthesisError) as raised:
        provider_for(total, model="Invoice")
    message = str(raised.value)
    assert raised.value.target == "Invoice.total"
    assert "Invoice.total" in message and "MoneyType" in message
    assert "binds no value tried (str, UUID, dict and 12 more kinds)" in message
    assert "gave TypeError: MoneyType binds Money, not str (sqlite)" in message
    assert "ormprobe.register_provider(MoneyType, fn)" in message
    assert '[tool.ormprobe.values] "Invoice.total"' in message

    money_type = type(total.sa_type)
    money = importlib.import_module(money_type.__module__).Money
    register_provider(money_type, lambda ctx: money(ctx.sequence, "EUR"))
    try:
        made = provider_for(total, model="Invoice")(context(7))
    finally:
        unregister_provider(money_type)
    assert (made.cents, made.currency) == (7, "EUR")


LOWERED_MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, mapped_column


class Lowered(sa.types.TypeDecorator):
    impl = sa.String(16)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value.lower()


class Base(DeclarativeBase):
    pass


class Tag(Base):
    __tablename__ = "tag"

    id = mapped_column(sa.Integer, primary_key=True)
    label = mapped_column(Lowered(), unique=True, nullable=False)
"""


def test_a_decorator_that_binds_its_impls_values_keeps_them(load: Callable[[str], ModelGraph]) -> None:
    label = column(load(LOWERED_MODELS), "Tag", "label")
    made = [provider_for(label, unique=True)(context(n)) for n in range(50)]
    assert all(isinstance(v, str) and len(v) <= 16 for v in made)
    assert len({v.lower() for v in made}) == len(made)
    # JSONText binds text too (it serialises any JSON value): without a Mutable wrapper
    # asking for a dict, its impl's text is what it gets.
    raw = load(MODELS.replace("Options.as_mutable(JSONText())", "JSONText()"))
    assert isinstance(provider_for(column(raw, "Gadget", "options"))(context(0)), str)


def test_the_decision_does_not_draw_from_the_runs_random_stream(load: Callable[[str], ModelGraph]) -> None:
    """Deciding samples values; were they drawn from the shared generators, one seed
    would give other values once the decision is cached."""
    graph = load(MODELS)
    columns = [column(graph, "Gadget", name) for name in ("public_id", "options", "settings")]

    def run() -> list[Any]:
        seed(99)
        return [provider_for(c, model="Gadget")(context(n)) for c in columns for n in range(3)]

    assert run() == run()


def test_generated_declarations_make_values_the_decorator_binds(load: Callable[[str], ModelGraph]) -> None:
    graph = load(MODELS)
    sqlite = sa.create_engine("sqlite://").dialect
    for name, unique in (("public_id", True), ("replaces", False), ("options", False)):
        info = column(graph, "Gadget", name)
        declaration = describe(info, model="Gadget", unique=unique)
        namespace: dict[str, Any] = {"factory": importlib.import_module("factory")}
        for line in declaration.imports:
            exec(line, namespace)
        rows = namespace["factory"].build_batch(dict, 20, value=eval(declaration.source, namespace))
        made = [row["value"] for row in rows]
        for value in made:
            info.sa_type.process_bind_param(value, sqlite)  # raises on a value it refuses
        if unique:
            assert len(set(made)) == len(made), declaration.source
    assert describe(column(graph, "Gadget", "public_id")).source == 'factory.Faker("uuid4", cast_to=None)'


AWARE_MODELS = """
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class AwareStamp(sa.types.TypeDecorator):
    # Aware everywhere; SQLite stores it in a naive DATETIME, so its impl there is naive.
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sqlite.DATETIME())
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("timestamps must be aware")
        return value


class Base(DeclarativeBase):
    pass


class Run(Base):
    __tablename__ = "run"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(AwareStamp)
"""


def test_a_decorator_that_wants_aware_datetimes_gets_them_where_its_impl_is_naive(
    load: Callable[[str], ModelGraph],
) -> None:
    graph = load(AWARE_MODELS)
    started_at = column(graph, "Run", "started_at")
    for dialect in ("sqlite", None):
        made = [provider_for(started_at, dialect=dialect)(context(n)) for n in range(3)]
        assert all(value.tzinfo is not None for value in made), dialect
