"""Value providers against real model files and real databases.

Every model file here is written to ``tmp_path`` with a random suffix in its module,
table and type names, so runs in parallel (pytest-xdist) and on shared servers never
collide; rows are inserted inside a transaction that is rolled back (MariaDB commits DDL
implicitly, so its tables are dropped afterwards).
"""

from __future__ import annotations

import datetime as dt
import enum
import ipaddress
import string
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from ormprobe.errors import SynthesisError, UsageError
from ormprobe.graph import ColumnInfo, ModelGraph, ModelInfo
from ormprobe.introspect import build_graph
from ormprobe.loading import LoadedModels, load_models
from ormprobe.synth.constraints import Domain, analyze_checks, satisfy_relations
from ormprobe.synth.values import (
    ValueContext,
    context,
    needs_value,
    provider_for,
    register_provider,
    seed,
    unregister_provider,
)

# -- model files -----------------------------------------------------------------------

CORE_MODELS = """
import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SUFFIX = "__SUFFIX__"


class Base(DeclarativeBase):
    pass


class Colour(enum.Enum):
    RED = "r"
    GREEN = "g"


class Grade(enum.Enum):
    HIGH = "high-grade"
    LOW = "low-grade"


class Everything(Base):
    __tablename__ = f"everything_{SUFFIX}"

    id: Mapped[int] = mapped_column(primary_key=True)
    small = mapped_column(sa.SmallInteger, nullable=False)
    big = mapped_column(sa.BigInteger, nullable=False)
    number = mapped_column(sa.Integer, nullable=False)
    price = mapped_column(sa.Numeric(5, 2), nullable=False)
    amount = mapped_column(sa.Numeric(12, 4))
    plain_numeric = mapped_column(sa.Numeric)
    ratio = mapped_column(sa.Float)
    double = mapped_column(sa.Double)
    flag = mapped_column(sa.Boolean, nullable=False)
    checked_flag = mapped_column(sa.Boolean(create_constraint=True, name=f"ck_flag_{SUFFIX}"))
    colour = mapped_column(sa.Enum(Colour, name=f"colour_{SUFFIX}"), nullable=False)
    grade = mapped_column(
        sa.Enum(
            Grade,
            name=f"grade_{SUFFIX}",
            values_callable=lambda members: [m.value for m in members],
            create_constraint=True,
        )
    )
    status = mapped_column(sa.Enum("draft", "published", name=f"status_{SUFFIX}"))
    code = mapped_column(sa.String(1))
    short = mapped_column(sa.String(3))
    title = mapped_column(sa.String(200))
    body = mapped_column(sa.Text)
    label = mapped_column(sa.Unicode(50))
    fixed = mapped_column(sa.CHAR(4))
    born_on = mapped_column(sa.Date)
    created_at = mapped_column(sa.DateTime)
    expires_at = mapped_column(sa.DateTime(timezone=True))
    opens_at = mapped_column(sa.Time)
    duration = mapped_column(sa.Interval)
    payload = mapped_column(sa.JSON)
    blob = mapped_column(sa.LargeBinary(64))
    public_id = mapped_column(sa.Uuid, unique=True, nullable=False)
    text_id = mapped_column(sa.Uuid(as_uuid=False))
    pickled = mapped_column(sa.PickleType)
    email = mapped_column(sa.String(60), unique=True, nullable=False)
    first_name = mapped_column(sa.String(40))
    last_name = mapped_column(sa.String(40))
    username = mapped_column(sa.String(30), unique=True)
    slug = mapped_column(sa.String(50), unique=True)
    website = mapped_column(sa.String(120))
    phone = mapped_column(sa.String(20))
    country_code = mapped_column(sa.String(2))
    currency = mapped_column(sa.String(3))
    ip_address = mapped_column(sa.String(45))
    api_token = mapped_column(sa.String(64), unique=True)
    color = mapped_column(sa.String(7))
    zip_code = mapped_column(sa.String(10))
    description = mapped_column(sa.String(500))
    guid = mapped_column(sa.String(36), unique=True)


class Defaults(Base):
    __tablename__ = f"defaults_{SUFFIX}"

    id: Mapped[int] = mapped_column(primary_key=True)
    plain: Mapped[str] = mapped_column(sa.String(10))
    nullable: Mapped[str | None] = mapped_column(sa.String(10))
    with_default: Mapped[int] = mapped_column(default=3)
    with_callable: Mapped[uuid.UUID] = mapped_column(default=uuid.uuid4)
    with_server_default: Mapped[str] = mapped_column(sa.String(5), server_default="x")
    stamped: Mapped[dt.datetime] = mapped_column(server_default=sa.func.now())
    width: Mapped[int] = mapped_column(default=2)
    area: Mapped[int | None] = mapped_column(sa.Computed("width * 2", persisted=True))


class Counter(Base):
    __tablename__ = f"counter_{SUFFIX}"

    id: Mapped[int] = mapped_column(sa.Identity(), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(10))


class Pair(Base):
    __tablename__ = f"pair_{SUFFIX}"
    __table_args__ = (sa.UniqueConstraint("room", "day"),)

    left: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    right: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    room: Mapped[str] = mapped_column(sa.String(4))
    day: Mapped[dt.date]
"""

