"""The rendered template-update workflow: its script, run as the workflow runs it (the real copier
and uv on PATH), proposes a newer release with both versions named and every conflict listed,
proposes nothing when there is nothing newer, and never passes a failed update off as one."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.commands import run
from tests.copier_cli import (
    commit_all,
    copy_release,
    git,
    make_template_repo,
    tag,
)
from tests.template_config import TEMPLATE_ROOT
from tests.updates import WORKFLOW, propose, release_1_1_0, workflow_step
from tests.workflow_lint import assert_workflow_is_clean

pytestmark = pytest.mark.xdist_group("update")

# What the 1.1.0 release changes in the dependencies: `uv lock` must bring it into uv.lock.
RELEASE_DEPENDENCY = "pytest-timeout"
MIGRATION_1_1_0 = """import sys

print("migration 1.1.0: renamed the thing.", file=sys.stderr)
print("migration 1.1.0: left to you:\\n  - check the thing", file=sys.stderr)
"""
# The release's entry, first in copier.yml's `_migrations` list.
MIGRATION_ENTRY = """
_migrations:
  - version: "1.1.0"
    command: ["{{ _copier_python }}", "{{ _copier_conf.src_path }}/hooks/migrate_1_1_0.py"]
"""
OWNER_FIXTURE = """

@pytest.fixture
def team() -> str:
    return "catalogue"
"""


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This work tree as a template repository tagged v1.0.0, and a v1.1.0 (tests/updates.py)
    that also adds a dev dependency."""
    repo = make_template_repo(tmp_path_factory.mktemp("template"))
    tag(repo, "v1.0.0")
    pyproject = repo / "template" / "pyproject.toml.jinja"
    anchor = '    "pytest-xdist>=3.8",\n'
    assert anchor in pyproject.read_text()
    added = f'{anchor}    "{RELEASE_DEPENDENCY}>=2.3",\n'
    pyproject.write_text(pyproject.read_text().replace(anchor, added))
    # A migration of the release, printing what it did and left, as the template's own do.
    (repo / "hooks" / "migrate_1_1_0.py").write_text(MIGRATION_1_1_0)
    config = repo / "copier.yml"
    assert config.read_text().count("\n_migrations:\n") == 1
    config.write_text(config.read_text().replace("\n_migrations:\n", MIGRATION_ENTRY))
    release_1_1_0(repo)  # commits the dependency with the rest of the release, tags v1.1.0
    return repo


def render(template: Path, destination: Path, release: str) -> Path:
    """`copier copy` of a release, committed as an owner would (unless the render committed)."""
    copy_release(template, destination, release, project_name="My Service", engine="aiosqlite")
    if git(destination, "status", "--porcelain").stdout:
        commit_all(destination, "First render")
    return destination


@pytest.fixture(scope="module")
def first_render(releases: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project rendered from v1.0.0, once: each test works on a copy."""
    return render(releases, tmp_path_factory.mktemp("first-render") / "project", "v1.0.0")


@pytest.fixture
def project(first_render: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(first_render, tmp_path / "project", symlinks=True))


def recorded_release(project: Path) -> str:
    return str(yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"])


def test_a_newer_release_is_proposed_relocked_and_named(project: Path, tmp_path: Path) -> None:
    assert f'name = "{RELEASE_DEPENDENCY}"' not in (project / "uv.lock").read_text()

    result, proposal, outputs = propose(project, tmp_path / "runner")

    assert result.returncode == 0, result.stderr
    assert outputs == "proposed=true\n"
    assert recorded_release(project) == "v1.1.0"
    assert f'name = "{RELEASE_DEPENDENCY}"' in (project / "uv.lock").read_text()
    run(["uv", "lock", "--check"], project)
    title = (proposal / "title").read_text()
    body = (proposal / "body").read_text()
    assert title == "Update from the template: v1.0.0 → v1.1.0\n"
    assert "**v1.1.0**" in body
    assert "**v1.0.0**" in body
    assert "`uv lock` refreshed `uv.lock`" in body
    assert "No conflicts" in body
    assert "conflicted" not in body
    assert git(project, "ls-files", "--unmerged").stdout == ""
    # What the release's migration printed reaches the owner in the pull request, verbatim.
    assert (
        "## What the release's migrations did, and what is left to you\n\n```text\n"
        "migration 1.1.0: renamed the thing.\n"
        "migration 1.1.0: left to you:\n  - check the thing\n```\n"
    ) in body


def test_a_conflicted_file_is_named_with_what_to_do(project: Path, tmp_path: Path) -> None:
    conftest = project / "tests" / "conftest.py"
    # The owner adds a fixture where the 1.1.0 release adds one: the same lines change twice.
    conftest.write_text(conftest.read_text() + OWNER_FIXTURE)
    commit_all(project, "A fixture of our own")

    result, proposal, outputs = propose(project, tmp_path / "runner")

    assert result.returncode == 0, result.stderr
    assert recorded_release(project) == "v1.1.0"
    assert outputs == "proposed=true\n"
    body = (proposal / "body").read_text()
    assert "## 1 conflicted file\n" in body
    item = r"^- \[ \] `tests/conftest\.py`: resolve the markers .*, then commit\.$"
    assert re.search(item, body, re.MULTILINE), body
    assert "No conflicts" not in body
    assert "<<<<<<< before updating" in conftest.read_text()


def test_no_newer_release_proposes_nothing(releases: Path, tmp_path: Path) -> None:
    project = render(releases, tmp_path / "project", "v1.1.0")

    result, proposal, outputs = propose(project, tmp_path / "runner")

    assert result.returncode == 0, result.stderr
    assert "v1.1.0 is the template's newest release; nothing to propose." in result.stdout
    assert outputs == "proposed=false\n"
    assert not proposal.exists()  # the workflow opens a pull request only when there is one
    assert git(project, "status", "--porcelain").stdout == ""


def test_a_failed_update_fails_and_proposes_nothing(project: Path, tmp_path: Path) -> None:
    (project / "README.md").write_text("Not committed yet.\n")  # copier refuses a dirty tree

    result, proposal, outputs = propose(project, tmp_path / "runner")

    assert result.returncode != 0
    assert "Destination repository is dirty" in result.stderr
    assert "`copier update` failed (exit 1" in result.stderr
    assert outputs == ""
    assert not proposal.exists()
    assert recorded_release(project) == "v1.0.0"


def test_the_workflow_is_clean_and_installs_the_copier_this_repository_pins(
    first_render: Path,
) -> None:
    project = first_render
    assert_workflow_is_clean(project / WORKFLOW)
    dev = tomllib.loads((TEMPLATE_ROOT / "pyproject.toml").read_text())["dependency-groups"]["dev"]
    (pinned,) = [d for d in dev if d.startswith("copier==")]
    assert f"uv tool install {pinned}\n" in workflow_step(project, "Install uv and copier")
