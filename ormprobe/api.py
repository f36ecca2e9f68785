"""Library helpers for users' own code and tests: a sandboxed session with the models'
tables, and synthesized factories bound to it.

Example:
    >>> import ormprobe                                            # doctest: +SKIP
    >>> with ormprobe.session("myapp/models.py") as session:       # doctest: +SKIP
    ...     f = ormprobe.factories(session)
    ...     agent = f.create("Agent")        # its workspace is created too
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy.orm import Session

from ormprobe.config import DEFAULT_SEED
from ormprobe.errors import UsageError
from ormprobe.graph import ModelGraph
from ormprobe.introspect import build_graph
from ormprobe.loading import load_models
from ormprobe.sandbox import open_database
from ormprobe.synth.factories import Factories, seed

__all__ = ["factories", "session"]

_GRAPH_KEY = "ormprobe.graph"
_DIALECT_KEY = "ormprobe.dialect"


@contextlib.contextmanager
def session(
    models: str,
    *,
    db: str | None = None,
    seed_value: int = DEFAULT_SEED,
    pythonpath: tuple[str, ...] = (),
) -> Iterator[Session]:
    """A Session on a throwaway database holding the tables of ``models``.

    In-memory SQLite with foreign keys enforced unless ``db`` names a server, where a
    scratch database is created and dropped afterwards. Everything the session does is
    rolled back at the end of the block.

    Args:
        models: the models target (file, module or ``module:attr``).
        db: a database URL; None means in-memory SQLite.
        seed_value: seeds value synthesis, so ``factories(session)`` repeats exactly.
        pythonpath: directories to import the models from.

    Raises:
        LoadError: the models can't be imported.
        SandboxError: the database can't be reached or created.
    """
    loaded = load_models(models, pythonpath=pythonpath)
    graph = build_graph(loaded)
    with open_database(db) as database:
        database.create_schema(list(loaded.metadatas))
        with database.sandbox() as box, box.session() as orm_session:
            orm_session.info[_GRAPH_KEY] = graph
            orm_session.info[_DIALECT_KEY] = database.dialect
            seed(seed_value)
            yield orm_session


def factories(orm_session: Session, *, values: Mapping[str, Any] | None = None) -> Factories:
    """Synthesized factories that persist into ``orm_session``.

    The session must come from :func:`session` (which records the models it was made
    for), unless its ``info["ormprobe.graph"]`` was set by the caller.

    Raises:
        UsageError: the session does not know its models.
    """
    graph = orm_session.info.get(_GRAPH_KEY)
    if not isinstance(graph, ModelGraph):
        raise UsageError("this session was not made by ormprobe.session(); pass one that was")
    made = Factories(graph, overrides=values, dialect=orm_session.info.get(_DIALECT_KEY))
    made.session = orm_session
    return made
