"""The PgBouncer answer survives `copier update`s that change the engine and back."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.template_repo import commit_all, copier, data_args, git, make_template_repo, tag

RENDER = ("--trust", "--defaults", "--skip-tasks")


def recorded(project: Path) -> dict[str, object]:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return {key: answers[key] for key in ("engine", "pgbouncer")}


def test_pgbouncer_answer_is_kept_while_the_engine_changes(tmp_path: Path) -> None:
    # `copier update` needs a template in git with a version: a tagged copy of this work tree.
    template = make_template_repo(tmp_path / "template")
    tag(template, "v1.0.0")

    project = tmp_path / "project"
    answers = data_args(project_name="Svc", engine="asyncpg", pgbouncer="true")
    copier(tmp_path, "copy", *RENDER, *answers, str(template), str(project))
    assert recorded(project) == {"engine": "asyncpg", "pgbouncer": True}
    git(project, "init", "--quiet")
    commit_all(project, "render")

    copier(project, "update", *RENDER, *data_args(engine="aiosqlite"))
    assert recorded(project) == {"engine": "aiosqlite", "pgbouncer": True}  # not asked, kept
    assert not (project / "compose.yaml").exists()
    commit_all(project, "to SQLite")

    copier(project, "update", *RENDER, *data_args(engine="psycopg"))
    assert recorded(project) == {"engine": "psycopg", "pgbouncer": True}
    engine_module = (project / "src" / "svc" / "db" / "engine.py").read_text()
    assert "prepare_threshold" in engine_module  # rendered in PgBouncer mode again
