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

The ``fixtures/loading`` targets get their exact errors (or their problems kept as data), and
a few tests pin the introspection bugs found on real-world models (see their docstrings).
"""

from __future__ import annotations

import re
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
    fks: list[dict[str, Any]] | None = None,
    unique: dict[tuple[str, ...], str | None] | None = None,
    checks: dict[str | None, str] | None = None,
) -> dict[str, Any]:
    """Expected facts of one table: mapped models, FKs, UNIQUE ``{columns: name}``, CHECK
    ``{name: sqltext}``."""
    return {
        "models": models,
        "fks": list(fks or []),
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
        "unique": sorted(((c.columns, c.name) for c in info.constraints if c.kind == "unique"), key=repr),
        "checks": sorted(((c.name, c.sqltext) for c in info.constraints if c.kind == "check"), key=repr),
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
        assert {r.key for r in info.relationships} == set(expected_rels), name
        for key, facts in expected_rels.items():
            expected = {**facts, "declared_on": facts["declared_on"] or name}
            expected["at"] = src.at(facts["at"])
            assert relationship_facts(info.relationship(key)) == expected, f"{name}.{key}"

    assert {t.name for t in graph.tables} == set(tables)
    for name, expected in tables.items():
        fks = sorted(({**f, "at": src.at(f["at"])} for f in expected["fks"]), key=lambda f: f["columns"])
        expected = {**expected, "fks": fks}
        assert table_facts(graph.table(name)) == expected, name
    return graph


# -- one test per fixture file ---------------------------------------------------------

# fmt: off


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
                "books": rel(O2M, "Book", 34, reverse="publisher", passive_deletes=True,
                             sync="publisher.id -> book.publisher_id"),
            },
            "Author": {
                "books": rel(O2M, "Book", 44, reverse="author", cascade=OWNED,
                             sync="author.id -> book.author_id"),
            },
            "Book": {
                "author": rel(M2O, "Author", 57, reverse="books",
                              sync="author.id -> book.author_id"),
                "publisher": rel(M2O, "Publisher", 58, reverse="books",
                                 sync="publisher.id -> book.publisher_id"),
                "chapters": rel(O2M, "Chapter", 59, reverse="book", cascade=OWNED,
                                passive_deletes=True, sync="book.id -> chapter.book_id"),
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
                "invoices": rel(O2M, "LegacyInvoice", 42, reverse="customer", cascade=OWNED,
                                sync="legacy_customer.id -> legacy_invoice.customer_id"),
            },
            "LegacyInvoice": {
                "customer": rel(M2O, "LegacyCustomer", 42, reverse="invoices", backref="invoices",
                                sync="legacy_customer.id -> legacy_invoice.customer_id"),
            },
            "Agent": {
                "tickets": rel(O2M, "Ticket", 55, reverse="assignee", passive_deletes=True,
                               sync="support_agent.id -> ticket.assignee_id"),
            },
            "Ticket": {
                "assignee": rel(M2O, "Agent", 66, reverse="tickets",
                                sync="support_agent.id -> ticket.assignee_id"),
                "comments": rel(O2M, "TicketComment", 67, reverse="ticket", cascade=OWNED,
                                passive_deletes=True, sync="ticket.id -> ticket_comment.ticket_id"),
            },
            "TicketComment": {
                "ticket": rel(M2O, "Ticket", 77, reverse="comments",
                              sync="ticket.id -> ticket_comment.ticket_id"),
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
                    fk("assignee_id", "support_agent(id)", 63, nullable=True, ondelete="SET NULL"),
                ],
            ),
            "ticket_comment": table(
                ("TicketComment",),
                fks=[fk("ticket_id", "ticket(id)", 74, ondelete="CASCADE")],
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
                "cities": rel(O2M, "City", 42, reverse="country", cascade=OWNED,
                              sync="country.code -> city.country_code"),
            },
            "City": {
                "country": rel(M2O, "Country", 52, reverse="cities",
                               sync="country.code -> city.country_code"),
                "stores": rel(O2M, "Store", 53, reverse="city", passive_deletes=True,
                              sync="city.id -> store.city_id"),
            },
            "Tenant": {
                "stores": rel(O2M, "Store", 62, reverse="tenant", cascade=OWNED,
                              passive_deletes=True, sync="tenant.id -> store.tenant_id"),
            },
            "Store": {
                "tenant": rel(M2O, "Tenant", 73, reverse="stores",
                              sync="tenant.id -> store.tenant_id"),
                "city": rel(M2O, "City", 74, reverse="stores", sync="city.id -> store.city_id"),
                "shelves": rel(O2M, "Shelf", 75, reverse="store", cascade=OWNED,
                               passive_deletes=True,
                               sync="store.tenant_id -> shelf.tenant_id, "
                                    "store.store_no -> shelf.store_no"),
                "staff": rel(O2M, "StaffMember", 76, reverse="store", passive_deletes=True,
                             sync="store.tenant_id -> staff_member.home_tenant_id, "
                                  "store.store_no -> staff_member.home_store_no"),
            },
            "Shelf": {
                "store": rel(M2O, "Store", 96, reverse="shelves",
                             sync="store.tenant_id -> shelf.tenant_id, "
                                  "store.store_no -> shelf.store_no"),
                "items": rel(O2M, "StockItem", 97, reverse="shelf", cascade=OWNED,
                             passive_deletes=True,
                             sync="shelf.tenant_id -> stock_item.tenant_id, "
                                  "shelf.store_no -> stock_item.store_no, "
                                  "shelf.shelf_no -> stock_item.shelf_no"),
            },
            "StockItem": {
                "shelf": rel(M2O, "Shelf", 120, reverse="items",
                             sync="shelf.tenant_id -> stock_item.tenant_id, "
                                  "shelf.store_no -> stock_item.store_no, "
                                  "shelf.shelf_no -> stock_item.shelf_no"),
            },
            "StaffMember": {
                "store": rel(M2O, "Store", 140, reverse="staff",
                             sync="store.tenant_id -> staff_member.home_tenant_id, "
                                  "store.store_no -> staff_member.home_store_no"),
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
                    fk(("tenant_id", "store_no"), "store(tenant_id, store_no)", 91,
                       ondelete="CASCADE", name="fk_shelf_store"),
                ],
                checks={"ck_shelf_shelf_no_range": "shelf_no BETWEEN 1 AND 999"},
            ),
            "staff_member": table(
                ("StaffMember",),
                fks=[
                    fk(("home_tenant_id", "home_store_no"), "store(tenant_id, store_no)", 137,
                       nullable=True, ondelete="SET NULL", name="fk_staff_member_home_store"),
                ],
            ),
            "stock_item": table(
                ("StockItem",),
                fks=[
                    fk(("tenant_id", "store_no", "shelf_no"),
                       "shelf(tenant_id, store_no, shelf_no)", 114, ondelete="CASCADE",
                       name="fk_stock_item_shelf"),
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
                "addresses": rel(O2M, "Address", 32, reverse="user", cascade=OWNED,
                                 sync="app_user.id -> address.user_id"),
                "current_address": rel(M2O, "Address", 33, reverse="current_for", post_update=True,
                                       sync="address.id -> app_user.current_address_id"),
            },
            "Address": {
                "user": rel(M2O, "User", 45, reverse="addresses",
                            sync="app_user.id -> address.user_id"),
                "current_for": rel(O2M, "User", 46, reverse="current_address", passive_deletes=True,
                                   post_update=True, uselist=False,
                                   sync="address.id -> app_user.current_address_id"),
            },
        },
        tables={
            "app_user": table(
                ("User",),
                fks=[
                    fk("current_address_id", "address(id)", 25, nullable=True, ondelete="SET NULL",
                       unique=True, use_alter=True, name="fk_app_user_current_address_id"),
                ],
                unique={("current_address_id",): None},
            ),
            "address": table(
                ("Address",),
                fks=[fk("user_id", "app_user(id)", 40, name="fk_address_user_id")],
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
                "posts": rel(O2M, "BlogPost", 38, reverse="blog", cascade=OWNED,
                             sync="blog.id -> blog_post.blog_id"),
            },
            "Writer": {
                "comments": rel(O2M, "PostComment", 47, reverse="author", passive_deletes=True,
                                sync="writer.id -> post_comment.author_id"),
            },
            "BlogPost": {
                "blog": rel(M2O, "Blog", 57, reverse="posts", sync="blog.id -> blog_post.blog_id"),
                "comments": rel(O2M, "PostComment", 58, reverse="post", cascade=OWNED,
                                passive_deletes=True, sync="blog_post.id -> post_comment.post_id"),
                "labels": rel(M2M, "Label", 59, reverse="posts", secondary="post_label",
                              sync="blog_post.id -> post_label.post_id",
                              secondary_sync="label.id -> post_label.label_id"),
            },
            "PostComment": {
                "post": rel(M2O, "BlogPost", 69, reverse="comments",
                            sync="blog_post.id -> post_comment.post_id"),
                "author": rel(M2O, "Writer", 70, reverse="comments",
                              sync="writer.id -> post_comment.author_id"),
            },
            "Label": {
                "posts": rel(M2M, "BlogPost", 79, reverse="labels", secondary="post_label",
                             sync="label.id -> post_label.label_id",
                             secondary_sync="blog_post.id -> post_label.post_id"),
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
    graph = assert_graph(
        "models/imperative.py",
        models={
            "Warehouse": model("warehouse", 42, imperative=True),
            "Bin": model("storage_bin", 50, imperative=True),
            "Supplier": model("supplier", 67),
            "Shipment": model("shipment", 74),
        },
        relationships={
            "Warehouse": {
                "bins": rel(O2M, "Bin", 91, reverse="warehouse", cascade=OWNED,
                            sync="warehouse.id -> storage_bin.warehouse_id"),
                "shipments": rel(O2M, "Shipment", 92, reverse="warehouse", passive_deletes=True,
                                 sync="warehouse.id -> shipment.warehouse_id"),
            },
            "Bin": {
                "warehouse": rel(M2O, "Warehouse", 100, reverse="bins",
                                 sync="warehouse.id -> storage_bin.warehouse_id"),
            },
            "Supplier": {
                "shipments": rel(O2M, "Shipment", 70, reverse="supplier", cascade=OWNED,
                                 passive_deletes=True, sync="supplier.id -> shipment.supplier_id"),
            },
            "Shipment": {
                "supplier": rel(M2O, "Supplier", 83, reverse="shipments",
                                sync="supplier.id -> shipment.supplier_id"),
                "warehouse": rel(M2O, "Warehouse", 84, reverse="shipments",
                                 sync="warehouse.id -> shipment.warehouse_id"),
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
    # No attribute line in a class body: columns point at ``Column("name", ...)`` in ``Table()``.
    assert [where(graph.model(m).column(c).location) for m, c in
            [("Warehouse", "code"), ("Bin", "capacity"), ("Supplier", "name")]] == [
        "models/imperative.py:27", "models/imperative.py:37", "models/imperative.py:62"]


def test_inheritance() -> None:
    graph = assert_graph(
        "models/inheritance.py",
        models={
            "Department": model("department", 32),
            "Employee": model("staff", 41, polymorphic_on="type", identity="employee",
                              subclasses=("Engineer", "Manager")),
            "Engineer": model("engineer", 54, tables=("staff", "engineer"), inheritance=JOINED,
                              inherits="Employee", polymorphic_on="type", identity="engineer"),
            "Manager": model("manager", 65, tables=("staff", "manager"), inheritance=JOINED,
                             inherits="Employee", polymorphic_on="type", identity="manager"),
            "Project": model("project", 75),
            "Depot": model("depot", 88),
            "Hauler": model("hauler", 97),
            "Vehicle": model("vehicle", 106, polymorphic_on="kind", identity="vehicle",
                             subclasses=("Car", "Truck")),
            "Car": model("vehicle", 121, inheritance=SINGLE, inherits="Vehicle",
                         polymorphic_on="kind", identity="car"),
            "Truck": model("vehicle", 127, inheritance=SINGLE, inherits="Vehicle",
                           polymorphic_on="kind", identity="truck"),
            "Customer": model("customer", 139),
            "Payment": model("payment", 149, polymorphic_on="pjoin.type", identity="payment",
                             subclasses=("CardPayment", "BankTransfer")),
            "CardPayment": model("card_payment", 159, inheritance=CONCRETE, inherits="Payment",
                                 polymorphic_on="pjoin.type", identity="card"),
            "BankTransfer": model("bank_transfer", 173, inheritance=CONCRETE, inherits="Payment",
                                  polymorphic_on="pjoin.type", identity="bank"),
        },
        relationships={
            "Department": {
                "employees": rel(O2M, "Employee", 38, reverse="department", passive_deletes=True,
                                 sync="department.id -> staff.department_id"),
            },
            "Employee": {
                "department": rel(M2O, "Department", 49, reverse="employees",
                                  sync="department.id -> staff.department_id"),
            },
            "Engineer": {
                "led_projects": rel(O2M, "Project", 60, reverse="lead", passive_deletes=True,
                                    sync="engineer.id -> project.lead_id"),
                "department": rel(M2O, "Department", 49, reverse="employees",
                                  declared_on="Employee",
                                  sync="department.id -> staff.department_id"),
            },
            "Manager": {
                "department": rel(M2O, "Department", 49, reverse="employees",
                                  declared_on="Employee",
                                  sync="department.id -> staff.department_id"),
            },
            "Project": {
                "lead": rel(M2O, "Engineer", 82, reverse="led_projects",
                            sync="engineer.id -> project.lead_id"),
            },
            "Depot": {
                "vehicles": rel(O2M, "Vehicle", 94, reverse="depot", cascade=OWNED,
                                sync="depot.id -> vehicle.depot_id"),
            },
            "Hauler": {
                "trucks": rel(O2M, "Truck", 103, reverse="hauler", passive_deletes=True,
                              sync="hauler.id -> vehicle.hauler_id"),
            },
            "Vehicle": {
                "depot": rel(M2O, "Depot", 116, reverse="vehicles",
                             sync="depot.id -> vehicle.depot_id"),
            },
            "Car": {
                "depot": rel(M2O, "Depot", 116, reverse="vehicles", declared_on="Vehicle",
                             sync="depot.id -> vehicle.depot_id"),
            },
            "Truck": {
                "hauler": rel(M2O, "Hauler", 131, reverse="trucks",
                              sync="hauler.id -> vehicle.hauler_id"),
                "depot": rel(M2O, "Depot", 116, reverse="vehicles", declared_on="Vehicle",
                             sync="depot.id -> vehicle.depot_id"),
            },
            "Customer": {
                "card_payments": rel(O2M, "CardPayment", 145, reverse="customer", cascade=OWNED,
                                     sync="customer.id -> card_payment.customer_id"),
                "bank_transfers": rel(O2M, "BankTransfer", 146, reverse="customer", cascade=OWNED,
                                      sync="customer.id -> bank_transfer.customer_id"),
            },
            "Payment": {},
            "CardPayment": {
                "customer": rel(M2O, "Customer", 168, reverse="card_payments",
                                sync="customer.id -> card_payment.customer_id"),
            },
            "BankTransfer": {
                "customer": rel(M2O, "Customer", 182, reverse="bank_transfers",
                                sync="customer.id -> bank_transfer.customer_id"),
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
                ("Engineer",),
                fks=[fk("id", "staff(id)", 57, ondelete="CASCADE", unique=True)],
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
    # A column a single-table subclass adds to its parent's table is written in the subclass.
    assert where(graph.table("vehicle").column("hauler_id").location) == "models/inheritance.py:129"
    assert where(graph.model("Truck").column("hauler_id").location) == "models/inheritance.py:129"


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
                "courses": rel(M2M, "Course", 47, reverse="students", secondary="enrollment",
                               sync="student.id -> enrollment.student_id",
                               secondary_sync="course.id -> enrollment.course_id"),
            },
            "Course": {
                "students": rel(M2M, "Student", 57, reverse="courses", secondary="enrollment",
                                passive_deletes=True, sync="course.id -> enrollment.course_id",
                                secondary_sync="student.id -> enrollment.student_id"),
            },
            "Order": {
                "lines": rel(O2M, "OrderLine", 67, reverse="order", cascade=OWNED,
                             sync="purchase_order.id -> order_line.order_id"),
            },
            "Product": {
                "order_lines": rel(O2M, "OrderLine", 80, reverse="product", cascade=OWNED,
                                   passive_deletes=True,
                                   sync="product.id -> order_line.product_id"),
            },
            "OrderLine": {
                "order": rel(M2O, "Order", 92, reverse="lines",
                             sync="purchase_order.id -> order_line.order_id"),
                "product": rel(M2O, "Product", 93, reverse="order_lines",
                               sync="product.id -> order_line.product_id"),
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
                "owner": rel(O2M, "User", 34, reverse="avatar", passive_deletes=True, uselist=False,
                             sync="image.id -> user_account.avatar_id"),
            },
            "User": {
                "profile": rel(O2M, "Profile", 45, reverse="user", cascade=OWNED, uselist=False,
                               sync="user_account.id -> profile.user_id"),
                "avatar": rel(M2O, "Image", 46, reverse="owner",
                              sync="image.id -> user_account.avatar_id"),
                "settings": rel(O2M, "UserSettings", 47, reverse="user", cascade=OWNED,
                                passive_deletes=True, uselist=False,
                                sync="user_account.id -> user_settings.user_id"),
            },
            "Profile": {
                "user": rel(M2O, "User", 58, reverse="profile",
                            sync="user_account.id -> profile.user_id"),
            },
            "UserSettings": {
                "user": rel(M2O, "User", 68, reverse="settings",
                            sync="user_account.id -> user_settings.user_id"),
            },
        },
        tables={
            "image": table(("Image",)),
            "user_account": table(
                ("User",),
                fks=[
                    fk("avatar_id", "image(id)", 42, nullable=True, ondelete="SET NULL",
                       unique=True),
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
                "parent": rel(M2O, "Category", 35, reverse="children", self_referential=True,
                              sync="category.id -> category.parent_id"),
                "children": rel(O2M, "Category", 36, reverse="parent", cascade=OWNED,
                                passive_deletes=True, self_referential=True,
                                sync="category.id -> category.parent_id"),
            },
            "Employee": {
                "reports": rel(O2M, "Employee", 47, reverse="manager", backref="manager",
                               passive_deletes=True, self_referential=True,
                               sync="employee.id -> employee.manager_id"),
                "manager": rel(M2O, "Employee", 47, reverse="reports", self_referential=True,
                               sync="employee.id -> employee.manager_id"),
            },
            "Person": {
                "following": rel(M2M, "Person", 65, reverse="followers", secondary="follow",
                                 self_referential=True, sync="person.id -> follow.follower_id",
                                 secondary_sync="person.id -> follow.followed_id"),
                "followers": rel(M2M, "Person", 66, reverse="following", secondary="follow",
                                 self_referential=True, sync="person.id -> follow.followed_id",
                                 secondary_sync="person.id -> follow.follower_id"),
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
                "heroes": rel(O2M, "Hero", 35, reverse="team", passive_deletes=True,
                              sync="team.id -> hero.team_id"),
            },
            "Mission": {
                "heroes": rel(M2M, "Hero", 45, reverse="missions", secondary="hero_mission_link",
                              sync="mission.id -> hero_mission_link.mission_id",
                              secondary_sync="hero.id -> hero_mission_link.hero_id"),
            },
            "Hero": {
                "team": rel(M2O, "Team", 57, reverse="heroes", sync="team.id -> hero.team_id"),
                "missions": rel(M2M, "Mission", 58, reverse="heroes", secondary="hero_mission_link",
                                sync="hero.id -> hero_mission_link.hero_id",
                                secondary_sync="mission.id -> hero_mission_link.mission_id"),
                "sidekicks": rel(O2M, "Sidekick", 59, reverse="hero", cascade=OWNED,
                                 sync="hero.id -> sidekick.hero_id"),
            },
            "Sidekick": {
                "hero": rel(M2O, "Hero", 69, reverse="sidekicks",
                            sync="hero.id -> sidekick.hero_id"),
            },
        },
        tables={
            "team": table(("Team",), unique={("name",): None}),
            "mission": table(("Mission",), unique={("code_name",): None}),
            "hero": table(
                ("Hero",),
                fks=[fk("team_id", "team(id)", 55, nullable=True, ondelete="SET NULL")],
            ),
            "hero_mission_link": table(
                ("HeroMissionLink",),
                fks=[
                    fk("hero_id", "hero(id)", 24, ondelete="CASCADE"),
                    fk("mission_id", "mission(id)", 25, ondelete="CASCADE"),
                ],
            ),
            "sidekick": table(
                ("Sidekick",),
                fks=[fk("hero_id", "hero(id)", 67, ondelete="CASCADE")],
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
                    "ck_reservation_status_allowed":
                        "status IN ('tentative', 'confirmed', 'cancelled')",
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
                "contacts": rel(O2M, "Contact", 67, reverse="account", cascade=OWNED,
                                sync="account.id -> contact.account_id"),
            },
            "Contact": {
                "account": rel(M2O, "Account", 87, reverse="contacts",
                               sync="account.id -> contact.account_id"),
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
                "invoices": rel(O2M, "Invoice", 61, reverse="account", cascade=OWNED,
                                sync="billing.account.id -> billing.invoice.account_id"),
            },
            "TaxRate": {
                "lines": rel(O2M, "InvoiceLine", 75, reverse="tax_rate", passive_deletes=True,
                             sync="billing.tax_rate.id -> billing.invoice_line.tax_rate_id"),
            },
            "Invoice": {
                "account": rel(M2O, "BillingAccount", 88, reverse="invoices",
                               sync="billing.account.id -> billing.invoice.account_id"),
                "lines": rel(O2M, "InvoiceLine", 89, reverse="invoice", cascade=OWNED,
                             passive_deletes=True,
                             sync="billing.invoice.id -> billing.invoice_line.invoice_id"),
                "reminders": rel(O2M, "PaymentReminder", 90, reverse="invoice", cascade=OWNED,
                                 sync="billing.invoice.id -> reminder.invoice_id"),
            },
            "InvoiceLine": {
                "invoice": rel(M2O, "Invoice", 109, reverse="lines",
                               sync="billing.invoice.id -> billing.invoice_line.invoice_id"),
                "tax_rate": rel(M2O, "TaxRate", 110, reverse="lines",
                                sync="billing.tax_rate.id -> billing.invoice_line.tax_rate_id"),
            },
            "PaymentReminder": {
                "invoice": rel(M2O, "Invoice", 121, reverse="reminders",
                               sync="billing.invoice.id -> reminder.invoice_id"),
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
                    fk("tax_rate_id", "billing.tax_rate(id)", 103, nullable=True,
                       ondelete="SET NULL"),
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


def test_shared_backref_names() -> None:
    """Each backref points at the relationship() that created it, not the first of its name.

    Found on Airflow, where ``SerializedDagModel.dag_runs`` and ``.dag_model`` both create a
    backref called ``serialized_dag`` (on ``DagRun`` and on ``DagModel``).
    """
    assert_graph(
        "models/shared_backref_names.py",
        models={
            "Album": model("album", 20),
            "Camera": model("camera", 27),
            "Photo": model("photo", 34),
        },
        relationships={
            "Album": {
                "photos": rel(O2M, "Photo", 42, reverse="album", cascade=OWNED,
                              sync="album.id -> photo.album_id"),
            },
            "Camera": {
                "photos": rel(O2M, "Photo", 43, reverse="camera", passive_deletes=True,
                              sync="camera.id -> photo.camera_id"),
            },
            "Photo": {
                "album": rel(M2O, "Album", 42, reverse="photos", backref="photos",
                             sync="album.id -> photo.album_id"),
                "camera": rel(M2O, "Camera", 43, reverse="photos", backref="photos",
                              sync="camera.id -> photo.camera_id"),
            },
        },
        tables={
            "album": table(("Album",)),
            "camera": table(("Camera",), unique={("model_name",): None}),
            "photo": table(
                ("Photo",),
                fks=[
                    fk("album_id", "album(id)", 38),
                    fk("camera_id", "camera(id)", 39, nullable=True, ondelete="SET NULL"),
                ],
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
                "products": rel(O2M, "Product", "catalog.py:28", reverse="category",
                                passive_deletes=True,
                                sync="shop_category.id -> shop_product.category_id"),
            },
            "Product": {
                "category": rel(M2O, "Category", "catalog.py:43", reverse="products",
                                sync="shop_category.id -> shop_product.category_id"),
                "order_items": rel(O2M, "OrderItem", "catalog.py:44", reverse="product",
                                   cascade=OWNED, passive_deletes=True,
                                   sync="shop_product.id -> shop_order_item.product_id"),
            },
            "Order": {
                "items": rel(O2M, "OrderItem", "orders.py:23", reverse="order", cascade=OWNED,
                             sync="shop_order.id -> shop_order_item.order_id"),
            },
            "OrderItem": {
                "order": rel(M2O, "Order", "orders.py:42", reverse="items",
                             sync="shop_order.id -> shop_order_item.order_id"),
                "product": rel(M2O, "Product", "orders.py:43", reverse="order_items",
                               sync="shop_product.id -> shop_order_item.product_id"),
            },
        },
        tables={
            "shop_category": table(("Category",), unique={("name",): None}),
            "shop_order": table(("Order",), unique={("number",): None}),
            "shop_product": table(
                ("Product",),
                fks=[
                    fk("category_id", "shop_category(id)", "catalog.py:39", nullable=True,
                       ondelete="SET NULL"),
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



# fmt: on


#: ``WorkspaceScopedMixin`` models of agent_platform.py: model -> (table, its collection on
#: ``Workspace``, the line of that collection). The mixin declares ``workspace_id`` (line 220)
#: and ``workspace`` (line 224) once for all of them.
AGENT_PLATFORM_SCOPED = {
    "Team": ("team", "teams", 320),
    "Agent": ("agent", "agents", 321),
    "AgentVersion": ("agent_version", "agent_versions", 322),
    "AgentExecution": ("agent_execution", "agent_executions", 323),
    "ExecutionFeedback": ("execution_feedback", "execution_feedback", 324),
    "Tool": ("tool", "tools", 325),
    "Tag": ("tag", "tags", 326),
    "Workflow": ("workflow", "workflows", 327),
    "WorkflowExecution": ("workflow_execution", "workflow_executions", 328),
    "WorkflowStep": ("workflow_step", "workflow_steps", 329),
    "Episode": ("episode", "episodes", 330),
    "EpisodeSegment": ("episode_segment", "episode_segments", 331),
    "ApiKey": ("api_key", "api_keys", 332),
    "AuditLogEntry": ("audit_log_entry", "audit_log_entries", 333),
}


def add_workspace_scoping(relationships: dict[str, Any], tables: dict[str, Any]) -> None:
    """The mixin's ``workspace_id`` FK and ``workspace`` pair, for every scoped model."""
    for name, (table_name, collection, line) in AGENT_PLATFORM_SCOPED.items():
        sync = f"workspace.id -> {table_name}.workspace_id"
        relationships["Workspace"][collection] = rel(
            O2M, name, line, reverse="workspace", cascade=OWNED, passive_deletes=True, sync=sync
        )
        relationships[name]["workspace"] = rel(M2O, "Workspace", 224, reverse=collection, sync=sync)
        tables[table_name]["fks"].append(fk("workspace_id", "workspace(id)", 220, ondelete="CASCADE"))
    for subclass in ("HttpTool", "PythonTool"):  # joined-table subclasses inherit Tool.workspace
        relationships[subclass]["workspace"] = rel(
            M2O,
            "Workspace",
            224,
            reverse="tools",
            declared_on="Tool",
            sync="workspace.id -> tool.workspace_id",
        )


