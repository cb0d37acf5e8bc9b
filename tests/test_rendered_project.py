"""Every answer set renders clean text; every installed set installs and passes its own tests,
lint, types, pre-commit and the Alembic CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests import mysql, postgres, scratch
from tests.answer_sets import Variant
from tests.commands import (
    assert_all_passed,
    clean_env,
    in_project,
    pre_commit_results,
    run,
    tool,
)
from tests.copier_cli import files_of
from tests.readme_run import COMPLIANCE_SUITE, ReadmeRun
from tests.workflow_lint import assert_workflow_is_clean

JINJA_LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
# GitHub Actions' own expression syntax, which a rendered workflow may hold (rendered from raw).
GITHUB_EXPRESSION = re.compile(r"\$\{\{ [^{}]* \}\}")


@pytest.mark.rendered_text
def test_answers_file_records_every_answer(project: Path, variant: Variant) -> None:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["engine"] == variant.engine
    # Asked for PostgreSQL only, yet recorded for every engine (copier.yml says why).
    assert answers["pgbouncer"] is variant.answers.get("pgbouncer", False)
    assert answers["package_name"] == variant.package_name
    assert "_commit" in answers
    assert "_src_path" in answers


@pytest.mark.rendered_text
def test_no_template_leftovers(project: Path) -> None:
    files = files_of(project)
    assert not [p for p in files if p.suffix == ".jinja"]
    offenders = []
    for path in files:
        if path.name == "uv.lock":
            continue
        text = path.read_text()
        if not text:
            continue  # an empty marker file (py.typed, __init__.py)
        if path.parent.name == "workflows":
            text = GITHUB_EXPRESSION.sub("", text)
        if JINJA_LEFTOVER.search(text):
            offenders.append(f"{path}: Jinja syntax")
        if "\n\n\n\n" in text or text.startswith("\n") or not text.endswith("\n"):
            offenders.append(f"{path}: blank-line noise")
    assert not offenders, "\n".join(offenders)


# Words that belong to one engine only, and may appear in no other engine's project.
ENGINE_WORDS = {
    "aiosqlite": re.compile(r"postgres|asyncpg|psycopg|pgbouncer|mysql|mariadb", re.IGNORECASE),
    "asyncpg": re.compile(r"sqlite|psycopg|mysql|mariadb", re.IGNORECASE),
    "psycopg": re.compile(r"sqlite|asyncpg|mysql|mariadb", re.IGNORECASE),
    # The dialect speaks SQLite's SQL through sqlite3: no aiosqlite URL, dependency or import
    # (its docstrings may point at SQLAlchemy's aiosqlite dialect, the model it follows).
    "dialect": re.compile(
        r"sqlite\+aiosqlite|\[aiosqlite\]|import aiosqlite|postgres|asyncpg|psycopg|pgbouncer"
        r"|mysql|mariadb",
        re.IGNORECASE,
    ),
    "asyncmy": re.compile(r"sqlite|postgres|asyncpg|psycopg|pgbouncer|aiomysql", re.IGNORECASE),
}
PGBOUNCER_ONLY = re.compile(r"pgbouncer|SET LOCAL|prepared_statement", re.IGNORECASE)


@pytest.mark.rendered_text
def test_reads_as_written_for_its_engine_alone(project: Path, variant: Variant) -> None:
    offenders = []
    for path in files_of(project):
        # uv.lock lists what is installed, and the answers file records every answer.
        if path.name in {"uv.lock", ".copier-answers.yml"}:
            continue
        text = path.read_text()
        if match := ENGINE_WORDS[variant.engine].search(text):
            offenders.append(f"{path.relative_to(project)}: {match.group()!r}")
        pooled = variant.uses_postgresql and not variant.answers.get("pgbouncer")
        if pooled and (match := PGBOUNCER_ONLY.search(text)):
            offenders.append(f"{path.relative_to(project)}: {match.group()!r}")
    assert not offenders, "\n".join(offenders)


# This repository's ruff: the text-only sets are not installed. The project's own ruff runs in
# test_pre_commit_hooks_pass.
@pytest.mark.rendered_text
def test_ruff_check_passes_as_rendered(project: Path) -> None:
    run([tool("ruff"), "check", "--no-cache", "."], project)


@pytest.mark.rendered_text
def test_ruff_format_changes_nothing(project: Path) -> None:
    run([tool("ruff"), "format", "--no-cache", "--check", "."], project)


def test_mypy_strict_passes(project: Path) -> None:
    in_project(project, "mypy")


def assert_no_test_database_left(variant: Variant) -> None:
    """The rendered conftest names its databases `<package>_test_...` and drops them all."""
    prefix = f"{variant.package_name[:30]}_test_"
    if variant.uses_postgresql:
        server = clean_env()["TEST_DATABASE_URL"]
        assert postgres.databases_starting_with(server, prefix) == []
    if variant.uses_mysql:
        server = clean_env()["TEST_DATABASE_URL"]
        assert mysql.databases_starting_with(server, prefix) == []


# The README's `uv run pytest`, on two workers (tests/readme_run.py): the rendered pyproject sets
# `filterwarnings = error`, and the summary may name no warning or skip.
def test_own_test_suite_passes_on_two_workers(readme_run: ReadmeRun, variant: Variant) -> None:
    assert_all_passed(readme_run.result("uv run pytest").stdout)
    assert_no_test_database_left(variant)


@pytest.mark.databases("postgresql", "mysql")
def test_a_failed_run_leaves_no_database_behind(project: Path, variant: Variant) -> None:
    failing = project / "tests" / "test_failing_on_purpose.py"
    failing.write_text(
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
        "async def test_fails(session: AsyncSession) -> None:\n"
        "    raise AssertionError('on purpose')\n"
    )
    try:
        result = in_project(
            project,
            "pytest",
            "-n",
            "2",
            "-p",
            "no:cacheprovider",
            "tests/test_failing_on_purpose.py",
            "tests/test_migrations.py",
            check=False,
        )
    finally:
        failing.unlink()
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout, result.stdout
    assert_no_test_database_left(variant)


@pytest.mark.rendered_text
@pytest.mark.databases("postgresql")
def test_compose_file_runs_postgres_with_a_health_check(project: Path) -> None:
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    service = compose["services"]["postgres"]
    assert service["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(service["healthcheck"]["test"])
    assert "127.0.0.1:5432:5432" in service["ports"]
    schema = ["--builtin-schema", "vendor.compose-spec", "compose.yaml"]
    run([tool("check-jsonschema"), *schema], project)


@pytest.mark.databases("mysql")
def test_compose_file_runs_mariadb_with_a_health_check(project: Path) -> None:
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    service = compose["services"]["mariadb"]
    assert service["image"].startswith("mariadb:")
    assert "healthcheck.sh" in service["healthcheck"]["test"]
    assert "127.0.0.1:3306:3306" in service["ports"]
    schema = ["--builtin-schema", "vendor.compose-spec", "compose.yaml"]
    run([tool("check-jsonschema"), *schema], project)


def test_alembic_cli_upgrades_downgrades_and_prints_offline_sql(
    project: Path, variant: Variant, tmp_path: Path
) -> None:
    """The async CLI path both ways, and offline. `alembic check` is the README run's: its
    Migrations block runs it literally, after the owner's model change and migration."""
    with scratch.database_url(variant, tmp_path, "cli") as url:
        env = clean_env(DATABASE_URL=url)
        upgraded = in_project(project, "alembic", "upgrade", "head", env=env)
        # MySQL and MariaDB name every primary key PRIMARY and warn, per table, about any other
        # name.
        assert "ignored for PRIMARY key" not in upgraded.stdout + upgraded.stderr, upgraded.stderr
        in_project(project, "alembic", "downgrade", "base", env=env)
        offline = in_project(project, "alembic", "upgrade", "head", "--sql", env=env)
    assert "CREATE TABLE author" in offline.stdout