POSTGRESQL_MODELS = """
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import DeclarativeBase, mapped_column

SUFFIX = "__SUFFIX__"


class Base(DeclarativeBase):
    pass


class PgTypes(Base):
    __tablename__ = f"pg_types_{SUFFIX}"

    id = mapped_column(sa.Integer, primary_key=True)
    doc = mapped_column(pg.JSONB, nullable=False)
    numbers = mapped_column(pg.ARRAY(sa.Integer), nullable=False)
    grid = mapped_column(pg.ARRAY(sa.String(10), dimensions=2))
    tags = mapped_column(pg.ARRAY(sa.Text), unique=True)
    address = mapped_column(pg.INET, unique=True)
    network = mapped_column(pg.CIDR)
    mac = mapped_column(pg.MACADDR)
    mac8 = mapped_column(pg.MACADDR8)
    search = mapped_column(pg.TSVECTOR)
    attributes = mapped_column(pg.HSTORE)
    interval = mapped_column(pg.INTERVAL)
    ident = mapped_column(pg.UUID, unique=True)
    data = mapped_column(pg.BYTEA)
    cost = mapped_column(pg.MONEY)
    mood = mapped_column(pg.ENUM("happy", "sad", name=f"mood_{SUFFIX}"))
    int_range = mapped_column(pg.INT4RANGE)
    big_range = mapped_column(pg.INT8RANGE)
    num_range = mapped_column(pg.NUMRANGE)
    date_range = mapped_column(pg.DATERANGE)
    ts_range = mapped_column(pg.TSRANGE)
    tstz_range = mapped_column(pg.TSTZRANGE)
    int_ranges = mapped_column(pg.INT4MULTIRANGE)
    nickname = mapped_column(pg.CITEXT, unique=True)
    bits = mapped_column(pg.BIT(8))
    config = mapped_column(pg.REGCONFIG)
    oid = mapped_column(pg.OID)
    precise = mapped_column(pg.TIMESTAMP(precision=3, timezone=True))
    real = mapped_column(pg.REAL)
    double = mapped_column(pg.DOUBLE_PRECISION)
    positive = mapped_column(
        pg.DOMAIN(f"positive_{SUFFIX}", sa.Integer, check="VALUE > 0"), nullable=True
    )
"""

MYSQL_MODELS = """
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, mapped_column

SUFFIX = "__SUFFIX__"


class Base(DeclarativeBase):
    pass


class MyTypes(Base):
    __tablename__ = f"my_types_{SUFFIX}"

    id = mapped_column(sa.Integer, primary_key=True)
    tiny = mapped_column(mysql.TINYINT, nullable=False)
    tiny_unsigned = mapped_column(mysql.TINYINT(unsigned=True), unique=True)
    small_unsigned = mapped_column(mysql.SMALLINT(unsigned=True))
    medium = mapped_column(mysql.MEDIUMINT)
    int_unsigned = mapped_column(mysql.INTEGER(unsigned=True), unique=True)
    big_unsigned = mapped_column(mysql.BIGINT(unsigned=True))
    year = mapped_column(mysql.YEAR, unique=True)
    choices = mapped_column(mysql.SET("a", "b", "c"))
    size = mapped_column(mysql.ENUM("s", "m", "l"))
    tiny_text = mapped_column(mysql.TINYTEXT)
    medium_text = mapped_column(mysql.MEDIUMTEXT)
    long_text = mapped_column(mysql.LONGTEXT)
    text = mapped_column(mysql.TEXT)
    bits = mapped_column(mysql.BIT(5), unique=True)
    double = mapped_column(mysql.DOUBLE)
    single = mapped_column(mysql.FLOAT, unique=True)
    money = mapped_column(mysql.DECIMAL(6, 2, unsigned=True))
    stamp = mapped_column(mysql.TIMESTAMP, unique=True)
    moment = mapped_column(mysql.DATETIME(fsp=6))
    clock = mapped_column(mysql.TIME(fsp=3))
    fixed_bytes = mapped_column(mysql.BINARY(4), unique=True)
    var_bytes = mapped_column(mysql.VARBINARY(12))
    tiny_blob = mapped_column(mysql.TINYBLOB)
    medium_blob = mapped_column(mysql.MEDIUMBLOB)
    long_blob = mapped_column(mysql.LONGBLOB)
    doc = mapped_column(mysql.JSON)
    national = mapped_column(mysql.NVARCHAR(20))
    national_char = mapped_column(mysql.NCHAR(3))
    ip4 = mapped_column(mysql.INET4, unique=True)
    ip6 = mapped_column(mysql.INET6)
"""

