"""The public surface: exactly what ``ormprobe.__all__`` promises, and importable lazily."""

from __future__ import annotations

import subprocess
import sys

import ormprobe

PUBLIC = [
    "CaseResult",
    "Finding",
    "LoadedModels",
    "Location",
    "ModelGraph",
    "ProbeConfig",
    "Report",
    "Severity",
    "Status",
    "__version__",
    "build_graph",
    "check",
    "errors",
    "factories",
    "load_models",
    "register_provider",
    "scan",
    "session",
]


def test_all_is_the_documented_surface() -> None:
    assert sorted(ormprobe.__all__) == sorted(PUBLIC)
    assert ormprobe.__all__ == sorted(ormprobe.__all__, key=str)


def test_every_public_name_resolves() -> None:
    for name in ormprobe.__all__:
        assert getattr(ormprobe, name) is not None


def test_import_is_light() -> None:
    probe = "import sys, ormprobe; print(sorted(m for m in ('sqlalchemy', 'factory', 'faker') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_unknown_attribute_raises_attribute_error() -> None:
    try:
        ormprobe.not_a_thing  # noqa: B018
    except AttributeError as exc:
        assert "not_a_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")
