"""`copier update` on a project its owner has worked on, with the real copier, git, uv and Alembic.

The template is this work tree as a git repository tagged v1.0.0, plus a v1.1.0 that changes what a
template release changes: the conftest, a new rendered file, the README, and the example files that
belong to the project's owner after the first render (which an update must therefore not touch).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.rendering import clean_env, in_project, run
from tests.servers import server_fixture
from tests.template_repo import (
    commit_all,
    conflict_leftovers,
    copier,
    data_args,
    engine_choices,
    files_of,
    git,
    make_template_repo,
    tag,
)

# One worker runs them all while the other renders variants. The fixtures are session-scoped:
# that worker may run other tests in between, and the owner's project is built once.
pytestmark = pytest.mark.xdist_group("update")

PACKAGE = "my_service"

# What the 1.1.0 release adds to the rendered conftest, and a new rendered test that uses it.
RELEASE_FIXTURE = '''

@pytest.fixture
def template_release() -> str:
    """The template release this project was last updated to."""
    return "1.1.0"
'''
RELEASE_TEST = '''"""Added by the template's 1.1.0 release."""


def test_template_release(template_release: str) -> None:
    assert template_release == "1.1.0"
'''
RELEASE_README = "\n## Added in 1.1.0\n\nThe template's 1.1.0 release wrote this section.\n"
RELEASE_EXAMPLE_CHANGE = "\n# The template's 1.1.0 release changed this example.\n"

# The owner's work: a model with a relationship, a README paragraph, a setting.
OWNER_MODEL = '''

class Review(Base):
    """A reader's review of a book: added by the project's owner."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    stars: Mapped[int]
    book_id: Mapped[int] = mapped_column(ForeignKey("book.id", ondelete="CASCADE"), index=True)

    book: Mapped[Book] = relationship(lazy="raise")
'''
OWNER_FIXTURE = """

@pytest.fixture
def team() -> str:
    return "catalogue"
"""
OWNER_README = "Run by the catalogue team; questions go to #catalogue."
OWNER_SETTING = "sqlite_busy_timeout_ms: int = 10000"

# Paths relative to the project: what the owner deletes, and what belongs to the owner.
DELETED_EXAMPLES = (f"src/{PACKAGE}/services.py", "tests/test_services.py")
OWNER_OWNED = (
    f"src/{PACKAGE}/models/__init__.py",
    f"src/{PACKAGE}/models/catalog.py",
    f"src/{PACKAGE}/services.py",
    "tests/test_services.py",
    "tests/test_loading.py",
)


def release_1_1_0(template: Path) -> None:
    """Change the template as a release would, then commit and tag it."""
    sources = template / "template"
    with (sources / "tests" / "conftest.py.jinja").open("a") as conftest:
        conftest.write(RELEASE_FIXTURE)
    (sources / "tests" / "test_template_release.py").write_text(RELEASE_TEST)
    with (sources / "README.md.jinja").open("a") as readme:
        readme.write(RELEASE_README)
    examples = [
        *(sources / "src" / "{{package_name}}" / "models").iterdir(),
        sources / "src" / "{{package_name}}" / "services.py.jinja",
        *(sources / "migrations" / "versions").iterdir(),
    ]
    for example in examples:
        with example.open("a") as file:
            file.write(RELEASE_EXAMPLE_CHANGE)
    commit_all(template, "Release 1.1.0")
    tag(template, "v1.1.0")


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template repository, tagged v1.0.0 and v1.1.0."""
    repo = make_template_repo(tmp_path_factory.mktemp("template"))
    tag(repo, "v1.0.0")
    release_1_1_0(repo)
    return repo


def render(template: Path, destination: Path, **answers: str) -> Path:
    """`copier copy` of v1.0.0 (SQLite unless told), then the owner's first commit."""
    answers = {"project_name": "My Service", "engine": "aiosqlite", **answers}
    copier(
        destination.parent,
        *("copy", "--trust", "--defaults", "--vcs-ref", "v1.0.0", *data_args(**answers)),
        *(str(template), str(destination)),
    )
    commit_all(destination, "First render")
    return destination


def update(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`copier update` without questions: `--defaults` keeps every recorded answer not given."""
    return copier(project, "update", "--trust", "--defaults", *args, check=check)


def changed_paths(project: Path) -> set[str]:
    status = git(project, "status", "--porcelain", "--untracked-files=all").stdout
    return {line[3:] for line in status.splitlines()}


def snapshot(project: Path) -> dict[str, bytes]:
    return {str(path.relative_to(project)): path.read_bytes() for path in files_of(project)}


def is_owner_owned(path: str) -> bool:
    return path in OWNER_OWNED or path.startswith("migrations/versions/")


def passed_summary(result: subprocess.CompletedProcess[str]) -> str:
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary), summary
    assert not re.search(r"failed|error|skipped|xfail|xpass|warning", summary), summary
    return summary


# ---------------------------------------------------------------------------------------------
# An owner's project, updated from 1.0.0 to 1.1.0
# ---------------------------------------------------------------------------------------------


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
    before = set(versions.iterdir())
    in_project(project, "alembic", "upgrade", "head", env=env)
    in_project(project, "alembic", "revision", "--autogenerate", "-m", "add review", env=env)
    (migration,) = set(versions.iterdir()) - before
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
    kept = [p for p in (*OWNER_OWNED, owner_migration) if (project / p).exists()]
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
    assert (
        "class Review(Base):" in (project / "src" / PACKAGE / "models" / "catalog.py").read_text()
    )
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
    result = in_project(project, "pytest", "-W", "error", "-p", "no:cacheprovider", "-v")
    passed_summary(result)
    assert "tests/test_template_release.py::test_template_release PASSED" in result.stdout
    in_project(project, "ruff", "check", "--no-cache", ".")
    in_project(project, "ruff", "format", "--no-cache", "--check", ".")


# ---------------------------------------------------------------------------------------------
# Conflicts, and a dirty tree
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Changing an answer
# ---------------------------------------------------------------------------------------------


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


OTHER_ENGINES = [engine for engine in engine_choices() if engine != "aiosqlite"]


# While copier.yml offers aiosqlite only, this collects no case (pytest reports the empty set).
@pytest.mark.parametrize("engine", OTHER_ENGINES)
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
    expected = {path: text for path, text in snapshot(fresh).items() if not is_owner_owned(path)}
    expected.update({path: text for path, text in original.items() if is_owner_owned(path)})
    expected.pop("uv.lock")
    assert sorted(updated) == sorted(expected)
    assert [path for path in updated if updated[path] != expected[path]] == []

    run(["uv", "lock", "--quiet"], project)
    run(["uv", "sync", "--locked", "--quiet"], project)
    passed_summary(in_project(project, "pytest", "-W", "error", "-p", "no:cacheprovider"))
