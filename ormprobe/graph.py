"""The schema graph: an immutable, typed description of a models module.

Produced only by :func:`ormprobe.introspect.build_graph`; read by every later stage. It
uses SQLAlchemy's own vocabulary (``back_populates``, ``secondary``, ``MANYTOONE``...) so a
SQLAlchemy user can read it without a glossary.

Everything is a frozen dataclass with tuples, so graphs compare by value and serialise
without special cases. A few fields hold the live SQLAlchemy object they describe
(``ModelInfo.class_``, ``ColumnInfo.sa_type``); they are excluded from comparison and
from every output, and exist only for the stages that must build real objects.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from ormprobe.findings import Location

__all__ = [
    "ColumnInfo",
    "ConfigProblem",
    "ConstraintInfo",
    "DefaultInfo",
    "Direction",
    "ForeignKeyInfo",
    "IndexInfo",
    "Inheritance",
    "ModelGraph",
    "ModelInfo",
    "RelationshipInfo",
    "TableInfo",
]


class Direction(enum.Enum):
    """A relationship's direction, named as in ``sqlalchemy.orm.RelationshipDirection``."""

    ONETOMANY = "one-to-many"
    MANYTOONE = "many-to-one"
    MANYTOMANY = "many-to-many"


class Inheritance(enum.Enum):
    """How a mapped class relates to the class it inherits from."""

    NONE = "none"
    JOINED = "joined"
    SINGLE = "single"
    CONCRETE = "concrete"


DefaultKind = Literal["scalar", "callable", "sequence", "clause", "identity"]


@dataclass(frozen=True, slots=True)
class DefaultInfo:
    """A Python-side ``default=`` / ``onupdate=`` of a column.

    Attributes:
        kind: ``scalar`` (a constant), ``callable`` (a function called per row),
            ``sequence`` (a ``Sequence``), ``clause`` (a SQL expression sent with the INSERT).
        text: a readable rendering: the constant's repr, the function's name, the SQL.
        value_type: for ``scalar``, the type name of the constant (``datetime``).
    """

    kind: DefaultKind
    text: str
    value_type: str | None = None


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    """One database column, and when mapped, the attribute that maps it.

    Attributes:
        table: full name of the table (``schema.table`` when it has a schema).
        name: the column's name in the database.
        attribute: the mapped attribute key on the model, or None in a ``TableInfo``.
        type: the type as written, for humans (``"String(50)"``).
        type_class: qualified name of the SQLAlchemy type class.
        python_type: name of the Python type values have, when SQLAlchemy knows it.
        unique: a UNIQUE constraint or unique index covers exactly this column.
        index: an index starts with this column (an FK index candidate).
        computed: SQL text of ``Computed(...)``, when the database generates the value.
        identity: an ``Identity()`` column.
        foreign_keys: the ``table.column`` each of its foreign keys points at.
        annotated_optional: for a mapped attribute with a ``Mapped[...]`` annotation,
            whether the annotation admits None; None without such an annotation.
        sa_type: the live ``TypeEngine``; excluded from comparison and output.
    """

    table: str
    name: str
    attribute: str | None
    type: str
    type_class: str
    python_type: str | None
    nullable: bool
    primary_key: bool
    unique: bool
    index: bool
    autoincrement: bool
    default: DefaultInfo | None = None
    server_default: str | None = None
    onupdate: DefaultInfo | None = None
    server_onupdate: str | None = None
    computed: str | None = None
    identity: bool = False
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    timezone: bool | None = None
    enum_values: tuple[str, ...] | None = None
    native_enum: bool | None = None
    enum_constraint: bool | None = None
    foreign_keys: tuple[str, ...] = ()
    comment: str | None = None
    location: Location = Location()
    annotated_optional: bool | None = None
    sa_type: Any = field(default=None, compare=False, repr=False)

    @property
    def qualified_name(self) -> str:
        """``table.column``."""
        return f"{self.table}.{self.name}"

    @property
    def generated(self) -> bool:
        """True when the database, not the client, supplies the value on INSERT."""
        return bool(
            self.computed
            or self.identity
            or self.server_default is not None
            or (self.primary_key and self.autoincrement)
        )


