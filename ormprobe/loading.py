"""Import a models target and collect every mapped class and table reachable from it.

A target is a path to a ``.py`` file or a package directory, a dotted module name, either
one optionally followed by ``:attr`` to narrow the scan to one declarative base, registry,
``MetaData`` or Flask-SQLAlchemy ``db`` object.

What the module uses decides what is scanned: every mapped class, declarative base,
``registry``, ``MetaData`` and Flask-SQLAlchemy / SQLModel object in the module's namespace
is a seed, and every mapper of every registry a seed reaches is collected, so models
defined in sibling modules of one application are found the way SQLAlchemy itself finds
them.

SQLAlchemy's complaints are data here, not crashes: ``configure()`` errors and
``SAWarning``s are kept as :class:`~ormprobe.graph.ConfigProblem` with SQLAlchemy's own
code. A target that can't be imported at all raises :class:`~ormprobe.errors.LoadError`
with one line that says what is wrong and where.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
import traceback
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import DeclarativeBase, Mapper, registry

from ormprobe.errors import LoadError, NoModelsFound, TargetNotFound, UsageError
from ormprobe.findings import Location
from ormprobe.graph import ConfigProblem

__all__ = ["LoadedModels", "Target", "load_models", "parse_target"]

_BACKGROUND_LINK = re.compile(r"\s*\(Background on this (?:error|warning) at: [^)]*\)\s*$")
_RELATIONSHIP_NAME = re.compile(r"[Rr]elationship '?([A-Za-z_][\w]*)\.([A-Za-z_]\w*)'?")
_MAPPER_NAME = re.compile(r"Mapper\[([A-Za-z_]\w*)\(")
_CLASS_NAME = re.compile(r"class '?([A-Za-z_][\w.]*)'?")
# Frames in these directories (SQLAlchemy's and ormprobe's own) are never the user's line.
_LIBRARY_DIRS = tuple(os.path.dirname(os.path.realpath(path)) + os.sep for path in (sa.__file__, __file__))


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed target: where the models are and, optionally, which object to scan.

    Attributes:
        text: the target as the user wrote it.
        path: the file or package directory, when the target is a path.
        module: the dotted module name, when the target is a module name.
        attr: the attribute after ``:``, narrowing the scan to that object.
    """

    text: str
    path: Path | None
    module: str | None
    attr: str | None


@dataclass(frozen=True)
class LoadedModels:
    """What importing a target produced: live SQLAlchemy objects plus captured problems.

    Attributes:
        target: the target as given.
        module: the imported module.
        mappers: every collected mapper, in a stable order (module, then source line).
        metadatas: every ``MetaData`` holding a collected table or found as a seed.
        problems: SQLAlchemy errors and warnings raised while importing or configuring.
        failed_registries: registries whose ``configure()`` failed; their mappers have
            no readable relationships.
    """

    target: str
    module: ModuleType
    mappers: tuple[Mapper[Any], ...]
    metadatas: tuple[sa.MetaData, ...]
    problems: tuple[ConfigProblem, ...]
    failed_registries: tuple[registry, ...] = ()

    @property
    def configured(self) -> bool:
        """True when every registry configured without error."""
        return not self.failed_registries


def parse_target(text: str) -> Target:
    """Split ``path.py``, ``pkg/dir``, ``dotted.module`` and ``...:attr`` forms.

    Raises:
        UsageError: for an empty target or an attribute part that is not an identifier.
    """
    stripped = text.strip()
    if not stripped:
        raise UsageError("no models target given; pass a models file or module, e.g. app/models.py")
    location, sep, attr = stripped.rpartition(":")
    if not sep or not location:
        location, attr = stripped, ""
    if attr and not all(part.isidentifier() for part in attr.split(".")):
        raise UsageError(f"{text!r}: the part after ':' must be an attribute name, e.g. app.models:Base")
    looks_like_path = (
        location.endswith(".py") or os.sep in location or "/" in location or Path(location).exists()
    )
    if looks_like_path:
        return Target(stripped, Path(location), None, attr or None)
    if not all(part.isidentifier() for part in location.split(".")):
        raise TargetNotFound(
            f"{location!r} is neither an existing file nor a module name; "
            "pass a path such as app/models.py or a module such as app.models"
        )
    return Target(stripped, None, location, attr or None)


