"""The exact graph of every model fixture, and the clear errors for every bad loading target.

Each fixture file under ``fixtures/models/`` (and the ``shopapp`` package) gets one test that
states, Django-equality style, every fact ``build_graph`` reports about it: each model's table,
primary key, inheritance and source line; each relationship's direction, target, reverse,
``back_populates``/``backref``, ``secondary``, exact cascade set, ``passive_deletes``,
``viewonly``, ``post_update``, synchronised columns and source ``path:line``; each table's
foreign keys (columns, target, per-column nullability, ``ON DELETE``, uniqueness,
``use_alter``), UNIQUE constraints and CHECK texts (rendered with literal binds).

The line numbers are hard-coded on purpose: when a fixture changes, its test must change.
Every test also checks that each model has exactly the relationships
``sqlalchemy.inspect(cls).relationships`` has.

The expectations are written with small builders (``model``, ``rel``, ``fk``, ``table``)
whose defaults are the common case, so each line shows only what is particular to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ormprobe.errors import LoadError, NoModelsFound
from ormprobe.findings import Location
from ormprobe.graph import ForeignKeyInfo, ModelGraph, ModelInfo, RelationshipInfo, TableInfo
from ormprobe.introspect import build_graph
from ormprobe.loading import load_models

pytestmark = pytest.mark.usefixtures("clean_modules")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Directions, as ``Direction`` member names.
M2O, O2M, M2M = "MANYTOONE", "ONETOMANY", "MANYTOMANY"
# SQLAlchemy's default cascade, and what ``cascade="all, delete-orphan"`` resolves to.
DEFAULT = frozenset({"save-update", "merge"})
OWNED = frozenset({"save-update", "merge", "refresh-expire", "expunge", "delete", "delete-orphan"})
# Inheritance kinds, as ``Inheritance`` member names.
JOINED, SINGLE, CONCRETE = "JOINED", "SINGLE", "CONCRETE"


# -- expectation builders -------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """The fixture file a test is about; resolves ``at`` arguments to ``path:line``."""

    path: Path

    def at(self, where: int | str) -> str:
        """``44`` -> this file's line 44; ``"catalog.py:22"`` -> a file beside it."""
        if isinstance(where, int):
            return f"{self.path.relative_to(FIXTURES)}:{where}"
        name, _, line = where.rpartition(":")
        return f"{(self.path.parent / name).relative_to(FIXTURES)}:{line}"


def model(
    table: str | None,
    at: int | str,
    *,
    pk: tuple[str, ...] = ("id",),
    tables: tuple[str, ...] | None = None,
    inheritance: str = "NONE",
    inherits: str | None = None,
    polymorphic_on: str | None = None,
    identity: str | None = None,
    subclasses: tuple[str, ...] = (),
    imperative: bool = False,
) -> dict[str, Any]:
    """Expected facts of one model; ``tables`` defaults to its own table alone."""
    return {
        "table": table,
        "tables": tables if tables is not None else (table,),
        "primary_key": pk,
        "inheritance": inheritance,
        "inherits": inherits,
        "polymorphic_on": polymorphic_on,
        "polymorphic_identity": repr(identity) if identity is not None else None,
        "subclasses": subclasses,
        "imperative": imperative,
        "at": at,
    }


_SAME_AS_REVERSE = object()


def rel(
    direction: str,
    target: str,
    at: int | str,
    *,
    sync: str,
    reverse: str | None = None,
    back_populates: Any = _SAME_AS_REVERSE,
    backref: str | None = None,
    secondary: str | None = None,
    secondary_sync: str = "",
    cascade: frozenset[str] = DEFAULT,
    passive_deletes: bool | str = False,
    viewonly: bool = False,
    post_update: bool = False,
    uselist: bool | None = None,
    self_referential: bool = False,
    declared_on: str | None = None,
) -> dict[str, Any]:
    """Expected facts of one relationship.

    ``sync`` lists the ``referenced -> written`` column pairs the ORM copies at flush
    (``"author.id -> book.author_id"``); the written columns are its ``fk_columns``.
    ``back_populates`` defaults to the reverse key (SQLAlchemy fills it on both sides of a
    ``backref`` too), ``uselist`` to "not many-to-one", ``declared_on`` to the model itself.
    """
    return {
        "direction": direction,
        "uselist": uselist if uselist is not None else direction != M2O,
        "target": target,
        "reverse": reverse,
        "back_populates": reverse if back_populates is _SAME_AS_REVERSE else back_populates,
        "backref": backref,
        "secondary": secondary,
        "cascade": cascade,
        "passive_deletes": passive_deletes,
        "viewonly": viewonly,
        "post_update": post_update,
        "sync": sync,
        "fk_columns": tuple(pair.split(" -> ")[1] for pair in sync.split(", ")),
        "secondary_sync": secondary_sync,
        "self_referential": self_referential,
        "declared_on": declared_on,
        "at": at,
    }


def fk(
    columns: str | tuple[str, ...],
    target: str,
    at: int | str,
    *,
    nullable: bool | tuple[bool, ...] = False,
    ondelete: str | None = None,
    target_is_unique: bool = True,
    unique: bool = False,
    use_alter: bool = False,
    name: str | None = None,
) -> dict[str, Any]:
    """Expected facts of one FK constraint; ``target`` reads ``"table(col, ...)"``."""
    cols = (columns,) if isinstance(columns, str) else columns
    return {
        "name": name,
        "columns": cols,
        "target": target,
        "nullable": nullable if isinstance(nullable, tuple) else (nullable,) * len(cols),
        "ondelete": ondelete,
        "target_is_unique": target_is_unique,
        "unique": unique,
        "use_alter": use_alter,
        "at": at,
    }


def table(
    models: tuple[str, ...],
    *,
    fks: list[dict[str, Any]] = (),  # type: ignore[assignment]
    unique: dict[tuple[str, ...], str | None] | None = None,
    checks: dict[str | None, str] | None = None,
) -> dict[str, Any]:
    """Expected facts of one table: mapped models, FKs, UNIQUE ``{columns: name}``, CHECK
    ``{name: sqltext}``."""
    return {
        "models": models,
        "fks": sorted(fks, key=lambda f: f["columns"]),
        "unique": sorted((unique or {}).items(), key=repr),
        "checks": sorted((checks or {}).items(), key=repr),
    }


# -- what the graph says, in the same shape -------------------------------------------


