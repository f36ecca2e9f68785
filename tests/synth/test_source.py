"""``ormprobe factories``: factory_boy source that imports and works on its own.

The generated modules are imported in a fresh interpreter (cwd = the repository root,
the models' import root on ``PYTHONPATH``), which creates every table in SQLite with
foreign keys on and three objects with every factory. Nothing from ormprobe is imported
there: the module must stand alone.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from ormprobe.cli import main
from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints import Domain
from ormprobe.synth.values import describe, render_literal

ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = ROOT / "fixtures" / "models"
FIXTURE_MODELS = sorted(MODELS_DIR.glob("*.py"))

# Run in a fresh interpreter: import each generated module, create its tables in SQLite
# (foreign keys on, one attached database per schema) and 3 objects with every factory.
HARNESS = """
import importlib
import sys

import sqlalchemy as sa
from sqlalchemy.orm import Session

failures = []
made = 0
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    factories = [
        value for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, module.BaseFactory)
        and not value._meta.abstract
    ]
    tables = [sa.inspect(f._meta.model).local_table for f in factories]
    metadatas = {table.metadata for table in tables}
    schemas = {t.schema for md in metadatas for t in md.tables.values() if t.schema}
    engine = sa.create_engine("sqlite://")

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record, schemas=schemas):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        for schema in schemas:
            dbapi_connection.execute(f"ATTACH DATABASE ':memory:' AS {schema}")

    with engine.connect() as connection:
        for metadata in metadatas:
            metadata.create_all(connection)
        with Session(bind=connection) as session:
            module.bind(session)
            for factory in factories:
                for n in range(3):
                    try:
                        with session.begin_nested():
                            factory()
                        made += 1
                    except Exception as exc:
                        first = str(exc).splitlines()[0][:200]
                        failures.append(f"{name}.{factory.__name__} #{n}: {first}")
    assert "ormprobe" not in sys.modules, "the generated module imported ormprobe"
print(f"made {made}")
for failure in failures:
    print("FAILED", failure)
sys.exit(1 if failures else 0)
"""


def generate(target: Path | str, output: Path, *extra: str) -> str:
    """Run ``ormprobe factories TARGET -o OUTPUT`` and return the written source."""
    result = CliRunner().invoke(main, ["factories", str(target), "-o", str(output), *extra])
    assert result.exit_code == 0, result.output
    return output.read_text(encoding="utf-8")


def run_generated(tmp_path: Path, modules: list[str], *import_roots: Path) -> str:
    """Import the generated ``modules`` in a fresh interpreter and create with them."""
    harness = tmp_path / "harness.py"
    harness.write_text(HARNESS, encoding="utf-8")
    path = os.pathsep.join(str(p) for p in (*import_roots, tmp_path))
    completed = subprocess.run(
        [sys.executable, str(harness), *modules],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def lint(path: Path) -> str:
    """Pyflakes-grade problems (ruff's F rules: unused imports, undefined names)."""
    completed = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "F,E9", str(path)],
        capture_output=True,
        text=True,
    )
    return "" if completed.returncode == 0 else completed.stdout + completed.stderr


# -- the generated module works on its own -----------------------------------------------


def test_agent_platform_factories_import_and_create_every_model(tmp_path: Path, clean_modules: None) -> None:
    output = tmp_path / "factories.py"
    source = generate(MODELS_DIR / "agent_platform.py", output)
    compile(source, str(output), "exec")
    assert lint(output) == ""
    assert "import agent_platform as models" in source
    assert "class WorkspaceFactory(BaseFactory):" in source
    assert 'sqlalchemy_session_persistence = "flush"' in source
    assert "agent = factory.SubFactory(AgentFactory, " in source
    assert "ormprobe" not in source.split('"""', 2)[2]  # only the docstring names it
    stdout = run_generated(tmp_path, ["factories"], MODELS_DIR)
    assert stdout.startswith("made 63")  # 21 models, 3 each


