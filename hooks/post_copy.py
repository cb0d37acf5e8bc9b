"""Runs once, after `copier copy`, in the new project: `git init`, `uv lock`, the first commit.

The first commit makes the render a state the owner can update from (`copier update` needs a
clean git tree) and gives `pre-commit run --all-files` files to check (it reads git's index).
It is made only in the repository this hook created, and only where git knows who is committing.

Every step is safe to run twice. When a tool is missing, or a step fails, the step is skipped
with a message saying what to run by hand; the rendered project works either way.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def say(message: str) -> None:
    print(f"post-copy: {message}", file=sys.stderr)


FIRST_COMMIT = "git add --all && git commit -m 'First render from the template'"


def init_git(project: Path) -> str | None:
    """`git init`, unless the project is in a repository already; the git command, if it was."""
    git = shutil.which("git")
    if git is None:
        say("git not found: skipped `git init` (copier update needs the project in git).")
        return None
    inside = subprocess.run(
        [git, "rev-parse", "--is-inside-work-tree"], cwd=project, capture_output=True, text=True
    )
    if inside.returncode == 0:
        return None  # already in a repository (perhaps a monorepo): leave it as it is
    subprocess.run([git, "init", "--quiet"], cwd=project, check=True)
    return git


def commit_first_render(project: Path, git: str) -> None:
    """Commit everything rendered (uv.lock included), if git knows who is committing."""
    # `git var` fails exactly where `git commit` would: no user.name/user.email it can use.
    identity = subprocess.run(
        [git, "var", "GIT_COMMITTER_IDENT"], cwd=project, capture_output=True, text=True
    )
    if identity.returncode != 0:
        say(
            "initialised a git repository; git has no identity here, so the render is not "
            "committed. Commit it before `pre-commit run --all-files` or `copier update`:\n"
            '  git config --global user.name "Your Name"\n'
            '  git config --global user.email "you@example.com"\n'
            f"  {FIRST_COMMIT}"
        )
        return
    subprocess.run([git, "add", "--all"], cwd=project, check=True)
    committed = subprocess.run(
        [git, "commit", "--quiet", "--no-verify", "-m", "First render from the template"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    if committed.returncode != 0:
        tail = "\n  ".join(committed.stderr.strip().splitlines()[-5:])
        say(f"`git commit` failed; commit the render by hand ({FIRST_COMMIT}):\n  {tail}")
        return
    say("initialised a git repository and committed the render: `copier update` can start here.")


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
    git = init_git(project)
    lock_dependencies(project)
    if git is not None:
        commit_first_render(project, git)  # after `uv lock`: the lock file is part of it
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