@dataclass(frozen=True, slots=True)
class ForeignKeyInfo:
    """A (possibly composite) foreign key constraint.

    Attributes:
        table: full name of the table that holds the FK columns.
        columns: the FK column names, in constraint order.
        target_table: full name of the referenced table.
        target_columns: the referenced column names, in the same order.
        nullable: per FK column, whether it accepts NULL.
        target_is_unique: the referenced columns are a primary key or are covered by a
            UNIQUE constraint or unique index (most databases require this).
    """

    name: str | None
    table: str
    columns: tuple[str, ...]
    target_table: str
    target_columns: tuple[str, ...]
    nullable: tuple[bool, ...]
    target_is_unique: bool
    ondelete: str | None = None
    onupdate: str | None = None
    deferrable: bool | None = None
    initially: str | None = None
    use_alter: bool = False
    match: str | None = None
    unique: bool = False
    location: Location = Location()

    @property
    def all_nullable(self) -> bool:
        """Every FK column accepts NULL."""
        return all(self.nullable)

    @property
    def any_nullable(self) -> bool:
        """At least one FK column accepts NULL."""
        return any(self.nullable)

    @property
    def composite(self) -> bool:
        """More than one column."""
        return len(self.columns) > 1

    @property
    def label(self) -> str:
        """Readable ``table(cols) -> target(cols)``."""
        return (
            f"{self.table}({', '.join(self.columns)}) -> "
            f"{self.target_table}({', '.join(self.target_columns)})"
        )


@dataclass(frozen=True, slots=True)
class ConstraintInfo:
    """A PRIMARY KEY, UNIQUE or CHECK constraint.

    Attributes:
        kind: ``primary_key``, ``unique`` or ``check``.
        columns: the columns it covers (for CHECK: the columns its text names, when known).
        sqltext: the SQL text of a CHECK constraint.
    """

    kind: Literal["primary_key", "unique", "check"]
    name: str | None
    table: str
    columns: tuple[str, ...]
    sqltext: str | None = None
    location: Location = Location()


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """An index; ``expressions`` holds the SQL of functional index elements."""

    name: str | None
    table: str
    columns: tuple[str, ...]
    unique: bool
    expressions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableInfo:
    """A table in one of the loaded ``MetaData`` collections.

    Attributes:
        name: full name (``schema.table`` when it has a schema).
        models: the models mapped to this table (empty for plain association tables).
        location: where the ``Table(...)`` or the mapped class is defined.
    """

    name: str
    schema: str | None
    columns: tuple[ColumnInfo, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKeyInfo, ...]
    constraints: tuple[ConstraintInfo, ...]
    indexes: tuple[IndexInfo, ...]
    models: tuple[str, ...] = ()
    comment: str | None = None
    location: Location = Location()

    def column(self, name: str) -> ColumnInfo:
        """The column called ``name``.

        Raises:
            KeyError: when the table has no such column.
        """
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")