UTILS_MODELS = """
import enum

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base
from sqlalchemy_utils import (
    ArrowType,
    ChoiceType,
    ColorType,
    CountryType,
    CurrencyType,
    EmailType,
    IPAddressType,
    JSONType,
    LocaleType,
    PasswordType,
    PhoneNumberType,
    ScalarListType,
    StringEncryptedType,
    TimezoneType,
    URLType,
    UUIDType,
)
from sqlalchemy_utils.types.encrypted.encrypted_type import AesEngine

SUFFIX = "__SUFFIX__"
Base = declarative_base()


class Plan(enum.Enum):
    FREE = 1
    PRO = 2


class Member(Base):
    __tablename__ = f"member_{SUFFIX}"

    id = sa.Column(UUIDType(binary=False), primary_key=True)
    external = sa.Column(UUIDType(binary=True), unique=True, nullable=False)
    plan = sa.Column(ChoiceType(Plan, impl=sa.Integer()), nullable=False)
    kind = sa.Column(ChoiceType([("p", "Personal"), ("b", "Business")]), nullable=False)
    preferences = sa.Column(JSONType)
    password = sa.Column(PasswordType(schemes=["md5_crypt"]))
    secret = sa.Column(
        StringEncryptedType(sa.Unicode(255), "not-a-secret", AesEngine, "pkcs5", length=512)
    )
    email = sa.Column(EmailType, unique=True, nullable=False)
    website = sa.Column(URLType)
    phone = sa.Column(PhoneNumberType(region="FI", max_length=20), unique=True)
    us_phone = sa.Column(PhoneNumberType(region="US", max_length=20))
    favourite_color = sa.Column(ColorType, unique=True)
    country = sa.Column(CountryType, unique=True)
    currency = sa.Column(CurrencyType)
    locale = sa.Column(LocaleType)
    timezone = sa.Column(TimezoneType(backend="zoneinfo"))
    last_ip = sa.Column(IPAddressType, unique=True)
    lucky_numbers = sa.Column(ScalarListType(int))
    nicknames = sa.Column(ScalarListType(str), unique=True)
    joined_at = sa.Column(ArrowType)
"""


@pytest.fixture
def load(tmp_path: Path) -> Callable[[str], tuple[LoadedModels, ModelGraph]]:
    """Write a model file with a fresh suffix and load it like ``ormprobe scan`` does."""

    def loader(source: str) -> tuple[LoadedModels, ModelGraph]:
        suffix = uuid.uuid4().hex[:8]
        path = tmp_path / f"models_{suffix}.py"
        path.write_text(source.replace("__SUFFIX__", suffix))
        loaded = load_models(str(path))
        return loaded, build_graph(loaded)

    return loader


# -- rows and databases ----------------------------------------------------------------


def unique_columns(graph: ModelGraph, table: str) -> set[str]:
    """Columns whose values must not repeat: alone or as part of a UNIQUE/PK."""
    info = graph.table(table)
    names = {c.name for c in info.columns if c.unique}
    for constraint in info.constraints:
        if constraint.kind in ("unique", "primary_key"):
            names.update(constraint.columns)
    return names


def build_row(graph: ModelGraph, model: ModelInfo, n: int, dialect: str | None = None) -> dict[str, Any]:
    """Attribute values for one row of ``model`` from the providers (n = sequence)."""
    table = graph.table(model.table or "")
    analysis = analyze_checks(table, dialect)
    unique = unique_columns(graph, table.name)
    row: dict[str, Any] = {}
    for column in model.columns:
        if not needs_value(column):
            continue
        provider = provider_for(
            column,
            model=model.name,
            unique=column.name in unique,
            domain=analysis.domain(column.name),
        )
        row[column.name] = provider(context(n))
    row = satisfy_relations(row, analysis, {c.name: c for c in table.columns})
    return {c.attribute: row[c.name] for c in model.columns if c.name in row and c.attribute}


def metadata_of(loaded: LoadedModels) -> sa.MetaData:
    (metadata,) = loaded.metadatas
    return metadata


@contextmanager
def rolled_back(url: str, metadata: sa.MetaData, setup: tuple[str, ...] = ()) -> Iterator[sa.Connection]:
    """A connection inside a transaction that is always rolled back; tables created first."""
    engine = sa.create_engine(url)
    commits_ddl = engine.dialect.name in ("mysql", "mariadb")
    try:
        with engine.connect() as conn:
            if commits_ddl:
                metadata.create_all(conn)
                conn.commit()
            transaction = conn.begin()
            try:
                for statement in setup:
                    conn.execute(sa.text(statement))
                if not commits_ddl:
                    metadata.create_all(conn)
                yield conn
            finally:
                transaction.rollback()
                if commits_ddl:
                    metadata.drop_all(conn)
                    conn.commit()
    finally:
        engine.dispose()