def name_fks_by_convention(tables: dict[str, Any]) -> None:
    """agent_platform.py's naming convention: ``fk_<table>_<columns>_<referred table>``."""
    for table_name, facts in tables.items():
        for spec in facts["fks"]:
            referred = spec["target"].partition("(")[0]
            spec["name"] = f"fk_{table_name}_{'_'.join(spec['columns'])}_{referred}"


# fmt: off


def test_agent_platform() -> None:
    models = {
        "User": model("user_account", 260),
        "Workspace": model("workspace", 301),
        "WorkspaceMembership": model("workspace_membership", 345,
                                     pk=("workspace_id", "user_id")),
        "Team": model("team", 372),
        "Agent": model("agent", 394),
        "AgentVersion": model("agent_version", 448),
        "AgentConfig": model("agent_config", 478),
        "Tool": model("tool", 509, polymorphic_on="kind", identity="tool",
                      subclasses=("HttpTool", "PythonTool")),
        "HttpTool": model("http_tool", 533, tables=("tool", "http_tool"), inheritance=JOINED,
                          inherits="Tool", polymorphic_on="kind", identity="http"),
        "PythonTool": model("python_tool", 548, tables=("tool", "python_tool"),
                            inheritance=JOINED, inherits="Tool", polymorphic_on="kind",
                            identity="python"),
        "AgentTool": model("agent_tool", 562, pk=("agent_id", "tool_id")),
        "Tag": model("tag", 586),
        "AgentExecution": model("agent_execution", 612),
        "ExecutionFeedback": model("execution_feedback", 668),
        "Workflow": model("workflow", 700),
        "WorkflowExecution": model("workflow_execution", 726),
        "WorkflowStep": model("workflow_step", 759),
        "Episode": model("episode", 808),
        "EpisodeSegment": model("episode_segment", 844),
        "ApiKey": model("api_key", 884),
        "AuditLogEntry": model("audit_log_entry", 916),
    }
    relationships = {
        "User": {
            "memberships": rel(O2M, "WorkspaceMembership", 280, reverse="user", cascade=OWNED,
                               passive_deletes=True,
                               sync="user_account.id -> workspace_membership.user_id"),
            "invitations_sent": rel(O2M, "WorkspaceMembership", 281, reverse="invited_by",
                                    passive_deletes=True,
                                    sync="user_account.id -> workspace_membership.invited_by_id"),
            "owned_workspaces": rel(O2M, "Workspace", 282, reverse="owner",
                                    passive_deletes=True,
                                    sync="user_account.id -> workspace.owner_id"),
            "teams": rel(M2M, "Team", 283, reverse="members", secondary="team_member",
                         sync="user_account.id -> team_member.user_id",
                         secondary_sync="team.id -> team_member.team_id"),
            "created_agents": rel(O2M, "Agent", 284, reverse="created_by", passive_deletes=True,
                                  sync="user_account.id -> agent.created_by_id"),
            "triggered_agent_executions": rel(
                O2M, "AgentExecution", 285, reverse="triggered_by", passive_deletes=True,
                sync="user_account.id -> agent_execution.triggered_by_id"),
            "triggered_workflow_executions": rel(
                O2M, "WorkflowExecution", 286, reverse="triggered_by", passive_deletes=True,
                sync="user_account.id -> workflow_execution.triggered_by_id"),
            "feedback_given": rel(O2M, "ExecutionFeedback", 287, reverse="user",
                                  passive_deletes=True,
                                  sync="user_account.id -> execution_feedback.user_id"),
            "api_keys_created": rel(O2M, "ApiKey", 288, reverse="created_by",
                                    passive_deletes=True,
                                    sync="user_account.id -> api_key.created_by_id"),
            "audit_entries": rel(O2M, "AuditLogEntry", 289, reverse="actor",
                                 passive_deletes=True,
                                 sync="user_account.id -> audit_log_entry.actor_id"),
        },
        "Workspace": {
            "owner": rel(M2O, "User", 318, reverse="owned_workspaces",
                         sync="user_account.id -> workspace.owner_id"),
            "memberships": rel(O2M, "WorkspaceMembership", 319, reverse="workspace",
                               cascade=OWNED, passive_deletes=True,
                               sync="workspace.id -> workspace_membership.workspace_id"),
        },
        "WorkspaceMembership": {
            "workspace": rel(M2O, "Workspace", 360, reverse="memberships",
                             sync="workspace.id -> workspace_membership.workspace_id"),
            "user": rel(M2O, "User", 361, reverse="memberships",
                        sync="user_account.id -> workspace_membership.user_id"),
            "invited_by": rel(M2O, "User", 362, reverse="invitations_sent",
                              sync="user_account.id -> workspace_membership.invited_by_id"),
        },
        "Team": {
            "members": rel(M2M, "User", 383, reverse="teams", secondary="team_member",
                           sync="team.id -> team_member.team_id",
                           secondary_sync="user_account.id -> team_member.user_id"),
        },
        "Agent": {
            "created_by": rel(M2O, "User", 420, reverse="created_agents",
                              sync="user_account.id -> agent.created_by_id"),
            "versions": rel(O2M, "AgentVersion", 421, reverse="agent", cascade=OWNED,
                            passive_deletes=True, sync="agent.id -> agent_version.agent_id"),
            "current_version": rel(M2O, "AgentVersion", 422, reverse="current_for_agent",
                                   post_update=True,
                                   sync="agent_version.id -> agent.current_version_id"),
            "config": rel(O2M, "AgentConfig", 423, reverse="agent", cascade=OWNED,
                          passive_deletes=True, uselist=False,
                          sync="agent.id -> agent_config.agent_id"),
            "tool_bindings": rel(O2M, "AgentTool", 424, reverse="agent", cascade=OWNED,
                                 passive_deletes=True, sync="agent.id -> agent_tool.agent_id"),
            "tags": rel(M2M, "Tag", 425, reverse="agents", secondary="agent_tag",
                        sync="agent.id -> agent_tag.agent_id",
                        secondary_sync="tag.id -> agent_tag.tag_id"),
            "executions": rel(O2M, "AgentExecution", 426, reverse="agent", cascade=OWNED,
                              passive_deletes=True,
                              sync="agent.id -> agent_execution.agent_id"),
            "episodes": rel(O2M, "Episode", 427, reverse="agent", cascade=OWNED,
                            passive_deletes=True, sync="agent.id -> episode.agent_id"),
            "workflow_steps": rel(O2M, "WorkflowStep", 428, reverse="agent",
                                  passive_deletes="all",
                                  sync="agent.id -> workflow_step.agent_id"),
        },
        "AgentVersion": {
            "agent": rel(M2O, "Agent", 468, reverse="versions",
                         sync="agent.id -> agent_version.agent_id"),
            "current_for_agent": rel(O2M, "Agent", 469, reverse="current_version",
                                     passive_deletes=True, post_update=True, uselist=False,
                                     sync="agent_version.id -> agent.current_version_id"),
            "executions": rel(O2M, "AgentExecution", 470, reverse="agent_version",
                              passive_deletes="all",
                              sync="agent_version.id -> agent_execution.agent_version_id"),
        },
        "AgentConfig": {
            "agent": rel(M2O, "Agent", 498, reverse="config",
                         sync="agent.id -> agent_config.agent_id"),
        },
        "Tool": {
            "agent_bindings": rel(O2M, "AgentTool", 523, reverse="tool", cascade=OWNED,
                                  passive_deletes=True, sync="tool.id -> agent_tool.tool_id"),
        },
        "HttpTool": {
            "agent_bindings": rel(O2M, "AgentTool", 523, reverse="tool", cascade=OWNED,
                                  passive_deletes=True, declared_on="Tool",
                                  sync="tool.id -> agent_tool.tool_id"),
        },
        "PythonTool": {
            "agent_bindings": rel(O2M, "AgentTool", 523, reverse="tool", cascade=OWNED,
                                  passive_deletes=True, declared_on="Tool",
                                  sync="tool.id -> agent_tool.tool_id"),
        },
        "AgentTool": {
            "agent": rel(M2O, "Agent", 575, reverse="tool_bindings",
                         sync="agent.id -> agent_tool.agent_id"),
            "tool": rel(M2O, "Tool", 576, reverse="agent_bindings",
                        sync="tool.id -> agent_tool.tool_id"),
        },
        "Tag": {
            "agents": rel(M2M, "Agent", 600, reverse="tags", secondary="agent_tag",
                          sync="tag.id -> agent_tag.tag_id",
                          secondary_sync="agent.id -> agent_tag.agent_id"),
            "workflows": rel(M2M, "Workflow", 601, reverse="tags", secondary="workflow_tag",
                             sync="tag.id -> workflow_tag.tag_id",
                             secondary_sync="workflow.id -> workflow_tag.workflow_id"),
        },
        "AgentExecution": {
            "agent": rel(M2O, "Agent", 642, reverse="executions",
                         sync="agent.id -> agent_execution.agent_id"),
            "agent_version": rel(M2O, "AgentVersion", 643, reverse="executions",
                                 sync="agent_version.id -> agent_execution.agent_version_id"),
            "triggered_by": rel(M2O, "User", 644, reverse="triggered_agent_executions",
                                sync="user_account.id -> agent_execution.triggered_by_id"),
            "workflow_step": rel(M2O, "WorkflowStep", 645, reverse="agent_executions",
                                 sync="workflow_step.id -> agent_execution.workflow_step_id"),
            "feedback": rel(O2M, "ExecutionFeedback", 646, reverse="execution", cascade=OWNED,
                            passive_deletes=True,
                            sync="agent_execution.id -> execution_feedback.execution_id"),
            "episodes": rel(O2M, "Episode", 647, reverse="execution", passive_deletes="all",
                            sync="agent_execution.id -> episode.execution_id"),
        },
        "ExecutionFeedback": {
            "execution": rel(M2O, "AgentExecution", 686, reverse="feedback",
                             sync="agent_execution.id -> execution_feedback.execution_id"),
            "user": rel(M2O, "User", 687, reverse="feedback_given",
                        sync="user_account.id -> execution_feedback.user_id"),
        },
        "Workflow": {
            "executions": rel(O2M, "WorkflowExecution", 719, reverse="workflow", cascade=OWNED,
                              passive_deletes=True,
                              sync="workflow.id -> workflow_execution.workflow_id"),
            "tags": rel(M2M, "Tag", 720, reverse="workflows", secondary="workflow_tag",
                        sync="workflow.id -> workflow_tag.workflow_id",
                        secondary_sync="tag.id -> workflow_tag.tag_id"),
        },
        "WorkflowExecution": {
            "workflow": rel(M2O, "Workflow", 745, reverse="executions",
                            sync="workflow.id -> workflow_execution.workflow_id"),
            "triggered_by": rel(M2O, "User", 746, reverse="triggered_workflow_executions",
                                sync="user_account.id -> workflow_execution.triggered_by_id"),
            "steps": rel(O2M, "WorkflowStep", 747, reverse="execution", cascade=OWNED,
                         passive_deletes=True,
                         sync="workflow_execution.id -> workflow_step.workflow_execution_id"),
        },
        "WorkflowStep": {
            "execution": rel(M2O, "WorkflowExecution", 784, reverse="steps",
                             sync="workflow_execution.id -> workflow_step.workflow_execution_id"),
            "parent": rel(M2O, "WorkflowStep", 785, reverse="children", self_referential=True,
                          sync="workflow_step.id -> workflow_step.parent_step_id"),
            "children": rel(O2M, "WorkflowStep", 786, reverse="parent", cascade=OWNED,
                            passive_deletes=True, self_referential=True,
                            sync="workflow_step.id -> workflow_step.parent_step_id"),
            "agent": rel(M2O, "Agent", 787, reverse="workflow_steps",
                         sync="agent.id -> workflow_step.agent_id"),
            "agent_executions": rel(O2M, "AgentExecution", 788, reverse="workflow_step",
                                    passive_deletes="all",
                                    sync="workflow_step.id -> agent_execution.workflow_step_id"),
        },
        "Episode": {
            "agent": rel(M2O, "Agent", 830, reverse="episodes",
                         sync="agent.id -> episode.agent_id"),
            "execution": rel(M2O, "AgentExecution", 831, reverse="episodes",
                             sync="agent_execution.id -> episode.execution_id"),
            "segments": rel(O2M, "EpisodeSegment", 832, reverse="episode", cascade=OWNED,
                            passive_deletes=True,
                            sync="episode.id -> episode_segment.episode_id"),
        },
        "EpisodeSegment": {
            "episode": rel(M2O, "Episode", 867, reverse="segments",
                           sync="episode.id -> episode_segment.episode_id"),
        },
        "ApiKey": {
            "created_by": rel(M2O, "User", 905, reverse="api_keys_created",
                              sync="user_account.id -> api_key.created_by_id"),
            "audit_entries": rel(O2M, "AuditLogEntry", 906, reverse="api_key",
                                 passive_deletes="all",
                                 sync="api_key.id -> audit_log_entry.api_key_id"),
        },
        "AuditLogEntry": {
            "actor": rel(M2O, "User", 934, reverse="audit_entries",
                         sync="user_account.id -> audit_log_entry.actor_id"),
            "api_key": rel(M2O, "ApiKey", 935, reverse="audit_entries",
                           sync="api_key.id -> audit_log_entry.api_key_id"),
        },
    }
    tables = {
        "user_account": table(
            ("User",),
            unique={("email",): "uq_user_account_email"},
            checks={
                "ck_user_account_email_min_length": "length(email) >= 3",
                "ck_user_account_failed_logins_non_negative": "failed_logins >= 0",
            },
        ),
        "workspace": table(
            ("Workspace",),
            fks=[fk("owner_id", "user_account(id)", 316, nullable=True, ondelete="SET NULL")],
            unique={("slug",): "uq_workspace_slug"},
            checks={
                "ck_workspace_max_agents_non_negative": "max_agents >= 0",
                "ck_workspace_plan_tier": "workspace.plan IN ('free', 'team', 'enterprise')",
                "ck_workspace_slug_min_length": "length(slug) >= 3",
            },
        ),
        "workspace_membership": table(
            ("WorkspaceMembership",),
            fks=[
                fk("invited_by_id", "user_account(id)", 357, nullable=True,
                   ondelete="SET NULL"),
                fk("user_id", "user_account(id)", 355, ondelete="CASCADE"),
                fk("workspace_id", "workspace(id)", 354, ondelete="CASCADE"),
            ],
            checks={
                "ck_workspace_membership_membership_role":
                    "workspace_membership.role IN ('owner', 'admin', 'member', 'viewer')",
            },
        ),
        "team": table(
            ("Team",),
            unique={("workspace_id", "name"): "uq_team_workspace_id_name"},
        ),
        "agent": table(
            ("Agent",),
            fks=[
                fk("created_by_id", "user_account(id)", 417, nullable=True,
                   ondelete="SET NULL"),
                fk("current_version_id", "agent_version(id)", 418, nullable=True,
                   ondelete="SET NULL", unique=True, use_alter=True),
            ],
            unique={
                ("current_version_id",): "uq_agent_current_version_id",
                ("public_id",): "uq_agent_public_id",
                ("workspace_id", "slug"): "uq_agent_workspace_id_slug",
            },
            checks={
                "ck_agent_name_not_empty": "length(name) >= 1",
                "ck_agent_agent_status":
                    "agent.status IN ('draft', 'active', 'paused', 'archived')",
            },
        ),
        "tool": table(
            ("Tool", "HttpTool", "PythonTool"),
            unique={("workspace_id", "name"): "uq_tool_workspace_id_name"},
        ),
        "tag": table(
            ("Tag",),
            unique={("workspace_id", "name"): "uq_tag_workspace_id_name"},
            checks={"ck_tag_color_hex_length": "length(color) = 7"},
        ),
        "workflow": table(
            ("Workflow",),
            unique={("workspace_id", "slug"): "uq_workflow_workspace_id_slug"},
            checks={"ck_workflow_version_positive": "version >= 1"},
        ),
        "api_key": table(
            ("ApiKey",),
            fks=[
                fk("created_by_id", "user_account(id)", 900, nullable=True,
                   ondelete="SET NULL"),
            ],
            unique={
                ("key_hash",): "uq_api_key_key_hash",
                ("workspace_id", "name"): "uq_api_key_workspace_id_name",
            },
            checks={
                "ck_api_key_expires_after_created":
                    "expires_at IS NULL OR expires_at > created_at",
                "ck_api_key_prefix_length": "length(prefix) = 8",
            },
        ),
        "team_member": table(
            (),
            fks=[
                fk("team_id", "team(id)", 235, ondelete="CASCADE"),
                fk("user_id", "user_account(id)", 236, ondelete="CASCADE"),
            ],
        ),
        "agent_tag": table(
            (),
            fks=[
                fk("agent_id", "agent(id)", 243, ondelete="CASCADE"),
                fk("tag_id", "tag(id)", 244, ondelete="CASCADE"),
            ],
        ),
        "workflow_tag": table(
            (),
            fks=[
                fk("tag_id", "tag(id)", 251, ondelete="CASCADE"),
                fk("workflow_id", "workflow(id)", 250, ondelete="CASCADE"),
            ],
        ),
        "agent_version": table(
            ("AgentVersion",),
            fks=[fk("agent_id", "agent(id)", 459, ondelete="CASCADE")],
            unique={("agent_id", "version_number"): "uq_agent_version_agent_id_version_number"},
            checks={"ck_agent_version_version_number_positive": "version_number >= 1"},
        ),
        "agent_config": table(
            ("AgentConfig",),
            fks=[fk("agent_id", "agent(id)", 489, ondelete="CASCADE", unique=True)],
            unique={("agent_id",): "uq_agent_config_agent_id"},
            checks={
                "ck_agent_config_max_tokens_positive": "max_tokens > 0",
                "ck_agent_config_temperature_range": "temperature BETWEEN 0 AND 2",
                "ck_agent_config_top_p_range": "top_p > 0 AND top_p <= 1",
            },
        ),
        "http_tool": table(
            ("HttpTool",),
            fks=[fk("id", "tool(id)", 539, ondelete="CASCADE", unique=True)],
            checks={
                "ck_http_tool_http_method":
                    "http_tool.method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')",
                "ck_http_tool_timeout_range": "timeout_seconds BETWEEN 1 AND 300",
            },
        ),
        "python_tool": table(
            ("PythonTool",),
            fks=[fk("id", "tool(id)", 553, ondelete="CASCADE", unique=True)],
        ),
        "agent_tool": table(
            ("AgentTool",),
            fks=[
                fk("agent_id", "agent(id)", 568, ondelete="CASCADE"),
                fk("tool_id", "tool(id)", 569, ondelete="CASCADE"),
            ],
            checks={"ck_agent_tool_position_non_negative": "position >= 0"},
        ),
        "workflow_execution": table(
            ("WorkflowExecution",),
            fks=[
                fk("triggered_by_id", "user_account(id)", 738, nullable=True,
                   ondelete="SET NULL"),
                fk("workflow_id", "workflow(id)", 737, ondelete="CASCADE"),
            ],
            checks={
                "ck_workflow_execution_finished_after_started":
                    "finished_at IS NULL OR finished_at >= started_at",
                "ck_workflow_execution_workflow_execution_status":
                    "workflow_execution.status IN "
                    "('pending', 'running', 'succeeded', 'failed', 'cancelled')",
            },
        ),
        "audit_log_entry": table(
            ("AuditLogEntry",),
            fks=[
                fk("actor_id", "user_account(id)", 924, nullable=True, ondelete="SET NULL"),
                fk("api_key_id", "api_key(id)", 925, nullable=True, ondelete="SET NULL"),
            ],
        ),
        "workflow_step": table(
            ("WorkflowStep",),
            fks=[
                fk("agent_id", "agent(id)", 774, nullable=True, ondelete="SET NULL"),
                fk("parent_step_id", "workflow_step(id)", 773, nullable=True,
                   ondelete="CASCADE"),
                fk("workflow_execution_id", "workflow_execution(id)", 772, ondelete="CASCADE"),
            ],
            unique={
                ("workflow_execution_id", "step_index"):
                    "uq_workflow_step_workflow_execution_id_step_index",
            },
            checks={
                "ck_workflow_step_attempt_positive": "attempt >= 1",
                "ck_workflow_step_finished_after_started":
                    "finished_at IS NULL OR started_at IS NULL OR finished_at >= started_at",
                "ck_workflow_step_workflow_step_status":
                    "workflow_step.status IN "
                    "('pending', 'running', 'succeeded', 'failed', 'skipped')",
                "ck_workflow_step_step_index_non_negative": "step_index >= 0",
            },
        ),
        "agent_execution": table(
            ("AgentExecution",),
            fks=[
                fk("agent_id", "agent(id)", 627, ondelete="CASCADE"),
                fk("agent_version_id", "agent_version(id)", 628, nullable=True,
                   ondelete="SET NULL"),
                fk("triggered_by_id", "user_account(id)", 629, nullable=True,
                   ondelete="SET NULL"),
                fk("workflow_step_id", "workflow_step(id)", 630, nullable=True,
                   ondelete="SET NULL"),
            ],
            checks={
                "ck_agent_execution_cost_non_negative": "cost_usd >= 0",
                "ck_agent_execution_duration_non_negative": "duration_ms >= 0",
                "ck_agent_execution_tokens_non_negative":
                    "prompt_tokens >= 0 AND completion_tokens >= 0",
                "ck_agent_execution_finished_after_started":
                    "finished_at IS NULL OR finished_at >= started_at",
                "ck_agent_execution_agent_execution_status":
                    "agent_execution.status IN "
                    "('pending', 'running', 'succeeded', 'failed', 'cancelled')",
            },
        ),
        "execution_feedback": table(
            ("ExecutionFeedback",),
            fks=[
                fk("execution_id", "agent_execution(id)", 679, ondelete="CASCADE"),
                fk("user_id", "user_account(id)", 680, nullable=True, ondelete="SET NULL"),
            ],
            unique={("execution_id", "user_id"): "uq_execution_feedback_execution_id_user_id"},
            checks={"ck_execution_feedback_rating_range": "rating BETWEEN 1 AND 5"},
        ),
        "episode": table(
            ("Episode",),
            fks=[
                fk("agent_id", "agent(id)", 820, ondelete="CASCADE"),
                fk("execution_id", "agent_execution(id)", 821, nullable=True,
                   ondelete="SET NULL"),
            ],
            checks={
                "ck_episode_duration_non_negative": "duration_seconds >= 0",
                "ck_episode_ended_after_started": "ended_at IS NULL OR ended_at >= started_at",
                "ck_episode_episode_status": "episode.status IN ('open', 'closed')",
            },
        ),
        "episode_segment": table(
            ("EpisodeSegment",),
            fks=[fk("episode_id", "episode(id)", 858, ondelete="CASCADE")],
            unique={("episode_id", "position"): "uq_episode_segment_episode_id_position"},
            checks={
                "ck_episode_segment_position_non_negative": "position >= 0",
                "ck_episode_segment_segment_speaker":
                    "episode_segment.speaker IN ('user', 'agent', 'tool', 'system')",
                "ck_episode_segment_start_non_negative": "start_ms >= 0",
                "ck_episode_segment_end_after_start": "end_ms >= start_ms",
                "ck_episode_segment_token_count_non_negative": "token_count >= 0",
            },
        ),
    }
    add_workspace_scoping(relationships, tables)
    name_fks_by_convention(tables)
    assert_graph(
        "models/agent_platform.py", models=models, relationships=relationships, tables=tables
    )


