"""CHECK constraints: parsing, evaluation, solving and violation, against real databases.

Each supported CHECK shape gets its own table in one generated model file. For every
shape, values made by the providers from the solved domains (plus ``satisfy_relations``)
must satisfy the CHECK in Python *and* be accepted by the database, and the value from
``violating_value`` must be rejected by it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ormprobe.graph import ColumnInfo, ConstraintInfo, TableInfo
from ormprobe.introspect import build_graph
from ormprobe.loading import LoadedModels, load_models
from ormprobe.synth.constraints import (
    CheckAnalysis,
    Domain,
    Relation,
    analyze_checks,
    evaluate,
    satisfy_relations,
    storage_value,
    type_domain,
    violating_value,
)
from ormprobe.synth.values import context, provider_for, seed


@dataclass(frozen=True)
class Shape:
    """One CHECK shape: its columns, its text, where it is valid SQL."""

    id: str
    check: str | None
    columns: dict[str, str]
    backends: frozenset[str] = frozenset({"sqlite", "postgresql", "mysql"})
    violable: bool = True


ALL = frozenset({"sqlite", "postgresql", "mysql"})
NO_MYSQL = frozenset({"sqlite", "postgresql"})
POSTGRES = frozenset({"postgresql"})
NO_SQLITE = frozenset({"postgresql", "mysql"})
PYTHON_ONLY: frozenset[str] = frozenset()

INT = "sa.Integer, nullable=False"
MONEY = "sa.Numeric(8, 2), nullable=False"
TEXT = "sa.String(20), nullable=False"
MOMENT = "sa.DateTime(timezone=True), nullable=False"

SHAPES = [
    Shape("ge_literal", "price >= 0", {"price": MONEY}),
    Shape("literal_on_left", "0 < qty", {"qty": INT}),
    Shape("range_with_and", "qty > 2 AND qty <= 10", {"qty": INT}),
    Shape("not_equal", "qty <> 5", {"qty": INT}),
    Shape("bang_equal", "qty != 5", {"qty": INT}),
    Shape("equal", "qty = 7", {"qty": INT}),
    Shape("between", "score BETWEEN 1 AND 5", {"score": INT}),
    Shape("not_between", "score NOT BETWEEN 1 AND 5", {"score": INT}),
    Shape("in_list", "status IN ('new', 'open', 'closed')", {"status": TEXT}),
    Shape("not_in_list", "status NOT IN ('deleted', 'spam')", {"status": TEXT}),
    Shape("in_numbers", "rating IN (1, 2, 3)", {"rating": INT}),
    Shape("length", "length(name) >= 3", {"name": TEXT}),
    Shape("char_length", "char_length(name) BETWEEN 2 AND 5", {"name": TEXT}, NO_SQLITE),
    Shape("len", "len(code) = 3", {"code": TEXT}, PYTHON_ONLY),
    Shape("is_not_null", "nickname IS NOT NULL", {"nickname": "sa.String(20), nullable=True"}),
    Shape("not_empty", "title <> ''", {"title": TEXT}),
    Shape("trim_not_empty", "trim(title) <> ''", {"title": TEXT}),
    Shape("not_or", "NOT (qty = 3 OR qty = 4)", {"qty": INT}),
    Shape("parentheses", "(qty > 0) AND (qty < 100 OR qty IS NULL)", {"qty": INT}),
    Shape("or_picks_a_branch", "price < 0 OR price > 1000", {"price": MONEY}),
    Shape("two_columns", "ends_at > starts_at", {"starts_at": MOMENT, "ends_at": MOMENT}),
    Shape("two_integers", "max_qty >= min_qty", {"min_qty": INT, "max_qty": INT}),
    Shape("two_decimals", "discount <= price", {"price": MONEY, "discount": MONEY}),
    Shape("scaled", "price * 100 >= 1", {"price": MONEY}),
    Shape("sum", "a + b <= 10", {"a": INT, "b": INT}),
    Shape("offset", "hi - 2 > lo", {"lo": INT, "hi": INT}),
    Shape(
        "interval_offset",
        "ends_at >= starts_at + INTERVAL '1 day'",
        {"starts_at": MOMENT, "ends_at": MOMENT},
        POSTGRES,
    ),
    Shape("like_prefix", "code LIKE 'AB%'", {"code": TEXT}),
    Shape("like_suffix", "file_name LIKE '%.csv'", {"file_name": TEXT}),
    Shape("not_like", "code NOT LIKE 'tmp%'", {"code": TEXT}),
    Shape("ilike", "code ILIKE 'ab%'", {"code": TEXT}, POSTGRES),
    Shape("lower_equals", "lower(handle) = handle", {"handle": TEXT}, violable=False),
    Shape("upper_equals", "code = upper(code)", {"code": TEXT}, violable=False),
    Shape("cast", "CAST(qty AS INTEGER) > 2", {"qty": INT}, NO_MYSQL),
    Shape("pg_cast", "qty::int > 2", {"qty": INT}, POSTGRES),
    Shape("boolean_column", "is_active", {"is_active": "sa.Boolean, nullable=False"}),
    Shape("not_boolean", "NOT is_deleted", {"is_deleted": "sa.Boolean, nullable=False"}),
    Shape("boolean_equals", "is_active = TRUE", {"is_active": "sa.Boolean, nullable=False"}),
    Shape("quoted_identifier", '"order" > 0', {"order": INT}, NO_MYSQL),
    Shape("qualified_column", "things.qty > 0", {"qty": INT}, PYTHON_ONLY),
    Shape("date_literal", "due_on >= '2020-01-01'", {"due_on": "sa.Date, nullable=False"}),
    Shape("columns_between", "mid BETWEEN lo AND hi", {"lo": INT, "mid": INT, "hi": INT}),
    Shape(
        "enum_constraint",
        None,
        {"status": "sa.Enum('draft', 'live', name='st___ID__', create_constraint=True)"},
        violable=False,
    ),
    Shape(
        "boolean_constraint",
        None,
        {"flag": "sa.Boolean(create_constraint=True, name='fl___ID__'), nullable=False"},
        violable=False,
    ),
]
SHAPE_IDS = [s.id for s in SHAPES]


def models_source(suffix: str) -> str:
    lines = ["import sqlalchemy as sa", "", "metadata = sa.MetaData()", ""]
    for shape in SHAPES:
        name = f"ck_{shape.id}_{suffix}"
        columns = [f'    sa.Column("{c}", {t.replace("__ID__", name)}),' for c, t in shape.columns.items()]
        check = [f'    sa.CheckConstraint({shape.check!r}, name="{name}"),'] if shape.check else []
        lines += [
            f"{shape.id} = sa.Table(",
            f'    "{name}", metadata,',
            '    sa.Column("id", sa.Integer, primary_key=True),',
            *columns,
            *check,
            ")",
            "",
        ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Loaded:
    loaded: LoadedModels
    tables: dict[str, TableInfo]
    suffix: str


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    suffix = uuid.uuid4().hex[:6]
    path = tmp_path_factory.mktemp("checks") / f"check_shapes_{suffix}.py"
    path.write_text(models_source(suffix))
    loaded = load_models(str(path))
    graph = build_graph(loaded)
    tables = {shape.id: graph.table(f"ck_{shape.id}_{suffix}") for shape in SHAPES}
    return Loaded(loaded, tables, suffix)


def columns_of(table: TableInfo) -> dict[str, ColumnInfo]:
    return {c.name: c for c in table.columns}


def only_check(table: TableInfo) -> ConstraintInfo:
    (check,) = [c for c in table.constraints if c.kind == "check"]
    return check


def solved_row(table: TableInfo, analysis: CheckAnalysis, n: int = 0) -> dict[str, Any]:
    """A row made by the value providers from the analysis (id left to the database)."""
    row = {
        c.name: provider_for(c, domain=analysis.domain(c.name))(context(n))
        for c in table.columns
        if c.name != "id"
    }
    return satisfy_relations(row, analysis, columns_of(table))


# -- every shape is solved in Python -----------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_shape_is_solved(shapes: Loaded, shape: Shape) -> None:
    table = shapes.tables[shape.id]
    check = only_check(table)
    analysis = analyze_checks(table)
    assert analysis.unsolved == (), analysis
    assert analysis.solved == (check.name,)
    for seed_value in range(5):
        seed(seed_value)
        row = solved_row(table, analysis, seed_value)
        if check.sqltext and "POSTCOMPILE" not in check.sqltext:
            assert evaluate(check.sqltext, row, columns=columns_of(table)) is True, row
        violation = violating_value(check, table, row)
        if shape.violable:
            assert violation is not None
            name, value = violation
            assert evaluate(check.sqltext or "", {**row, name: value}, columns=columns_of(table)) is False
            column = columns_of(table)[name]
            assert value is None or type_domain(column.sa_type).admits(storage_value(column, value))


# -- and in the database -------------------------------------------------------------------


@contextmanager
def shape_tables(url: str, metadata: sa.MetaData) -> Iterator[sa.Connection]:
    engine = sa.create_engine(url)
    commits_ddl = engine.dialect.name in ("mysql", "mariadb")
    wanted = [t for t in metadata.sorted_tables if _valid_on(t.name, engine.dialect.name)]
    try:
        with engine.connect() as conn:
            if commits_ddl:
                metadata.create_all(conn, tables=wanted)
                conn.commit()
            transaction = conn.begin()
            try:
                if not commits_ddl:
                    metadata.create_all(conn, tables=wanted)
                yield conn
            finally:
                transaction.rollback()
                if commits_ddl:
                    metadata.drop_all(conn, tables=wanted)
                    conn.commit()
    finally:
        engine.dispose()


def _valid_on(table_name: str, dialect: str) -> bool:
    shape = next(s for s in SHAPES if table_name.startswith(f"ck_{s.id}_"))
    return dialect in shape.backends


def test_shapes_are_accepted_and_violations_rejected_by_the_database(shapes: Loaded, db_url: str) -> None:
    metadata = next(iter(shapes.loaded.metadatas))
    problems = []
    with shape_tables(db_url, metadata) as conn:
        dialect = conn.dialect.name
        for shape in SHAPES:
            if dialect not in shape.backends:
                continue
            table_info = shapes.tables[shape.id]
            table = metadata.tables[table_info.name]
            analysis = analyze_checks(table_info, dialect)
            row = solved_row(table_info, analysis)
            try:
                with conn.begin_nested():
                    conn.execute(table.insert(), row)
            except sa.exc.DBAPIError as exc:
                problems.append(f"{shape.id}: valid row {row} rejected: {exc.orig}")
                continue
            violation = violating_value(only_check(table_info), table_info, row)
            if violation is None:
                if shape.violable:
                    problems.append(f"{shape.id}: no violating value")
                continue
            name, value = violation
            try:
                with conn.begin_nested():
                    conn.execute(table.insert(), {**row, name: value})
                problems.append(f"{shape.id}: {name}={value!r} violates in Python, not in {dialect}")
            except sa.exc.DBAPIError as exc:
                assert table_info.name in str(exc.orig) or "check" in str(exc.orig).lower(), exc
    assert not problems, "\n".join(problems)


# -- evaluate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("check", "row", "expected"),
    [
        ("price >= 0", {"price": Decimal("0.00")}, True),
        ("price >= 0", {"price": Decimal("-0.01")}, False),
        ("price >= 0", {"price": None}, True),  # NULL passes a CHECK
        ("qty BETWEEN 1 AND 10", {"qty": 11}, False),
        ("qty NOT BETWEEN 1 AND 10", {"qty": 11}, True),
        ("status IN ('a', 'b')", {"status": "b"}, True),
        ("status IN ('a', NULL)", {"status": "c"}, True),  # NULL in the list: unknown, passes
        ("status NOT IN ('a', 'b')", {"status": "a"}, False),
        ("x IS NOT NULL", {"x": None}, False),
        ("x IS NULL OR x > 3", {"x": None}, True),
        ("NOT (a = 1 OR b = 2)", {"a": 1, "b": 0}, False),
        ("a > 0 AND b > 0", {"a": -1, "b": None}, False),  # FALSE AND NULL is FALSE
        ("a > 0 OR b > 0", {"a": 1, "b": None}, True),
        (
            "ends_at > starts_at",
            {"starts_at": dt.date(2024, 1, 2), "ends_at": dt.date(2024, 1, 1)},
            False,
        ),
        ("due_on >= '2020-01-01'", {"due_on": dt.date(2019, 12, 31)}, False),
        ("price * 100 >= 1", {"price": Decimal("0.01")}, True),
        ("a + b <= 10", {"a": 6, "b": 5}, False),
        ("length(name) >= 3", {"name": "ab"}, False),
        ("char_length(name) < 3", {"name": "ab"}, True),
        ("code LIKE 'AB%'", {"code": "ABC"}, True),
        ("code NOT LIKE 'AB%'", {"code": "ABC"}, False),
        ("code LIKE 'A_C'", {"code": "AXC"}, True),
        ("lower(x) = x", {"x": "abc"}, True),
        ("trim(x) <> ''", {"x": "   "}, False),
        ("CAST(qty AS INTEGER) > 2", {"qty": 3}, True),
        ('"Order" > 0', {"Order": 1}, True),
        ("t.qty > 0", {"qty": 0}, False),
        ("QTY > 0", {"qty": 1}, True),  # unquoted identifiers are case-insensitive
        ("is_active", {"is_active": True}, True),
        ("NOT is_active", {"is_active": 1}, False),  # SQLite/MySQL booleans are 0/1
        ("flag IN (0, 1)", {"flag": True}, True),
        (
            "ends_at >= starts_at + INTERVAL '1 day'",
            {"starts_at": dt.datetime(2024, 1, 1), "ends_at": dt.datetime(2024, 1, 1, 12)},
            False,
        ),
        ("num_nonnulls(a, b) = 1", {"a": 1, "b": None}, True),
        ("qty % 2 = 0", {"qty": -3}, False),
    ],
)
def test_evaluate(check: str, row: dict[str, Any], expected: bool) -> None:
    assert evaluate(check, row) is expected


@pytest.mark.parametrize(
    ("check", "row"),
    [
        ("my_function(x) > 1", {"x": 2}),  # unknown function
        ("x > 1", {}),  # column not given
        ("code LIKE 'ab%'", {"code": "ABC"}),  # case-sensitive in PostgreSQL only
        ("name = 'Bob'", {"name": "bob"}),  # case-insensitive collations disagree
        ("name > 'B'", {"name": "a"}),  # ordering of mixed case depends on collation
        ("qty / 2 > 1", {"qty": 3}),  # integer division truncates, except in MySQL
        ("created_at < now()", {"created_at": dt.datetime(2020, 1, 1)}),
        ("x IN (SELECT 1)", {"x": 1}),
        ("t.f IN (__[POSTCOMPILE_param_1])", {"f": True}),
        ("x > :x_1", {"x": 1}),
        ("this is not sql", {}),
        ("", {}),
    ],
)
def test_evaluate_says_when_it_cannot_tell(check: str, row: dict[str, Any]) -> None:
    assert evaluate(check, row) is None


def test_evaluate_converts_orm_values_to_what_is_stored(shapes: Loaded) -> None:
    import enum

    table = shapes.tables["enum_constraint"]
    status = columns_of(table)["status"]
    assert storage_value(status, "live") == "live"

    class Kind(enum.Enum):
        ROCK = "r"

    column = dataclasses.replace(status, sa_type=sa.Enum(Kind))
    assert storage_value(column, Kind.ROCK) == "ROCK"
    values = dataclasses.replace(
        status, sa_type=sa.Enum(Kind, values_callable=lambda e: [m.value for m in e])
    )
    assert storage_value(values, Kind.ROCK) == "r"
    assert evaluate("status = 'ROCK'", {"status": Kind.ROCK}, columns={"status": column}) is True


# -- analysis details -----------------------------------------------------------------------


def _with_checks(table: TableInfo, *texts: str) -> TableInfo:
    checks = tuple(
        ConstraintInfo("check", f"ck_{i}", table.name, (), sqltext=text) for i, text in enumerate(texts)
    )
    return dataclasses.replace(table, constraints=checks)


@pytest.fixture(scope="module")
def fuzz_table(tmp_path_factory: pytest.TempPathFactory) -> TableInfo:
    path = tmp_path_factory.mktemp("fuzz") / f"fuzz_{uuid.uuid4().hex[:6]}.py"
    path.write_text(
        "import sqlalchemy as sa\n"
        "metadata = sa.MetaData()\n"
        "things = sa.Table('things', metadata,\n"
        "    sa.Column('id', sa.Integer, primary_key=True),\n"
        "    sa.Column('i', sa.Integer, nullable=False),\n"
        "    sa.Column('j', sa.Integer, nullable=False),\n"
        "    sa.Column('d', sa.Numeric(8, 2), nullable=False),\n"
        "    sa.Column('s', sa.String(12), nullable=False),\n"
        "    sa.Column('b', sa.Boolean, nullable=False),\n"
        "    sa.Column('t', sa.DateTime, nullable=False),\n"
        "    sa.Column('n', sa.String(12), nullable=True),\n"
        ")\n"
    )
    return build_graph(load_models(str(path))).table("things")


def test_or_branches_are_chosen_so_that_all_checks_hold_together(fuzz_table: TableInfo) -> None:
    table = _with_checks(fuzz_table, "i > 5 OR i < 0", "i < j AND j < 3")
    analysis = analyze_checks(table)
    assert analysis.unsolved == ()
    assert analysis.domain("i").maximum == 0
    row = solved_row(table, analysis)
    assert all(evaluate(c.sqltext or "", row) is True for c in table.constraints)


def test_branches_forcing_null_come_last(fuzz_table: TableInfo) -> None:
    analysis = analyze_checks(_with_checks(fuzz_table, "n IS NULL OR length(n) >= 4"))
    assert analysis.domain("n").min_length == 4 and not analysis.domain("n").null_only


def test_unreadable_checks_are_unsolved_but_their_sure_parts_still_count(
    fuzz_table: TableInfo,
) -> None:
    table = _with_checks(fuzz_table, "i > 0 AND my_function(i) = 1", "i % 2 = 0", "j > :j_1")
    analysis = analyze_checks(table)
    assert set(analysis.unsolved) == {"ck_0", "ck_1", "ck_2"}
    assert analysis.domain("i").minimum == 0 and not analysis.domain("i").minimum_inclusive


def test_contradictory_checks_are_unsolved(fuzz_table: TableInfo) -> None:
    analysis = analyze_checks(_with_checks(fuzz_table, "i > 10", "i < 5"))
    assert analysis.solved == ("ck_0",) and analysis.unsolved == ("ck_1",)


def test_relations_read_from_arithmetic(fuzz_table: TableInfo) -> None:
    analysis = analyze_checks(_with_checks(fuzz_table, "i + j <= 10", "j - 2 > i", "d * 4 >= 1"))
    assert analysis.relations[0] == Relation("i", "<=", "j", Decimal(-1), 10, check="ck_0")
    assert analysis.relations[1] == Relation("j", ">", "i", Decimal(1), 2, check="ck_1")
    assert analysis.domain("d").minimum == Decimal("0.25")


def test_satisfy_relations_respects_domains_and_fixed_columns(fuzz_table: TableInfo) -> None:
    table = _with_checks(fuzz_table, "i > j AND j > 2", "i BETWEEN 0 AND 10", "t > '2020-01-01'")
    analysis = analyze_checks(table)
    columns = columns_of(table)
    row = {"i": 1, "j": 9}
    assert satisfy_relations(row, analysis, columns) in ({"i": 10, "j": 9}, {"i": 4, "j": 3})
    fixed = satisfy_relations(row, analysis, columns, fixed={"i"})
    assert fixed["i"] == 1 and fixed["j"] == 9  # nothing fits: the row is left as it was
    chained = satisfy_relations({"i": 0, "j": 5}, analysis, columns, fixed={"j"})
    assert chained == {"i": 6, "j": 5}


def test_domain_merge_and_admits() -> None:
    domain = Domain(minimum=1, maximum=10).merge(Domain(minimum=3, minimum_inclusive=False))
    assert (domain.minimum, domain.minimum_inclusive, domain.maximum) == (3, False, 10)
    assert not domain.admits(3) and domain.admits(4) and domain.admits(None)
    assert not Domain(not_null=True).admits(None)
    text = Domain(like=("ab%",), case="lower", max_length=4)
    assert text.admits("abcd") and not text.admits("abcde") and not text.admits("Abc")
    assert text.prefix == "ab" and Domain(like=("%.csv",)).suffix == ".csv"
    assert Domain(like=("AB%",), case="lower").conflicts()
    assert Domain(like=("abc%",), max_length=2).conflicts()
    assert Domain(allowed=(1, 2), excluded=(1, 2)).conflicts()
    assert not Domain(allowed=(1, 2), excluded=(1,)).conflicts()


# -- fuzzing ------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(max_size=80)
    | st.text(alphabet="()'\"%_ <>=!ANDORNOTLIKEISNULLijsdbt0123.,-+*/", max_size=60)
)
def test_garbage_never_raises(fuzz_table: TableInfo, text: str) -> None:
    table = _with_checks(fuzz_table, text)
    analysis = analyze_checks(table)
    assert isinstance(analysis, CheckAnalysis)
    row = {
        "i": 1,
        "j": 2,
        "d": Decimal("1.50"),
        "s": "abc",
        "b": True,
        "t": dt.datetime(2024, 1, 1),
        "n": None,
    }
    assert evaluate(text, row) in (True, False, None)
    result = violating_value(table.constraints[0], table, row)
    assert result is None or result[0] in row


# Random CHECK trees of the supported shapes that a witness row satisfies. OR branches may
# come from a different witness, so the analysis has to pick branches that fit together.

WITNESS = st.fixed_dictionaries(
    {
        "i": st.integers(-20, 20),
        "j": st.integers(-20, 20),
        "d": st.integers(-2000, 2000).map(lambda c: Decimal(c) / 100),
        "s": st.text(alphabet="abcxyz", min_size=1, max_size=8),
        "b": st.booleans(),
        "t": st.integers(0, 10 * 365 * 86400).map(
            lambda s: dt.datetime(2020, 1, 1) + dt.timedelta(seconds=s)
        ),
    }
)
OPS = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
}
NEGATED_OP = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "=": "<>", "<>": "="}


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dt.datetime):
        return f"'{value.isoformat(sep=' ')}'"
    return str(value)


@st.composite
def true_comparison(draw: st.DrawFn, w: dict[str, Any]) -> str:
    column = draw(st.sampled_from(["i", "j", "d", "t"]))
    op = draw(st.sampled_from(list(OPS)))
    value = w[column]
    step: Any = {"i": 1, "j": 1, "d": Decimal("0.5"), "t": dt.timedelta(hours=1)}[column]
    k = draw(st.integers(0, 4))
    literal = {
        ">": value - step * (k + 1),
        ">=": value - step * k,
        "<": value + step * (k + 1),
        "<=": value + step * k,
        "=": value,
        "<>": value + step * (k + 1),
    }[op]
    assert OPS[op](value, literal)
    if draw(st.booleans()) and op not in ("=", "<>"):
        flipped = {">": "<", ">=": "<=", "<": ">", "<=": ">="}[op]
        return f"{_literal(literal)} {flipped} {column}"
    return f"{column} {op} {_literal(literal)}"


@st.composite
def true_atom(draw: st.DrawFn, w: dict[str, Any]) -> str:
    kind = draw(
        st.sampled_from(
            [
                "cmp",
                "cmp",
                "between",
                "not_between",
                "in",
                "not_in",
                "length",
                "like",
                "not_like",
                "lower",
                "bool",
                "relation",
                "sum",
                "scaled",
                "not_empty",
                "not_null",
                "negated",
            ]
        )
    )
    i, j, s = w["i"], w["j"], w["s"]
    if kind == "cmp":
        return draw(true_comparison(w))
    if kind == "between":
        return f"i BETWEEN {i - draw(st.integers(0, 3))} AND {i + draw(st.integers(0, 3))}"
    if kind == "not_between":
        low = i + draw(st.integers(1, 3))
        return f"i NOT BETWEEN {low} AND {low + draw(st.integers(0, 3))}"
    if kind == "in":
        others = draw(st.lists(st.integers(-20, 20), max_size=3))
        return f"j IN ({', '.join(str(v) for v in [*others, j])})"
    if kind == "not_in":
        others = [v for v in draw(st.lists(st.integers(-20, 20), min_size=1, max_size=3)) if v != j]
        return f"j NOT IN ({', '.join(str(v) for v in others)})" if others else "j IS NOT NULL"
    if kind == "length":
        op = draw(st.sampled_from([">=", "<=", "="]))
        return f"length(s) {op} {len(s)}"
    if kind == "like":
        cut = draw(st.integers(0, len(s)))
        return f"s LIKE '{s[:cut]}%'" if draw(st.booleans()) else f"s LIKE '%{s[cut:]}'"
    if kind == "not_like":
        return "s NOT LIKE 'q%'"
    if kind == "lower":
        return "lower(s) = s"
    if kind == "bool":
        return "b" if w["b"] else "NOT b"
    if kind == "relation":
        gap = i - j - draw(st.integers(1, 3))
        return f"i > j + {gap}" if gap >= 0 else f"i > j - {-gap}"
    if kind == "sum":
        return f"i + j <= {i + j + draw(st.integers(0, 5))}"
    if kind == "scaled":
        return f"d * 100 >= {int(w['d'] * 100) - draw(st.integers(0, 50))}"
    if kind == "not_empty":
        return "s <> ''"
    if kind == "not_null":
        return "s IS NOT NULL"
    # NOT of a comparison that is false for the witness.
    comparison = draw(true_comparison(w))
    for op in sorted(OPS, key=len, reverse=True):
        if f" {op} " in comparison:
            return "NOT (" + comparison.replace(f" {op} ", f" {NEGATED_OP[op]} ", 1) + ")"
    return comparison


@st.composite
def true_tree(draw: st.DrawFn, w: dict[str, Any], depth: int = 0) -> str:
    choice = draw(st.sampled_from(["atom", "and", "or"] if depth < 3 else ["atom"]))
    if choice == "atom":
        return draw(true_atom(w))
    left = draw(true_tree(w, depth + 1))
    if choice == "and":
        right = draw(true_tree(w, depth + 1))
        return f"({left}) AND ({right})"
    other = draw(WITNESS)  # a branch that holds for some other row
    right = draw(true_tree(other, depth + 1))
    parts = [left, right] if draw(st.booleans()) else [right, left]
    return f"({parts[0]}) OR ({parts[1]})"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_satisfiable_random_checks_are_solved_and_hold(fuzz_table: TableInfo, data: st.DataObject) -> None:
    witness = data.draw(WITNESS)
    texts = data.draw(st.lists(true_tree(witness), min_size=1, max_size=3))
    assume(all(evaluate(text, witness) is True for text in texts))
    table = _with_checks(fuzz_table, *texts)
    analysis = analyze_checks(table)
    assert analysis.unsolved == (), texts
    seed(data.draw(st.integers(0, 1000)))
    row = solved_row(table, analysis)
    for text in texts:
        assert evaluate(text, row) is True, (text, row, analysis)
