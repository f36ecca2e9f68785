"""The state of a dynamic run, and the context each dynamic case gets.

``RunState`` holds what cases may share safely: the database, the created schema, one
connection with its outer transaction, and the factories. Never objects or rows: every
case gets a fresh ``Session`` in its own SAVEPOINT, rolled back afterwards.
"""

from __future__ import annotations

import contextlib
import re
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from ormprobe.checks.context import StaticContext
from ormprobe.checks.dynamic.dberrors import DBError, classify
from ormprobe.checks.registry import Check, Subject
from ormprobe.config import ProbeConfig
from ormprobe.errors import SynthesisError
from ormprobe.findings import Finding
from ormprobe.graph import ModelGraph
from ormprobe.loading import LoadedModels
from ormprobe.sandbox import Attempt, Database, Sandbox, SchemaResult, open_database
from ormprobe.synth.factories import Factories, seed
from ormprobe.synth.plan import required_order

__all__ = ["DynamicContext", "PredictionContradicted", "RunState", "open_run_state", "row_clause"]

T = TypeVar("T")


class PredictionContradicted(AssertionError):
    """The database contradicted a static prediction: a bug in ormprobe, reported as an error."""


@dataclass
class RunState:
    """What the dynamic cases of one run share."""

    config: ProbeConfig
    loaded: LoadedModels
    graph: ModelGraph
    database: Database
    schema: SchemaResult
    sandbox: Sandbox
    factories: Factories
    dialect: str
    observations: dict[tuple[str, str], Any] = field(default_factory=dict)
    unbuildable: dict[str, str] = field(default_factory=dict)
    tables: dict[str, sa.Table] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        """Where the run's database is, password masked."""
        return self.database.url

    def counters(self) -> tuple[int, float]:
        """Statements and DB-driver seconds so far."""
        return self.database.stats.snapshot()

    def run_dynamic(self, check: Check, subject: Subject) -> tuple[Finding, ...]:
        """Run ``check``'s confirmation on ``subject`` in a fresh, rolled-back session."""
        from ormprobe.runner import Skip

        if check.confirm is None:
            raise Skip(f"{check.code} has no database confirmation")
        # Each case gets its own seed from the run's seed and its id, so a case's values
        # don't depend on which cases ran before it (pytest -k, xdist splits).
        seed(zlib.crc32(f"{self.config.seed}:{check.code}[{subject.name}]".encode()))
        with (
            self.sandbox.session() as session,
            self.factories.bind(session),
            self.factories.sharing(),
            warnings.catch_warnings(),
        ):
            # SQLAlchemy's warnings during a scenario are evidence, read where a check
            # wants them; they must not spill onto the user's terminal.
            warnings.simplefilter("ignore", sa_exc.SAWarning)
            context = DynamicContext(
                self.graph, check, self.config, self.dialect, session=session, state=self
            )
            try:
                return tuple(check.confirm(context, subject))
            except (sa_exc.DBAPIError, PredictionContradicted) as exc:
                # A cascade or a lazy load reached a table the database refused to create:
                # the scenario can't run here, and OP306 already reports why.
                missing = self.uncreated_table_in(str(exc))
                if missing is None:
                    raise
                raise Skip(
                    f"the scenario reaches table {missing}, which could not be created on {self.dialect}"
                ) from exc
            except (SynthesisError, SynthesisFailure) as exc:
                blocker = self.blocker_for(subject)
                if blocker is not None:
                    raise Skip(blocker) from exc
                if subject.kind != "model" and subject.model in self.unbuildable:
                    # Already reported once, by OP401 on the model.
                    raise Skip(
                        f"{subject.model} can't be created: {self.unbuildable[subject.model]}"
                    ) from exc
                if subject.kind == "model":
                    # Reported once, here; cases that need this model are skipped.
                    self.unbuildable.setdefault(
                        subject.name,
                        f"ormprobe could not synthesize it (see OP401[{subject.name}])",
                    )
                # ormprobe could not build valid objects: its own failure, never a finding.
                raise SynthesisFailure(str(exc)) from exc

    def uncreated_table_in(self, message: str) -> str | None:
        """A table named in ``message`` that the schema could not create, if any."""
        uncreated = [f.table for f in self.schema.failed] + [table for table, _ in self.schema.skipped]
        for table in uncreated:
            names = {table, table.rpartition(".")[2]}
            if any(re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", message) for name in names):
                return table
        return None

    def blocker_for(self, subject: Subject) -> str | None:
        """A defect of the models, found by another check, that explains a failed setup.

        A unique column whose default was computed once at import (OP501) gives every row
        the same value, so no two rows of that model can be built: cases that need them
        are skipped with that reason instead of reporting an ormprobe error.
        """
        from ormprobe.checks import defaults

        models = [subject.model] if subject.model else []
        rel = subject.obj if subject.kind == "relationship" else None
        if rel is not None:
            models.append(rel.target)
        for name in models:
            for table_name in self.graph.model(name).tables:
                table = self.graph.table(table_name)
                for column in table.columns:
                    if column.unique and defaults.evaluated_once(self.graph, table, column):
                        return (
                            f"every {name} gets the same {column.name} (see OP501); "
                            "a second row can't be made"
                        )
        return None


def row_clause(obj: Any, table: sa.Table) -> sa.ColumnElement[bool] | None:
    """WHERE ``table``'s key is ``obj``'s identity: its row in ``table``, one of the
    tables its class maps; None before it has an identity.

    Each table is matched on its own key columns, so a joined subclass's table is never
    compared with its base table's key (which would select every subclass row).
    """
    state = sa.inspect(obj)
    if state.identity is None:
        return None
    mapper = state.mapper
    key = {
        mapper.get_property_by_column(column).key: value
        for column, value in zip(mapper.primary_key, state.identity, strict=True)
    }
    return sa.and_(*(c == key[mapper.get_property_by_column(c).key] for c in table.primary_key.columns))


def _masked(url: str) -> str:
    from ormprobe.sandbox import mask_url

    return mask_url(url)


class SynthesisFailure(RuntimeError):
    """Synthesis could not make valid objects for a case (an ormprobe error, not a finding)."""


@contextlib.contextmanager
def open_run_state(config: ProbeConfig, loaded: LoadedModels, graph: ModelGraph) -> Iterator[RunState]:
    """Open the database, create the schema, open the sandbox; tear all down on exit."""
    with open_database(
        config.db,
        keep=config.keep_db,
        in_place=config.in_place,
        existing_schema=config.existing_schema,
    ) as database:
        schema = database.create_schema(list(loaded.metadatas))
        with database.sandbox() as sandbox:
            seed(config.seed)
            dialect = "mysql" if database.dialect in ("mysql", "mariadb") else database.dialect
            factories = Factories(graph, overrides=config.values, dialect=dialect)
            tables = {t.fullname: t for md in loaded.metadatas for t in md.tables.values()}
            yield RunState(
                config, loaded, graph, database, schema, sandbox, factories, dialect, tables=tables
            )


@dataclass
class DynamicContext(StaticContext):
    """Context of a dynamic case: a fresh session plus helpers to build and observe.

    Attributes:
        session: the case's own Session, rolled back after the case.
        state: the shared run state.
    """

    session: Session = field(default=None)  # type: ignore[assignment]
    state: RunState = field(default=None)  # type: ignore[assignment]

    # -- preconditions -----------------------------------------------------------------

    def skip(self, reason: str) -> NoReturn:
        """End the case as skipped."""
        from ormprobe.runner import Skip

        raise Skip(reason)

    def require_tables(self, tables: Iterable[str]) -> None:
        """Skip unless every table in ``tables`` was created."""
        for table in tables:
            if not self.state.schema.usable(table):
                self.skip(f"table {table} could not be created on {self.dialect}")

    def require_models(self, models: Iterable[str], *, parents_only: bool = False) -> None:
        """Skip unless rows of every model (and of the parents they need) can be made.

        With ``parents_only`` the models themselves may be unbuildable (the case is
        about why), but the parents they need must not be.
        """
        for name in models:
            if not self.graph.model(name).configured:
                self.skip(f"{name}'s mappers failed to configure; see OP901")
            for needed in self._needed_models(name):
                if parents_only and needed == self.state.factories.plans[name].concrete:
                    self.require_tables(self.graph.model(needed).tables)
                    continue
                if needed in self.state.unbuildable:
                    self.skip(f"{needed} can't be created: {self.state.unbuildable[needed]}")
                self.require_tables(self.graph.model(needed).tables)

    def _needed_models(self, name: str) -> list[str]:
        plans = self.state.factories.plans
        concrete = plans[name].concrete
        try:
            return required_order(plans, concrete)
        except SynthesisError as exc:
            self.state.unbuildable[name] = str(exc)
            self.skip(f"{name} can't be created: {exc}")

    # -- building ----------------------------------------------------------------------

    def create(self, model: str, **overrides: Any) -> Any:
        """A flushed object of ``model`` with its required parents."""
        return self.state.factories.create(model, **overrides)

    def new(self, model: str, *, unlinked: Iterable[str] = (), **overrides: Any) -> Any:
        """A transient object whose required parents exist (except ``unlinked`` FKs)."""
        return self.state.factories.new(model, unlinked=unlinked, **overrides)

    def build(self, model: str, **overrides: Any) -> Any:
        """A transient object with transient parents, for in-memory checks."""
        return self.state.factories.build(model, **overrides)

    # -- observing ---------------------------------------------------------------------

    @contextlib.contextmanager
    def attempt(self) -> Iterator[Attempt]:
        """An operation that may fail, in its own SAVEPOINT; the error lands in the Attempt."""
        with self.state.sandbox.attempt(self.session) as outcome:
            yield outcome

    def error_of(self, attempt: Attempt) -> DBError | None:
        """The classified error of a failed attempt."""
        return None if attempt.error is None else classify(attempt.error)

    def table(self, name: str) -> sa.Table:
        """The live ``Table`` called ``name``."""
        return self.state.tables[name]

    def row(self, obj: Any) -> dict[str, Any] | None:
        """The database row of ``obj``'s own table by its identity, read with Core."""
        table = sa.inspect(type(obj)).local_table
        where = row_clause(obj, table)
        if where is None:
            return None
        found = self.session.execute(sa.select(table).where(where)).mappings().first()
        return dict(found) if found is not None else None

    def rows(self, table: str, **equal: Any) -> list[dict[str, Any]]:
        """Rows of ``table`` whose columns equal ``equal``, read with Core."""
        live = self.table(table)
        condition = sa.and_(*(live.c[name] == value for name, value in equal.items()))
        return [dict(r) for r in self.session.execute(sa.select(live).where(condition)).mappings()]

    def exists(self, obj: Any) -> bool:
        """True when ``obj``'s row is in the database."""
        return self.row(obj) is not None

    def predicted(self, subject: Subject) -> tuple[Finding, ...]:
        """The check's static prediction for ``subject``."""
        static = StaticContext(self.graph, self.check, self.config, self.dialect)
        return tuple(self.check.predict(static, subject))

    def observe(self, key: str, subject: Subject, scenario: Callable[[], T]) -> T:
        """Run ``scenario`` once per (key, subject) for the whole run and remember its result.

        Observations are plain data, so checks that read the same behaviour (several codes
        judge one parent delete) share one run of it. The scenario still runs inside this
        case's savepoint and leaves nothing behind.
        """
        memo_key = (key, subject.name)
        if memo_key not in self.state.observations:
            self.state.observations[memo_key] = scenario()
        return self.state.observations[memo_key]  # type: ignore[no-any-return]

    def proven(
        self,
        subject: Subject,
        predicted: Sequence[Finding],
        evidence: str,
        *,
        message: str | None = None,
        fix: str | None = None,
        **extra: Any,
    ) -> Finding:
        """The predicted finding, with the database's ``evidence`` attached.

        When the database showed a defect the static prediction did not foresee, the
        finding is built from ``message`` and ``fix`` instead: proven beats predicted.
        """
        if predicted:
            base = predicted[0]
            extra.setdefault("severity", base.severity)
            extra.setdefault("location", base.location)
            return self.finding(
                subject, base.message, evidence=evidence, fix=base.fix, dialect=self.dialect, **extra
            )
        assert message is not None, "a finding without a prediction needs its own message"
        return self.finding(subject, message, evidence=evidence, fix=fix, dialect=self.dialect, **extra)

    def contradicted(self, subject: Subject, predicted: Sequence[Finding], observed: str) -> NoReturn:
        """Report a prediction the database did not confirm, as an ormprobe error."""
        raise PredictionContradicted(
            f"{self.check.code}[{subject.name}]: predicted {predicted[0].message!r} but on "
            f"{self.dialect} {observed}"
        )

    def reproducer(self, body: Sequence[str]) -> str:
        """A standalone snippet that replays a scenario with the user's models."""
        lines = ["import ormprobe", ""]
        database = "None"
        if self.config.db:
            # Passwords are never written out; the reader puts theirs back.
            masked = _masked(self.config.db)
            comment = "  # put the password back" if "***" in masked else ""
            lines.append(f"DB = {masked!r}{comment}")
            database = "DB"
        lines += [
            f"with ormprobe.session({self.state.loaded.target!r}, db={database}) as session:",
            "    f = ormprobe.factories(session)",
        ]
        lines.extend(f"    {line}" if line else "" for line in body)
        return "\n".join(lines)
