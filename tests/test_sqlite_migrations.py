"""An owner's first migration that alters a table (SQLite batch mode) passes pre-commit and CI.

Batch mode reflects the live table, so `alembic upgrade head --sql` cannot render it: the
rendered hook and workflow run the migrations against a throwaway database file instead.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from tests.answer_sets import Variant
from tests.commands import clean_env, in_project, owners_copy, run
from tests.copier_cli import commit_all


def edit_models(project: Path, package: str, old: str, new: str) -> None:
    models = project / "src" / package / "models" / "catalog.py"
    text = models.read_text()
    assert old in text, f"{old!r} is no longer in models/catalog.py"
    models.write_text(text.replace(old, new, 1))


def ci_migration_commands(project: Path) -> list[list[str]]:
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    (step,) = [s for s in workflow["jobs"]["check"]["steps"] if s.get("name") == "Migrations"]
    return [shlex.split(line) for line in step["run"].splitlines() if line.strip()]


@pytest.mark.databases("sqlite")
def test_a_migration_that_alters_a_table_passes_pre_commit_and_ci(
    project: Path, variant: Variant, tmp_path: Path
) -> None:
    owners = owners_copy(project, tmp_path / "project")
    package = variant.package_name
    url = f"{variant.url_scheme}:///{tmp_path / 'owner.db'}"
    env = clean_env(DATABASE_URL=url)

    # The owner adds a column and widens another, then lets Alembic write the migration.
    edit_models(owners, package, "    created_at:", "    born: Mapped[int | None]\n    created_at:")
    edit_models(owners, package, "String(300)", "String(500)")
    in_project(owners, "alembic", "upgrade", "head", env=env)
    in_project(owners, "alembic", "revision", "--autogenerate", "-m", "author born", env=env)
    (migration,) = (owners / "migrations" / "versions").glob("*author_born.py")
    assert "batch_alter_table" in migration.read_text()

    # The check this replaces cannot handle it: offline SQL needs the live table.
    offline = in_project(owners, "alembic", "upgrade", "head", "--sql", env=env, check=False)
    assert offline.returncode != 0
    assert "requires a live database connection" in offline.stderr

    run(["git", "add", "--all"], owners)
    in_project(owners, "pre-commit", "run", "--all-files", "--show-diff-on-failure")
    commands = ci_migration_commands(owners)
    assert commands, "the workflow has no migration commands"
    for command in commands:
        run(command, owners)

    # The guard holds: a model change without its migration fails the hook and CI.
    commit_all(owners, "Authors are born")
    edit_models(owners, package, "    born:", "    died: Mapped[int | None]\n    born:")
    run(["git", "add", "--all"], owners)
    # As `git commit` runs it: on the staged files alone, here one module of the models package.
    hook = in_project(owners, "pre-commit", "run", "alembic-migrations", check=False)
    assert hook.returncode != 0
    assert "New upgrade operations detected" in hook.stdout + hook.stderr
    assert any(run(command, owners, check=False).returncode != 0 for command in commands)
