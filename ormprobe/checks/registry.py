"""The check catalogue: registration, lookup and selection.

A check is one registered unit with a stable code (``OP201``), a kebab-case slug, a
default severity and a docstring in fixed sections (``## Why is this bad?``,
``## Example``, ``## Use instead``). It names the *subjects* it applies to (which
relationships, columns, models...), a static ``predict`` over the graph, and optionally a
dynamic ``confirm`` that proves the prediction against a database. Codes are never reused.

This module knows nothing of SQLAlchemy: dynamic confirmations are attached by
``ormprobe.checks.dynamic`` through :meth:`Check.confirms`.
"""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ormprobe.errors import RuleDefinitionError, UsageError
from ormprobe.findings import Finding, Location, Severity
from ormprobe.results import CheckInfo

if TYPE_CHECKING:
    from ormprobe.graph import ModelGraph

__all__ = [
    "REGISTRY",
    "Check",
    "Registry",
    "Stability",
    "Subject",
    "SubjectKind",
    "check",
]

SubjectKind = Literal[
    "relationship", "model", "column", "constraint", "foreign_key", "table", "problem", "cycle"
]

REQUIRED_SECTIONS = ("## Why is this bad?", "## Example", "## Use instead")
_CODE = re.compile(r"^OP\d{3}$")
_SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class Stability(enum.Enum):
    """Whether a check runs by default (stable) or only when asked for (preview)."""

    STABLE = "stable"
    PREVIEW = "preview"


@dataclass(frozen=True)
class Subject:
    """What one case of a check is about.

    Attributes:
        name: the target name findings and results use (``Parent.children``).
        kind: what sort of thing it is.
        obj: the graph object itself (``RelationshipInfo``, ``ColumnInfo``...).
        model: the model it belongs to, when it belongs to one.
        location: where it is defined.
    """

    name: str
    kind: SubjectKind
    obj: Any = field(compare=False)
    model: str | None = None
    location: Location = Location()


SubjectFinder = Callable[["ModelGraph"], Iterable[Subject]]
Predict = Callable[[Any, Subject], Iterable[Finding]]
Confirm = Callable[[Any, Subject], Iterable[Finding]]


@dataclass
class Check:
    """One entry of the catalogue.

    Attributes:
        code: stable code, ``OP`` and three digits.
        slug: kebab-case name; the predict function's name in snake_case.
        severity: default severity of its findings.
        subjects: yields the subjects the check applies to (one case each).
        predict: static function ``(StaticContext, Subject) -> findings``.
        confirm: dynamic function ``(DynamicContext, Subject) -> findings``; attached by
            ``ormprobe.checks.dynamic`` for checks that are ``proven`` or ``needs_database``.
        stability: preview checks run only when selected or with ``--preview``.
        tags: families such as ``cascade``, ``fk``.
        proven: the static prediction is confirmed against the database when one is
            available.
        needs_database: nothing can be said without a database (no static prediction).
    """

    code: str
    slug: str
    severity: Severity
    subjects: SubjectFinder
    predict: Predict
    doc: str
    confirm: Confirm | None = None
    stability: Stability = Stability.STABLE
    tags: tuple[str, ...] = ()
    proven: bool = False
    needs_database: bool = False

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.slug

    @property
    def dynamic(self) -> bool:
        """True when the check runs against a database (proving or discovering)."""
        return self.proven or self.needs_database

    @property
    def info(self) -> CheckInfo:
        """The catalogue entry as plain data for reporters."""
        return CheckInfo(
            code=self.code,
            slug=self.slug,
            summary=self.summary,
            severity=self.severity,
            kind="dynamic" if self.dynamic else "static",
            targets=self.subjects.__name__.strip("_").removesuffix("_subjects").replace("_", " ")
            + ("s" if self.subjects.__name__.endswith("_subjects") else ""),
            doc=self.doc,
            tags=self.tags,
        )

    def confirms(self, function: Confirm) -> Confirm:
        """Decorator: attach the dynamic confirmation of this check.

        Raises:
            RuleDefinitionError: when a confirmation is attached twice.
        """
        if self.confirm is not None and self.confirm.__module__ != function.__module__:
            raise RuleDefinitionError(f"{self.code} already has a confirmation in {self.confirm.__module__}")
        self.confirm = function
        return function


