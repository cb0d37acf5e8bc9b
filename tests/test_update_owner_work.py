"""`copier update` from 1.0.0 to 1.1.0 on a project its owner has worked on, with the real copier,
git, uv and Alembic; and the updates that must stop or leave a conflict for the owner."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.commands import assert_all_passed, clean_env, in_project, run
from tests.copier_cli import commit_all, conflict_leftovers, files_of, git
from tests.template_config import copier_config, is_owner_owned, owner_owned_paths
from tests.updates import (
    OWNER_MODEL,
    PACKAGE,
    RELEASE_EXAMPLE_CHANGE,
    RELEASE_FIXTURE,
    RELEASE_README,
    RELEASE_TEST,
    changed_paths,
    render,
    snapshot,
    update,
)

# One worker runs the update tests while the other renders answer sets; the fixtures are
# session-scoped, so the owner's project is built once.
pytestmark = pytest.mark.xdist_group("update")

# The owner's work: a model with a relationship (OWNER_MODEL), a README paragraph, a setting.
OWNER_FIXTURE = """

@pytest.fixture
def team() -> str:
    return "catalogue"
"""
OWNER_README = "Run by the catalogue team; questions go to #catalogue."
OWNER_SETTING = "sqlite_busy_timeout_ms: int = 10000"

DELETED_EXAMPLES = (f"src/{PACKAGE}/services.py", "tests/test_services.py")


def test_update_excludes_exactly_what_the_owner_owns() -> None:
    """copier.yml lists the owner's paths twice: `_exclude` (update), `_skip_if_exists` (recopy)."""
    excluded = [
        re.sub(r"\{%.*?%\}", "", str(entry)).replace("{{ package_name }}", PACKAGE)
        for entry in copier_config()["_exclude"]
        if "_copier_operation == 'update'" in str(entry)
    ]
    assert excluded == owner_owned_paths(PACKAGE)


@dataclass(frozen=True)
class OwnersUpdate:
    project: Path
    committed: dict[str, str]  # the owner's last commit, path -> text, for the owner-owned files
    owner_migration: str  # its path


def do_owners_work(project: Path, database: Path) -> str:
    """What the owner does after the first render; returns the path of the migration made."""
    models = project / "src" / PACKAGE / "models" / "catalog.py"
    models.write_text(models.read_text() + OWNER_MODEL)

    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    versions = project / "migrations" / "versions"
    before = set(versions.glob("*.py"))
    in_project(project, "alembic", "upgrade", "head", env=env)
    in_project(project, "alembic", "revision", "--autogenerate", "-m", "add review", env=env)
    (migration,) = set(versions.glob("*.py")) - before  # not __pycache__ (bytecode is written)
    assert 'op.create_table(\n        "review"' in migration.read_text()

    readme = project / "README.md"
    title, rest = readme.read_text().split("\n", 1)
    readme.write_text(f"{title}\n\n{OWNER_README}\n{rest}")

    settings = project / "src" / PACKAGE / "settings.py"
    text, count = re.subn(r"sqlite_busy_timeout_ms: int = \d+", OWNER_SETTING, settings.read_text())
    assert count == 1, "the owner's setting to change is no longer in settings.py"
    settings.write_text(text)

    for example in DELETED_EXAMPLES:
        (project / example).unlink()
    commit_all(project, "Reviews; README and settings; no example service")
    return str(migration.relative_to(project))


@pytest.fixture(scope="session")
def owners_update(template: Path, tmp_path_factory: pytest.TempPathFactory) -> OwnersUpdate:
    workspace = tmp_path_factory.mktemp("owner")
    project = render(template, workspace / "project")
    run(["uv", "sync", "--locked", "--quiet"], project)
    owner_migration = do_owners_work(project, workspace / "owner.db")
    # Every file that belongs to the owner (copier.yml's `_skip_if_exists`), as last committed.
    owned = (str(p.relative_to(project)) for p in files_of(project))
    kept = [p for p in owned if is_owner_owned(p, PACKAGE)]
    assert owner_migration in kept
    committed = {path: (project / path).read_text() for path in kept}

    result = update(project)
    assert "Updating to template version 1.1.0" in result.stderr, result.stderr
    return OwnersUpdate(project, committed, owner_migration)


