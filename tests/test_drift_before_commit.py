"""A model changed without its migration is refused at `git commit` by the rendered pre-commit
hook, on every database family; with its migration, the same commit goes through."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import scratch
from tests.answer_sets import Variant
from tests.commands import clean_env, in_project, owners_copy
from tests.copier_cli import commit_all, git


@pytest.mark.engines("aiosqlite", "psycopg", "asyncmy")
@pytest.mark.frameworks("none")
def test_a_model_change_without_its_migration_is_refused_at_commit(
    project: Path, variant: Variant, tmp_path: Path
) -> None:
    owners = owners_copy(project, tmp_path / "project")
    commit_all(owners, "As rendered")  # what other tests of the set left (the render is committed)
    head = git(owners, "rev-parse", "HEAD").stdout
    in_project(owners, "pre-commit", "install")

    catalog = owners / "src" / variant.package_name / "models" / "catalog.py"
    text = catalog.read_text()
    assert "    created_at:" in text
    catalog.write_text(
        text.replace("    created_at:", "    born: Mapped[int | None]\n    created_at:")
    )
    git(owners, "add", "--all")
    refused = git(owners, "commit", "--quiet", "-m", "Authors are born", check=False)
    said = refused.stdout + refused.stderr  # git passes the hooks' output on to stderr
    assert refused.returncode != 0, said
    assert re.search(r"alembic upgrades, matches the models, downgrades.*\.Failed", said), said
    # The reason: the models and the migrated schema differ (pytest-alembic, or alembic check).
    assert (
        "FAILED tests/test_migrations.py::test_model_definitions_match_ddl" in said
        or "New upgrade operations detected: [('add_column', None, 'author'" in said
    ), said
    assert git(owners, "rev-parse", "HEAD").stdout == head  # nothing was committed

    with scratch.database_url(variant, tmp_path, "owner") as url:
        env = clean_env(DATABASE_URL=url)
        in_project(owners, "alembic", "upgrade", "head", env=env)
        in_project(owners, "alembic", "revision", "--autogenerate", "-m", "born", env=env)
    git(owners, "add", "--all")
    accepted = git(owners, "commit", "--quiet", "-m", "Authors are born", check=False)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert git(owners, "status", "--porcelain").stdout == ""
