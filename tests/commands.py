"""Running commands for the template's tests and bench: the environment a rendered project's
commands get, this repository's tools, and what a pytest run's summary line says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# This repository's venv, and an enclosing pytest's variables (an xdist worker id would leak into
# the rendered project's own xdist set-up). PYTHONDONTWRITEBYTECODE (set on these machines) would
# make every rendered command recompile SQLAlchemy and Alembic from source: users write bytecode.
NOT_FOR_PROJECTS = {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "PYTHONDONTWRITEBYTECODE"}


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a rendered project's commands, plus `extra`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in NOT_FOR_PROJECTS and not key.startswith("PYTEST_")
    }
    env.update(extra)
    return env


def run(
    args: list[str], cwd: Path, *, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure the assertion shows everything it printed."""
    result = subprocess.run(
        args, cwd=cwd, env=env or clean_env(), capture_output=True, text=True, check=False
    )
    if check:
        assert result.returncode == 0, (
            f"`{' '.join(args)}` exited {result.returncode} in {cwd}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result


def in_project(project: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a tool from the project's own environment (installed by `uv sync --locked`)."""
    return run(["uv", "run", "--frozen", *args], project, **kwargs)  # type: ignore[arg-type]


def tool(name: str) -> str:
    """A command installed in this repository's environment (ruff, check-jsonschema, zizmor)."""
    return str(Path(sys.executable).parent / name)


def summary_line(stdout: str) -> str:
    """The last line pytest prints: `N passed, M skipped in ...`."""
    return stdout.strip().splitlines()[-1]


def assert_all_passed(stdout: str) -> str:
    """Some tests passed, and nothing failed, errored, was skipped or xfailed, or warned."""
    summary = summary_line(stdout)
    assert re.search(r"\d+ passed", summary), summary
    assert not re.search(r"failed|error|skipped|xfail|xpass|warning", summary), summary
    return summary


def owners_copy(project: Path, destination: Path) -> Path:
    """The session's rendered project is shared by other tests: an owner's edits go to a copy."""
    shutil.copytree(project, destination, ignore=shutil.ignore_patterns(".venv", ".*_cache"))
    run(["uv", "sync", "--locked", "--quiet"], destination)
    if not (destination / ".git").exists():
        run(["git", "init", "--quiet"], destination)
    return destination


def readme_commands(project: Path, heading: str) -> list[str]:
    """The commands of the first `sh` block under a heading of the rendered README, in order,
    without their comments: what an owner copies and runs."""
    readme = (project / "README.md").read_text()
    section = readme.split(f"\n{heading}\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, f"the README's {heading!r} has no command block"
    lines = (line.split("  #")[0].strip() for line in block[1].splitlines())
    return [line for line in lines if line and not line.startswith("#")]