def test_update_changes_only_what_the_template_changed(owners_update: OwnersUpdate) -> None:
    assert changed_paths(owners_update.project) == {
        ".copier-answers.yml",
        "README.md",
        "tests/conftest.py",
        "tests/test_template_release.py",
    }


def test_template_changes_arrive(owners_update: OwnersUpdate) -> None:
    project = owners_update.project
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v1.1.0"
    assert (project / "tests" / "conftest.py").read_text().endswith(RELEASE_FIXTURE)
    assert (project / "tests" / "test_template_release.py").read_text() == RELEASE_TEST
    assert (project / "README.md").read_text().endswith(RELEASE_README)


def test_owner_model_and_migrations_survive(owners_update: OwnersUpdate) -> None:
    project = owners_update.project
    assert owners_update.owner_migration in owners_update.committed
    for path, text in owners_update.committed.items():
        assert (project / path).read_text() == text, f"{path} was changed by the update"
    models = project / "src" / PACKAGE / "models" / "catalog.py"
    assert "class Review(Base):" in models.read_text()
    example_migrations = (project / "migrations" / "versions").glob("*initial*.py")
    assert not any(RELEASE_EXAMPLE_CHANGE in m.read_text() for m in example_migrations)


def test_owner_edits_to_template_files_are_merged(owners_update: OwnersUpdate) -> None:
    project = owners_update.project
    readme = (project / "README.md").read_text()
    assert OWNER_README in readme
    assert RELEASE_README in readme
    assert OWNER_SETTING in (project / "src" / PACKAGE / "settings.py").read_text()


def test_deleted_examples_stay_deleted(owners_update: OwnersUpdate) -> None:
    for example in DELETED_EXAMPLES:
        assert not (owners_update.project / example).exists(), f"{example} came back"


def test_no_rej_file_and_no_conflict_marker(owners_update: OwnersUpdate) -> None:
    assert conflict_leftovers(owners_update.project) == []


def test_updated_project_passes_its_own_tests(owners_update: OwnersUpdate) -> None:
    project = owners_update.project
    run(["uv", "sync", "--locked", "--quiet"], project)
    result = in_project(project, "pytest", "-p", "no:cacheprovider", "-v")
    assert_all_passed(result.stdout)
    assert "tests/test_template_release.py::test_template_release PASSED" in result.stdout
    in_project(project, "ruff", "check", "--no-cache", ".")
    in_project(project, "ruff", "format", "--no-cache", "--check", ".")


def test_conflicting_edit_is_left_inline_for_pre_commit_to_reject(
    template: Path, tmp_path: Path
) -> None:
    project = render(template, tmp_path / "project")
    conftest = project / "tests" / "conftest.py"
    # The owner adds a fixture where the 1.1.0 release adds one: the same lines change twice.
    conftest.write_text(conftest.read_text() + OWNER_FIXTURE)
    commit_all(project, "A fixture of our own")

    update(project)

    text = conftest.read_text()
    assert "<<<<<<< before updating" in text
    assert ">>>>>>> after updating" in text
    assert 'return "catalogue"' in text  # both sides kept, for the owner to choose
    assert 'return "1.1.0"' in text
    assert not [p for p in files_of(project) if p.suffix == ".rej"]
    assert "tests/conftest.py" in git(project, "ls-files", "--unmerged").stdout

    run(["uv", "sync", "--locked", "--quiet"], project)
    hooks = in_project(
        project, "pre-commit", "run", "check-merge-conflict", "--all-files", check=False
    )
    assert hooks.returncode != 0
    assert re.search(r"tests/conftest\.py:\d+: Merge conflict string '<<<<<<<'", hooks.stdout)


def test_update_on_a_dirty_tree_stops_and_changes_nothing(template: Path, tmp_path: Path) -> None:
    project = render(template, tmp_path / "project")
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nNot committed yet.\n")
    before = snapshot(project)
    status = git(project, "status", "--porcelain").stdout

    result = update(project, check=False)

    assert result.returncode != 0
    assert "Destination repository is dirty; cannot continue." in result.stderr, result.stderr
    assert snapshot(project) == before
    assert git(project, "status", "--porcelain").stdout == status
