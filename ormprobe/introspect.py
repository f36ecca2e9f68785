"""Turn loaded mappers and tables into a :class:`~ormprobe.graph.ModelGraph`.

This is the only module that reads SQLAlchemy's mapper and schema objects, and it reads
them only through ``sqlalchemy.inspect()`` and documented public attributes
(``Mapper.relationships``, ``RelationshipProperty.direction``, ``Table.foreign_key_constraints``
...), which SQLAlchemy promises to keep stable for tools like this one. No database is
touched.
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
import sqlglot
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Mapper, RelationshipProperty
from sqlalchemy.orm import exc as orm_exc
from sqlalchemy.schema import sort_tables_and_constraints
from sqlalchemy.sql.schema import ColumnCollectionConstraint
from sqlglot import TokenType
from sqlglot.tokens import Tokenizer

from ormprobe import sourcemap
from ormprobe.annotations import mapped_optional
from ormprobe.findings import Location
from ormprobe.graph import (
    ColumnInfo,
    ConfigProblem,
    ConstraintInfo,
    DefaultInfo,
    Direction,
    ForeignKeyInfo,
    IndexInfo,
    Inheritance,
    ModelGraph,
    ModelInfo,
    RelationshipInfo,
    TableInfo,
)
from ormprobe.loading import LoadedModels

__all__ = ["build_graph", "column_type_name"]


def build_graph(loaded: LoadedModels) -> ModelGraph:
    """Describe every model and table of ``loaded`` as immutable data.

    Mappers of registries that failed to configure keep their columns and tables but
    carry no relationships (SQLAlchemy can't tell their direction); the failure itself is
    in ``ModelGraph.problems``.
    """
    names = _model_names(loaded.mappers)
    files = _source_files(loaded)
    problems = list(loaded.problems)
    tables = _sorted_tables(loaded.metadatas, problems)
    failed = {id(reg) for reg in loaded.failed_registries}

    models_by_table: dict[str, list[str]] = defaultdict(list)
    for mapper in loaded.mappers:
        for table in mapper.tables:
            if isinstance(table, sa.Table):
                models_by_table[table.fullname].append(names[mapper])
    owners = _owner_mappers(loaded.mappers)

    table_infos = tuple(
        _table_info(table, tuple(models_by_table.get(table.fullname, ())), owners, files) for table in tables
    )
    columns_by_name = {(c.table, c.name): c for t in table_infos for c in t.columns}
    model_infos = tuple(
        _model_info(mapper, names, columns_by_name, configured=id(mapper.registry) not in failed)
        for mapper in loaded.mappers
    )
    return ModelGraph(
        models=model_infos,
        tables=table_infos,
        problems=tuple(problems),
        configured=not failed,
    )


def column_type_name(type_: Any) -> str:
    """A readable rendering of a column type, e.g. ``String(length=50)``."""
    try:
        return repr(type_)
    except Exception:  # a user TypeDecorator's __repr__ may fail; the class name will do
        return type(type_).__name__


# -- names and files -----------------------------------------------------------------


def _model_names(mappers: Sequence[Mapper[Any]]) -> dict[Mapper[Any], str]:
    """Class names, qualified by module only where two loaded classes share a name."""
    counts = Counter(m.class_.__name__ for m in mappers)
    return {
        m: m.class_.__name__
        if counts[m.class_.__name__] == 1
        else f"{m.class_.__module__}.{m.class_.__qualname__}"
        for m in mappers
    }


def _source_files(loaded: LoadedModels) -> tuple[str, ...]:
    import sys

    modules = {loaded.module.__name__, *(m.class_.__module__ for m in loaded.mappers)}
    files = [getattr(sys.modules.get(name), "__file__", None) for name in sorted(modules)]
    return tuple(f for f in files if f)


def _sorted_tables(metadatas: Iterable[sa.MetaData], problems: list[ConfigProblem]) -> list[sa.Table]:
    """Tables in the order ``create_all()`` creates them: declaration order, parents first.

    (Not ``MetaData.sorted_tables``, which breaks ties alphabetically: when two tables
    clash, the one ``create_all`` creates second is the one that fails.)
    """
    declared: dict[int, sa.Table] = {}
    for metadata in metadatas:
        for table in metadata.tables.values():
            declared.setdefault(id(table), table)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", sa_exc.SAWarning)
        ordered = sort_tables_and_constraints(list(declared.values()))  # type: ignore[no-untyped-call]
    tables = [table for table, _ in ordered if table is not None]
    for item in caught:
        message = " ".join(str(item.message).split())
        problem = ConfigProblem(
            "warning", getattr(item.message, "code", None), item.category.__name__, message
        )
        if problem not in problems:
            problems.append(problem)
    return tables


def _owner_mappers(mappers: Sequence[Mapper[Any]]) -> dict[str, Mapper[Any] | None]:
    """Each table's own mapper (the base of a single-table hierarchy), by full name."""
    owners: dict[str, Mapper[Any] | None] = {}
    for mapper in mappers:
        table = mapper.local_table
        if isinstance(table, sa.Table) and (mapper.inherits is None or not mapper.single):
            owners.setdefault(table.fullname, mapper)
    return owners


# -- tables --------------------------------------------------------------------------


def _table_info(
    table: sa.Table,
    models: tuple[str, ...],
    owners: dict[str, Mapper[Any] | None],
    files: Sequence[str],
) -> TableInfo:
    owner = owners.get(table.fullname)
    unique_sets = _unique_column_sets(table)
    leading = _index_leading_columns(table)
    location = (
        sourcemap.class_location(owner.class_)
        if owner is not None
        else sourcemap.table_location(table.name, files) or Location()
    )
    columns = tuple(
        _column_info(
            column,
            attribute=None,
            unique_sets=unique_sets,
            leading=leading,
            location=_column_location(table, column, owner, files) or location,
        )
        for column in table.columns
    )
    return TableInfo(
        name=table.fullname,
        schema=table.schema,
        columns=columns,
        primary_key=tuple(c.name for c in table.primary_key.columns),
        foreign_keys=tuple(
            _foreign_key_info(fk, unique_sets, columns, location)
            for fk in _sorted_fks(table.foreign_key_constraints)
        ),
        constraints=_constraints(table, location),
        indexes=tuple(_index_info(index) for index in sorted(table.indexes, key=_index_sort_key)),
        models=models,
        comment=table.comment,
        location=location,
    )


def _column_location(
    table: sa.Table, column: sa.Column[Any], owner: Mapper[Any] | None, files: Sequence[str]
) -> Location | None:
    """Where ``column`` is written: its attribute in a class body, else its ``Column(...)``.

    Single-table subclasses add columns to their parent's table, so the owner's
    descendants are searched too; imperative and ``__table__`` mappings have no attribute
    line, only the ``Column("name", ...)`` inside ``Table(...)``.
    """
    if owner is not None:
        for mapper in owner.self_and_descendants:
            for key, mapped in mapper.columns.items():
                if mapped is column:
                    found = sourcemap.attribute_location(mapper.class_, key)
                    if found is not None:
                        return found
    return sourcemap.table_column_location(table.name, column.name, files)


@functools.lru_cache(maxsize=4096)
def _unique_column_sets(table: sa.Table) -> list[frozenset[str]]:
    """Column-name sets whose values the database keeps unique (cached: every FK to a
    table asks about that table)."""
    sets = []
    if table.primary_key.columns:
        sets.append(frozenset(c.name for c in table.primary_key.columns))
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and constraint.columns:
            sets.append(frozenset(c.name for c in constraint.columns))
    for index in table.indexes:
        if index.unique and index.expressions and all(isinstance(e, sa.Column) for e in index.expressions):
            sets.append(frozenset(c.name for c in index.columns))
    sets.extend(frozenset([c.name]) for c in table.columns if c.unique)
    return sets


def _index_leading_columns(table: sa.Table) -> set[str]:
    """Columns that lead some index (explicit, unique, or the primary key's)."""
    leading = set()
    if table.primary_key.columns:
        leading.add(next(iter(table.primary_key.columns)).name)
    for index in table.indexes:
        first = index.expressions[0] if index.expressions else None
        if isinstance(first, sa.Column):
            leading.add(first.name)
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and constraint.columns:
            leading.add(next(iter(constraint.columns)).name)
    leading.update(c.name for c in table.columns if c.index or c.unique)
    return leading


def _sorted_fks(fks: Iterable[sa.ForeignKeyConstraint]) -> list[sa.ForeignKeyConstraint]:
    return sorted(fks, key=lambda fk: [e.parent.name for e in fk.elements])


def _foreign_key_info(
    fk: sa.ForeignKeyConstraint,
    unique_sets: list[frozenset[str]],
    columns: tuple[ColumnInfo, ...],
    fallback: Location,
) -> ForeignKeyInfo:
    elements = list(fk.elements)
    local = tuple(e.parent.name for e in elements)
    target_table, target_columns = _fk_target(elements)
    target_unique = False
    if target_table is not None:
        target = elements[0].column.table
        target_unique = frozenset(target_columns) in _unique_column_sets(target)
    column_by_name = {c.name: c for c in columns}
    first = column_by_name.get(local[0])
    return ForeignKeyInfo(
        name=_constraint_name(fk),
        table=fk.table.fullname,
        columns=local,
        target_table=target_table or _unresolved_table(elements[0]),
        target_columns=target_columns,
        nullable=tuple(bool(e.parent.nullable) for e in elements),
        target_is_unique=target_unique,
        ondelete=fk.ondelete,
        onupdate=fk.onupdate,
        deferrable=fk.deferrable,
        initially=fk.initially,
        use_alter=bool(fk.use_alter),
        match=fk.match,
        unique=any(s <= frozenset(local) for s in unique_sets),
        location=first.location if first is not None else fallback,
    )


def _fk_target(elements: list[sa.ForeignKey]) -> tuple[str | None, tuple[str, ...]]:
    try:
        targets = [e.column for e in elements]
    except (sa_exc.NoReferencedTableError, sa_exc.NoReferencedColumnError):
        return None, tuple(e.target_fullname.rpartition(".")[2] for e in elements)
    return targets[0].table.fullname, tuple(c.name for c in targets)


def _unresolved_table(element: sa.ForeignKey) -> str:
    return element.target_fullname.rpartition(".")[0]


def _constraint_name(constraint: Any) -> str | None:
    name = getattr(constraint, "name", None)
    # Unnamed constraints carry a sentinel (or a deferred naming-convention name that is
    # only rendered at DDL time); report a name only when the user gave one.
    return str(name) if isinstance(name, str) and name not in ("_unnamed_",) else None


def _constraints(table: sa.Table, location: Location) -> tuple[ConstraintInfo, ...]:
    found: list[ConstraintInfo] = []
    seen: set[int] = set()
    candidates = [*table.constraints, *(c for col in table.columns for c in col.constraints)]
    for constraint in candidates:
        if id(constraint) in seen:
            continue
        seen.add(id(constraint))
        if isinstance(constraint, sa.PrimaryKeyConstraint):
            if constraint.columns:
                found.append(
                    ConstraintInfo(
                        "primary_key",
                        _constraint_name(constraint),
                        table.fullname,
                        tuple(c.name for c in constraint.columns),
                        location=location,
                    )
                )
        elif isinstance(constraint, sa.UniqueConstraint):
            found.append(
                ConstraintInfo(
                    "unique",
                    _constraint_name(constraint),
                    table.fullname,
                    tuple(c.name for c in constraint.columns),
                    location=location,
                )
            )
        elif isinstance(constraint, sa.CheckConstraint):
            text = _literal_sql(constraint.sqltext)
            found.append(
                ConstraintInfo(
                    "check",
                    _constraint_name(constraint),
                    table.fullname,
                    _check_columns(constraint, text, table),
                    sqltext=text,
                    location=location,
                )
            )
    order = {"primary_key": 0, "unique": 1, "check": 2}
    return tuple(sorted(found, key=lambda c: (order[c.kind], c.columns, c.name or "")))


def _check_columns(constraint: sa.CheckConstraint, text: str, table: sa.Table) -> tuple[str, ...]:
    if isinstance(constraint, ColumnCollectionConstraint) and constraint.columns:
        return tuple(c.name for c in constraint.columns)
    # The names are all that is needed here, so sqlglot's tokenizer is enough (a quarter
    # of a full parse); synth/constraints parses the text when it solves it.
    try:
        tokens = _TOKENIZER.tokenize(text)
    except sqlglot.errors.TokenError:
        return ()
    names = {token.text.strip('"`[]') for token in tokens if token.token_type in _NAME_TOKENS}
    return tuple(c.name for c in table.columns if c.name in names)


_TOKENIZER = Tokenizer()
_NAME_TOKENS = (TokenType.VAR, TokenType.IDENTIFIER)


def _index_info(index: sa.Index) -> IndexInfo:
    return IndexInfo(
        name=_constraint_name(index),
        table=index.table.fullname if index.table is not None else "",
        columns=tuple(c.name for c in index.columns),
        unique=bool(index.unique),
        expressions=tuple(_sql_text(e) for e in index.expressions if not isinstance(e, sa.Column)),
    )


def _index_sort_key(index: sa.Index) -> tuple[str, tuple[str, ...]]:
    return (_constraint_name(index) or "", tuple(c.name for c in index.columns))


def _literal_sql(clause: Any) -> str:
    """SQL text with bound values inlined (``status IN ('a', 'b')``), as a CHECK reads."""
    try:
        return str(clause.compile(compile_kwargs={"literal_binds": True}))
    except Exception:  # a value without a literal rendering: keep the placeholders
        return _sql_text(clause)


def _sql_text(clause: Any) -> str:
    try:
        return str(clause)
    except Exception:  # dialect-only constructs can't compile without their dialect
        return repr(clause)


# -- columns -------------------------------------------------------------------------


def _column_info(
    column: sa.Column[Any],
    *,
    attribute: str | None,
    unique_sets: list[frozenset[str]],
    leading: set[str],
    location: Location,
) -> ColumnInfo:
    base = _base_type(column.type)
    identity = column.identity is not None
    return ColumnInfo(
        table=column.table.fullname,
        name=column.name,
        attribute=attribute,
        type=column_type_name(column.type),
        type_class=f"{type(column.type).__module__}.{type(column.type).__qualname__}",
        python_type=_python_type(column.type),
        nullable=bool(column.nullable),
        primary_key=bool(column.primary_key),
        unique=frozenset([column.name]) in unique_sets,
        index=column.name in leading,
        autoincrement=column.table.autoincrement_column is column,
        default=_default_info(column.default),
        server_default=None if identity else _server_default_text(column.server_default),
        onupdate=_default_info(column.onupdate),
        server_onupdate=_server_default_text(column.server_onupdate),
        computed=_sql_text(column.computed.sqltext) if column.computed is not None else None,
        identity=identity,
        length=_int_attribute(base, "length"),
        precision=_int_attribute(base, "precision"),
        scale=_int_attribute(base, "scale"),
        timezone=getattr(base, "timezone", None) if isinstance(base, (sa.DateTime, sa.Time)) else None,
        enum_values=tuple(base.enums) if isinstance(base, sa.Enum) else None,
        native_enum=bool(base.native_enum) if isinstance(base, sa.Enum) else None,
        enum_constraint=bool(base.create_constraint) if isinstance(base, sa.Enum) else None,
        foreign_keys=tuple(sorted(fk.target_fullname for fk in column.foreign_keys)),
        comment=column.comment,
        location=location,
        sa_type=column.type,
    )


def _base_type(type_: Any) -> Any:
    """The storage type under any TypeDecorator layers (EmailType -> String(255))."""
    seen = 0
    while isinstance(type_, sa.types.TypeDecorator) and seen < 10:
        type_ = type_.impl_instance
        seen += 1
    return type_


def _python_type(type_: Any) -> str | None:
    try:
        python_type = type_.python_type
    except (NotImplementedError, AttributeError, TypeError):
        return None
    return getattr(python_type, "__name__", None)


def _int_attribute(type_: Any, name: str) -> int | None:
    value = getattr(type_, name, None)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _default_info(default: Any) -> DefaultInfo | None:
    if default is None:
        return None
    if isinstance(default, sa.Sequence):
        return DefaultInfo("sequence", default.name)
    if getattr(default, "is_callable", False):
        function = getattr(default.arg, "__wrapped__", default.arg)
        return DefaultInfo("callable", getattr(function, "__qualname__", repr(function)))
    if getattr(default, "is_clause_element", False):
        return DefaultInfo("clause", _sql_text(default.arg))
    if getattr(default, "is_scalar", False):
        return DefaultInfo("scalar", repr(default.arg), type(default.arg).__name__)
    return DefaultInfo("clause", repr(default))


def _server_default_text(server_default: Any) -> str | None:
    if server_default is None:
        return None
    arg = getattr(server_default, "arg", None)
    if arg is None:
        return f"{type(server_default).__name__}()"
    return arg if isinstance(arg, str) else _sql_text(arg)


# -- models and relationships --------------------------------------------------------


def _model_info(
    mapper: Mapper[Any],
    names: dict[Mapper[Any], str],
    columns_by_name: dict[tuple[str, str], ColumnInfo],
    *,
    configured: bool,
) -> ModelInfo:
    cls = mapper.class_
    name = names[mapper]
    columns = tuple(_mapped_columns(mapper, columns_by_name))
    relationships = tuple(_relationships(mapper, names)) if configured else ()
    local_table = mapper.local_table
    return ModelInfo(
        name=name,
        module=cls.__module__,
        qualname=cls.__qualname__,
        table=local_table.fullname if isinstance(local_table, sa.Table) else None,
        tables=tuple(t.fullname for t in mapper.tables if isinstance(t, sa.Table)),
        columns=columns,
        primary_key=tuple(_attribute_key(mapper, c) for c in mapper.primary_key),
        relationships=relationships,
        inherits=names.get(mapper.inherits) if mapper.inherits is not None else None,
        inheritance=_inheritance(mapper),
        polymorphic_on=_polymorphic_on(mapper),
        polymorphic_identity=(
            repr(mapper.polymorphic_identity) if mapper.polymorphic_identity is not None else None
        ),
        polymorphic_abstract=bool(getattr(mapper, "polymorphic_abstract", False)),
        subclasses=tuple(names[m] for m in mapper.self_and_descendants if m is not mapper and m in names),
        validators=tuple(sorted(mapper.validators)),
        imperative=_is_imperative(cls),
        configured=configured,
        location=sourcemap.class_location(cls),
        class_=cls,
    )


def _mapped_columns(
    mapper: Mapper[Any], columns_by_name: dict[tuple[str, str], ColumnInfo]
) -> Iterable[ColumnInfo]:
    tables = {t for t in mapper.tables}
    for key, column in mapper.columns.items():
        # column_property() expressions are not table columns: nothing to store or check.
        if not isinstance(column, sa.Column) or column.table not in tables:
            continue
        described = columns_by_name.get((column.table.fullname, column.name))
        if described is None:
            continue
        location = sourcemap.attribute_location(mapper.class_, key) or described.location
        changes: dict[str, Any] = {
            "attribute": key,
            "location": location,
            "annotated_optional": mapped_optional(mapper.class_, key),
        }
        container = _mutable_container(mapper, key)
        if container is not None:
            changes["python_type"] = container
        yield _with(described, **changes)


# The attribute info flag sqlalchemy.ext.mutable sets on every attribute it tracks.
_MUTABLE_FLAG = "_ext_mutable_listener_applied"


def _mutable_container(mapper: Mapper[Any], key: str) -> str | None:
    """``list``/``dict``/``set`` when ``Mutable*.as_mutable()`` wraps the attribute.

    ``MutableList.as_mutable(JSON)`` refuses a dict on assignment although the column's
    type says ``dict``; the wrapper is only visible by what it accepts, so an empty
    container of each kind is assigned to a bare instance (no ``__init__``, no session).
    """
    attribute = getattr(mapper.class_, key, None)
    if not getattr(attribute, "info", {}).get(_MUTABLE_FLAG):
        return None
    try:
        probe = mapper.class_manager.new_instance()
    except Exception:  # the model's own __setattr__/__new__ may raise anything
        return None  # unknown: synthesis then reports the model, not this probe
    empties: tuple[Any, ...] = ({}, [], set())
    for empty in empties:
        try:
            setattr(probe, key, empty)
        except (ValueError, TypeError):
            continue  # Mutable*.coerce refuses this kind of container
        except Exception:
            return None
        return type(empty).__name__
    return None


_COLUMN_FIELDS = tuple(f.name for f in dataclasses.fields(ColumnInfo))


def _with(column: ColumnInfo, **changes: Any) -> ColumnInfo:
    """A copy with ``changes``, filled slot by slot: ``dataclasses.replace`` and
    ``copy.copy`` walk the field list through ``__init__``/``__setstate__`` for every
    column, a measurable share of building a graph of a thousand models."""
    copied = object.__new__(ColumnInfo)
    for name in _COLUMN_FIELDS:
        object.__setattr__(copied, name, changes[name] if name in changes else getattr(column, name))
    return copied


def _attribute_key(mapper: Mapper[Any], column: Any) -> str:
    try:
        return str(mapper.get_property_by_column(column).key)
    except (sa_exc.NoSuchColumnError, KeyError, orm_exc.UnmappedColumnError):
        return str(column.name)


def _inheritance(mapper: Mapper[Any]) -> Inheritance:
    if mapper.inherits is None:
        return Inheritance.NONE
    if mapper.concrete:
        return Inheritance.CONCRETE
    if mapper.single:
        return Inheritance.SINGLE
    return Inheritance.JOINED


def _polymorphic_on(mapper: Mapper[Any]) -> str | None:
    column = mapper.polymorphic_on
    if column is None:
        return None
    if isinstance(column, sa.Column):
        return _attribute_key(mapper, column)
    return _sql_text(column)


def _is_imperative(cls: type) -> bool:
    """True for a class mapped with ``registry.map_imperatively()``.

    Declarative classes name their table in a class body (``__tablename__``, or
    ``__table__ = ...``) of the class or a base. ``map_imperatively()`` *also* sets
    ``__table__`` on the class, so for ``__table__`` only the source can tell the two apart;
    without readable source the class counts as declarative.
    """
    if any("__tablename__" in vars(klass) for klass in cls.__mro__):
        return False
    if sourcemap.attribute_location(cls, "__table__") is not None:
        return False
    owners = [klass for klass in cls.__mro__ if "__table__" in vars(klass)]
    return any(sourcemap.class_line(klass) is not None for klass in owners)


def _relationships(mapper: Mapper[Any], names: dict[Mapper[Any], str]) -> Iterable[RelationshipInfo]:
    for prop in mapper.relationships:
        yield _relationship_info(mapper, prop, names)


def _relationship_info(
    mapper: Mapper[Any], prop: RelationshipProperty[Any], names: dict[Mapper[Any], str]
) -> RelationshipInfo:
    declaring = prop.parent
    target = prop.mapper
    backref = prop.backref[0] if isinstance(prop.backref, tuple) else prop.backref
    return RelationshipInfo(
        model=names[mapper],
        key=prop.key,
        target=names.get(target, target.class_.__name__),
        direction=Direction[prop.direction.name],
        uselist=bool(prop.uselist),
        cascade=frozenset(str(c) for c in prop.cascade),
        declared_on=names.get(declaring, declaring.class_.__name__),
        back_populates=_declared_back_populates(prop),
        backref=backref if isinstance(backref, str) else None,
        reverse=_reverse_key(prop),
        secondary=prop.secondary.fullname if isinstance(prop.secondary, sa.Table) else None,
        passive_deletes=prop.passive_deletes,
        passive_updates=bool(prop.passive_updates),
        post_update=bool(prop.post_update),
        viewonly=bool(prop.viewonly),
        single_parent=bool(prop.single_parent),
        lazy=str(prop.lazy),
        order_by=tuple(_sql_text(c) for c in prop.order_by) if prop.order_by else (),
        remote_side=_qualified(prop.remote_side),
        local_remote_pairs=tuple((_qual(a), _qual(b)) for a, b in prop.local_remote_pairs or ()),
        fk_columns=tuple(_qual(dest) for _, dest in prop.synchronize_pairs or ()),
        secondary_fk_columns=tuple(_qual(dest) for _, dest in prop.secondary_synchronize_pairs or ()),
        sync_pairs=tuple((_qual(a), _qual(b)) for a, b in prop.synchronize_pairs or ()),
        secondary_sync_pairs=tuple((_qual(a), _qual(b)) for a, b in prop.secondary_synchronize_pairs or ()),
        collection_class=_collection_name(prop),
        primaryjoin=_sql_text(prop.primaryjoin),
        secondaryjoin=_sql_text(prop.secondaryjoin) if prop.secondaryjoin is not None else None,
        self_referential=bool(set(target.tables) & set(declaring.tables)),
        declared_arguments=tuple(sorted(sourcemap.assignment_keywords(declaring.class_).get(prop.key, {}))),
        location=_relationship_location(prop),
    )


def _declared_back_populates(prop: RelationshipProperty[Any]) -> str | None:
    """``back_populates`` as SQLAlchemy resolved it for this side.

    SQLAlchemy fills it on both sides when it builds a ``backref=``; ``RelationshipInfo.
    backref`` tells which side declared the backref.
    """
    value = prop.back_populates
    return value if isinstance(value, str) else None


def _reverse_key(prop: RelationshipProperty[Any]) -> str | None:
    """Key of the relationship on the target that pairs with ``prop``, declared either way."""
    target = prop.mapper
    if isinstance(prop.back_populates, str) and target.has_property(prop.back_populates):
        return prop.back_populates
    for other in target.relationships:
        if other.back_populates == prop.key and prop.parent.isa(other.mapper):
            return other.key
    return None


def _relationship_location(prop: RelationshipProperty[Any]) -> Location:
    declaring = prop.parent.class_
    found = sourcemap.attribute_location(declaring, prop.key)
    if found is not None:
        return found
    # A backref has no line of its own: point at the relationship() that created it (one
    # that targets this class: two relationships may each create a backref of that name).
    for other in prop.mapper.relationships:
        backref = other.backref[0] if isinstance(other.backref, tuple) else other.backref
        if backref == prop.key and prop.parent.isa(other.mapper):
            origin = sourcemap.attribute_location(other.parent.class_, other.key)
            if origin is not None:
                return origin
    return sourcemap.class_location(declaring)


def _collection_name(prop: RelationshipProperty[Any]) -> str | None:
    if not prop.uselist:
        return None
    collection = prop.collection_class
    if collection is None:
        return "list"
    return getattr(collection, "__name__", type(collection).__name__)


def _qual(column: Any) -> str:
    table = getattr(column, "table", None)
    name = getattr(column, "name", None)
    if table is not None and name is not None:
        return f"{getattr(table, 'fullname', getattr(table, 'name', table))}.{name}"
    return _sql_text(column)


def _qualified(columns: Iterable[Any]) -> tuple[str, ...]:
    return tuple(sorted(_qual(c) for c in columns))