def load_models(target: str, *, pythonpath: Sequence[str | os.PathLike[str]] = ()) -> LoadedModels:
    """Import ``target`` and collect its mapped classes and tables.

    Anything the user's module prints while it is imported goes to stderr, so that
    machine-readable output on stdout stays clean.

    Args:
        target: a ``.py`` file, a package directory or a dotted module, optionally with
            ``:attr`` naming the base, registry, ``MetaData`` or ``db`` object to scan.
        pythonpath: directories to put in front of ``sys.path`` first.

    Returns:
        The collected mappers and MetaData, with configure-time problems as data.

    Raises:
        TargetNotFound: no such file or module.
        LoadError: the module raised while being imported (syntax error, missing
            dependency...), with the place it happened.
        NoModelsFound: nothing mapped and no table is reachable from the target.
    """
    parsed = parse_target(target)
    for directory in reversed(pythonpath):
        _prepend_sys_path(Path(directory).resolve())
    module_name = _module_name_for(parsed)
    problems: list[ConfigProblem] = []
    with _capture_sqlalchemy_warnings(problems), contextlib.redirect_stdout(sys.stderr):
        try:
            module = _import(module_name, parsed)
        except _MappingRejected as rejected:
            # SQLAlchemy refused a class while the module was imported: that is a finding
            # about the models, so the scan reports it instead of failing to load.
            problems.append(_problem_from_exception(rejected.error))
            return LoadedModels(parsed.text, ModuleType(module_name), (), (), tuple(problems))
        seeds = _seeds(module, parsed)
        registries, metadatas = _registries_and_metadata(seeds)
        failed = _configure(registries, problems)
    problems = [_locate_problem(p, registries) for p in problems]
    mappers = _sorted_mappers(m for reg in registries for m in reg.mappers)
    metadatas = _unique(
        [*metadatas, *(t.metadata for m in mappers for t in m.tables if isinstance(t, sa.Table))]
    )
    if not mappers and not any(md.tables for md in metadatas):
        raise NoModelsFound(
            f"{parsed.text}: imported, but found no mapped class, declarative base, "
            "registry or Table in it; point ormprobe at the module that defines or imports your models"
        )
    return LoadedModels(
        target=parsed.text,
        module=module,
        mappers=tuple(mappers),
        metadatas=tuple(metadatas),
        problems=tuple(problems),
        failed_registries=tuple(failed),
    )


# -- finding and importing the module ------------------------------------------------


def _module_name_for(target: Target) -> str:
    if target.module is not None:
        _prepend_sys_path(Path.cwd())
        return target.module
    assert target.path is not None
    path = target.path.resolve()
    if not path.exists():
        raise TargetNotFound(f"{target.path}: no such file or directory")
    if path.is_dir():
        if not (path / "__init__.py").exists():
            raise TargetNotFound(
                f"{target.path}: a directory without __init__.py is not a package; "
                "point ormprobe at the models file inside it"
            )
        package_dir, parts = path, []
    elif path.suffix != ".py":
        raise TargetNotFound(f"{target.path}: not a Python file (expected a .py file)")
    else:
        package_dir, parts = path.parent, [] if path.stem == "__init__" else [path.stem]
    # Walk up past __init__.py files, as pytest does, so package-relative imports work.
    while (package_dir / "__init__.py").exists():
        parts.insert(0, package_dir.name)
        package_dir = package_dir.parent
    _prepend_sys_path(package_dir)
    name = ".".join(parts)
    existing = sys.modules.get(name)
    existing_file = getattr(existing, "__file__", None)
    expected = path / "__init__.py" if path.is_dir() else path
    if existing_file is not None and Path(existing_file).resolve() != expected:
        raise LoadError(
            f"{target.path}: a different module named {name!r} is already imported "
            f"from {existing_file}; rename one of them or scan it in a fresh process"
        )
    return name