@dataclass(frozen=True, slots=True)
class RelationshipInfo:
    """One ``relationship()`` as SQLAlchemy configured it.

    Attributes:
        model: the model the attribute is reached on.
        key: the attribute name.
        target: the related model.
        declared_on: the model whose mapper declares it (differs from ``model`` when
            inherited from a mapped superclass).
        cascade: SQLAlchemy's resolved cascade names (``save-update``, ``delete``...).
        back_populates: the ``back_populates=`` name as declared on this side.
        backref: the ``backref=`` name this side declared, creating the other side.
        reverse: key of the resolved reverse relationship on ``target``, if any.
        secondary: full name of the ``secondary`` table, for many-to-many.
        local_remote_pairs: ``(local table.col, remote table.col)`` of the join.
        fk_columns: the ``table.column`` the relationship writes when it syncs
            (the "foreign" side; on the secondary table for many-to-many).
        sync_pairs: ``(key column, FK column)`` pairs the ORM copies at flush: the
            referenced column first, the column it is copied into second.
        secondary_sync_pairs: the same for the target side of a many-to-many.
        primaryjoin: the join condition, as SQL text.
        declared_arguments: keyword arguments written in the ``relationship()`` call, read
            from the source (e.g. whether ``remote_side`` was given explicitly).
    """

    model: str
    key: str
    target: str
    direction: Direction
    uselist: bool
    cascade: frozenset[str]
    declared_on: str
    back_populates: str | None = None
    backref: str | None = None
    reverse: str | None = None
    secondary: str | None = None
    passive_deletes: bool | Literal["all"] = False
    passive_updates: bool = True
    post_update: bool = False
    viewonly: bool = False
    single_parent: bool = False
    lazy: str = "select"
    order_by: tuple[str, ...] = ()
    remote_side: tuple[str, ...] = ()
    local_remote_pairs: tuple[tuple[str, str], ...] = ()
    fk_columns: tuple[str, ...] = ()
    secondary_fk_columns: tuple[str, ...] = ()
    sync_pairs: tuple[tuple[str, str], ...] = ()
    secondary_sync_pairs: tuple[tuple[str, str], ...] = ()
    collection_class: str | None = None
    primaryjoin: str | None = None
    secondaryjoin: str | None = None
    self_referential: bool = False
    declared_arguments: tuple[str, ...] = ()
    location: Location = Location()

    @property
    def name(self) -> str:
        """``Model.key``: how findings and results name this relationship."""
        return f"{self.model}.{self.key}"

    @property
    def inherited(self) -> bool:
        """True when the relationship is declared on a mapped superclass."""
        return self.declared_on != self.model

    @property
    def is_collection(self) -> bool:
        """True for one-to-many and many-to-many with a collection."""
        return self.uselist

    @property
    def dynamic(self) -> bool:
        """``lazy="dynamic"`` or ``"write_only"``: the attribute is a query, not a list."""
        return self.lazy in ("dynamic", "write_only")


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One mapped class.

    Attributes:
        name: the name findings use: the class name, or ``module.Class`` if two loaded
            classes share a name.
        table: full name of the class's own table (its parent's for single-table
            inheritance; None when mapped to a non-table selectable).
        tables: every table a row of this class is stored in (several for joined
            inheritance).
        columns: the mapped column attributes, inherited ones included.
        primary_key: attribute keys of the identity columns.
        relationships: ``inspect(cls).relationships``, inherited ones included.
        inherits: the mapped superclass's model name.
        polymorphic_on: the discriminator column's attribute key.
        polymorphic_identity: ``repr()`` of the discriminator value for this class.
        validators: attribute keys with ``@validates`` hooks.
        configured: False when the model's registry failed to configure.
        class_: the live class; excluded from comparison and output.
    """

    name: str
    module: str
    qualname: str
    table: str | None
    tables: tuple[str, ...]
    columns: tuple[ColumnInfo, ...]
    primary_key: tuple[str, ...]
    relationships: tuple[RelationshipInfo, ...]
    inherits: str | None = None
    inheritance: Inheritance = Inheritance.NONE
    polymorphic_on: str | None = None
    polymorphic_identity: str | None = None
    polymorphic_abstract: bool = False
    subclasses: tuple[str, ...] = ()
    validators: tuple[str, ...] = ()
    imperative: bool = False
    configured: bool = True
    location: Location = Location()
    class_: Any = field(default=None, compare=False, repr=False)

    def column(self, attribute: str) -> ColumnInfo:
        """The column mapped by ``attribute``.

        Raises:
            KeyError: when no column attribute has that key.
        """
        for column in self.columns:
            if column.attribute == attribute:
                return column
        raise KeyError(f"{self.name} has no column attribute {attribute!r}")

    def relationship(self, key: str) -> RelationshipInfo:
        """The relationship called ``key``.

        Raises:
            KeyError: when there is none.
        """
        for rel in self.relationships:
            if rel.key == key:
                return rel
        raise KeyError(f"{self.name} has no relationship {key!r}")

    @property
    def declared_relationships(self) -> tuple[RelationshipInfo, ...]:
        """Relationships this class's own mapper declares (no inherited ones)."""
        return tuple(rel for rel in self.relationships if not rel.inherited)


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """An error or warning SQLAlchemy raised while importing or configuring the models.

    Attributes:
        kind: ``error`` (the mappers could not be configured) or ``warning`` (an
            ``SAWarning``).
        code: SQLAlchemy's own code for it (``"qzyx"``, ``"bbf0"``), when it has one.
        exception: the exception or warning class name.
        message: SQLAlchemy's message, without its "Background on this error" link.
        target: the model or ``Model.attr`` it names, when that can be told.
    """

    kind: Literal["error", "warning"]
    code: str | None
    exception: str
    message: str
    target: str | None = None
    location: Location = Location()


