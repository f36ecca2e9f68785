"""Loading targets: every target form, every way to find models, and every clear error."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from ormprobe.errors import LoadError, NoModelsFound, TargetNotFound, UsageError
from ormprobe.loading import load_models, parse_target

pytestmark = pytest.mark.usefixtures("clean_modules")

SIMPLE = """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    books: Mapped[list["Book"]] = relationship(back_populates="author", cascade="all, delete-orphan")

class Book(Base):
    __tablename__ = "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"), index=True)
    author: Mapped[Author] = relationship(back_populates="books")
"""


def write(path: Path, source: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def class_names(loaded) -> list[str]:
    return [m.class_.__name__ for m in loaded.mappers]


# -- target forms --------------------------------------------------------------------


def test_file_path_target_loads_models_in_source_order(tmp_path: Path) -> None:
    path = write(tmp_path / "ld_simple_file.py", SIMPLE)
    loaded = load_models(str(path))
    assert class_names(loaded) == ["Author", "Book"]
    assert loaded.configured
    assert loaded.problems == ()
    assert {t.name for md in loaded.metadatas for t in md.sorted_tables} == {"author", "book"}


def test_dotted_module_target_with_pythonpath(tmp_path: Path) -> None:
    write(tmp_path / "src" / "ld_dotted_models.py", SIMPLE)
    loaded = load_models("ld_dotted_models", pythonpath=[tmp_path / "src"])
    assert class_names(loaded) == ["Author", "Book"]


def test_attr_target_narrows_the_scan_to_one_base(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ld_two_bases.py",
        SIMPLE
        + """
class Other(DeclarativeBase):
    pass

class Unrelated(Other):
    __tablename__ = "unrelated"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
    )
    assert class_names(load_models(str(path))) == ["Author", "Book", "Unrelated"]
    assert class_names(load_models(f"{path}:Other")) == ["Unrelated"]


def test_package_file_is_imported_under_its_package_name(tmp_path: Path) -> None:
    """The import root is found by walking up past __init__.py, as pytest does."""
    package = tmp_path / "ldshop"
    write(package / "__init__.py", "")
    write(
        package / "models" / "__init__.py",
        "from .catalog import Product\nfrom .orders import Order\n",
    )
    write(
        package / "models" / "base.py",
        "from sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase):\n    pass\n",
    )
    write(
        package / "models" / "catalog.py",
        """
        from sqlalchemy.orm import Mapped, mapped_column
        from .base import Base

        class Product(Base):
            __tablename__ = "product"
            id: Mapped[int] = mapped_column(primary_key=True)
        """,
    )
    write(
        package / "models" / "orders.py",
        """
        from sqlalchemy import ForeignKey
        from sqlalchemy.orm import Mapped, mapped_column, relationship
        from .base import Base
        from .catalog import Product

        class Order(Base):
            __tablename__ = "orders"
            id: Mapped[int] = mapped_column(primary_key=True)
            product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
            product: Mapped[Product] = relationship()
        """,
    )
    loaded = load_models(str(package / "models" / "orders.py"))
    assert loaded.module.__name__ == "ldshop.models.orders"
    # Product is reached through the shared registry, although orders.py only imports it.
    assert sorted(class_names(loaded)) == ["Order", "Product"]
    # A package directory works as a target too.
    assert sorted(class_names(load_models(str(package / "models")))) == ["Order", "Product"]


def test_registry_mapped_and_map_imperatively_are_found(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ld_imperative.py",
        """
        from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table
        from sqlalchemy.orm import registry, relationship

        mapper_registry = registry()
        metadata = MetaData()
        user_table = Table("user_account", metadata, Column("id", Integer, primary_key=True),
                           Column("name", String(30)))

        class User:
            pass

        @mapper_registry.mapped
        class Note:
            __tablename__ = "note"
            __table_args__ = {}
            id = Column(Integer, primary_key=True)
            body = Column(String(100))

        mapper_registry.map_imperatively(User, user_table)
        """,
    )
    loaded = load_models(str(path))
    assert sorted(class_names(loaded)) == ["Note", "User"]
    assert {t.name for md in loaded.metadatas for t in md.tables.values()} == {
        "user_account",
        "note",
    }


def test_table_only_module_is_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ld_tables_only.py",
        """
        from sqlalchemy import Column, Integer, MetaData, Table
        metadata = MetaData()
        things = Table("things", metadata, Column("id", Integer, primary_key=True))
        """,
    )
    loaded = load_models(str(path))
    assert loaded.mappers == ()
    assert [t.name for md in loaded.metadatas for t in md.tables.values()] == ["things"]


def test_prints_during_import_go_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "ld_noisy.py", 'print("connecting to production...")\n' + SIMPLE)
    load_models(str(path))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "connecting to production..." in captured.err


# -- SQLAlchemy problems are data ------------------------------------------------------


def test_configure_error_is_captured_with_sqlalchemy_code(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ld_configure_error.py",
        SIMPLE.replace('back_populates="author",', 'back_populates="nope",'),
    )
    loaded = load_models(str(path))
    assert not loaded.configured
    [problem] = [p for p in loaded.problems if p.kind == "error"]
    assert problem.exception == "InvalidRequestError"
    assert "nope" in problem.message
    assert "Background on this error" not in problem.message
    assert problem.target == "Author.books"


def test_sqlalchemy_warning_is_captured_with_code(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ld_overlap_warning.py",
        """
        from sqlalchemy import ForeignKey
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

        class Base(DeclarativeBase):
            pass

        class Team(Base):
            __tablename__ = "team"
            id: Mapped[int] = mapped_column(primary_key=True)
            players: Mapped[list["Player"]] = relationship()

        class Player(Base):
            __tablename__ = "player"
            id: Mapped[int] = mapped_column(primary_key=True)
            team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
            team: Mapped[Team] = relationship()
        """,
    )
    loaded = load_models(str(path))
    assert loaded.configured
    codes = {(p.kind, p.code) for p in loaded.problems}
    assert ("warning", "qzyx") in codes


