"""OP9xx: what SQLAlchemy itself says about the models, relayed with its own code."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ormprobe.checks.context import StaticContext
from ormprobe.checks.registry import Subject, check
from ormprobe.findings import Finding, Severity
from ormprobe.graph import ConfigProblem, ModelGraph

__all__ = ["mapper_configuration_error", "sqlalchemy_warning"]

_DOCS = "https://sqlalche.me/e/20/"

# SQLAlchemy warns about unsortable FK cycles while sorting tables; OP305 reports cycles
# with their fix, so the raw warning is not repeated here.
_COVERED_ELSEWHERE = ("Cannot correctly sort tables",)


def _problem_subjects(kind: str, graph: ModelGraph) -> Iterator[Subject]:
    grouped: dict[str, list[ConfigProblem]] = {}
    for problem in graph.problems:
        if problem.kind != kind or problem.message.startswith(_COVERED_ELSEWHERE):
            continue
        grouped.setdefault(problem.target or "models", []).append(problem)
    for target, problems in grouped.items():
        model = target.partition(".")[0] if graph.has_model(target.partition(".")[0]) else None
        yield Subject(target, "problem", tuple(problems), model, problems[0].location)


def _errors(graph: ModelGraph) -> Iterator[Subject]:
    return _problem_subjects("error", graph)


def _warnings(graph: ModelGraph) -> Iterator[Subject]:
    return _problem_subjects("warning", graph)


_errors.__name__ = "configuration_errors"
_warnings.__name__ = "configuration_warnings"


def _relay(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    for problem in subject.obj:
        link = f" ({_DOCS}{problem.code})" if problem.code else ""
        first_sentence = problem.message.split(".  ")[0].split(". ")[0]
        yield ctx.finding(
            subject,
            f"SQLAlchemy: {first_sentence}"[:200],
            evidence=f"{problem.exception}: {problem.message}{link}",
            fix="see SQLAlchemy's message; it names the argument to add or correct",
            upstream_code=problem.code,
        )


@check("OP901", "mapper-configuration-error", Severity.ERROR, subjects=_errors, tags=("upstream",))
def mapper_configuration_error(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """SQLAlchemy can configure the mappers.

    When ``configure_mappers()`` raises, nothing that touches these models works: the
    first query or ``Session`` use raises the same error. ormprobe relays SQLAlchemy's
    message and code (for example ``bbf0`` for ``delete-orphan`` on a many-to-one without
    ``single_parent=True``), and skips the dynamic checks of the affected models.

    ## Why is this bad?
    The application can't use any model of the registry until it is fixed.

    ## Example
    ```python
    books = relationship("Book", back_populates="auther")   # typo: no such attribute
    ```

    ## Use instead
    ```python
    books = relationship("Book", back_populates="author")
    ```
    """
    return _relay(ctx, subject)


@check("OP902", "sqlalchemy-warning", Severity.WARNING, subjects=_warnings, tags=("upstream",))
def sqlalchemy_warning(ctx: StaticContext, subject: Subject) -> Iterable[Finding]:
    """SQLAlchemy configures the mappers without warnings.

    SAWarnings at configure time point at real ambiguities, such as two relationships
    writing the same foreign key without knowing of each other (code ``qzyx``), which
    makes their in-memory states disagree.

    ## Why is this bad?
    Each warning describes behaviour the author most likely did not intend; the
    relationships involved read and write inconsistently.

    ## Example
    ```python
    class Team(Base):
        players = relationship("Player")
    class Player(Base):
        team = relationship("Team")          # same FK, not linked to Team.players
    ```

    ## Use instead
    ```python
    class Team(Base):
        players = relationship("Player", back_populates="team")
    class Player(Base):
        team = relationship("Team", back_populates="players")
    ```
    """
    return _relay(ctx, subject)