def _prepend_sys_path(directory: Path) -> None:
    text = str(directory)
    if text not in sys.path:
        sys.path.insert(0, text)


class _MappingRejected(Exception):
    """SQLAlchemy raised from its mapping machinery while the module was imported."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


def _import(name: str, target: Target) -> ModuleType:
    """Import ``name``; translate every way that can fail into one clear LoadError.

    Raises:
        _MappingRejected: SQLAlchemy rejected a mapped class during the import.
    """
    try:
        return importlib.import_module(name)
    except SyntaxError as exc:
        where = _relative(exc.filename) if exc.filename else name
        raise LoadError(
            f"syntax error in {where}:{exc.lineno}: {exc.msg}; fix it and run ormprobe again"
        ) from exc
    except ModuleNotFoundError as exc:
        if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
            raise TargetNotFound(
                f"no module named {name!r} (looked in the working directory and sys.path); "
                f"pass a file path or {_PATH_HINT}"
            ) from exc
        raise LoadError(_import_failure(target, exc)) from exc
    except sa_exc.SQLAlchemyError as exc:
        if _raised_by_mapping(exc.__traceback__):
            raise _MappingRejected(exc) from exc
        raise LoadError(_import_failure(target, exc)) from exc
    except SystemExit as exc:
        raise LoadError(
            f"importing {target.text} called sys.exit({exc.code!r}); "
            "models modules must be importable without side effects"
        ) from exc
    except Exception as exc:  # the user's module may raise anything while importing
        raise LoadError(_import_failure(target, exc)) from exc


# The loader serves the CLI and the pytest plugin alike; each has its own way to add a path.
_PATH_HINT = "add its directory to the path (--pythonpath DIR; under pytest, the pythonpath ini option)"


def _import_failure(target: Target, exc: BaseException) -> str:
    frame = _innermost_user_frame(exc.__traceback__)
    where = f" ({_relative(frame.filename)}:{frame.lineno})" if frame is not None else ""
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    detail = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
    hint = (
        f"install the missing package or {_PATH_HINT}"
        if isinstance(exc, ImportError)
        else "fix the error above; the models must import without a running application"
    )
    return f"importing {target.text} failed: {detail}{where}; {hint}"


def _innermost_user_frame(tb: TracebackType | None) -> traceback.FrameSummary | None:
    """The innermost frame of the user's code: not importlib's, SQLAlchemy's or ormprobe's.

    SQLAlchemy raises deep inside its own modules ("sqlalchemy/sql/schema.py:2402"); the
    line that matters is the user's ``mapped_column(...)`` that called it.
    """
    frames = [
        frame
        for frame in traceback.extract_tb(tb)
        if not frame.filename.startswith("<frozen ")
        and "importlib" not in frame.filename
        and not os.path.realpath(frame.filename).startswith(_LIBRARY_DIRS)
    ]
    return frames[-1] if frames else None


def _raised_by_mapping(tb: TracebackType | None) -> bool:
    """True when the traceback passes through SQLAlchemy's ORM or schema machinery."""
    markers = (f"sqlalchemy{os.sep}orm{os.sep}", f"sqlalchemy{os.sep}sql{os.sep}schema.py")
    return any(any(m in frame.filename for m in markers) for frame in traceback.extract_tb(tb))


def _relative(filename: str) -> str:
    try:
        return str(Path(filename).resolve().relative_to(Path.cwd()))
    except ValueError:
        return filename


# -- collecting registries and MetaData ----------------------------------------------


def _seeds(module: ModuleType, target: Target) -> list[Any]:
    if target.attr is None:
        return list(vars(module).values())
    obj: Any = module
    for part in target.attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise TargetNotFound(
                f"{target.text}: module {module.__name__!r} has no attribute {target.attr!r}"
            ) from None
    return [obj]


