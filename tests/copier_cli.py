"""copier and git as a user runs them: the template as a tagged repository, answers as `--data`,
and what a merge can leave behind."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import sys
from pathlib import Path

from copier import run_copy

from tests.commands import clean_env, run
from tests.template_config import TEMPLATE_ROOT

# Commits made by the tests: no dependence on the machine's git configuration.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}
CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")
TOOL_DIRECTORIES = {".git", ".venv", ".pytest_cache", ".mypy_cache", ".ruff_cache", "__pycache__"}


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run(["git", *args], cwd, check=check, env=clean_env(**GIT_IDENTITY))


def commit_all(repo: Path, message: str) -> None:
    """Commit every change; nothing when there is none (the post-copy hook commits a render)."""
    git(repo, "add", "--all")
    if git(repo, "status", "--porcelain").stdout.strip():
        git(repo, "commit", "--quiet", "--no-verify", "--message", message)


def copier(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The copier CLI, as a user runs it (this repository pins the version users get)."""
    return run(
        [sys.executable, "-m", "copier", *args], cwd, check=check, env=clean_env(**GIT_IDENTITY)
    )


def copy_release(template: Path, destination: Path, ref: str, **answers: object) -> Path:
    """`copier copy` of one release of a template (a tag, or HEAD: the work tree) as a user runs
    it: trusted, every question not given answered by its default."""
    copier(
        destination.parent,
        *("copy", "--trust", "--defaults", "--vcs-ref", ref, *data_args(**answers)),
        *(str(template), str(destination)),
    )
    return destination


def data_args(**answers: object) -> list[str]:
    """Answers as copier's command line takes them: `--data name=value` for each."""
    return [arg for name, value in answers.items() for arg in ("--data", f"{name}={value}")]


def work_tree_files() -> list[Path]:
    """This work tree's files as git sees them: uncommitted changes included, ignored files
    (`.venv`, the bench's renders in `bench/out`) not."""
    listed = run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], TEMPLATE_ROOT
    )
    paths = (TEMPLATE_ROOT / name for name in filter(None, listed.stdout.split("\0")))
    return [path for path in paths if path.is_file()]  # tracked files deleted are listed too


def copy_work_tree(destination: Path) -> None:
    """This work tree's files (uncommitted changes included, ignored files not) into a folder."""
    for source in work_tree_files():
        target = destination / source.relative_to(TEMPLATE_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def make_template_repo(destination: Path) -> Path:
    """This work tree as a fresh repository of one commit."""
    copy_work_tree(destination)
    git(destination, "init", "--quiet")
    commit_all(destination, "template")
    return destination


def clone_with_history(destination: Path) -> Path:
    """This repository with its history (earlier releases are commits of it), and the work tree
    committed on top as the release being made."""
    run(["git", "clone", "--quiet", str(TEMPLATE_ROOT), str(destination)], TEMPLATE_ROOT)
    copy_work_tree(destination)
    deleted = run(["git", "ls-files", "--deleted", "-z"], TEMPLATE_ROOT).stdout
    for name in filter(None, deleted.split("\0")):
        (destination / name).unlink(missing_ok=True)
    commit_all(destination, "The release being made (the work tree)")
    return destination


def release_being_made(root: Path) -> str:
    """The version a checkout releases: pyproject.toml's, or, while `## [Unreleased]` in
    CHANGELOG.md lists changes, the next minor one (what the maintainer will raise it to)."""
    version = re.search(
        r'(?m)^version = "(\d+)\.(\d+)\.(\d+)"$', (root / "pyproject.toml").read_text()
    )
    assert version, "pyproject.toml names no X.Y.Z version"
    changelog = (root / "CHANGELOG.md").read_text()
    unreleased = re.search(r"(?ms)^## \[Unreleased\]\n(.*?)(?=^## \[)", changelog)
    assert unreleased, "CHANGELOG.md has no [Unreleased] section before its releases"
    major, minor, patch = (int(part) for part in version.groups())
    if re.search(r"(?m)^[-*] ", unreleased[1]):
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch}"


def release_what_is_unreleased(clone: Path) -> str:
    """Release the clone's `## [Unreleased]` changes, if any, as `release_being_made` names the
    version: pyproject.toml raised, the section dated today, committed (as a maintainer does
    before the release workflow tags). The update tests then update to the release being made,
    its `_migrations` included."""
    following = release_being_made(clone)
    pyproject, changelog = clone / "pyproject.toml", clone / "CHANGELOG.md"
    text = pyproject.read_text()
    if f'version = "{following}"' not in text:
        pyproject.write_text(
            re.sub(r'(?m)^version = ".*"$', f'version = "{following}"', text, count=1)
        )
        heading = f"## [Unreleased]\n\n## [{following}] - {datetime.date.today().isoformat()}\n"
        changelog.write_text(changelog.read_text().replace("## [Unreleased]\n", heading, 1))
        commit_all(clone, f"Release {following}")
    return following


def tag(repo: Path, name: str) -> None:
    git(repo, "tag", name)


def render_files(folder: Path, answers: dict[str, object], *, tasks: bool = False) -> Path:
    """This work tree (uncommitted changes included) rendered into `folder` by copier's API, in
    this process, with `answers` and the defaults; the post-copy task (`uv lock`, git) only if
    asked. For the tests that read what a render wrote: the CLI itself is the question, update
    and adversarial-answer tests' business."""
    run_copy(
        str(TEMPLATE_ROOT),
        folder,
        data=answers,
        defaults=True,
        unsafe=True,
        vcs_ref="HEAD",  # the work tree, uncommitted changes included
        skip_tasks=not tasks,
        quiet=True,
    )
    return folder


def rendered_files(folder: Path, answers: dict[str, object], package: str) -> dict[str, str]:
    """`render_files`: the files' texts by path, the package's directory written `{package}`."""
    render_files(folder, answers)
    return {
        str(path.relative_to(folder)).replace(package, "{package}"): path.read_text()
        for path in files_of(folder)
    }


def files_of(project: Path) -> list[Path]:
    """Every file of the project a person would see, the git and tool directories left out."""
    return sorted(
        path
        for path in project.rglob("*")
        if path.is_file() and not TOOL_DIRECTORIES.intersection(path.relative_to(project).parts)
    )


def conflict_leftovers(project: Path) -> list[str]:
    """`*.rej` files, unmerged index entries and lines that open or close a conflict."""
    found = [
        f"{path.relative_to(project)}: rejected hunks"
        for path in files_of(project)
        if path.suffix == ".rej"
    ]
    unmerged = git(project, "ls-files", "--unmerged").stdout.strip()
    if unmerged:
        found.append(f"unmerged in the index:\n{unmerged}")
    for path in files_of(project):
        try:
            lines = path.read_text().splitlines()
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(lines, start=1):
            if line.startswith(CONFLICT_MARKERS):
                found.append(f"{path.relative_to(project)}:{number}: {line}")
    return found