def test_every_fixture_module_gets_factories_that_work(tmp_path: Path, clean_modules: None) -> None:
    names = []
    for path in FIXTURE_MODELS:
        name = f"factories_{path.stem}"
        generate(path, tmp_path / f"{name}.py")
        assert lint(tmp_path / f"{name}.py") == "", path.stem
        names.append(name)
    stdout = run_generated(tmp_path, names, MODELS_DIR)
    assert int(stdout.split()[1]) >= 3 * len(FIXTURE_MODELS)


SHAPES = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Region(Base):
    __tablename__ = "region"
    country: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))


class Office(Base):
    \"\"\"A composite foreign key with no relationship: the key columns are copied.\"\"\"

    __tablename__ = "office"
    __table_args__ = (
        sa.ForeignKeyConstraint(["country", "region_code"], ["region.country", "region.code"]),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(sa.String(2))
    region_code: Mapped[str] = mapped_column(sa.String(8))


class Node(Base):
    \"\"\"A NOT NULL foreign key to its own table: a root points at itself.\"\"\"

    __tablename__ = "node"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    parent_id: Mapped[int] = mapped_column(sa.ForeignKey("node.id"))
    label: Mapped[str] = mapped_column(sa.String(20))


class Ticket(Base):
    __tablename__ = "ticket"
    __table_args__ = (sa.CheckConstraint("closes_on > opens_on", name="ck_ticket_dates"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    opens_on: Mapped[sa.Date] = mapped_column(sa.Date)
    closes_on: Mapped[sa.Date] = mapped_column(sa.Date)
    priority: Mapped[int] = mapped_column(sa.CheckConstraint("priority BETWEEN 1 AND 3"))
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("office.id"))
    office: Mapped[Office] = relationship()
"""


def test_key_columns_self_references_and_checks_are_written_out(tmp_path: Path, clean_modules: None) -> None:
    models = tmp_path / f"shapes_{uuid.uuid4().hex[:8]}.py"
    models.write_text(SHAPES, encoding="utf-8")
    output = tmp_path / "factories.py"
    source = generate(models, output)
    assert "class Params:" in source
    assert "region_parent = factory.SubFactory(RegionFactory)" in source
    assert 'country = factory.SelfAttribute("region_parent.country")' in source
    assert 'region_code = factory.SelfAttribute("region_parent.code")' in source
    assert 'parent_id = factory.SelfAttribute("id")  # the row points at itself' in source
    assert "id = factory.Sequence(lambda n: 2_000_000_000 - n)" in source
    assert "# CHECK: closes_on > opens_on" in source
    assert 'priority = factory.Faker("pyint", min_value=1, max_value=3)' in source
    assert lint(output) == ""
    assert run_generated(tmp_path, ["factories"]).startswith("made 12")


DEFERRED_CYCLE = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    latest_book_id: Mapped[int] = mapped_column(
        sa.ForeignKey("book.id", deferrable=True, initially="DEFERRED", use_alter=True)
    )
    latest_book: Mapped["Book"] = relationship(foreign_keys=[latest_book_id], post_update=True)


class Book(Base):
    __tablename__ = "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(
        sa.ForeignKey("author.id", deferrable=True, initially="DEFERRED")
    )
    author: Mapped[Author] = relationship(foreign_keys=[author_id])
"""


def test_a_deferrable_cycle_gets_a_post_generation_hook(tmp_path: Path, clean_modules: None) -> None:
    models = tmp_path / f"cycle_{uuid.uuid4().hex[:8]}.py"
    models.write_text(DEFERRED_CYCLE, encoding="utf-8")
    output = tmp_path / "factories.py"
    source = generate(models, output)
    assert "@factory.post_generation" in source
    assert "BookFactory(id=obj.latest_book_id, author=obj)" in source
    assert lint(output) == ""
    assert run_generated(tmp_path, ["factories"]).startswith("made 6")


# -- the command line --------------------------------------------------------------------


def test_the_command_prints_to_stdout_without_an_output_file(clean_modules: None) -> None:
    result = CliRunner().invoke(main, ["factories", str(MODELS_DIR / "one_to_many.py")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith('"""factory_boy factories for the models in')


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["factories", "no/such/models.py"], "ormprobe: error:"),
        (["factories", str(ROOT / "fixtures" / "loading" / "syntax_error_models.py")], "error"),
    ],
    ids=["missing-file", "import-error"],
)
def test_the_command_fails_with_exit_2_and_one_line(
    arguments: list[str], message: str, clean_modules: None
) -> None:
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


# -- describing providers ------------------------------------------------------------------


def column(name: str, sa_type: Any, **options: Any) -> ColumnInfo:
    """A NOT NULL column of ``table`` for the describing tests."""
    defaults: dict[str, Any] = {
        "table": "thing",
        "name": name,
        "attribute": name,
        "type": repr(sa_type),
        "type_class": type(sa_type).__name__,
        "python_type": None,
        "nullable": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "autoincrement": False,
        "length": getattr(sa_type, "length", None),
        "sa_type": sa_type,
    }
    return ColumnInfo(**{**defaults, **options})


def values_of(source: str, imports: tuple[str, ...], count: int = 30) -> list[Any]:
    """Make ``count`` values from a declaration's source, the way the module would."""
    import factory

    namespace: dict[str, Any] = {"factory": factory}
    for line in imports:
        exec(line, namespace)
    declaration = eval(source, namespace)
    return [row["value"] for row in factory.build_batch(dict, count, value=declaration)]


@pytest.mark.parametrize(
    ("col", "unique", "expected"),
    [
        (
            column("email", sa.String(120)),
            True,
            'factory.Sequence(lambda n: f"user{n}@example.com")',
        ),
        (column("email", sa.String(120)), False, 'factory.Faker("safe_email")'),
        (column("slug", sa.String(40)), True, 'factory.Sequence(lambda n: f"slug-{n}")'),
        (column("is_active", sa.Boolean()), False, 'factory.Faker("pybool")'),
        (column("rank", sa.Integer()), True, "factory.Sequence(lambda n: 1 + n)"),
    ],
    ids=["unique-email", "email", "unique-slug", "boolean", "unique-integer"],
)
def test_natural_declarations(col: ColumnInfo, unique: bool, expected: str) -> None:
    assert describe(col, unique=unique).source == expected


def test_a_declaration_keeps_to_the_check_domain() -> None:
    col = column("score", sa.Integer())
    declaration = describe(col, domain=Domain(minimum=10, maximum=20))
    made = values_of(declaration.source, declaration.imports)
    assert all(10 <= value <= 20 for value in made)


def test_a_pattern_no_faker_call_meets_falls_back_to_the_providers_values() -> None:
    col = column("ref", sa.String(12))
    domain = Domain(like=("R-%-Z",), case="upper")
    declaration = describe(col, unique=True, domain=domain)
    made = values_of(declaration.source, declaration.imports, count=20)
    assert len(set(made)) == 20
    assert all(v.startswith("R-") and v.endswith("-Z") and v == v.upper() for v in made)
    assert declaration.note is not None


class Colour(enum.Enum):
    RED = "r"


@pytest.mark.parametrize(
    ("value", "source"),
    [
        (Decimal("1.50"), 'Decimal("1.50")'),
        (
            dt.datetime(2020, 1, 2, tzinfo=dt.UTC),
            "datetime.datetime(2020, 1, 2, tzinfo=datetime.timezone.utc)",
        ),
        (dt.date(2020, 1, 2), "datetime.date(2020, 1, 2)"),
        (uuid.UUID(int=1), 'uuid.UUID("00000000-0000-0000-0000-000000000001")'),
        (Colour.RED, "Colour.RED"),
        ({"a": [1, 2.5]}, "{'a': [1, 2.5]}"),
    ],
    ids=["decimal", "aware-datetime", "date", "uuid", "enum", "json"],
)
def test_literals_round_trip(value: Any, source: str) -> None:
    rendered = render_literal(value)
    assert rendered is not None
    text, imports = rendered
    assert text == source
    namespace: dict[str, Any] = {"Colour": Colour}
    for line in imports:
        if "import Colour" not in line:
            exec(line, namespace)
    assert eval(text, namespace) == value


def test_objects_without_a_literal_are_refused() -> None:
    unrenderable: Callable[[], None] = lambda: None  # noqa: E731
    assert render_literal(unrenderable) is None
