"""Models ormprobe can't fully exercise are reported once and the rest is skipped with a reason.

A model that can't be instantiated at all, or a cascade that reaches a table the database
refused to create, must not turn every case that touches them into an "ormprobe error": the
cause is reported once (OP401, OP306) and the other cases are skipped, saying why.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

import ormprobe
from ormprobe.results import Status

UNINSTANTIABLE = """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class ChangeTracking:
    # Written for an old SQLAlchemy: reads mapped state before the instance has any.
    def __setattr__(self, key, value):
        self.__dict__.setdefault("_previous", {})[key] = getattr(self, "title", None)
        super().__setattr__(key, value)


class Board(ChangeTracking, Base):
    __tablename__ = "board"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(10), default="open")
    cards: Mapped[list["Card"]] = relationship(back_populates="board", cascade="all, delete-orphan")


class Card(Base):
    __tablename__ = "card"
    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), index=True)
    board: Mapped[Board] = relationship(back_populates="cards")
"""

CASCADE_INTO_MISSING_TABLE = """
from sqlalchemy import ForeignKey, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Source(Base):
    __tablename__ = "source"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    groups: Mapped[list["SourceGroup"]] = relationship(back_populates="source", cascade="all, delete-orphan")
    results: Mapped[list["Result"]] = relationship(back_populates="source")


class SourceGroup(Base):
    __tablename__ = "source_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    labels = mapped_column(ARRAY(String(20)))  # PostgreSQL only
    source: Mapped[Source] = relationship(back_populates="groups")


class Result(Base):
    __tablename__ = "result"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    source: Mapped[Source] = relationship(back_populates="results")
"""


@pytest.fixture
def models(tmp_path: Path):
    # Not clean_modules: forgetting the libraries a scan imports first (sqlalchemy_utils,
    # factory_boy...) would give the next scan second copies of their classes. The module
    # names are unique, so nothing clashes.
    def write(source: str) -> str:
        path = tmp_path / f"unusable_{uuid.uuid4().hex[:10]}.py"
        path.write_text(source, encoding="utf-8")
        return str(path)

    return write


def skipped(report: ormprobe.Report) -> dict[str, str]:
    return {r.case_id: r.reason or "" for r in report.results if r.status is Status.SKIPPED}


def test_a_model_that_cannot_be_instantiated_is_one_error(models) -> None:
    report = ormprobe.scan(models(UNINSTANTIABLE))
    assert [r.case_id for r in report.errors()] == ["OP401[Board]"]
    reasons = skipped(report)
    assert "can't be instantiated even without __init__" in reasons["OP102[Board.cards]"]
    assert reasons["OP502[Board.status]"].startswith("Board can't be created")
    assert reasons["OP101[Board.cards]"].startswith("Board can't be created")


def test_a_cascade_into_a_table_sqlite_refused_is_skipped(models) -> None:
    report = ormprobe.scan(models(CASCADE_INTO_MISSING_TABLE))
    assert report.errors() == ()
    # Removing a result from Source.results does null its NOT NULL FK: that one is real.
    assert {(f.code, f.target) for f in report.findings()} == {("OP202", "Source.results")}
    reason = skipped(report)["OP201[Source.results]"]
    assert reason == "the scenario reaches table source_group, which could not be created on sqlite"