def where(location: Location) -> str:
    """``path:line`` relative to ``fixtures/`` (the working directory does not matter)."""
    assert location.path is not None and location.line is not None, location
    return f"{Path(location.path).resolve().relative_to(FIXTURES)}:{location.line}"


def sync_text(pairs: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{a} -> {b}" for a, b in pairs)


def model_facts(info: ModelInfo) -> dict[str, Any]:
    return {
        "table": info.table,
        "tables": info.tables,
        "primary_key": info.primary_key,
        "inheritance": info.inheritance.name,
        "inherits": info.inherits,
        "polymorphic_on": info.polymorphic_on,
        "polymorphic_identity": info.polymorphic_identity,
        "subclasses": info.subclasses,
        "imperative": info.imperative,
        "at": where(info.location),
    }


def relationship_facts(info: RelationshipInfo) -> dict[str, Any]:
    return {
        "direction": info.direction.name,
        "uselist": info.uselist,
        "target": info.target,
        "reverse": info.reverse,
        "back_populates": info.back_populates,
        "backref": info.backref,
        "secondary": info.secondary,
        "cascade": info.cascade,
        "passive_deletes": info.passive_deletes,
        "viewonly": info.viewonly,
        "post_update": info.post_update,
        "sync": sync_text(info.sync_pairs),
        "fk_columns": info.fk_columns,
        "secondary_sync": sync_text(info.secondary_sync_pairs),
        "self_referential": info.self_referential,
        "declared_on": info.declared_on,
        "at": where(info.location),
    }


def fk_facts(info: ForeignKeyInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "columns": info.columns,
        "target": f"{info.target_table}({', '.join(info.target_columns)})",
        "nullable": info.nullable,
        "ondelete": info.ondelete,
        "target_is_unique": info.target_is_unique,
        "unique": info.unique,
        "use_alter": info.use_alter,
        "at": where(info.location),
    }


def table_facts(info: TableInfo) -> dict[str, Any]:
    return {
        "models": info.models,
        "fks": sorted((fk_facts(f) for f in info.foreign_keys), key=lambda f: f["columns"]),
        "unique": sorted(
            ((c.columns, c.name) for c in info.constraints if c.kind == "unique"), key=repr
        ),
        "checks": sorted(
            ((c.name, c.sqltext) for c in info.constraints if c.kind == "check"), key=repr
        ),
    }


# -- the assertion ----------------------------------------------------------------------


def load_graph(relative: str) -> ModelGraph:
    graph = build_graph(load_models(str(FIXTURES / relative)))
    assert graph.problems == ()
    assert graph.configured
    return graph


def assert_graph(
    relative: str,
    *,
    models: dict[str, dict[str, Any]],
    relationships: dict[str, dict[str, dict[str, Any]]],
    tables: dict[str, dict[str, Any]],
    source: str | None = None,
) -> ModelGraph:
    """Load ``fixtures/<relative>`` and compare every fact with the expectations.

    ``source`` is the file that integer ``at`` lines refer to (default: the target itself).
    Models are compared in order (module, then definition order); relationships and tables
    as mappings, so a missing or extra one fails as clearly as a wrong fact.
    """
    graph = load_graph(relative)
    src = Source(FIXTURES / (source or relative))

    assert [m.name for m in graph.models] == list(models)
    for name, expected in models.items():
        assert model_facts(graph.model(name)) == {**expected, "at": src.at(expected["at"])}, name

    assert list(relationships) == list(models), "one relationships entry per model"
    for name, expected_rels in relationships.items():
        info = graph.model(name)
        mapper = sa.inspect(info.class_)
        # The rule: ormprobe reports exactly what SQLAlchemy configured.
        assert len(info.relationships) == len(mapper.relationships), name
        assert {r.key for r in info.relationships} == set(mapper.relationships.keys()), name
        actual = {r.key: relationship_facts(r) for r in info.relationships}
        expected = {
            key: {**facts, "declared_on": facts["declared_on"] or name, "at": src.at(facts["at"])}
            for key, facts in expected_rels.items()
        }
        assert actual == expected, name

    assert {t.name for t in graph.tables} == set(tables)
    for name, expected in tables.items():
        expected = {**expected, "fks": [{**f, "at": src.at(f["at"])} for f in expected["fks"]]}
        assert table_facts(graph.table(name)) == expected, name
    return graph


# -- one test per fixture file ------------------------------------------------------------


def test_one_to_many() -> None:
    assert_graph(
        "models/one_to_many.py",
        models={
            "Publisher": model("publisher", 28),
            "Author": model("author", 37),
            "Book": model("book", 47),
            "Chapter": model("chapter", 62),
        },
        relationships={
            "Publisher": {
                "books": rel(
                    O2M,
                    "Book",
                    34,
                    reverse="publisher",
                    passive_deletes=True,
                    sync="publisher.id -> book.publisher_id",
                ),
            },
            "Author": {
                "books": rel(
                    O2M,
                    "Book",
                    44,
                    reverse="author",
                    cascade=OWNED,
                    sync="author.id -> book.author_id",
                ),
            },
            "Book": {
                "author": rel(
                    M2O, "Author", 57, reverse="books", sync="author.id -> book.author_id"
                ),
                "publisher": rel(
                    M2O, "Publisher", 58, reverse="books", sync="publisher.id -> book.publisher_id"
                ),
                "chapters": rel(
                    O2M,
                    "Chapter",
                    59,
                    reverse="book",
                    cascade=OWNED,
                    passive_deletes=True,
                    sync="book.id -> chapter.book_id",
                ),
            },
            "Chapter": {
                "book": rel(M2O, "Book", 74, reverse="chapters", sync="book.id -> chapter.book_id"),
            },
        },
        tables={
            "publisher": table(("Publisher",), unique={("name",): None}),
            "author": table(("Author",)),
            "book": table(
                ("Book",),
                fks=[
                    fk("author_id", "author(id)", 51),
                    fk("publisher_id", "publisher(id)", 52, nullable=True, ondelete="SET NULL"),
                ],
                unique={("isbn",): None},
            ),
            "chapter": table(
                ("Chapter",),
                fks=[fk("book_id", "book(id)", 70, ondelete="CASCADE")],
                unique={("book_id", "number"): "uq_chapter_book_id_number"},
                checks={"ck_chapter_number_positive": "number >= 1"},
            ),
        },
    )


def test_classic_and_mapped() -> None:
    assert_graph(
        "models/classic_and_mapped.py",
        models={
            "LegacyCustomer": model("legacy_customer", 25),
            "LegacyInvoice": model("legacy_invoice", 33),
            "Agent": model("support_agent", 49),
            "Ticket": model("ticket", 58),
            "TicketComment": model("ticket_comment", 70),
        },
        relationships={
            "LegacyCustomer": {
                "invoices": rel(
                    O2M,
                    "LegacyInvoice",
                    42,
                    reverse="customer",
                    cascade=OWNED,
                    sync="legacy_customer.id -> legacy_invoice.customer_id",
                ),
            },
            "LegacyInvoice": {
                "customer": rel(
                    M2O,
                    "LegacyCustomer",
                    42,
                    reverse="invoices",
                    backref="invoices",
                    sync="legacy_customer.id -> legacy_invoice.customer_id",
                ),
            },
            "Agent": {
                "tickets": rel(
                    O2M,
                    "Ticket",
                    55,
                    reverse="assignee",
                    passive_deletes=True,
                    sync="support_agent.id -> ticket.assignee_id",
                ),
            },
            "Ticket": {
                "assignee": rel(
                    M2O,
                    "Agent",
                    66,
                    reverse="tickets",
                    sync="support_agent.id -> ticket.assignee_id",
                ),
                "comments": rel(
                    O2M,
                    "TicketComment",
                    67,
                    reverse="ticket",
                    cascade=OWNED,
                    passive_deletes=True,
                    sync="ticket.id -> ticket_comment.ticket_id",
                ),
            },
            "TicketComment": {
                "ticket": rel(
                    M2O,
                    "Ticket",
                    77,
                    reverse="comments",
                    sync="ticket.id -> ticket_comment.ticket_id",
                ),
            },
        },
        tables={
            "legacy_customer": table(("LegacyCustomer",), unique={("vat_number",): None}),
            "support_agent": table(("Agent",)),
            "legacy_invoice": table(
                ("LegacyInvoice",),
                fks=[fk("customer_id", "legacy_customer(id)", 37)],
                unique={("number",): None},
            ),
            "ticket": table(
                ("Ticket",),
                fks=[
                    fk("assignee_id", "support_agent(id)", 63, nullable=True, ondelete="SET NULL")
                ],
            ),
            "ticket_comment": table(
                ("TicketComment",), fks=[fk("ticket_id", "ticket(id)", 74, ondelete="CASCADE")]
            ),
        },
    )


def test_composite_keys() -> None:
    assert_graph(
        "models/composite_keys.py",
        models={
            "Country": model("country", 35),
            "City": model("city", 45),
            "Tenant": model("tenant", 56),
            "Store": model("store", 65, pk=("tenant_id", "store_no")),
            "Shelf": model("shelf", 79, pk=("tenant_id", "store_no", "shelf_no")),
            "StockItem": model("stock_item", 100),
            "StaffMember": model("staff_member", 123),
        },
        relationships={
            "Country": {
                "cities": rel(
                    O2M,
                    "City",
                    42,
                    reverse="country",
                    cascade=OWNED,
                    sync="country.code -> city.country_code",
                ),
            },
            "City": {
                "country": rel(
                    M2O, "Country", 52, reverse="cities", sync="country.code -> city.country_code"
                ),
                "stores": rel(
                    O2M,
                    "Store",
                    53,
                    reverse="city",
                    passive_deletes=True,
                    sync="city.id -> store.city_id",
                ),
            },
            "Tenant": {
                "stores": rel(
                    O2M,
                    "Store",
                    62,
                    reverse="tenant",
                    cascade=OWNED,
                    passive_deletes=True,
                    sync="tenant.id -> store.tenant_id",
                ),
            },
            "Store": {
                "tenant": rel(
                    M2O, "Tenant", 73, reverse="stores", sync="tenant.id -> store.tenant_id"
                ),
                "city": rel(M2O, "City", 74, reverse="stores", sync="city.id -> store.city_id"),
                "shelves": rel(
                    O2M,
                    "Shelf",
                    75,
                    reverse="store",
                    cascade=OWNED,
                    passive_deletes=True,
                    sync="store.tenant_id -> shelf.tenant_id, store.store_no -> shelf.store_no",
                ),
                "staff": rel(
                    O2M,
                    "StaffMember",
                    76,
                    reverse="store",
                    passive_deletes=True,
                    sync="store.tenant_id -> staff_member.home_tenant_id, store.store_no -> staff_member.home_store_no",
                ),
            },
            "Shelf": {
                "store": rel(
                    M2O,
                    "Store",
                    96,
                    reverse="shelves",
                    sync="store.tenant_id -> shelf.tenant_id, store.store_no -> shelf.store_no",
                ),
                "items": rel(
                    O2M,
                    "StockItem",
                    97,
                    reverse="shelf",
                    cascade=OWNED,
                    passive_deletes=True,
                    sync="shelf.tenant_id -> stock_item.tenant_id, shelf.store_no -> stock_item.store_no, shelf.shelf_no -> stock_item.shelf_no",
                ),
            },
            "StockItem": {
                "shelf": rel(
                    M2O,
                    "Shelf",
                    120,
                    reverse="items",
                    sync="shelf.tenant_id -> stock_item.tenant_id, shelf.store_no -> stock_item.store_no, shelf.shelf_no -> stock_item.shelf_no",
                ),
            },
            "StaffMember": {
                "store": rel(
                    M2O,
                    "Store",
                    140,
                    reverse="staff",
                    sync="store.tenant_id -> staff_member.home_tenant_id, store.store_no -> staff_member.home_store_no",
                ),
            },
        },
        tables={
            "country": table(("Country",), unique={("code",): None}),
            "tenant": table(("Tenant",), unique={("name",): None}),
            "city": table(("City",), fks=[fk("country_code", "country(code)", 49)]),
            "store": table(
                ("Store",),
                fks=[
                    fk("city_id", "city(id)", 71, nullable=True, ondelete="SET NULL"),
                    fk("tenant_id", "tenant(id)", 68, ondelete="CASCADE"),
                ],
            ),
            "shelf": table(
                ("Shelf",),
                fks=[
                    fk(
                        ("tenant_id", "store_no"),
                        "store(tenant_id, store_no)",
                        91,
                        ondelete="CASCADE",
                        name="fk_shelf_store",
                    )
                ],
                checks={"ck_shelf_shelf_no_range": "shelf_no BETWEEN 1 AND 999"},
            ),
            "staff_member": table(
                ("StaffMember",),
                fks=[
                    fk(
                        ("home_tenant_id", "home_store_no"),
                        "store(tenant_id, store_no)",
                        137,
                        nullable=True,
                        ondelete="SET NULL",
                        name="fk_staff_member_home_store",
                    )
                ],
            ),
            "stock_item": table(
                ("StockItem",),
                fks=[
                    fk(
                        ("tenant_id", "store_no", "shelf_no"),
                        "shelf(tenant_id, store_no, shelf_no)",
                        114,
                        ondelete="CASCADE",
                        name="fk_stock_item_shelf",
                    )
                ],
                unique={("tenant_id", "store_no", "shelf_no", "sku"): "uq_stock_item_shelf_sku"},
                checks={"ck_stock_item_quantity_non_negative": "quantity >= 0"},
            ),
        },
    )


def test_fk_cycle() -> None:
    assert_graph(
        "models/fk_cycle.py",
        models={
            "User": model("app_user", 20),
            "Address": model("address", 36),
        },
        relationships={
            "User": {
                "addresses": rel(
                    O2M,
                    "Address",
                    32,
                    reverse="user",
                    cascade=OWNED,
                    sync="app_user.id -> address.user_id",
                ),
                "current_address": rel(
                    M2O,
                    "Address",
                    33,
                    reverse="current_for",
                    post_update=True,
                    sync="address.id -> app_user.current_address_id",
                ),
            },
            "Address": {
                "user": rel(
                    M2O, "User", 45, reverse="addresses", sync="app_user.id -> address.user_id"
                ),
                "current_for": rel(
                    O2M,
                    "User",
                    46,
                    reverse="current_address",
                    passive_deletes=True,
                    post_update=True,
                    uselist=False,
                    sync="address.id -> app_user.current_address_id",
                ),
            },
        },
        tables={
            "app_user": table(
                ("User",),
                fks=[
                    fk(
                        "current_address_id",
                        "address(id)",
                        25,
                        nullable=True,
                        ondelete="SET NULL",
                        unique=True,
                        use_alter=True,
                        name="fk_app_user_current_address_id",
                    )
                ],
                unique={("current_address_id",): None},
            ),
            "address": table(
                ("Address",), fks=[fk("user_id", "app_user(id)", 40, name="fk_address_user_id")]
            ),
        },
    )


def test_flask_app() -> None:
    assert_graph(
        "models/flask_app.py",
        models={
            "Blog": model("blog", 31),
            "Writer": model("writer", 41),
            "BlogPost": model("blog_post", 50),
            "PostComment": model("post_comment", 62),
            "Label": model("label", 73),
        },
        relationships={
            "Blog": {
                "posts": rel(
                    O2M,
                    "BlogPost",
                    38,
                    reverse="blog",
                    cascade=OWNED,
                    sync="blog.id -> blog_post.blog_id",
                ),
            },
            "Writer": {
                "comments": rel(
                    O2M,
                    "PostComment",
                    47,
                    reverse="author",
                    passive_deletes=True,
                    sync="writer.id -> post_comment.author_id",
                ),
            },
            "BlogPost": {
                "blog": rel(M2O, "Blog", 57, reverse="posts", sync="blog.id -> blog_post.blog_id"),
                "comments": rel(
                    O2M,
                    "PostComment",
                    58,
                    reverse="post",
                    cascade=OWNED,
                    passive_deletes=True,
                    sync="blog_post.id -> post_comment.post_id",
                ),
                "labels": rel(
                    M2M,
                    "Label",
                    59,
                    reverse="posts",
                    secondary="post_label",
                    sync="blog_post.id -> post_label.post_id",
                    secondary_sync="label.id -> post_label.label_id",
                ),
            },
            "PostComment": {
                "post": rel(
                    M2O,
                    "BlogPost",
                    69,
                    reverse="comments",
                    sync="blog_post.id -> post_comment.post_id",
                ),
                "author": rel(
                    M2O,
                    "Writer",
                    70,
                    reverse="comments",
                    sync="writer.id -> post_comment.author_id",
                ),
            },
            "Label": {
                "posts": rel(
                    M2M,
                    "BlogPost",
                    79,
                    reverse="labels",
                    secondary="post_label",
                    sync="label.id -> post_label.label_id",
                    secondary_sync="blog_post.id -> post_label.post_id",
                ),
            },
        },
        tables={
            "blog": table(("Blog",), unique={("slug",): None}),
            "writer": table(("Writer",), unique={("pen_name",): None}),
            "label": table(("Label",), unique={("name",): None}),
            "blog_post": table(("BlogPost",), fks=[fk("blog_id", "blog(id)", 52)]),
            "post_label": table(
                (),
                fks=[
                    fk("label_id", "label(id)", 27, ondelete="CASCADE"),
                    fk("post_id", "blog_post(id)", 26, ondelete="CASCADE"),
                ],
            ),
            "post_comment": table(
                ("PostComment",),
                fks=[
                    fk("author_id", "writer(id)", 65, nullable=True, ondelete="SET NULL"),
                    fk("post_id", "blog_post(id)", 64, ondelete="CASCADE"),
                ],
            ),
        },
    )


def test_imperative() -> None:
    assert_graph(
        "models/imperative.py",
        models={
            "Warehouse": model("warehouse", 42, imperative=True),
            "Bin": model("storage_bin", 50, imperative=True),
            "Supplier": model("supplier", 67),
            "Shipment": model("shipment", 74),
        },
        relationships={
            "Warehouse": {
                "bins": rel(
                    O2M,
                    "Bin",
                    91,
                    reverse="warehouse",
                    cascade=OWNED,
                    sync="warehouse.id -> storage_bin.warehouse_id",
                ),
                "shipments": rel(
                    O2M,
                    "Shipment",
                    92,
                    reverse="warehouse",
                    passive_deletes=True,
                    sync="warehouse.id -> shipment.warehouse_id",
                ),
            },
            "Bin": {
                "warehouse": rel(
                    M2O,
                    "Warehouse",
                    100,
                    reverse="bins",
                    sync="warehouse.id -> storage_bin.warehouse_id",
                ),
            },
            "Supplier": {
                "shipments": rel(
                    O2M,
                    "Shipment",
                    70,
                    reverse="supplier",
                    cascade=OWNED,
                    passive_deletes=True,
                    sync="supplier.id -> shipment.supplier_id",
                ),
            },
            "Shipment": {
                "supplier": rel(
                    M2O,
                    "Supplier",
                    83,
                    reverse="shipments",
                    sync="supplier.id -> shipment.supplier_id",
                ),
                "warehouse": rel(
                    M2O,
                    "Warehouse",
                    84,
                    reverse="shipments",
                    sync="warehouse.id -> shipment.warehouse_id",
                ),
            },
        },
        tables={
            "warehouse": table(("Warehouse",), unique={("code",): None}),
            "supplier": table(("Supplier",), unique={("name",): None}),
            "storage_bin": table(
                ("Bin",),
                fks=[fk("warehouse_id", "warehouse(id)", 35)],
                checks={"ck_storage_bin_capacity_positive": "capacity > 0"},
            ),
            "shipment": table(
                ("Shipment",),
                fks=[
                    fk("supplier_id", "supplier(id)", 78, ondelete="CASCADE"),
                    fk("warehouse_id", "warehouse(id)", 79, nullable=True, ondelete="SET NULL"),
                ],
                unique={("tracking_code",): None},
            ),
        },
    )


def test_inheritance() -> None:
    assert_graph(
        "models/inheritance.py",
        models={
            "Department": model("department", 32),
            "Employee": model(
                "staff",
                41,
                polymorphic_on="type",
                identity="employee",
                subclasses=("Engineer", "Manager"),
            ),
            "Engineer": model(
                "engineer",
                54,
                tables=("staff", "engineer"),
                inheritance=JOINED,
                inherits="Employee",
                polymorphic_on="type",
                identity="engineer",
            ),
            "Manager": model(
                "manager",
                65,
                tables=("staff", "manager"),
                inheritance=JOINED,
                inherits="Employee",
                polymorphic_on="type",
                identity="manager",
            ),
            "Project": model("project", 75),
            "Depot": model("depot", 88),
            "Hauler": model("hauler", 97),
            "Vehicle": model(
                "vehicle",
                106,
                polymorphic_on="kind",
                identity="vehicle",
                subclasses=("Car", "Truck"),
            ),
            "Car": model(
                "vehicle",
                121,
                inheritance=SINGLE,
                inherits="Vehicle",
                polymorphic_on="kind",
                identity="car",
            ),
            "Truck": model(
                "vehicle",
                127,
                inheritance=SINGLE,
                inherits="Vehicle",
                polymorphic_on="kind",
                identity="truck",
            ),
            "Customer": model("customer", 139),
            "Payment": model(
                "payment",
                149,
                polymorphic_on="pjoin.type",
                identity="payment",
                subclasses=("CardPayment", "BankTransfer"),
            ),
            "CardPayment": model(
                "card_payment",
                159,
                inheritance=CONCRETE,
                inherits="Payment",
                polymorphic_on="pjoin.type",
                identity="card",
            ),
            "BankTransfer": model(
                "bank_transfer",
                173,
                inheritance=CONCRETE,
                inherits="Payment",
                polymorphic_on="pjoin.type",
                identity="bank",
            ),
        },
        relationships={
            "Department": {
                "employees": rel(
                    O2M,
                    "Employee",
                    38,
                    reverse="department",
                    passive_deletes=True,
                    sync="department.id -> staff.department_id",
                ),
            },
            "Employee": {
                "department": rel(
                    M2O,
                    "Department",
                    49,
                    reverse="employees",
                    sync="department.id -> staff.department_id",
                ),
            },
            "Engineer": {
                "led_projects": rel(
                    O2M,
                    "Project",
                    60,
                    reverse="lead",
                    passive_deletes=True,
                    sync="engineer.id -> project.lead_id",
                ),
                "department": rel(
                    M2O,
                    "Department",
                    49,
                    reverse="employees",
                    declared_on="Employee",
                    sync="department.id -> staff.department_id",
                ),
            },
            "Manager": {
                "department": rel(
                    M2O,
                    "Department",
                    49,
                    reverse="employees",
                    declared_on="Employee",
                    sync="department.id -> staff.department_id",
                ),
            },
            "Project": {
                "lead": rel(
                    M2O,
                    "Engineer",
                    82,
                    reverse="led_projects",
                    sync="engineer.id -> project.lead_id",
                ),
            },
            "Depot": {
                "vehicles": rel(
                    O2M,
                    "Vehicle",
                    94,
                    reverse="depot",
                    cascade=OWNED,
                    sync="depot.id -> vehicle.depot_id",
                ),
            },
            "Hauler": {
                "trucks": rel(
                    O2M,
                    "Truck",
                    103,
                    reverse="hauler",
                    passive_deletes=True,
                    sync="hauler.id -> vehicle.hauler_id",
                ),
            },
            "Vehicle": {
                "depot": rel(
                    M2O, "Depot", 116, reverse="vehicles", sync="depot.id -> vehicle.depot_id"
                ),
            },
            "Car": {
                "depot": rel(
                    M2O,
                    "Depot",
                    116,
                    reverse="vehicles",
                    declared_on="Vehicle",
                    sync="depot.id -> vehicle.depot_id",
                ),
            },
            "Truck": {
                "hauler": rel(
                    M2O, "Hauler", 131, reverse="trucks", sync="hauler.id -> vehicle.hauler_id"
                ),
                "depot": rel(
                    M2O,
                    "Depot",
                    116,
                    reverse="vehicles",
                    declared_on="Vehicle",
                    sync="depot.id -> vehicle.depot_id",
                ),
            },
            "Customer": {
                "card_payments": rel(
                    O2M,
                    "CardPayment",
                    145,
                    reverse="customer",
                    cascade=OWNED,
                    sync="customer.id -> card_payment.customer_id",
                ),
                "bank_transfers": rel(
                    O2M,
                    "BankTransfer",
                    146,
                    reverse="customer",
                    cascade=OWNED,
                    sync="customer.id -> bank_transfer.customer_id",
                ),
            },
            "Payment": {},
            "CardPayment": {
                "customer": rel(
                    M2O,
                    "Customer",
                    168,
                    reverse="card_payments",
                    sync="customer.id -> card_payment.customer_id",
                ),
            },
            "BankTransfer": {
                "customer": rel(
                    M2O,
                    "Customer",
                    182,
                    reverse="bank_transfers",
                    sync="customer.id -> bank_transfer.customer_id",
                ),
            },
        },
        tables={
            "department": table(("Department",), unique={("name",): None}),
            "depot": table(("Depot",)),
            "hauler": table(("Hauler",)),
            "customer": table(("Customer",), unique={("email",): None}),
            "payment": table(("Payment",)),
            "staff": table(
                ("Employee", "Engineer", "Manager"),
                fks=[fk("department_id", "department(id)", 47, nullable=True, ondelete="SET NULL")],
            ),
            "vehicle": table(
                ("Vehicle", "Car", "Truck"),
                fks=[
                    fk("depot_id", "depot(id)", 114),
                    fk("hauler_id", "hauler(id)", 129, nullable=True, ondelete="SET NULL"),
                ],
                unique={("plate",): None},
                checks={"ck_vehicle_wheels_range": "wheels BETWEEN 2 AND 18"},
            ),
            "card_payment": table(("CardPayment",), fks=[fk("customer_id", "customer(id)", 166)]),
            "bank_transfer": table(("BankTransfer",), fks=[fk("customer_id", "customer(id)", 180)]),
            "engineer": table(
                ("Engineer",), fks=[fk("id", "staff(id)", 57, ondelete="CASCADE", unique=True)]
            ),
            "manager": table(
                ("Manager",),
                fks=[fk("id", "staff(id)", 69, ondelete="CASCADE", unique=True)],
                checks={"ck_manager_budget_non_negative": "budget >= 0"},
            ),
            "project": table(
                ("Project",),
                fks=[fk("lead_id", "engineer(id)", 80, nullable=True, ondelete="SET NULL")],
                unique={("name",): None},
            ),
        },
    )


def test_many_to_many() -> None:
    assert_graph(
        "models/many_to_many.py",
        models={
            "Student": model("student", 40),
            "Course": model("course", 50),
            "Order": model("purchase_order", 60),
            "Product": model("product", 72),
            "OrderLine": model("order_line", 83, pk=("order_id", "product_id")),
        },
        relationships={
            "Student": {
                "courses": rel(
                    M2M,
                    "Course",
                    47,
                    reverse="students",
                    secondary="enrollment",
                    sync="student.id -> enrollment.student_id",
                    secondary_sync="course.id -> enrollment.course_id",
                ),
            },
            "Course": {
                "students": rel(
                    M2M,
                    "Student",
                    57,
                    reverse="courses",
                    secondary="enrollment",
                    passive_deletes=True,
                    sync="course.id -> enrollment.course_id",
                    secondary_sync="student.id -> enrollment.student_id",
                ),
            },
            "Order": {
                "lines": rel(
                    O2M,
                    "OrderLine",
                    67,
                    reverse="order",
                    cascade=OWNED,
                    sync="purchase_order.id -> order_line.order_id",
                ),
            },
            "Product": {
                "order_lines": rel(
                    O2M,
                    "OrderLine",
                    80,
                    reverse="product",
                    cascade=OWNED,
                    passive_deletes=True,
                    sync="product.id -> order_line.product_id",
                ),
            },
            "OrderLine": {
                "order": rel(
                    M2O,
                    "Order",
                    92,
                    reverse="lines",
                    sync="purchase_order.id -> order_line.order_id",
                ),
                "product": rel(
                    M2O,
                    "Product",
                    93,
                    reverse="order_lines",
                    sync="product.id -> order_line.product_id",
                ),
            },
        },
        tables={
            "student": table(("Student",), unique={("email",): None}),
            "course": table(("Course",), unique={("code",): None}),
            "purchase_order": table(("Order",), unique={("reference",): None}),
            "product": table(("Product",), unique={("sku",): None}),
            "enrollment": table(
                (),
                fks=[
                    fk("course_id", "course(id)", 35, ondelete="CASCADE"),
                    fk("student_id", "student(id)", 34, ondelete="CASCADE"),
                ],
            ),
            "order_line": table(
                ("OrderLine",),
                fks=[
                    fk("order_id", "purchase_order(id)", 87),
                    fk("product_id", "product(id)", 88, ondelete="CASCADE"),
                ],
                checks={"ck_order_line_quantity_positive": "quantity > 0"},
            ),
        },
    )


def test_one_to_one() -> None:
    assert_graph(
        "models/one_to_one.py",
        models={
            "Image": model("image", 26),
            "User": model("user_account", 37),
            "Profile": model("profile", 50),
            "UserSettings": model("user_settings", 61, pk=("user_id",)),
        },
        relationships={
            "Image": {
                "owner": rel(
                    O2M,
                    "User",
                    34,
                    reverse="avatar",
                    passive_deletes=True,
                    uselist=False,
                    sync="image.id -> user_account.avatar_id",
                ),
            },
            "User": {
                "profile": rel(
                    O2M,
                    "Profile",
                    45,
                    reverse="user",
                    cascade=OWNED,
                    uselist=False,
                    sync="user_account.id -> profile.user_id",
                ),
                "avatar": rel(
                    M2O, "Image", 46, reverse="owner", sync="image.id -> user_account.avatar_id"
                ),
                "settings": rel(
                    O2M,
                    "UserSettings",
                    47,
                    reverse="user",
                    cascade=OWNED,
                    passive_deletes=True,
                    uselist=False,
                    sync="user_account.id -> user_settings.user_id",
                ),
            },
            "Profile": {
                "user": rel(
                    M2O, "User", 58, reverse="profile", sync="user_account.id -> profile.user_id"
                ),
            },
            "UserSettings": {
                "user": rel(
                    M2O,
                    "User",
                    68,
                    reverse="settings",
                    sync="user_account.id -> user_settings.user_id",
                ),
            },
        },
        tables={
            "image": table(("Image",)),
            "user_account": table(
                ("User",),
                fks=[
                    fk(
                        "avatar_id",
                        "image(id)",
                        42,
                        nullable=True,
                        ondelete="SET NULL",
                        unique=True,
                    )
                ],
                unique={("avatar_id",): None, ("username",): None},
            ),
            "profile": table(
                ("Profile",),
                fks=[fk("user_id", "user_account(id)", 54, unique=True)],
                unique={("user_id",): None},
            ),
            "user_settings": table(
                ("UserSettings",),
                fks=[fk("user_id", "user_account(id)", 64, ondelete="CASCADE", unique=True)],
            ),
        },
    )


def test_self_referential() -> None:
    assert_graph(
        "models/self_referential.py",
        models={
            "Category": model("category", 26),
            "Employee": model("employee", 39),
            "Person": model("person", 59),
        },
        relationships={
            "Category": {
                "parent": rel(
                    M2O,
                    "Category",
                    35,
                    reverse="children",
                    self_referential=True,
                    sync="category.id -> category.parent_id",
                ),
                "children": rel(
                    O2M,
                    "Category",
                    36,
                    reverse="parent",
                    cascade=OWNED,
                    passive_deletes=True,
                    self_referential=True,
                    sync="category.id -> category.parent_id",
                ),
            },
            "Employee": {
                "reports": rel(
                    O2M,
                    "Employee",
                    47,
                    reverse="manager",
                    backref="manager",
                    passive_deletes=True,
                    self_referential=True,
                    sync="employee.id -> employee.manager_id",
                ),
                "manager": rel(
                    M2O,
                    "Employee",
                    47,
                    reverse="reports",
                    self_referential=True,
                    sync="employee.id -> employee.manager_id",
                ),
            },
            "Person": {
                "following": rel(
                    M2M,
                    "Person",
                    65,
                    reverse="followers",
                    secondary="follow",
                    self_referential=True,
                    sync="person.id -> follow.follower_id",
                    secondary_sync="person.id -> follow.followed_id",
                ),
                "followers": rel(
                    M2M,
                    "Person",
                    66,
                    reverse="following",
                    secondary="follow",
                    self_referential=True,
                    sync="person.id -> follow.followed_id",
                    secondary_sync="person.id -> follow.follower_id",
                ),
            },
        },
        tables={
            "category": table(
                ("Category",),
                fks=[fk("parent_id", "category(id)", 31, nullable=True, ondelete="CASCADE")],
                unique={("parent_id", "name"): "uq_category_parent_id_name", ("slug",): None},
            ),
            "employee": table(
                ("Employee",),
                fks=[fk("manager_id", "employee(id)", 43, nullable=True, ondelete="SET NULL")],
            ),
            "person": table(("Person",), unique={("handle",): None}),
            "follow": table(
                (),
                fks=[
                    fk("followed_id", "person(id)", 54, ondelete="CASCADE"),
                    fk("follower_id", "person(id)", 53, ondelete="CASCADE"),
                ],
                checks={"ck_follow_not_self": "follower_id <> followed_id"},
            ),
        },
    )


def test_sqlmodel_app() -> None:
    assert_graph(
        "models/sqlmodel_app.py",
        models={
            "HeroMissionLink": model("hero_mission_link", 21, pk=("hero_id", "mission_id")),
            "Team": model("team", 28),
            "Mission": model("mission", 38),
            "Hero": model("hero", 48),
            "Sidekick": model("sidekick", 62),
        },
        relationships={
            "HeroMissionLink": {},
            "Team": {
                "heroes": rel(
                    O2M,
                    "Hero",
                    35,
                    reverse="team",
                    passive_deletes=True,
                    sync="team.id -> hero.team_id",
                ),
            },
            "Mission": {
                "heroes": rel(
                    M2M,
                    "Hero",
                    45,
                    reverse="missions",
                    secondary="hero_mission_link",
                    sync="mission.id -> hero_mission_link.mission_id",
                    secondary_sync="hero.id -> hero_mission_link.hero_id",
                ),
            },
            "Hero": {
                "team": rel(M2O, "Team", 57, reverse="heroes", sync="team.id -> hero.team_id"),
                "missions": rel(
                    M2M,
                    "Mission",
                    58,
                    reverse="heroes",
                    secondary="hero_mission_link",
                    sync="hero.id -> hero_mission_link.hero_id",
                    secondary_sync="mission.id -> hero_mission_link.mission_id",
                ),
                "sidekicks": rel(
                    O2M,
                    "Sidekick",
                    59,
                    reverse="hero",
                    cascade=OWNED,
                    sync="hero.id -> sidekick.hero_id",
                ),
            },
            "Sidekick": {
                "hero": rel(
                    M2O, "Hero", 69, reverse="sidekicks", sync="hero.id -> sidekick.hero_id"
                ),
            },
        },
        tables={
            "team": table(("Team",), unique={("name",): None}),
            "mission": table(("Mission",), unique={("code_name",): None}),
            "hero": table(
                ("Hero",), fks=[fk("team_id", "team(id)", 55, nullable=True, ondelete="SET NULL")]
            ),
            "hero_mission_link": table(
                ("HeroMissionLink",),
                fks=[
                    fk("hero_id", "hero(id)", 24, ondelete="CASCADE"),
                    fk("mission_id", "mission(id)", 25, ondelete="CASCADE"),
                ],
            ),
            "sidekick": table(
                ("Sidekick",), fks=[fk("hero_id", "hero(id)", 67, ondelete="CASCADE")]
            ),
        },
    )


def test_types_zoo() -> None:
    assert_graph(
        "models/types_zoo.py",
        models={
            "Specimen": model("specimen", 67),
            "Reservation": model("reservation", 105),
        },
        relationships={
            "Specimen": {},
            "Reservation": {},
        },
        tables={
            "specimen": table(
                ("Specimen",),
                unique={
                    ("code",): None,
                    ("name", "collected_on"): "uq_specimen_name_collected_on",
                    ("public_id",): None,
                },
                checks={
                    "ck_specimen_color_allowed": "color IN ('red', 'green', 'blue')",
                    "specimen_grade": "specimen.grade IN ('a', 'b', 'c')",
                    "specimen_kind": "specimen.kind IN ('MINERAL', 'PLANT', 'ANIMAL')",
                    "ck_specimen_name_min_length": "length(name) >= 3",
                    "ck_specimen_price_non_negative": "price >= 0",
                    "ck_specimen_small_count_range": "small_count BETWEEN 0 AND 100",
                    "specimen_state": "specimen.state IN ('draft', 'published', 'archived')",
                    "ck_specimen_weight_positive": "weight > 0.0",
                },
            ),
            "reservation": table(
                ("Reservation",),
                unique={
                    ("reference",): None,
                    ("room", "starts_at"): "uq_reservation_room_starts_at",
                },
                checks={
                    "ck_reservation_guests_range": "guests BETWEEN 1 AND 12",
                    "ck_reservation_ends_after_starts": "ends_at > starts_at",
                    "ck_reservation_status_allowed": "status IN ('tentative', 'confirmed', 'cancelled')",
                },
            ),
        },
    )


def test_utils_types() -> None:
    assert_graph(
        "models/utils_types.py",
        models={
            "Account": model("account", 56),
            "Contact": model("contact", 70),
        },
        relationships={
            "Account": {
                "contacts": rel(
                    O2M,
                    "Contact",
                    67,
                    reverse="account",
                    cascade=OWNED,
                    sync="account.id -> contact.account_id",
                ),
            },
            "Contact": {
                "account": rel(
                    M2O, "Account", 87, reverse="contacts", sync="account.id -> contact.account_id"
                ),
            },
        },
        tables={
            "account": table(("Account",)),
            "contact": table(
                ("Contact",),
                fks=[fk("account_id", "account(id)", 74)],
                unique={("email",): None, ("external_id",): None},
            ),
        },
    )


def test_with_schema() -> None:
    assert_graph(
        "models/with_schema.py",
        models={
            "BillingAccount": model("billing.account", 53),
            "TaxRate": model("billing.tax_rate", 64),
            "Invoice": model("billing.invoice", 78),
            "InvoiceLine": model("billing.invoice_line", 93),
            "PaymentReminder": model("reminder", 113),
        },
        relationships={
            "BillingAccount": {
                "invoices": rel(
                    O2M,
                    "Invoice",
                    61,
                    reverse="account",
                    cascade=OWNED,
                    sync="billing.account.id -> billing.invoice.account_id",
                ),
            },
            "TaxRate": {
                "lines": rel(
                    O2M,
                    "InvoiceLine",
                    75,
                    reverse="tax_rate",
                    passive_deletes=True,
                    sync="billing.tax_rate.id -> billing.invoice_line.tax_rate_id",
                ),
            },
            "Invoice": {
                "account": rel(
                    M2O,
                    "BillingAccount",
                    88,
                    reverse="invoices",
                    sync="billing.account.id -> billing.invoice.account_id",
                ),
                "lines": rel(
                    O2M,
                    "InvoiceLine",
                    89,
                    reverse="invoice",
                    cascade=OWNED,
                    passive_deletes=True,
                    sync="billing.invoice.id -> billing.invoice_line.invoice_id",
                ),
                "reminders": rel(
                    O2M,
                    "PaymentReminder",
                    90,
                    reverse="invoice",
                    cascade=OWNED,
                    sync="billing.invoice.id -> reminder.invoice_id",
                ),
            },
            "InvoiceLine": {
                "invoice": rel(
                    M2O,
                    "Invoice",
                    109,
                    reverse="lines",
                    sync="billing.invoice.id -> billing.invoice_line.invoice_id",
                ),
                "tax_rate": rel(
                    M2O,
                    "TaxRate",
                    110,
                    reverse="lines",
                    sync="billing.tax_rate.id -> billing.invoice_line.tax_rate_id",
                ),
            },
            "PaymentReminder": {
                "invoice": rel(
                    M2O,
                    "Invoice",
                    121,
                    reverse="reminders",
                    sync="billing.invoice.id -> reminder.invoice_id",
                ),
            },
        },
        tables={
            "billing.account": table(("BillingAccount",), unique={("email",): None}),
            "billing.tax_rate": table(
                ("TaxRate",),
                unique={("code",): None},
                checks={"ck_tax_rate_rate_fraction": "rate BETWEEN 0 AND 1"},
            ),
            "billing.invoice": table(
                ("Invoice",),
                fks=[fk("account_id", "billing.account(id)", 83)],
                unique={("number",): None},
                checks={"invoice_status": "billing.invoice.status IN ('DRAFT', 'SENT', 'PAID')"},
            ),
            "billing.invoice_line": table(
                ("InvoiceLine",),
                fks=[
                    fk("invoice_id", "billing.invoice(id)", 102, ondelete="CASCADE"),
                    fk(
                        "tax_rate_id",
                        "billing.tax_rate(id)",
                        103,
                        nullable=True,
                        ondelete="SET NULL",
                    ),
                ],
                unique={("invoice_id", "position"): "uq_invoice_line_invoice_id_position"},
                checks={"ck_invoice_line_quantity_positive": "quantity > 0"},
            ),
            "reminder": table(
                ("PaymentReminder",),
                fks=[fk("invoice_id", "billing.invoice(id)", 117, ondelete="CASCADE")],
            ),
        },
    )


def test_shopapp_package() -> None:
    assert_graph(
        "loading/shopapp/models",
        source="loading/shopapp/models/__init__.py",
        models={
            "Category": model("shop_category", "catalog.py:22"),
            "Product": model("shop_product", "catalog.py:31"),
            "Order": model("shop_order", "orders.py:16"),
            "OrderItem": model("shop_order_item", "orders.py:28"),
        },
        relationships={
            "Category": {
                "products": rel(
                    O2M,
                    "Product",
                    "catalog.py:28",
                    reverse="category",
                    passive_deletes=True,
                    sync="shop_category.id -> shop_product.category_id",
                ),
            },
            "Product": {
                "category": rel(
                    M2O,
                    "Category",
                    "catalog.py:43",
                    reverse="products",
                    sync="shop_category.id -> shop_product.category_id",
                ),
                "order_items": rel(
                    O2M,
                    "OrderItem",
                    "catalog.py:44",
                    reverse="product",
                    cascade=OWNED,
                    passive_deletes=True,
                    sync="shop_product.id -> shop_order_item.product_id",
                ),
            },
            "Order": {
                "items": rel(
                    O2M,
                    "OrderItem",
                    "orders.py:23",
                    reverse="order",
                    cascade=OWNED,
                    sync="shop_order.id -> shop_order_item.order_id",
                ),
            },
            "OrderItem": {
                "order": rel(
                    M2O,
                    "Order",
                    "orders.py:42",
                    reverse="items",
                    sync="shop_order.id -> shop_order_item.order_id",
                ),
                "product": rel(
                    M2O,
                    "Product",
                    "orders.py:43",
                    reverse="order_items",
                    sync="shop_product.id -> shop_order_item.product_id",
                ),
            },
        },
        tables={
            "shop_category": table(("Category",), unique={("name",): None}),
            "shop_order": table(("Order",), unique={("number",): None}),
            "shop_product": table(
                ("Product",),
                fks=[
                    fk(
                        "category_id",
                        "shop_category(id)",
                        "catalog.py:39",
                        nullable=True,
                        ondelete="SET NULL",
                    )
                ],
                unique={("sku",): None},
                checks={"ck_shop_product_price_non_negative": "price >= 0"},
            ),
            "shop_order_item": table(
                ("OrderItem",),
                fks=[
                    fk("order_id", "shop_order(id)", "orders.py:36"),
                    fk("product_id", "shop_product(id)", "orders.py:37", ondelete="CASCADE"),
                ],
                unique={("order_id", "product_id"): "uq_shop_order_item_order_id_product_id"},
                checks={"ck_shop_order_item_quantity_positive": "quantity > 0"},
            ),
        },
    )