class Registry:
    """All registered checks, keyed by code, in registration order."""

    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}

    def register(self, new: Check) -> Check:
        """Add ``new``; re-registering from the same module (a reload) replaces it.

        Raises:
            RuleDefinitionError: for a malformed code or slug, a duplicate code or slug
                from another module, or a docstring without the required sections.
        """
        if not _CODE.match(new.code):
            raise RuleDefinitionError(f"check code {new.code!r} must be 'OP' and three digits")
        if not _SLUG.match(new.slug):
            raise RuleDefinitionError(f"{new.code}: slug {new.slug!r} must be kebab-case")
        missing = [s for s in REQUIRED_SECTIONS if s not in new.doc]
        if missing:
            raise RuleDefinitionError(f"{new.code} ({new.slug}): docstring lacks {', '.join(missing)}")
        for existing in self._checks.values():
            same_origin = existing.predict.__module__ == new.predict.__module__
            if existing.code == new.code and not same_origin:
                raise RuleDefinitionError(f"check code {new.code} is already registered by {existing.slug}")
            if existing.slug == new.slug and existing.code != new.code:
                raise RuleDefinitionError(f"check slug {new.slug!r} is already used by {existing.code}")
        self._checks[new.code] = new
        return new

    def get(self, code: str) -> Check:
        """The check with ``code``.

        Raises:
            UsageError: for an unknown code, listing the valid ones.
        """
        try:
            return self._checks[code.upper()]
        except KeyError:
            raise UsageError(f"unknown check code {code!r}; valid codes: {', '.join(self._checks)}") from None

    def __iter__(self) -> Iterator[Check]:
        return iter(self._checks.values())

    def __len__(self) -> int:
        return len(self._checks)

    def select(
        self, select: Sequence[str] = (), ignore: Sequence[str] = (), *, preview: bool = False
    ) -> list[Check]:
        """The checks a run should use, in code order.

        ``select`` and ``ignore`` take codes or code prefixes (``OP2`` selects the OP2xx
        family), as ruff does. Without ``select`` every stable check runs (and preview ones
        with ``preview=True``); a preview check named explicitly in ``select`` runs too.

        Raises:
            UsageError: when a code or prefix matches no check.
        """
        for pattern in (*select, *ignore):
            if not self._matching(pattern):
                valid = ", ".join(sorted(self._checks))
                raise UsageError(f"{pattern!r} matches no check code; valid codes: {valid}")
        chosen = []
        for candidate in sorted(self._checks.values(), key=lambda c: c.code):
            if select:
                explicit = any(candidate.code == p.upper() for p in select)
                wanted = any(candidate.code.startswith(p.upper()) for p in select)
                if not wanted or (candidate.stability is Stability.PREVIEW and not (preview or explicit)):
                    continue
            elif candidate.stability is Stability.PREVIEW and not preview:
                continue
            if any(candidate.code.startswith(p.upper()) for p in ignore):
                continue
            chosen.append(candidate)
        return chosen

    def _matching(self, pattern: str) -> list[Check]:
        prefix = pattern.strip().upper()
        return [c for c in self._checks.values() if prefix and c.code.startswith(prefix)]


REGISTRY = Registry()


def check(
    code: str,
    slug: str,
    severity: Severity,
    *,
    subjects: SubjectFinder,
    stability: Stability = Stability.STABLE,
    tags: Sequence[str] = (),
    proven: bool = False,
    needs_database: bool = False,
    registry: Registry = REGISTRY,
) -> Callable[[Predict], Check]:
    """Register the decorated static function as check ``code``.

    The function is the check's static prediction; its docstring is the check's
    documentation. A dynamic confirmation is attached later with ``@CHECK.confirms``.

    Example:
        >>> from ormprobe.checks.registry import Registry, check
        >>> from ormprobe.findings import Severity
        >>> local = Registry()
        >>> @check("OP999", "always-fine", Severity.INFO, subjects=lambda g: (), registry=local)
        ... def always_fine(ctx, subject):
        ...     '''Never finds anything.
        ...
        ...     ## Why is this bad?
        ...     It is not.
        ...
        ...     ## Example
        ...     Any model.
        ...
        ...     ## Use instead
        ...     Nothing.
        ...     '''
        ...     return ()
        >>> local.get("OP999").slug
        'always-fine'
    """

    def decorate(function: Predict) -> Check:
        expected = slug.replace("-", "_")
        if function.__name__ != expected:
            raise RuleDefinitionError(f"{code}: the function for {slug!r} must be named {expected}")
        new = Check(
            code=code,
            slug=slug,
            severity=severity,
            subjects=subjects,
            predict=function,
            doc=inspect.cleandoc(function.__doc__ or ""),
            stability=stability,
            tags=tuple(tags),
            proven=proven,
            needs_database=needs_database,
        )
        return registry.register(new)

    return decorate