def _registries_and_metadata(seeds: Iterable[Any]) -> tuple[list[registry], list[sa.MetaData]]:
    registries: list[registry] = []
    metadatas: list[sa.MetaData] = []
    for seed in seeds:
        for found in _unwrap_seed(seed):
            if isinstance(found, registry):
                registries.append(found)
            elif isinstance(found, sa.MetaData):
                metadatas.append(found)
    return _unique(registries), _unique(metadatas)


def _unwrap_seed(obj: Any) -> Iterator[registry | sa.MetaData]:
    """The registries and MetaData an object in the module's namespace leads to."""
    if isinstance(obj, (registry, sa.MetaData)):
        yield obj
        return
    if isinstance(obj, type):
        mapper: Any = sa.inspect(obj, raiseerr=False)
        if isinstance(mapper, Mapper):
            yield mapper.registry
            return
        # An unmapped declarative base (DeclarativeBase subclass, declarative_base(),
        # SQLModel itself, Flask-SQLAlchemy's db.Model) carries its registry.
        reg = _class_attribute(obj, "registry")
        if isinstance(reg, registry) and (
            issubclass(obj, DeclarativeBase) or _class_attribute(obj, "metadata") is not None
        ):
            yield reg
        return
    if isinstance(obj, ModuleType):
        return
    # Flask-SQLAlchemy's `db = SQLAlchemy()` (no app needed): db.Model and db.metadatas.
    model = _class_attribute(obj, "Model") if _looks_like_flask_sqlalchemy(obj) else None
    if isinstance(model, type):
        yield from _unwrap_seed(model)
        metadatas = _class_attribute(obj, "metadatas")
        if isinstance(metadatas, dict):
            yield from (md for md in metadatas.values() if isinstance(md, sa.MetaData))


def _looks_like_flask_sqlalchemy(obj: Any) -> bool:
    """``flask_sqlalchemy.SQLAlchemy`` or an application's subclass of it, recognised by
    name so that Flask-SQLAlchemy is never imported for projects that don't use it."""
    return any(
        cls.__name__ == "SQLAlchemy"
        and (cls.__module__ == "flask_sqlalchemy" or cls.__module__.startswith("flask_sqlalchemy."))
        for cls in type(obj).__mro__
    )


def _class_attribute(obj: Any, name: str) -> Any:
    """``getattr`` that never runs user code paths that raise (descriptors, proxies)."""
    try:
        return getattr(obj, name, None)
    except Exception:  # a descriptor on a user's class may raise anything
        return None


def _configure(registries: Sequence[registry], problems: list[ConfigProblem]) -> list[registry]:
    """Configure each registry on its own, so one broken module can't hide another."""
    failed = []
    for reg in registries:
        try:
            reg.configure(cascade=True)
        except Exception as exc:  # the configure boundary: the user's mappings may raise anything
            # relationship("Missing") raises InvalidRequestError; a typo in an order_by or
            # primaryjoin string raises AttributeError/NameError from SQLAlchemy's string
            # evaluation; declared_attr and event hooks are the user's own code.
            problems.append(_problem_from_exception(exc))
            failed.append(reg)
    return failed


