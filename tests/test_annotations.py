"""ormprobe.annotations: what a Mapped[...] annotation says about None, without evaluating it."""

from __future__ import annotations

import typing
from typing import Optional, Union

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Mapped

from ormprobe.annotations import mapped_optional


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        # strings, as under `from __future__ import annotations`
        ("Mapped[str]", False),
        ("Mapped[Optional[str]]", True),
        ("Mapped[typing.Optional[str]]", True),
        ("Mapped[str | None]", True),
        ("Mapped[None | str]", True),
        ("Mapped[Union[int, str, None]]", True),
        ("Mapped[Union[int, str]]", False),
        ("Mapped['Parent']", False),
        ("Mapped['Parent | None']", True),
        ("sa.orm.Mapped[list[Child]]", False),
        ("Optional[str]", None),  # not Mapped: SQLModel/dataclass fields are not read
        ("Mapped[", None),  # unreadable
        # live objects, as without the future import
        (Mapped[str], False),
        (Mapped[Optional[str]], True),  # noqa: UP045 - the form under test
        (Mapped[str | None], True),
        (Mapped[Union[int, None]], True),  # noqa: UP007 - the form under test
        (Mapped["Parent"], False),
        (Mapped["Parent | None"], True),
        (typing.Optional[str], None),  # noqa: UP045 - the form under test
    ],
)
def test_optional_forms(annotation: object, expected: bool | None) -> None:
    holder = type("Holder", (), {"__annotations__": {"value": annotation}})
    assert mapped_optional(holder, "value") is expected


def test_annotations_are_found_on_mixins_and_missing_ones_are_none() -> None:
    class Stamped:
        updated_at: Mapped[sa.DateTime | None]

    class Record(Stamped):
        name: Mapped[str]

    assert mapped_optional(Record, "updated_at") is True
    assert mapped_optional(Record, "name") is False
    assert mapped_optional(Record, "legacy_column") is None
