"""README.md's Quickstart stays true: two commands, and .ci/run runs the same install and test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quickstart_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quickstart_has_exactly_two_commands() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2
    assert "ormprobe scan" in commands[0]
    assert "pytest" in commands[1]


def test_ci_installs_and_tests_as_the_readme_says() -> None:
    test_command = quickstart_commands()[1]
    install = re.search(r"pip install (.+?) &&", test_command)
    assert install is not None
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"pip install --quiet {install.group(1)}" in ci
    run_tests = test_command.rsplit("&&", 1)[1].strip()
    assert re.search(rf"^{re.escape(run_tests)}$", ci, flags=re.MULTILINE), run_tests


def test_the_scan_example_runs_clean() -> None:
    scan = quickstart_commands()[0].rsplit("&&", 1)[1].strip()
    assert scan.startswith("ormprobe scan ")
    arguments = scan.split()[1:]
    result = subprocess.run(
        [sys.executable, "-m", "ormprobe", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "No findings." in result.stdout