def test_mapping_rejected_during_import_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ld_no_pk.py",
        """
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import DeclarativeBase

        class Base(DeclarativeBase):
            pass

        class NoKey(Base):
            __tablename__ = "no_key"
            value = Column(Integer)
        """,
    )
    loaded = load_models(str(path))
    assert loaded.mappers == ()
    [problem] = loaded.problems
    assert problem.kind == "error"
    assert problem.exception == "ArgumentError"
    assert "primary key" in problem.message


# -- clear errors ---------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TargetNotFound, match="no such file or directory"):
        load_models(str(tmp_path / "nope.py"))


def test_missing_module() -> None:
    with pytest.raises(TargetNotFound, match="no module named 'surely_not_a_module_xyz'"):
        load_models("surely_not_a_module_xyz")


def test_not_a_python_file(tmp_path: Path) -> None:
    path = write(tmp_path / "models.txt", "hello")
    with pytest.raises(TargetNotFound, match="not a Python file"):
        load_models(str(path))


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "ld_syntax.py", "import sqlalchemy\n\nclass Broken(:\n    pass\n")
    with pytest.raises(LoadError) as info:
        load_models(str(path))
    message = str(info.value)
    assert message.startswith("syntax error in ")
    assert "ld_syntax.py:3" in message


def test_import_error_names_the_failing_import_and_where(tmp_path: Path) -> None:
    path = write(tmp_path / "ld_import_error.py", "import os\nimport not_a_real_dependency_xyz\n")
    with pytest.raises(LoadError) as info:
        load_models(str(path))
    message = str(info.value)
    assert "No module named 'not_a_real_dependency_xyz'" in message
    assert "ld_import_error.py:2" in message
    assert "\n" not in message


def test_runtime_error_in_module_is_a_load_error(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ld_runtime_error.py",
        "import os\nDATABASE_URL = os.environ['SURELY_UNSET_ORMPROBE_VAR']\n",
    )
    with pytest.raises(LoadError, match=r"KeyError: 'SURELY_UNSET_ORMPROBE_VAR' \(.*ld_runtime_error.py:2\)"):
        load_models(str(path))


def test_sys_exit_at_import_is_a_load_error(tmp_path: Path) -> None:
    path = write(tmp_path / "ld_exits.py", "import sys\nsys.exit(3)\n")
    with pytest.raises(LoadError, match=r"sys.exit\(3\)"):
        load_models(str(path))


def test_no_models_found(tmp_path: Path) -> None:
    path = write(tmp_path / "ld_nothing.py", "def helper():\n    return 1\n\nclass Plain:\n    pass\n")
    with pytest.raises(NoModelsFound, match="found no mapped class"):
        load_models(str(path))


def test_unknown_attribute(tmp_path: Path) -> None:
    path = write(tmp_path / "ld_attr.py", SIMPLE)
    with pytest.raises(TargetNotFound, match="has no attribute 'Missing'"):
        load_models(f"{path}:Missing")


@pytest.mark.parametrize("text", ["", "   ", "app.models:not an identifier"])
def test_malformed_targets_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_target(text)


def test_module_name_clash_is_reported(tmp_path: Path) -> None:
    first = write(tmp_path / "a" / "ld_clash.py", SIMPLE)
    second = write(tmp_path / "b" / "ld_clash.py", SIMPLE)
    load_models(str(first))
    with pytest.raises(LoadError, match="already imported"):
        load_models(str(second))
    assert Path(sys.modules["ld_clash"].__file__).resolve() == first.resolve()


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize(
    ("fixture", "models"),
    [
        ("models/sqlmodel_app.py", {"Team", "Hero", "Mission", "HeroMissionLink", "Sidekick"}),
        ("models/flask_app.py", None),
        ("models/classic_and_mapped.py", None),
    ],
    ids=["sqlmodel", "flask-sqlalchemy", "two-registries"],
)
def test_framework_styles_are_found(fixture: str, models: set[str] | None) -> None:
    """SQLModel table models, Flask-SQLAlchemy's db.Model (no app) and two declarative
    bases in one module are all reached through the registries the module uses."""
    import sqlalchemy as sa

    loaded = load_models(str(FIXTURES / fixture))
    names = set(class_names(loaded))
    module_classes = {
        obj.__name__
        for obj in vars(loaded.module).values()
        if isinstance(obj, type) and isinstance(sa.inspect(obj, raiseerr=False), sa.orm.Mapper)
    }
    assert module_classes <= names
    if models is not None:
        assert models <= names
    assert loaded.configured
    assert not [p for p in loaded.problems if p.kind == "error"]


def test_a_subclass_of_flask_sqlalchemy_is_a_target(tmp_path: Path) -> None:
    """Applications subclass SQLAlchemy (to tune the engine); `module:db` still finds the
    models of its db.Model, including ones defined in another module."""
    write(
        tmp_path / "ld_fsa_db.py",
        """
        from flask_sqlalchemy import SQLAlchemy

        class AppSQLAlchemy(SQLAlchemy):
            pass

        db = AppSQLAlchemy()
        """,
    )
    write(
        tmp_path / "ld_fsa_models.py",
        """
        from ld_fsa_db import db

        class Shelf(db.Model):
            id = db.Column(db.Integer, primary_key=True)
        """,
    )
    loaded = load_models("ld_fsa_models:db", pythonpath=[tmp_path])
    assert class_names(loaded) == ["Shelf"]
