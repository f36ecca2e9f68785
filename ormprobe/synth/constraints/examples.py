"""A small column and table for the examples in docstrings (``>>>`` lines)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ormprobe.graph import ColumnInfo, ConstraintInfo, TableInfo


def example_column(name: str = "title") -> ColumnInfo:
    """A NOT NULL ``String(120)`` column of table ``example``."""
    return _not_null_column(
        "example", name, sa.String(120), "String(length=120)", "sqlalchemy.sql.sqltypes.String", "str"
    )


def example_table(sqltext: str) -> TableInfo:
    """A one-column integer table with one CHECK."""
    column = _not_null_column("t", "x", sa.Integer(), "INTEGER", "Integer", "int")
    check = ConstraintInfo(kind="check", name="ck_x", table="t", columns=("x",), sqltext=sqltext)
    return TableInfo(
        name="t",
        schema=None,
        columns=(column,),
        primary_key=(),
        foreign_keys=(),
        constraints=(check,),
        indexes=(),
    )


def _not_null_column(
    table: str, name: str, sa_type: Any, type_text: str, type_class: str, python_type: str
) -> ColumnInfo:
    return ColumnInfo(
        table=table,
        name=name,
        attribute=name,
        type=type_text,
        type_class=type_class,
        python_type=python_type,
        nullable=False,
        primary_key=False,
        unique=False,
        index=False,
        autoincrement=False,
        length=getattr(sa_type, "length", None),
        sa_type=sa_type,
    )
