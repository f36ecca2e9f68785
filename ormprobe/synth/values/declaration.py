"""A column's values as factory_boy source (:class:`Declaration`), and the one for a CHECK relation."""

from __future__ import annotations

from dataclasses import dataclass

from ormprobe.graph import ColumnInfo
from ormprobe.synth.constraints import Relation, value_kind
from ormprobe.synth.values.literals import render_literal


@dataclass(frozen=True, slots=True)
class Declaration:
    """One column's values written as a factory_boy declaration, for generated modules.

    Attributes:
        source: a Python expression, e.g. ``factory.Faker("safe_email")``.
        imports: the import statements it needs (``import datetime``).
        note: a comment for the reader: why the values are literals, which CHECK to mind.
        optional: the column may be NULL; a generated module leaves it out (commented)
            unless another declaration reads it.
    """

    source: str
    imports: tuple[str, ...] = ()
    note: str | None = None
    optional: bool = False


def relation_declaration(relation: Relation, left: ColumnInfo, right: str) -> Declaration | None:
    """A ``LazyAttribute`` that makes ``relation`` hold from the right column's value.

    ``ends_at > starts_at`` becomes ``factory.LazyAttribute(lambda o: None if
    o.starts_at is None else o.starts_at + datetime.timedelta(hours=1))``.

    Args:
        relation: from the table's CHECK analysis.
        left: the column the relation sets.
        right: the attribute the relation reads.

    Returns:
        The declaration, or None for kinds with no natural step (times of day...).
    """
    step = _RELATION_STEPS.get(value_kind(left.sa_type))
    if step is None:
        return None
    step_source, imports = step
    expression = f"o.{right}"
    if relation.scale != 1:
        expression = f'{expression} * Decimal("{relation.scale}")'
        imports = (*imports, "from decimal import Decimal")
    offset = render_literal(relation.offset)
    if offset is None:
        return None
    if offset[0] not in ("0", 'Decimal("0")'):
        expression = f"{expression} + {offset[0]}"
        imports = (*imports, *offset[1])
    moves = {">": f" + {step_source}", "!=": f" + {step_source}", "<": f" - {step_source}"}
    expression += moves.get(relation.op, "")
    source = f"factory.LazyAttribute(lambda o: None if o.{right} is None else {expression})"
    return Declaration(source, tuple(dict.fromkeys(imports)), note=f"CHECK: {relation.text}")


_RELATION_STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "int": ("1", ()),
    "decimal": ("1", ()),
    "float": ("1.0", ()),
    "date": ("datetime.timedelta(days=1)", ("import datetime",)),
    "datetime": ("datetime.timedelta(hours=1)", ("import datetime",)),
    "interval": ("datetime.timedelta(minutes=1)", ("import datetime",)),
}