def insert_models(conn: sa.Connection, graph: ModelGraph, rows: int = 3) -> list[Any]:
    """Insert ``rows`` synthesized rows of every model; return the flushed objects."""
    objects = []
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        for model in graph.models:
            for n in range(rows):
                obj = model.class_(**build_row(graph, model, n, conn.dialect.name))
                session.add(obj)
                session.flush()
                objects.append(obj)
        for obj in objects:
            session.refresh(obj)
        session.expunge_all()
    return objects


def column_named(graph: ModelGraph, model: str, name: str) -> ColumnInfo:
    return graph.model(model).column(name)


# -- every type gets a value the database accepts -------------------------------------


def test_core_types_are_accepted_and_round_trip(db_url: str, load: Any) -> None:
    loaded, graph = load(CORE_MODELS)
    seed(11)
    with rolled_back(db_url, metadata_of(loaded)) as conn:
        objects = insert_models(conn, graph)
    everything = [o for o in objects if type(o).__name__ == "Everything"]
    assert len(everything) == 3
    colour_enum = type(everything[0].colour)
    assert issubclass(colour_enum, enum.Enum)
    for obj in everything:
        assert obj.grade is None or isinstance(obj.grade, enum.Enum)
        assert obj.status is None or obj.status in ("draft", "published")
        assert isinstance(obj.public_id, uuid.UUID)
        assert isinstance(obj.price, Decimal) and abs(obj.price) <= Decimal("999.99")
        assert "@" in obj.email


def test_values_callable_enum_round_trips(db_url: str, load: Any) -> None:
    loaded, graph = load(CORE_MODELS)
    grade = column_named(graph, "Everything", "grade")
    provide = provider_for(grade, model="Everything", unique=True)
    members = [provide(context(n)) for n in range(2)]
    assert {m.value for m in members} == {"high-grade", "low-grade"}
    with rolled_back(db_url, metadata_of(loaded)) as conn:
        model = graph.model("Everything")
        with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
            for n, member in enumerate(members):
                row = build_row(graph, model, n, conn.dialect.name)
                row["grade"] = member
                session.add(model.class_(**row))
            session.flush()
            stored = conn.execute(sa.text(f"SELECT grade FROM {model.table} ORDER BY grade")).scalars()
            assert sorted(stored) == ["high-grade", "low-grade"]


@pytest.mark.postgres
def test_postgresql_types_are_accepted(postgres_url: str, load: Any) -> None:
    loaded, graph = load(POSTGRESQL_MODELS)
    extensions = ("CREATE EXTENSION IF NOT EXISTS hstore", "CREATE EXTENSION IF NOT EXISTS citext")
    with rolled_back(postgres_url, metadata_of(loaded), extensions) as conn:
        objects = insert_models(conn, graph)
    first = objects[0]
    assert isinstance(first.numbers, list) and all(isinstance(i, int) for i in first.numbers)
    assert all(len(row) == len(first.grid[0]) for row in first.grid)
    assert isinstance(first.address, (ipaddress.IPv4Address, str))


@pytest.mark.mariadb
def test_mysql_types_are_accepted(mysql_url: str, load: Any) -> None:
    loaded, graph = load(MYSQL_MODELS)
    with rolled_back(mysql_url, metadata_of(loaded)) as conn:
        objects = insert_models(conn, graph, rows=5)
    assert all(1901 <= o.year <= 2155 for o in objects)
    assert all(o.tiny_unsigned >= 0 for o in objects)
    assert all(len(o.fixed_bytes) == 4 for o in objects)


def test_sqlalchemy_utils_types_are_accepted(db_url: str, load: Any) -> None:
    sqlalchemy_utils = pytest.importorskip("sqlalchemy_utils")
    loaded, graph = load(UTILS_MODELS)
    seed(5)
    model = graph.model("Member")
    rows = [build_row(graph, model, n) for n in range(3)]
    first = rows[0]
    assert isinstance(first["country"], sqlalchemy_utils.Country)
    assert isinstance(first["currency"], sqlalchemy_utils.Currency)
    assert isinstance(first["phone"], sqlalchemy_utils.PhoneNumber)
    assert first["phone"].is_valid_number() and first["us_phone"].is_valid_number()
    assert isinstance(first["kind"], sqlalchemy_utils.Choice)
    assert isinstance(first["plan"], enum.Enum)
    assert isinstance(first["password"], str)
    assert isinstance(first["id"], uuid.UUID) and isinstance(first["external"], uuid.UUID)
    assert isinstance(first["last_ip"], ipaddress.IPv4Address)
    assert all(isinstance(n, int) for n in first["lucky_numbers"])
    assert all("," not in n for n in first["nicknames"])
    assert first["email"] == first["email"].lower() and "@" in first["email"]
    with rolled_back(db_url, metadata_of(loaded)) as conn:
        insert_models(conn, graph)