def test_pre_commit_hooks_pass(readme_run: ReadmeRun) -> None:
    """The README's `pre-commit run --all-files`, after its model change and migration: each
    hook checked files (only the `*.rej` guard has none to look at) and passed."""
    hooks = readme_run.result("uv run pre-commit run --all-files")
    results = pre_commit_results(hooks.stdout)
    assert results.pop("no *.rej files left by copier update") == "no files", hooks.stdout
    assert set(results) >= {"ruff check", "ruff format", "mypy (strict)"}, hooks.stdout
    assert set(results.values()) == {"Passed"}, hooks.stdout


@pytest.mark.rendered_text
def test_ci_workflow_is_valid_and_audited(project: Path) -> None:
    assert_workflow_is_clean(project / ".github" / "workflows" / "ci.yml")


# The dialect is the same whatever the framework: its compliance suite runs once.
@pytest.mark.engines("dialect")
@pytest.mark.frameworks("none")
def test_dialect_compliance_suite_passes(project: Path, readme_run: ReadmeRun) -> None:
    """SQLAlchemy's own dialect compliance suite, by the command the rendered README gives (its
    README run: tests/readme_run.py)."""
    result = readme_run.result(COMPLIANCE_SUITE)
    summary = result.stdout.strip().splitlines()[-1]
    assert not re.search(r"failed|error", summary), summary
    # The counts the rendered README states are the counts the suite gives.
    claimed = re.search(
        r"As rendered: (\d+) passed, (\d+) skipped", (project / "README.md").read_text()
    )
    assert claimed, "the rendered README states no compliance counts"
    assert f"{claimed[1]} passed, {claimed[2]} skipped" in summary, summary