# fmt: on


def test_drifted_store() -> None:
    assert_graph(
        "models/drifted_store.py",
        models={"DriftItem": model("drift_item", 19)},
        relationships={"DriftItem": {}},
        tables={
            "drift_item": table(
                ("DriftItem",),
                unique={("sku",): "uq_drift_item_sku"},
                checks={"ck_drift_item_price_non_negative": "price_cents >= 0"},
            ),
        },
    )


@pytest.mark.parametrize("path", sorted((FIXTURES / "models").glob("*.py")), ids=lambda path: path.stem)
def test_every_model_fixture_has_its_exact_graph_test(path: Path) -> None:
    """A new fixture file must come with its own ``test_<stem>`` in this module."""
    assert callable(globals().get(f"test_{path.stem}")), f"add test_{path.stem} for {path.name}"


# -- the loading fixtures: clear errors and problems kept as data -----------------------


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        (
            "syntax_error_models.py",
            LoadError,
            # Python words the reason itself ("expected ':'"); the place and the advice are ours.
            re.escape("syntax error in fixtures/loading/syntax_error_models.py:23: ")
            + r"[^\n]+"
            + re.escape("; fix it and run ormprobe again"),
        ),
        (
            "import_error_models.py",
            LoadError,
            re.escape(
                "importing fixtures/loading/import_error_models.py failed: ModuleNotFoundError: "
                "No module named 'not_a_real_dependency_xyz' "
                "(fixtures/loading/import_error_models.py:12); "
                "install the missing package or add its directory to the path (--pythonpath DIR; "
                "under pytest, the pythonpath ini option)"
            ),
        ),
        (
            "no_models_here.py",
            NoModelsFound,
            re.escape(
                "fixtures/loading/no_models_here.py: imported, but found no mapped class, "
                "declarative base, registry or Table in it; point ormprobe at the module that "
                "defines or imports your models"
            ),
        ),
    ],
    ids=["syntax-error", "import-error", "no-models"],
)
def test_bad_loading_target_fails_with_one_clear_line(
    name: str, error: type[Exception], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES.parent)
    with pytest.raises(error) as info:
        load_models(f"fixtures/loading/{name}")
    assert re.fullmatch(message, str(info.value)), str(info.value)


