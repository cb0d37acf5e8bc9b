"""The rendered README's command blocks, run literally and in order, as an owner runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import scratch
from tests.answer_sets import Variant
from tests.commands import clean_env, owners_copy, readme_commands, run


@pytest.mark.engines("aiosqlite", "psycopg", "asyncmy")
def test_the_migration_block_runs_top_to_bottom(
    project: Path, variant: Variant, tmp_path: Path
) -> None:
    """A model changed, then the README's Migrations block: upgrade, autogenerate, upgrade,
    check. SQLite uses the README's own default database file; a server, a scratch database
    named by DATABASE_URL (settings come from the environment, as the README says)."""
    owners = owners_copy(project, tmp_path / "project")
    catalog = owners / "src" / variant.package_name / "models" / "catalog.py"
    text = catalog.read_text()
    assert "    created_at:" in text
    catalog.write_text(
        text.replace("    created_at:", "    born: Mapped[int | None]\n    created_at:", 1)
    )
    commands = readme_commands(owners, "## Migrations")
    assert any("--autogenerate" in command for command in commands), commands

    def run_block(env: dict[str, str]) -> None:
        for command in commands:
            run(["bash", "-c", command], owners, env=env)

    if variant.uses_postgresql or variant.uses_mysql:
        with scratch.database_url(variant, tmp_path, "readme") as url:
            run_block(clean_env(DATABASE_URL=url))
    else:
        run_block(clean_env())  # the README's own default: a file in the project

    (migration,) = (owners / "migrations" / "versions").glob("*_add_publisher.py")
    assert "born" in migration.read_text()