# -- lengths, ranges, uniqueness -------------------------------------------------------

LENGTH_MODELS = """
import sqlalchemy as sa

metadata = sa.MetaData()
KINDS = ("text", "email", "website", "slug", "phone", "guid", "title", "first_name",
         "ip_address", "country", "api_token", "color", "description", "username")
lengths = sa.Table(
    "lengths",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    *[sa.Column(f"{kind}_{n}", sa.String(n)) for kind in KINDS for n in range(1, 301)],
)
"""
LENGTH_KINDS = [
    "text",
    "email",
    "website",
    "slug",
    "phone",
    "guid",
    "title",
    "first_name",
    "ip_address",
    "country",
    "api_token",
    "color",
    "description",
    "username",
]


@pytest.fixture(scope="module")
def length_columns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ColumnInfo]:
    path = tmp_path_factory.mktemp("lengths") / f"lengths_{uuid.uuid4().hex[:8]}.py"
    path.write_text(LENGTH_MODELS)
    graph = build_graph(load_models(str(path)))
    return {c.name: c for c in graph.table("lengths").columns}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(LENGTH_KINDS),
    length=st.integers(1, 300),
    seed_value=st.integers(0, 2**32),
    unique=st.booleans(),
    sequence=st.integers(0, 5000),
)
def test_string_lengths_are_never_exceeded(
    length_columns: dict[str, ColumnInfo],
    kind: str,
    length: int,
    seed_value: int,
    unique: bool,
    sequence: int,
) -> None:
    column = length_columns[f"{kind}_{length}"]
    provide = provider_for(column, model="Lengths", unique=unique)
    seed(seed_value)
    capacity = {1: 36, 2: 36 + 36**2}.get(length)
    if unique and capacity is not None and sequence >= capacity:
        with pytest.raises(SynthesisError, match=rf"Lengths\.{kind}_{length}: .*distinct values"):
            provide(context(sequence))
        return
    value = provide(context(sequence))
    assert isinstance(value, str)
    assert 0 < len(value) <= length


UNIQUE_MODELS = """
import sqlalchemy as sa
from sqlalchemy_utils import EmailType

metadata = sa.MetaData()
unique_values = sa.Table(
    "unique_values___SUFFIX__",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("code", sa.String(8), unique=True, nullable=False),
    sa.Column("tag", sa.String(2), unique=True, nullable=False),
    sa.Column("abbrev", sa.CHAR(3), unique=True, nullable=False),
    sa.Column("number", sa.Integer, unique=True, nullable=False),
    sa.Column("small", sa.SmallInteger, unique=True, nullable=False),
    sa.Column("email", EmailType(length=40), unique=True, nullable=False),
    sa.Column("work_email", sa.String(24), unique=True, nullable=False),
    sa.Column("token", sa.Uuid, unique=True, nullable=False),
    sa.Column("price", sa.Numeric(5, 2), unique=True, nullable=False),
    sa.Column("day", sa.Date, unique=True, nullable=False),
    sa.Column("created_at", sa.DateTime, unique=True, nullable=False),
    sa.Column("slug", sa.String(12), unique=True, nullable=False),
)
"""


def test_a_thousand_unique_values_never_collide(db_url: str, load: Any) -> None:
    loaded, graph = load(UNIQUE_MODELS)
    (table,) = graph.tables
    seed(3)
    providers = {c.name: provider_for(c, unique=True) for c in table.columns if c.name != "id"}
    rows = [
        {"id": n, **{name: provide(context(n)) for name, provide in providers.items()}} for n in range(1000)
    ]
    for name in providers:
        values = [r[name] for r in rows]
        assert len(set(values)) == 1000, name
        if isinstance(values[0], str):
            # MariaDB compares text case-insensitively and ignores trailing spaces.
            assert len({v.lower().rstrip() for v in values}) == 1000, name
    assert max(len(r["code"]) for r in rows) <= 8 and max(len(r["tag"]) for r in rows) <= 2
    assert all(abs(r["price"]) <= Decimal("999.99") for r in rows)
    metadata = metadata_of(loaded)
    with rolled_back(db_url, metadata) as conn:
        conn.execute(metadata.tables[table.name].insert(), rows)
        count = conn.execute(sa.select(sa.func.count()).select_from(metadata.tables[table.name]))
        assert count.scalar() == 1000