def test_configure_error_is_data_and_models_keep_their_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURES.parent)
    graph = build_graph(load_models("fixtures/loading/configure_error_models.py"))
    assert not graph.configured
    assert [(m.name, m.table, m.configured, m.relationships) for m in graph.models] == [
        ("Parent", "cfg_parent", False, ()),
        ("Child", "cfg_child", False, ()),
    ]
    [problem] = graph.problems
    assert (problem.kind, problem.exception, problem.target) == (
        "error",
        "InvalidRequestError",
        "Parent.children",
    )
    assert problem.message.startswith("Mapper 'Mapper[Child(cfg_child)]' has no property 'nope'")
    assert where(problem.location) == "loading/configure_error_models.py:25"


def test_warning_is_data_and_points_at_the_relationship() -> None:
    graph = build_graph(load_models(str(FIXTURES / "loading/warning_models.py")))
    assert graph.configured
    [problem] = graph.problems
    assert (problem.kind, problem.code, problem.exception, problem.target) == (
        "warning",
        "qzyx",
        "SAWarning",
        "Pet.owner",
    )
    assert where(problem.location) == "loading/warning_models.py:36"
    # The two one-sided relationships are still described, each without a reverse.
    pets, owner = graph.relationship("Owner.pets"), graph.relationship("Pet.owner")
    assert (pets.direction.name, pets.reverse, pets.cascade, where(pets.location)) == (
        O2M,
        None,
        OWNED,
        "loading/warning_models.py:26",
    )
    assert (owner.direction.name, owner.reverse, where(owner.location)) == (
        M2O,
        None,
        "loading/warning_models.py:36",
    )


