"""hooks/post_copy.py: safe to run twice, commits the first render where git can, and is plain
about any tool or identity it lacks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.commands import clean_env, pre_commit_results, run
from tests.copier_cli import GIT_IDENTITY, copy_release
from tests.template_config import TEMPLATE_ROOT

HOOK = TEMPLATE_ROOT / "hooks" / "post_copy.py"
MINIMAL_PYPROJECT = '[project]\nname = "demo"\nversion = "0"\nrequires-python = ">=3.11"\n'


# git with no identity to commit as, whatever this machine's configuration says.
NO_GIT_IDENTITY = {
    "HOME": "/nonexistent",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "user.useConfigOnly",
    "GIT_CONFIG_VALUE_0": "true",
}


def run_hook(
    project: Path, path: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    if path is not None:
        env = {"PATH": path}
    return subprocess.run(
        [sys.executable, str(HOOK)],
        cwd=project,
        env=env or clean_env(**GIT_IDENTITY),
        capture_output=True,
        text=True,
    )


def git_out(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=True
    ).stdout


def test_commits_the_first_render_with_its_lock_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(MINIMAL_PYPROJECT)
    result = run_hook(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "committed the render" in result.stderr
    assert git_out(tmp_path, "log", "--format=%s").splitlines() == [
        "First render from the template"
    ]
    assert git_out(tmp_path, "ls-files").split() == ["pyproject.toml", "uv.lock"]
    assert git_out(tmp_path, "status", "--porcelain") == ""


def test_without_a_git_identity_says_how_to_commit(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(MINIMAL_PYPROJECT)
    without = {k: v for k, v in clean_env(**NO_GIT_IDENTITY).items() if k not in GIT_IDENTITY}
    result = run_hook(tmp_path, env=without)
    assert result.returncode == 0, result.stderr
    assert "git has no identity here" in result.stderr
    assert (tmp_path / ".git").is_dir()
    no_commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True)
    assert no_commit.returncode != 0
    # The command it prints commits the render, once git knows who is committing.
    (printed,) = [line for line in result.stderr.splitlines() if "git commit" in line]
    commit = subprocess.run(
        printed.strip(), shell=True, cwd=tmp_path, env=clean_env(**GIT_IDENTITY), check=False
    )
    assert commit.returncode == 0
    assert git_out(tmp_path, "status", "--porcelain") == ""


def test_initialises_git_and_locks_then_is_a_no_op_the_second_time(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(MINIMAL_PYPROJECT)
    first = run_hook(tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / ".git").is_dir()
    assert (tmp_path / "uv.lock").is_file()
    lock = (tmp_path / "uv.lock").read_text()

    second = run_hook(tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""  # nothing to do, nothing said
    assert (tmp_path / "uv.lock").read_text() == lock
    assert len(git_out(tmp_path, "log", "--format=%H").split()) == 1


def test_leaves_an_existing_repository_alone(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    project = tmp_path / "services" / "demo"  # a project inside a monorepo
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text(MINIMAL_PYPROJECT)
    assert run_hook(project).returncode == 0
    assert not (project / ".git").exists()
    # The monorepo's history is its owner's: the hook commits nothing there.
    no_commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True)
    assert no_commit.returncode != 0


def test_missing_tools_are_named_and_the_render_still_succeeds(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(MINIMAL_PYPROJECT)
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    result = run_hook(tmp_path, path=str(empty_bin))
    assert result.returncode == 0
    assert "git not found" in result.stderr
    assert "uv not found" in result.stderr
    assert not (tmp_path / ".git").exists()
    assert shutil.which("git") is not None  # the real tools were only hidden from the hook


def test_a_failed_lock_reports_what_uv_said(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_uv = bin_dir / "uv"
    fake_uv.write_text("#!/bin/sh\necho 'error: TOML parse error at line 4' >&2\nexit 2\n")
    fake_uv.chmod(0o755)
    project = tmp_path / "project"
    project.mkdir()
    git_dir = str(Path(shutil.which("git") or "/usr/bin/git").parent)
    result = run_hook(project, f"{bin_dir}:{git_dir}")
    assert result.returncode == 0
    assert "`uv lock` failed" in result.stderr
    assert "TOML parse error at line 4" in result.stderr, result.stderr
    assert "offline" not in result.stderr


def test_a_fresh_render_is_committed_and_pre_commit_checks_every_file(tmp_path: Path) -> None:
    """The first render is a state to update from, and `pre-commit run --all-files` (which reads
    git's index) checks every file of it: nothing to add first."""
    project = copy_release(
        TEMPLATE_ROOT, tmp_path / "my-service", "HEAD", project_name="My Service"
    )
    assert git_out(project, "status", "--porcelain", "--untracked-files=all") == ""
    assert git_out(project, "log", "--format=%s") == "First render from the template\n"
    assert "uv.lock" in git_out(project, "ls-files").split()

    hooks = run(["uv", "run", "pre-commit", "run", "--all-files"], project)
    results = pre_commit_results(hooks.stdout)
    unchecked = [name for name, status in results.items() if status == "no files"]
    assert results, hooks.stdout
    assert unchecked == ["no *.rej files left by copier update"], hooks.stdout