def test_short_unique_text_raises_a_clear_error_when_exhausted(load: Any) -> None:
    _, graph = load(CORE_MODELS)
    code = column_named(graph, "Everything", "code")
    provide = provider_for(code, model="Everything", unique=True)
    values = {provide(context(n)) for n in range(36)}
    assert len(values) == 36 and all(len(v) == 1 for v in values)
    with pytest.raises(SynthesisError, match=r"Everything\.code.*36 distinct") as raised:
        provide(context(36))
    assert raised.value.target == "Everything.code"


@settings(max_examples=200, deadline=None)
@given(seed_value=st.integers(0, 2**32), sequence=st.integers(0, 150_000), unique=st.booleans())
def test_numeric_5_2_stays_within_its_precision(seed_value: int, sequence: int, unique: bool) -> None:
    column = _column("price", sa.Numeric(5, 2))
    seed(seed_value)
    value = provider_for(column, unique=unique)(context(sequence))
    assert isinstance(value, Decimal)
    assert Decimal("-999.99") <= value <= Decimal("999.99")
    assert value == value.quantize(Decimal("0.01"))


def test_integer_sizes_and_unsigned_ranges_are_respected() -> None:
    from sqlalchemy.dialects import mysql

    cases = [
        (sa.SmallInteger(), -32768, 32767),
        (sa.Integer(), -(2**31), 2**31 - 1),
        (sa.BigInteger(), -(2**63), 2**63 - 1),
        (mysql.TINYINT(), -128, 127),
        (mysql.TINYINT(unsigned=True), 0, 255),
        (mysql.MEDIUMINT(unsigned=True), 0, 16_777_215),
        (mysql.YEAR(), 1901, 2155),
    ]
    for sa_type, low, high in cases:
        column = _column("count", sa_type)
        values = [provider_for(column)(context(n)) for n in range(200)]
        assert all(low <= v <= high for v in values), sa_type
        assert all(v >= 0 for v in values), "values are positive by default"
        unique = provider_for(column, unique=True)
        seen = [unique(context(n)) for n in range(min(high - low + 1, 2000))]
        assert len(set(seen)) == len(seen) and all(low <= v <= high for v in seen), sa_type


# -- determinism -----------------------------------------------------------------------


def _all_values(graph: ModelGraph) -> list[Any]:
    values = []
    for model in graph.models:
        for n in range(4):
            values.append(sorted(build_row(graph, model, n).items()))
    return values


def test_one_seed_reproduces_every_value_of_a_models_file(load: Any) -> None:
    _, graph = load(CORE_MODELS)
    seed(1234)
    first = _all_values(graph)
    seed(1234)
    second = _all_values(graph)
    seed(4321)
    other = _all_values(graph)
    assert first == second
    assert first != other


# -- errors and user providers ----------------------------------------------------------

CUSTOM_MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, mapped_column


class Point(sa.types.UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw):
        return "POINT"


class Lowered(sa.types.TypeDecorator):
    impl = sa.String(20)
    cache_ok = True


class Base(DeclarativeBase):
    pass


class Place(Base):
    __tablename__ = "place___SUFFIX__"

    id = mapped_column(sa.Integer, primary_key=True)
    location = mapped_column(Point(), nullable=False)
    name = mapped_column(Lowered(), nullable=False)
    title = mapped_column(sa.String(40))