def test_table_only_module() -> None:
    assert_graph(
        "loading/table_only.py",
        models={},
        relationships={},
        tables={
            "region": table((), unique={("name",): None}),
            "site": table(
                (),
                fks=[fk("region_id", "region(id)", 34, ondelete="CASCADE")],
                unique={("region_id", "code"): "uq_site_region_id_code"},
            ),
            "sensor_reading": table(
                (),
                fks=[fk("site_id", "site(id)", 49, ondelete="CASCADE")],
                checks={"ck_sensor_reading_above_absolute_zero": "value >= -273.15"},
            ),
        },
    )


def test_prints_on_import_stay_off_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert_graph(
        "loading/prints_on_import.py",
        models={"Board": model("board", 26), "Card": model("card", 35)},
        relationships={
            "Board": {
                "cards": rel(
                    O2M,
                    "Card",
                    32,
                    reverse="board",
                    cascade=OWNED,
                    sync="board.id -> card.board_id",
                ),
            },
            "Card": {
                "board": rel(M2O, "Board", 42, reverse="cards", sync="board.id -> card.board_id"),
            },
        },
        tables={
            "board": table(("Board",)),
            "card": table(("Card",), fks=[fk("board_id", "board(id)", 39)]),
        },
    )
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "prints_on_import: hello from module import" in captured.err


