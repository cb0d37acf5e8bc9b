"""The PgBouncer answer survives `copier update`s that change the engine and back."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

from tests.rendering import TEMPLATE_ROOT, run

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]


def copier(*args: str, cwd: Path) -> None:
    run([sys.executable, "-m", "copier", *args, "--trust", "--defaults", "--skip-tasks"], cwd)


def commit_all(repo: Path) -> None:
    run([*GIT, "add", "--all"], repo)
    run([*GIT, "commit", "--quiet", "--message", "render"], repo)


def recorded(project: Path) -> dict[str, object]:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return {key: answers[key] for key in ("engine", "pgbouncer")}


def test_pgbouncer_answer_is_kept_while_the_engine_changes(tmp_path: Path) -> None:
    # `copier update` needs a template in git with a version: a tagged copy of this work tree.
    template = tmp_path / "template"
    shutil.copytree(
        TEMPLATE_ROOT, template, ignore=shutil.ignore_patterns(".git", ".venv", "*cache*")
    )
    run(["git", "init", "--quiet"], template)
    commit_all(template)
    run([*GIT, "tag", "v1.0.0"], template)

    project = tmp_path / "project"
    copier(
        "copy",
        "--data",
        "project_name=Svc",
        "--data",
        "engine=asyncpg",
        "--data",
        "pgbouncer=true",
        str(template),
        str(project),
        cwd=tmp_path,
    )
    assert recorded(project) == {"engine": "asyncpg", "pgbouncer": True}
    run(["git", "init", "--quiet"], project)
    commit_all(project)

    copier("update", "--data", "engine=aiosqlite", cwd=project)
    assert recorded(project) == {"engine": "aiosqlite", "pgbouncer": True}  # not asked, kept
    assert not (project / "compose.yaml").exists()
    commit_all(project)

    copier("update", "--data", "engine=psycopg", cwd=project)
    assert recorded(project) == {"engine": "psycopg", "pgbouncer": True}
    engine_module = (project / "src" / "svc" / "db" / "engine.py").read_text()
    assert "prepare_threshold" in engine_module  # rendered in PgBouncer mode again
