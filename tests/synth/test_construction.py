"""Objects of models whose own ``__init__`` can't take a synthesized row.

Real constructors want a non-column keyword, a foreign key by name, or a keyword a
decorator pops. The promise under test: such models are made anyway, without
``__init__``, with every ``@validates`` hook still judging the values, the constructor
tried once and not per row; and a hook that rejects a value is still reported with
the ``[tool.ormprobe.values]`` way out, never bypassed.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import exc as sa_exc

from ormprobe.errors import SynthesisError
from ormprobe.synth.factories import Factories
from ormprobe.synth.factories.construction import accepts_keywords

from .test_factories import synthesis, write_models

__all__ = ["write_models"]  # a fixture: imported for pytest to find

HEADER = """
import functools

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates


class Base(DeclarativeBase):
    pass


seen = []  # (model, value) for every value a @validates hook judged
"""

# A constructor that needs a keyword that is no column (an @auto_init-style session).
NEEDS_CONTEXT = (
    HEADER
    + """
class Team(Base):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(40))
    players: Mapped[list["Player"]] = relationship(back_populates="team")

    calls = 0

    def __init__(self, context=None, **kwargs):
        type(self).calls += 1
        if context is None:
            raise ValueError("a Team needs its context")
        super().__init__(**kwargs)

    @validates("title")
    def _title(self, key, value):
        seen.append(("Team", value))
        return value


class Player(Base):
    __tablename__ = "player"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id"))
    team: Mapped[Team] = relationship(back_populates="players")
"""
)

# A foreign key required by name, next to a **kwargs that swallows the relationship.
NAMED_KEY = (
    HEADER
    + """
class Owner(Base):
    __tablename__ = "owner"
    id: Mapped[int] = mapped_column(primary_key=True)
    keys: Mapped[list["ApiKey"]] = relationship(back_populates="owner")


class ApiKey(Base):
    __tablename__ = "api_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(40))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owner.id"))
    owner: Mapped[Owner] = relationship(back_populates="keys")

    calls = 0

    def __init__(self, label, owner_id, **_ignored):
        type(self).calls += 1
        self.label = label
        self.owner_id = owner_id

    @validates("label")
    def _label(self, key, value):
        seen.append(("ApiKey", value))
        return value
"""
)

# A decorator around __init__ that pops a relationship's keyword ormprobe never passes.
POPPING_WRAPPER = (
    HEADER
    + """
def with_tags(init):
    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        names = kwargs.pop("tag_names")
        return init(self, *args, tags=[Tag(name=n) for n in names], **kwargs)

    return wrapper


class Article(Base):
    __tablename__ = "article"
    id: Mapped[int] = mapped_column(primary_key=True)
    headline: Mapped[str] = mapped_column(sa.String(40))
    tags: Mapped[list["Tag"]] = relationship()

    @with_tags
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    @validates("headline")
    def _headline(self, key, value):
        seen.append(("Article", value))
        return value


class Tag(Base):
    __tablename__ = "tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int | None] = mapped_column(sa.ForeignKey("article.id"))
    name: Mapped[str] = mapped_column(sa.String(40))
"""
)


def _module(factories: Factories, model: str) -> Any:
    """The models module ``model`` was loaded from (its counters and ``seen`` list)."""
    return sys.modules[factories.graph.model(model).class_.__module__]


# -- the three shapes: made without __init__, hooks still run -----------------------------


def test_a_constructor_that_needs_a_context_keyword_is_gone_around(
    write_models: Callable[[str], str],
) -> None:
    target = write_models(NEEDS_CONTEXT)
    with synthesis(target, "sqlite://") as (factories, session, _schema):
        teams = [factories.create("Team") for _ in range(4)]
        player = factories.create("Player")
        module = _module(factories, "Team")
        assert session.get(module.Team, teams[0].id) is teams[0]
    assert all(team.id is not None and team.title for team in teams)
    assert player.team.id is not None
    # Every title went through the hook, yet the constructor was tried once, not per row.
    assert [value for model, value in module.seen if model == "Team"] == [
        team.title for team in [*teams, player.team]
    ]
    assert module.Team.calls == 1


def test_a_foreign_key_required_by_name_is_not_taken_for_any_keyword(
    write_models: Callable[[str], str],
) -> None:
    target = write_models(NAMED_KEY)
    with synthesis(target, "sqlite://") as (factories, _session, _schema):
        keys = [factories.create("ApiKey") for _ in range(3)]
        module = _module(factories, "ApiKey")
    assert all(key.owner_id == key.owner.id for key in keys)
    assert [value for _model, value in module.seen] == [key.label for key in keys]
    # The signature says the call can't work with the row: it is not even tried.
    assert module.ApiKey.calls == 0
    assert not accepts_keywords(module.ApiKey, frozenset({"label", "owner"}))
    assert accepts_keywords(module.ApiKey, frozenset({"label", "owner_id", "owner"}))


def test_a_wrapper_that_pops_a_keyword_of_its_own_is_gone_around(
    write_models: Callable[[str], str],
) -> None:
    target = write_models(POPPING_WRAPPER)
    with synthesis(target, "sqlite://") as (factories, _session, _schema):
        articles = [factories.create("Article") for _ in range(3)]
        built = factories.build("Article")
        module = _module(factories, "Article")
        assert all(article.id is not None and article.tags == [] for article in articles)
    assert built.headline
    assert [value for _model, value in module.seen] == [a.headline for a in [*articles, built]]


# -- what is not gone around ------------------------------------------------------------

REJECTING = (
    HEADER
    + """