def test_mapping_rejected_at_import_points_at_the_users_line(tmp_path: Path) -> None:
    """SQLAlchemy raises from deep inside its own modules; the problem names the model line."""
    path = tmp_path / "ip_rejected_at_import.py"
    path.write_text(
        "from sqlalchemy import Column, Integer, String\n"
        "from sqlalchemy.orm import DeclarativeBase\n"
        "\n"
        "class Base(DeclarativeBase):\n"
        "    pass\n"
        "\n"
        "class Keyless(Base):  # no primary key: the mapper refuses the class\n"
        "    __tablename__ = 'keyless'\n"
        "    name = Column(String(20))\n"
        "    size = Column(Integer)\n",
        encoding="utf-8",
    )
    [problem] = load_models(str(path)).problems
    assert (problem.kind, problem.exception) == ("error", "ArgumentError")
    assert (Path(problem.location.path).resolve(), problem.location.line) == (path, 7)


MUTABLE_COLUMNS = """
import sqlalchemy as sa
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Sheet(Base):
    __tablename__ = "sheet"
    id: Mapped[int] = mapped_column(primary_key=True)
    rows = mapped_column(MutableList.as_mutable(sa.JSON))
    meta = mapped_column(MutableDict.as_mutable(sa.JSON))
    plain = mapped_column(sa.JSON)


class Tracked(Base):
    __tablename__ = "tracked"
    id: Mapped[int] = mapped_column(primary_key=True)
    meta = mapped_column(MutableDict.as_mutable(sa.JSON))

    def __setattr__(self, key, value):  # reads mapped state before SQLAlchemy has set it up
        self.__dict__.setdefault("_seen", {})[key] = getattr(self, "meta", None)
        super().__setattr__(key, value)
"""


def test_mutable_json_columns_record_the_container_they_accept(tmp_path: Path, clean_modules: None) -> None:
    path = tmp_path / "mutable_columns.py"
    path.write_text(MUTABLE_COLUMNS, encoding="utf-8")
    graph = build_graph(load_models(str(path)))
    python_types = {c.attribute: c.python_type for c in graph.model("Sheet").columns}
    assert python_types == {"id": "int", "rows": "list", "meta": "dict", "plain": "object"}
    # A model whose own __setattr__ breaks on a bare instance is described (as its type
    # says), not a crash of the whole run.
    assert [c.python_type for c in graph.model("Tracked").columns if c.attribute == "meta"] == ["object"]