@dataclass(frozen=True, slots=True)
class ModelGraph:
    """Every model, table and configuration problem reachable from a target.

    Attributes:
        models: mapped classes, in a stable order (module, then definition order).
        tables: tables of every loaded ``MetaData``, in dependency order where possible.
        problems: SQLAlchemy errors and warnings captured at import and configure time.
        configured: False when ``configure_mappers()`` failed for at least one registry;
            relationships of the failing registries are then not in the graph.
    """

    models: tuple[ModelInfo, ...]
    tables: tuple[TableInfo, ...]
    problems: tuple[ConfigProblem, ...] = ()
    configured: bool = True
    _models_by_name: dict[str, ModelInfo] = field(init=False, compare=False, repr=False, default_factory=dict)
    _tables_by_name: dict[str, TableInfo] = field(init=False, compare=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._models_by_name.update((m.name, m) for m in self.models)
        self._tables_by_name.update((t.name, t) for t in self.tables)

    def model(self, name: str) -> ModelInfo:
        """The model called ``name``.

        Raises:
            KeyError: when no model has that name.
        """
        return self._models_by_name[name]

    def table(self, name: str) -> TableInfo:
        """The table with full name ``name``.

        Raises:
            KeyError: when no table has that name.
        """
        return self._tables_by_name[name]

    def has_table(self, name: str) -> bool:
        """True when a table with full name ``name`` is in the graph."""
        return name in self._tables_by_name

    def has_model(self, name: str) -> bool:
        """True when a model called ``name`` is in the graph."""
        return name in self._models_by_name

    def relationships(self) -> Iterator[RelationshipInfo]:
        """Every relationship once, on the model that declares it."""
        for model in self.models:
            yield from model.declared_relationships

    def relationship(self, name: str) -> RelationshipInfo:
        """The relationship named ``Model.key``.

        Raises:
            KeyError: when there is none.
        """
        model, _, key = name.rpartition(".")
        return self.model(model).relationship(key)

    def reverse_of(self, rel: RelationshipInfo) -> RelationshipInfo | None:
        """The resolved reverse relationship of ``rel``, if it has one."""
        if rel.reverse is None:
            return None
        return self.model(rel.target).relationship(rel.reverse)

    def foreign_keys_of(self, rel: RelationshipInfo) -> tuple[ForeignKeyInfo, ...]:
        """The FK constraints whose columns ``rel`` writes when it syncs.

        For many-to-many these are the FKs of the ``secondary`` table.
        """
        written = set(rel.fk_columns) | set(rel.secondary_fk_columns)
        tables = {c.rpartition(".")[0] for c in written}
        found = []
        for table_name in sorted(tables):
            if table_name not in self._tables_by_name:
                continue
            for fk in self.table(table_name).foreign_keys:
                if {f"{fk.table}.{c}" for c in fk.columns} & written:
                    found.append(fk)
        return tuple(found)
