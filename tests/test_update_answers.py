"""`copier update` with a changed answer: what shows it is re-rendered, what was not asked kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.commands import assert_all_passed, in_project, run
from tests.copier_cli import commit_all, conflict_leftovers, copier, data_args, git
from tests.servers import server_fixture
from tests.template_config import default_engine, engine_choices, is_owner_owned
from tests.updates import PACKAGE, changed_paths, render, snapshot, update

pytestmark = pytest.mark.xdist_group("update")

RENDER = ("--trust", "--defaults", "--skip-tasks")


def test_changing_the_description_rerenders_what_shows_it(template: Path, tmp_path: Path) -> None:
    project = render(template, tmp_path / "project")
    new = "Invoices and payments"

    update(project, "--vcs-ref", "v1.0.0", "--data", f"description={new}")

    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["description"] == new
    assert f'description = "{new}"' in (project / "pyproject.toml").read_text()
    assert (project / "src" / PACKAGE / "__init__.py").read_text().startswith(f'"""{new}"""\n')
    assert f"\n{new}.\n" in (project / "README.md").read_text()
    changed = changed_paths(project) - {".copier-answers.yml"}
    assert changed
    assert all(new in (project / path).read_text() for path in changed), changed
    assert conflict_leftovers(project) == []


# From the default engine to each other engine copier.yml offers.
@pytest.mark.parametrize("engine", [e for e in engine_choices() if e != default_engine()])
def test_switching_engine_gives_the_project_a_fresh_render_would(
    template: Path,
    tmp_path: Path,
    engine: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if fixture := server_fixture({"engine": engine}):  # the suite below runs on its server
        monkeypatch.setenv("TEST_DATABASE_URL", request.getfixturevalue(fixture))
    project = render(template, tmp_path / "project")
    original = snapshot(project)
    fresh = render(template, tmp_path / "fresh", engine=engine)

    update(project, "--vcs-ref", "v1.0.0", "--data", f"engine={engine}")

    assert conflict_leftovers(project) == []
    # Template-owned files as a fresh render for the new engine has them; the owner's as they were.
    # uv.lock is not the template's: the owner relocks (below).
    updated = {path: text for path, text in snapshot(project).items() if path != "uv.lock"}
    owned = {path for path in original if is_owner_owned(path, PACKAGE)}
    expected = {path: text for path, text in snapshot(fresh).items() if path not in owned}
    expected.update({path: original[path] for path in owned})
    expected.pop("uv.lock")
    assert sorted(updated) == sorted(expected)
    assert [path for path in updated if updated[path] != expected[path]] == []

    run(["uv", "lock", "--quiet"], project)
    run(["uv", "sync", "--locked", "--quiet"], project)
    assert_all_passed(in_project(project, "pytest", "-p", "no:cacheprovider").stdout)


def recorded(project: Path) -> dict[str, object]:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return {key: answers[key] for key in ("engine", "pgbouncer")}


def test_pgbouncer_answer_is_kept_while_the_engine_changes(template: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    answers = data_args(project_name="Svc", engine="asyncpg", pgbouncer="true")
    copier(tmp_path, "copy", *RENDER, "--vcs-ref", "v1.0.0", *answers, str(template), str(project))
    assert recorded(project) == {"engine": "asyncpg", "pgbouncer": True}
    git(project, "init", "--quiet")
    commit_all(project, "render")

    copier(project, "update", *RENDER, "--vcs-ref", "v1.0.0", *data_args(engine="aiosqlite"))
    assert recorded(project) == {"engine": "aiosqlite", "pgbouncer": True}  # not asked, kept
    assert not (project / "compose.yaml").exists()
    commit_all(project, "to SQLite")

    copier(project, "update", *RENDER, "--vcs-ref", "v1.0.0", *data_args(engine="psycopg"))
    assert recorded(project) == {"engine": "psycopg", "pgbouncer": True}
    engine_module = (project / "src" / "svc" / "db" / "engine.py").read_text()
    assert "prepare_threshold" in engine_module  # rendered in PgBouncer mode again
