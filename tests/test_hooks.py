"""hooks/post_copy.py: safe to run twice, and plain about any tool it cannot find."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.template_config import TEMPLATE_ROOT

HOOK = TEMPLATE_ROOT / "hooks" / "post_copy.py"
MINIMAL_PYPROJECT = '[project]\nname = "demo"\nversion = "0"\nrequires-python = ">=3.11"\n'


def run_hook(project: Path, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": path} if path is not None else None
    return subprocess.run(
        [sys.executable, str(HOOK)], cwd=project, env=env, capture_output=True, text=True
    )


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


def test_leaves_an_existing_repository_alone(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    project = tmp_path / "services" / "demo"  # a project inside a monorepo
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text(MINIMAL_PYPROJECT)
    assert run_hook(project).returncode == 0
    assert not (project / ".git").exists()


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