"""


def test_unknown_type_names_the_column_and_the_fix(load: Any) -> None:
    _, graph = load(CUSTOM_MODELS)
    location = column_named(graph, "Place", "location")
    with pytest.raises(SynthesisError) as raised:
        provider_for(location, model="Place")
    message = str(raised.value)
    assert "Place.location" in message
    assert "Point" in message
    assert "ormprobe.register_provider(" in message
    assert "[tool.ormprobe.values]" in message
    assert raised.value.target == "Place.location"


def test_type_decorators_without_a_provider_use_their_impl(load: Any) -> None:
    _, graph = load(CUSTOM_MODELS)
    name = column_named(graph, "Place", "name")
    value = provider_for(name, model="Place")(context(0))
    assert isinstance(value, str) and len(value) <= 20


def test_register_provider_by_type_and_by_predicate_wins_over_builtins(load: Any) -> None:
    _, graph = load(CUSTOM_MODELS)
    place = graph.model("Place")
    point_type = type(place.column("location").sa_type)
    lowered_type = type(place.column("name").sa_type)

    def by_predicate(column: ColumnInfo) -> bool:
        return column.name == "title"

    register_provider(point_type, lambda ctx: f"POINT({ctx.sequence} 0)")
    register_provider(sa.String, lambda ctx, column: f"{column.name}-{ctx.sequence}")
    register_provider(by_predicate, lambda ctx: "from predicate")
    try:
        assert provider_for(place.column("location"))(context(2)) == "POINT(2 0)"
        # The String registration is found inside the TypeDecorator's impl too.
        assert provider_for(place.column("name"))(context(5)) == "name-5"
        assert provider_for(place.column("title"))(context(0)) == "from predicate"
        register_provider(lowered_type, lambda ctx: "most recent wins")
        assert provider_for(place.column("name"))(context(5)) == "most recent wins"
    finally:
        for matcher in (point_type, sa.String, by_predicate, lowered_type):
            unregister_provider(matcher)
    assert provider_for(place.column("title"))(context(0)) != "from predicate"
    with pytest.raises(SynthesisError):
        provider_for(place.column("location"))


def test_register_provider_rejects_nonsense() -> None:
    with pytest.raises(UsageError):
        register_provider(42, lambda ctx: 1)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        register_provider(sa.String, "not callable")  # type: ignore[arg-type]


def test_needs_value_leaves_database_and_default_columns_alone(load: Any) -> None:
    _, graph = load(CORE_MODELS)
    defaults = graph.model("Defaults")
    wanted = {c.attribute: needs_value(c) for c in defaults.columns}
    assert wanted == {
        "id": False,
        "plain": True,
        "nullable": True,
        "with_default": False,
        "with_callable": False,
        "with_server_default": False,
        "stamped": False,
        "width": False,
        "area": False,
    }
    assert not needs_value(graph.model("Counter").column("id"))
    assert needs_value(graph.model("Pair").column("left"))


# -- what the values look like -----------------------------------------------------------


def _column(name: str, sa_type: Any, *, nullable: bool = False, timezone: bool | None = None) -> ColumnInfo:
    return ColumnInfo(
        table="things",
        name=name,
        attribute=name,
        type=repr(sa_type),
        type_class=type(sa_type).__qualname__,
        python_type=None,
        nullable=nullable,
        primary_key=False,
        unique=False,
        index=False,
        autoincrement=False,
        length=getattr(sa_type, "length", None),
        timezone=timezone,
        sa_type=sa_type,
    )


def test_temporal_values_respect_timezone_and_anchor_on_fixed_dates() -> None:
    aware = provider_for(_column("expires_at", sa.DateTime(timezone=True)))(context())
    naive = provider_for(_column("created_at", sa.DateTime()))(context())
    assert aware.tzinfo is not None and naive.tzinfo is None
    assert aware > dt.datetime(2030, 12, 31, tzinfo=dt.UTC), "expires_at is in the future"
    assert naive < dt.datetime(2025, 1, 1), "created_at is in the past"
    born = provider_for(_column("birth_date", sa.Date()))(context())
    assert dt.date(1950, 1, 1) <= born <= dt.date(2005, 12, 31)
    clock = provider_for(_column("opens", sa.Time(timezone=True)))(context())
    assert isinstance(clock, dt.time) and clock.tzinfo is not None
    assert isinstance(provider_for(_column("wait", sa.Interval()))(context()), dt.timedelta)


def test_simple_types_give_the_python_type_the_orm_expects() -> None:
    cases: list[tuple[Any, Callable[[Any], bool]]] = [
        (sa.Boolean(), lambda v: isinstance(v, bool)),
        (sa.Float(), lambda v: isinstance(v, float)),
        (sa.Float(asdecimal=True), lambda v: isinstance(v, Decimal)),
        (sa.Numeric(8, 3, asdecimal=False), lambda v: isinstance(v, float)),
        (sa.JSON(), lambda v: isinstance(v, dict) and bool(v)),
        (sa.LargeBinary(5), lambda v: isinstance(v, bytes) and 0 < len(v) <= 5),
        (sa.Uuid(), lambda v: isinstance(v, uuid.UUID)),
        (sa.Uuid(as_uuid=False), lambda v: isinstance(v, str) and uuid.UUID(v).hex != ""),
        (
            sa.ARRAY(sa.Integer()),
            lambda v: isinstance(v, list) and all(isinstance(i, int) for i in v),
        ),
        (sa.Enum("a", "b"), lambda v: v in ("a", "b")),
    ]
    for sa_type, check in cases:
        assert check(provider_for(_column("value", sa_type))(context())), sa_type


@pytest.mark.parametrize(
    ("name", "length", "looks_right"),
    [
        ("email", 80, lambda v: v.count("@") == 1 and "." in v.split("@")[1]),
        ("website", 200, lambda v: v.startswith("https://")),
        ("slug", 60, lambda v: v == v.lower() and " " not in v),
        ("guid", 36, lambda v: uuid.UUID(v) is not None),
        ("ip_address", 45, lambda v: ipaddress.ip_address(v) is not None),
        ("api_key", 64, lambda v: set(v) <= set(string.hexdigits)),
        ("colour", 7, lambda v: v.startswith("#") and len(v) == 7),
        ("country_code", 2, lambda v: len(v) == 2 and v.isupper()),
        ("currency", 3, lambda v: len(v) == 3 and v.isupper()),
        ("first_name", 40, lambda v: v.isalpha()),
        ("phone", 20, lambda v: v.startswith("+")),
        ("zip_code", 10, lambda v: any(c.isdigit() for c in v)),
        ("description", 500, lambda v: " " in v),
        ("mime_type", 100, lambda v: "/" in v),
    ],
)
def test_column_name_heuristics(name: str, length: int, looks_right: Callable[[str], bool]) -> None:
    column = _column(name, sa.String(length))
    for unique in (False, True):
        provide = provider_for(column, unique=unique)
        for n in range(20):
            value = provide(context(n))
            assert len(value) <= length
            if not unique or name in (
                "email",
                "website",
                "guid",
                "ip_address",
                "api_key",
                "colour",
            ):
                assert looks_right(value), (name, unique, value)


def test_unique_emails_keep_their_shape_and_stay_short() -> None:
    provide = provider_for(_column("email", sa.String(20)), unique=True)
    values = [provide(context(n)) for n in range(1000)]
    assert len(set(values)) == 1000
    assert all(len(v) <= 20 for v in values)
    assert sum("@" in v for v in values) == 1000


# -- CHECK domains ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sa_type", "domain"),
    [
        (sa.Integer(), Domain(minimum=10, maximum=12)),
        (sa.Integer(), Domain(minimum=0, minimum_inclusive=False, excluded=(1, 2, 3))),
        (sa.Integer(), Domain(maximum=-5)),
        (sa.Numeric(6, 2), Domain(minimum=Decimal("0.01"))),
        (sa.Numeric(6, 2), Domain(minimum=Decimal("1.5"), maximum=Decimal("1.75"))),
        (
            sa.Float(),
            Domain(minimum=0, minimum_inclusive=False, maximum=1, maximum_inclusive=False),
        ),
        (sa.Date(), Domain(minimum=dt.date(2040, 1, 1))),
        (sa.DateTime(), Domain(maximum=dt.datetime(1999, 1, 1))),
        (sa.String(10), Domain(allowed=("red", "green"))),
        (sa.String(10), Domain(min_length=4, max_length=6)),
        (sa.String(12), Domain(like=("AB%",), case="upper")),
        (sa.String(12), Domain(like=("%.txt",), case="lower")),
        (sa.String(12), Domain(like=("x_y%z",), trimmed=True)),
        (sa.String(3), Domain(like=("A__",))),
        (sa.String(20), Domain(not_like=("%a%",), excluded=("",), min_length=1)),
        (sa.Boolean(), Domain(allowed=(True,))),
        (sa.Enum("a", "b", "c"), Domain(excluded=("a", "b"))),
    ],
)
def test_values_satisfy_the_check_domain(sa_type: Any, domain: Domain) -> None:
    column = _column("value", sa_type)
    for unique in (False, True):
        provide = provider_for(column, unique=unique, domain=domain)
        small = isinstance(sa_type, (sa.Boolean, sa.Enum)) or domain.allowed is not None
        count = 1 if small else 3
        values = [provide(context(n)) for n in range(count)]
        assert all(domain.admits(v) for v in values), (domain, values)
        if unique:
            assert len(set(values)) == len(values)


def test_an_empty_domain_is_reported_when_the_provider_is_made() -> None:
    with pytest.raises(SynthesisError, match=r"things\.value"):
        provider_for(_column("value", sa.Integer()), domain=Domain(minimum=5, maximum=4))
    with pytest.raises(SynthesisError, match="NOT NULL"):
        provider_for(_column("value", sa.Integer()), domain=Domain(null_only=True))
    nullable = _column("value", sa.Integer(), nullable=True)
    assert provider_for(nullable, domain=Domain(null_only=True))(context()) is None


def test_negative_sequence_is_refused() -> None:
    provide = provider_for(_column("value", sa.Integer()), unique=True)
    with pytest.raises(SynthesisError, match=">= 0"):
        provide(ValueContext(context().faker, context().random, -1))


def test_sqlalchemy_utils_codes_whose_stored_form_is_too_long_are_skipped() -> None:
    sqlalchemy_utils = pytest.importorskip("sqlalchemy_utils")
    column = _column("locale", sqlalchemy_utils.LocaleType(), nullable=True)
    for unique in (False, True):
        provide = provider_for(column, unique=unique)
        for n in range(300):
            # babel stores Locale.parse("kok_IN") as "kok_Deva_IN": longer than Unicode(10).
            assert len(str(provide(context(n)))) <= 10