class Coupon(Base):
    __tablename__ = "coupon"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40))

    def __init__(self, context=None, **kwargs):
        if context is None:
            raise ValueError("a Coupon needs its context")
        super().__init__(**kwargs)

    @validates("code")
    def _code_has_prefix(self, key, value):
        if not value.startswith("CPN-"):
            raise ValueError("coupon codes start with CPN-")
        return value


class Badge(Base):
    __tablename__ = "badge"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(40))


@sa.event.listens_for(Badge.label, "set")
def _no_labels(target, value, oldvalue, initiator):
    raise ValueError("badges are set by the registrar")


class Stamp(Base):
    __tablename__ = "stamp"
    id: Mapped[int] = mapped_column(primary_key=True)
    ink: Mapped[str] = mapped_column(sa.String(40))

    def __init__(self, context=None, **kwargs):
        if context is None:
            raise ValueError("a Stamp needs its context")
        super().__init__(**kwargs)


@sa.event.listens_for(Stamp.ink, "set")
def _no_ink(target, value, oldvalue, initiator):
    raise TypeError("ink is chosen by the press")
"""
)


def test_a_validator_rejection_is_reported_when_the_constructor_is_gone_around(
    write_models: Callable[[str], str],
) -> None:
    target = write_models(REJECTING)
    with (
        synthesis(target, "sqlite://") as (factories, _session, _schema),
        pytest.raises(SynthesisError) as raised,
    ):
        factories.create("Coupon")
    message = str(raised.value)
    assert "Coupon: @validates('code') _code_has_prefix() rejected the synthesized value" in message
    assert "coupon codes start with CPN-" in message
    assert '[tool.ormprobe.values] "Coupon.code" = ...' in message
    assert raised.value.target == "Coupon.code"


def test_with_an_override_the_validated_model_is_made_without_its_constructor(
    write_models: Callable[[str], str],
) -> None:
    target = write_models(REJECTING)
    with synthesis(target, "sqlite://", overrides={"Coupon.code": "CPN-SPRING"}) as (factories, _s, _schema):
        coupon = factories.create("Coupon")
    assert coupon.id is not None and coupon.code == "CPN-SPRING"


def test_when_neither_way_works_both_failures_are_named(write_models: Callable[[str], str]) -> None:
    target = write_models(REJECTING)
    with synthesis(target, "sqlite://") as (factories, _session, _schema):
        with pytest.raises(SynthesisError) as refused:
            factories.create("Badge")
        with pytest.raises(SynthesisError) as rejected:
            factories.create("Stamp", ink="red")
    assert refused.value.target == "Badge.label"
    assert str(refused.value).startswith(
        "Badge(...) raised ValueError: badges are set by the registrar, and so did setting Badge.label = "
    )
    assert str(refused.value).endswith(
        ' without __init__; set a valid one in pyproject.toml: [tool.ormprobe.values] "Badge.label" = ...'
    )
    assert rejected.value.target == "Stamp.ink"
    assert str(rejected.value).startswith(
        "Stamp(...) raised ValueError: a Stamp needs its context, and setting Stamp.ink = 'red' "
        "without __init__ raised TypeError: ink is chosen by the press; set a valid one"
    )


CHECKING_CONSTRUCTOR = (
    HEADER
    + """
class Voucher(Base):
    __tablename__ = "voucher"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40))

    def __init__(self, **kwargs):
        if kwargs["code"].startswith("X"):
            raise ValueError("X codes are retired")
        super().__init__(**kwargs)
"""
)


def test_once_the_constructor_took_a_row_a_rejected_value_is_reported(
    write_models: Callable[[str], str],
) -> None:
    target = write_models(CHECKING_CONSTRUCTOR)
    with synthesis(target, "sqlite://") as (factories, _session, _schema):
        factories.create("Voucher")
        with pytest.raises(SynthesisError) as raised:
            factories.create("Voucher", code="X-1")
    # The application's rule about values is reported, not worked around.
    assert str(raised.value) == (
        "Voucher(...) raised ValueError: X codes are retired with synthesized values; "
        "set valid ones in [tool.ormprobe.values]"
    )


# A constructor that links the parent, then raises: the half-made object must not stay
# in the parent's collection through the backref.
LINKS_THEN_RAISES = (
    HEADER
    + """
class Board(Base):
    __tablename__ = "board"
    id: Mapped[int] = mapped_column(primary_key=True)
    cards: Mapped[list["Card"]] = relationship(back_populates="board")


class Card(Base):
    __tablename__ = "card"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(40))
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("board.id"))
    board: Mapped[Board] = relationship(back_populates="cards")

    def __init__(self, context=None, **kwargs):
        super().__init__(**kwargs)
        if context is None:
            raise ValueError("a Card needs its context")
"""
)


def test_a_constructor_that_raised_leaves_no_half_made_object_behind(
    write_models: Callable[[str], str],
) -> None:
    target = write_models(LINKS_THEN_RAISES)
    with (
        synthesis(target, "sqlite://") as (factories, session, _schema),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("error", sa_exc.SAWarning)
        board = factories.create("Board")
        assert board.cards == []  # loaded: an append would stay in the list
        card = factories.create("Card", board=board)
        session.flush()
        assert board.cards == [card]
