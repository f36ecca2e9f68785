"""`ormprobe inspect`, `--version`, `--help`, and the CLI's error contract."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent

MODELS = """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
import logging

print("models say hello")
logging.getLogger("models").warning("and they log")

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


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ormprobe", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def models_file(tmp_path: Path) -> Path:
    path = tmp_path / "cli_models.py"
    path.write_text(textwrap.dedent(MODELS), encoding="utf-8")
    return path


def test_inspect_json_is_clean_on_stdout_and_valid(models_file: Path) -> None:
    result = run("inspect", models_file.name, "--format", "json", cwd=models_file.parent)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # the models' print() did not leak into stdout
    assert "models say hello" in result.stderr
    assert "and they log" in result.stderr
    schema = json.loads((ROOT / "ormprobe" / "schemas" / "inspect.schema.json").read_text())
    jsonschema.validate(document, schema)
    assert document["version"] == 1
    assert [m["name"] for m in document["models"]] == ["Author", "Book"]
    books = document["models"][0]["relationships"][0]
    assert books["name"] == "books"
    assert books["target"] == "Book"
    assert books["direction"] == "ONETOMANY"
    assert books["back_populates"] == "author"
    assert books["location"] == {"path": "cli_models.py", "line": 16}
    assert document["summary"]["relationships"] == 2


def test_inspect_text_lists_models_and_relationships(models_file: Path) -> None:
    result = run("inspect", str(models_file), cwd=models_file.parent)
    assert result.returncode == 0, result.stderr
    assert "2 models, 2 tables, 2 relationships" in result.stdout
    assert "books -> Book (one-to-many)" in result.stdout
    assert "author -> Author (many-to-one)" in result.stdout


def test_inspect_writes_output_file(models_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.json"
    result = run("inspect", str(models_file), "--format", "json", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(out.read_text())["summary"]["models"] == 2


def test_target_from_pyproject(models_file: Path) -> None:
    (models_file.parent / "pyproject.toml").write_text('[tool.ormprobe]\nmodels = "cli_models.py"\n')
    result = run("inspect", "--format", "json", cwd=models_file.parent)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["target"] == "cli_models.py"


@pytest.mark.parametrize(
    ("files", "target", "message"),
    [
        ({}, "missing.py", "missing.py: no such file or directory"),
        ({"broken.py": "class X(:\n"}, "broken.py", "syntax error in broken.py:1"),
        (
            {"needs.py": "import not_installed_pkg_q\n"},
            "needs.py",
            "No module named 'not_installed_pkg_q' (needs.py:1)",
        ),
        ({"empty.py": "x = 1\n"}, "empty.py", "found no mapped class"),
        ({}, "no_such_module_zz", "no module named 'no_such_module_zz'"),
    ],
    ids=["missing-file", "syntax-error", "import-error", "no-models", "missing-module"],
)
def test_bad_targets_exit_2_with_one_line_and_no_traceback(
    tmp_path: Path, files: dict[str, str], target: str, message: str
) -> None:
    for name, source in files.items():
        (tmp_path / name).write_text(source)
    result = run("inspect", target, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr


def test_missing_target_without_config_is_a_usage_error(tmp_path: Path) -> None:
    result = run("inspect", cwd=tmp_path)
    assert result.returncode == 2
    assert "no models target" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_config_key_is_a_usage_error(tmp_path: Path, models_file: Path) -> None:
    (models_file.parent / "pyproject.toml").write_text('[tool.ormprobe]\nmodles = "x.py"\n')
    result = run("inspect", models_file.name, cwd=models_file.parent)
    assert result.returncode == 2
    assert "unknown key 'modles'" in result.stderr


def test_version_and_help_do_not_import_sqlalchemy(tmp_path: Path) -> None:
    """--help and --version must stay instant: no SQLAlchemy, no user models."""
    probe = (
        "import sys\n"
        "from ormprobe.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'factory', 'faker', 'rich') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert "HEAVY=\n" in result.stdout, result.stdout
    version = run("--version", cwd=tmp_path)
    assert version.returncode == 0
    from ormprobe import __version__

    assert version.stdout.strip() == f"ormprobe, version {__version__}"