@contextlib.contextmanager
def _capture_sqlalchemy_warnings(problems: list[ConfigProblem]) -> Iterator[None]:
    """Record SAWarnings as problems; show every other warning as usual."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", sa_exc.SAWarning)
        yield
    for item in caught:
        if issubclass(item.category, sa_exc.SAWarning):
            problem = _problem_from_warning(item.message)  # type: ignore[arg-type]
            if problem not in problems:
                problems.append(problem)
        else:
            warnings.showwarning(item.message, item.category, item.filename, item.lineno)


def _problem_from_exception(exc: BaseException) -> ConfigProblem:
    message = _clean_message(exc)
    frame = _innermost_user_frame(exc.__traceback__)
    location = Location(_relative(frame.filename), frame.lineno) if frame else Location()
    return ConfigProblem(
        kind="error",
        code=getattr(exc, "code", None),
        exception=type(exc).__name__,
        message=message,
        target=_target_named_in(message),
        location=location,
    )


def _problem_from_warning(warning: Warning) -> ConfigProblem:
    message = _clean_message(warning)
    return ConfigProblem(
        kind="warning",
        code=getattr(warning, "code", None),
        exception=type(warning).__name__,
        message=message,
        target=_target_named_in(message),
    )


def _clean_message(exc: BaseException) -> str:
    # SQLAlchemy appends "(Background on this error at: ...)" to str(); keep the message.
    text = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    return _BACKGROUND_LINK.sub("", " ".join(text.split()))


_MISSING_NAME = re.compile(
    r"(?:has no property|does not have a mapped column named|has no attribute) '(\w+)'"
)
_DOTTED_NAME = re.compile(r"\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)\b")


def _locate_problem(problem: ConfigProblem, registries: Sequence[registry]) -> ConfigProblem:
    """Point a problem at the relationship that holds the mistake, where the source tells.

    SQLAlchemy often names the mapper that *lacks* something ("Mapper[Agent] has no
    property 'ticket'", "InvoiceLine does not have a mapped column named 'postion'");
    the mistake is in the relationship whose ``back_populates``/``order_by``... names it.
    Otherwise the first ``Model.attr`` of a mapped class in the message is the target.
    """
    from dataclasses import replace

    from ormprobe.sourcemap import assignment_keywords, attribute_location

    classes = {m.class_.__name__: m.class_ for reg in registries for m in reg.mappers}
    missing = _MISSING_NAME.search(problem.message)
    if missing is not None:
        wanted = missing.group(1)
        for name, cls in classes.items():
            for key, keywords in assignment_keywords(cls).items():
                if any(_mentions(value, wanted) for value in keywords.values()):
                    location = attribute_location(cls, key) or problem.location
                    return replace(problem, target=f"{name}.{key}", location=location)
    if problem.target is None or "." not in problem.target:
        for match in _DOTTED_NAME.finditer(problem.message):
            named = classes.get(match.group(1))
            if named is not None and hasattr(named, match.group(2)):
                found = attribute_location(named, match.group(2)) or problem.location
                return replace(problem, target=f"{match.group(1)}.{match.group(2)}", location=found)
    elif problem.location.path is None:
        # A warning names its Model.attr but has no traceback frame: point at the attribute.
        model, _, key = problem.target.partition(".")
        owner = classes.get(model)
        pointed = attribute_location(owner, key) if owner is not None else None
        if pointed is not None:
            return replace(problem, location=pointed)
    return problem


def _mentions(value: object, name: str) -> bool:
    """A keyword's constant value names ``name`` (``"author"`` or ``"Book.author"``)."""
    return isinstance(value, str) and name in re.split(r"[^\w]+", value)


def _target_named_in(message: str) -> str | None:
    """Best effort: the ``Model.attr`` or ``Model`` a SQLAlchemy message is about."""
    if match := _RELATIONSHIP_NAME.search(message):
        return f"{match.group(1)}.{match.group(2)}"
    if match := _MAPPER_NAME.search(message):
        return match.group(1)
    if match := _CLASS_NAME.search(message):
        return match.group(1).rpartition(".")[2]
    return None


# -- ordering ------------------------------------------------------------------------


def _sorted_mappers(mappers: Iterable[Mapper[Any]]) -> list[Mapper[Any]]:
    from ormprobe.sourcemap import class_line

    def key(mapper: Mapper[Any]) -> tuple[str, int, str]:
        cls = mapper.class_
        return (cls.__module__, class_line(cls) or 0, cls.__qualname__)

    return sorted(_unique(mappers), key=key)


def _unique(items: Iterable[Any]) -> list[Any]:
    seen: set[int] = set()
    result = []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            result.append(item)
    return result
