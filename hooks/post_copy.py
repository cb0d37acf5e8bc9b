"""Runs once, after `copier copy`, in the new project: `git init` and `uv lock`.

Both steps are safe to run twice. When a tool is missing, or a step fails, the step is skipped
with a message saying what to run by hand; the rendered project works either way.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def say(message: str) -> None:
    print(f"post-copy: {message}", file=sys.stderr)


def init_git(project: Path) -> None:
    git = shutil.which("git")
    if git is None:
        say("git not found: skipped `git init` (copier update needs the project in git).")
        return
    inside = subprocess.run(
        [git, "rev-parse", "--is-inside-work-tree"], cwd=project, capture_output=True, text=True
    )
    if inside.returncode == 0:
        return  # already in a repository (perhaps a monorepo): leave it as it is
    subprocess.run([git, "init", "--quiet"], cwd=project, check=True)
    say("initialised a git repository; commit the first render before any `copier update`.")


def lock_dependencies(project: Path) -> None:
    if (project / "uv.lock").exists():
        return
    uv = shutil.which("uv")
    if uv is None:
        say("uv not found: skipped `uv lock`; install uv (pip install uv), then run `uv sync`.")
        return
    locked = subprocess.run([uv, "lock", "--quiet"], cwd=project, capture_output=True, text=True)
    if locked.returncode != 0:
        # What uv said, not a guess: its last lines name the cause (network, resolution, metadata).
        tail = "\n  ".join(locked.stderr.strip().splitlines()[-5:])
        say(f"`uv lock` failed; run `uv lock` in the project once this is fixed:\n  {tail}")


def main() -> int:
    project = Path.cwd()
    init_git(project)
    lock_dependencies(project)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
