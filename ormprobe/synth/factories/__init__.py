"""factory_boy factories for every model, built at runtime from the graph.

One ``SQLAlchemyModelFactory`` per model, persisting with ``flush`` (never commit) into
whatever session is bound with :meth:`Factories.bind`. Values come from
:mod:`ormprobe.synth.values`; parents that NOT NULL foreign keys require are created
through the parent's own factory — shared by every row of one top-level call, except
where a unique foreign key (a one-to-one) needs a parent of its own.

Three ways to make an object:

- ``create``: the object and its required parents, added and flushed;
- ``new``: a transient object whose required parents are created and linked, ready to
  be attached through a relationship under test (``unlinked`` leaves chosen FKs empty);
- ``build``: everything transient, no database (factory_boy's build strategy).

CHECK constraints are met in three layers. The solver in
:mod:`ormprobe.synth.constraints` turns most of them into value domains and
column-vs-column relations before a value is made. A CHECK it can't solve is evaluated
in Python on the finished row, and repaired there when Python can tell. When only the
database can tell, the row is inserted inside a SAVEPOINT and, if the database rejects
it, tried again with candidate values for the columns that CHECK names; what works is
remembered for later rows, and when nothing works a :class:`SynthesisError` names the
constraint and the ``[tool.ormprobe.values]`` way out.

This package re-exports the public API; its modules, lowest layer first:

- ``scopes``, ``lazy``: what one call shares (session, parents, given attributes); typed
  factory_boy declarations.
- ``construction``, ``overrides``, ``keys``: objects made through their constructor, or
  without it when it can't take the row (and the errors of ``@validates`` hooks),
  ``[tool.ormprobe.values]``, explicit keys.
- ``tables``, ``column_values``: CHECK analysis and uniqueness per table; providers and
  shared counters per column.
- ``candidates``, ``repair``, ``check_violations``, ``oracle``: unsolved CHECKs repaired
  in Python, then judged by the database in SAVEPOINTs.
- ``deferred``, ``verification``: DEFERRABLE cycles (the parent made after the row); the
  SELECTs of :meth:`Factories.verify_links`.
- ``building``, ``declarations``: the factory_boy classes; the same values as source for
  ``ormprobe factories``.
- ``graph_factories``: :class:`Factories`, the public face, and persistence and flushing.
"""

from __future__ import annotations

from ormprobe.synth import values
from ormprobe.synth.factories.graph_factories import Factories

__all__ = ["Factories", "seed"]


def seed(value: int) -> None:
    """Reseed factory_boy and Faker together, so a run can be repeated exactly."""
    values.seed(value)
