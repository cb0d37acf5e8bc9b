"""The template's releases: `scripts/release.py` tags them in a clone of this repository with its
history, copier and `copier check-update` read those tags, and the release workflow passes the
checks every workflow passes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.commands import clean_env, run
from tests.copier_cli import GIT_IDENTITY, copier, data_args, git
from tests.template_config import TEMPLATE_ROOT
from tests.workflow_lint import assert_workflow_is_clean

pytestmark = pytest.mark.xdist_group("release")

# Released before the template had tags; CHANGELOG.md records their commits.
BACKFILLED = {
    "v0.1.0": "00b878f694741a465d926da96ef01747061de859",
    "v0.2.0": "a9b3ee7f531c9fc333860c6eb6ed7f6a33732625",
}
VERSION = tomllib.loads((TEMPLATE_ROOT / "pyproject.toml").read_text())["project"]["version"]
RELEASE_HEADING = re.compile(r"^## \[(\d+\.\d+\.\d+)\]", re.MULTILINE)


def release(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The clone's own `scripts/release.py`, as the workflow runs it (exit code not checked)."""
    return run(
        [sys.executable, "scripts/release.py", *args],
        repo,
        check=False,
        env=clean_env(**GIT_IDENTITY),
    )


def tags(repo: Path) -> dict[str, str]:
    """Each tag and the commit it points to."""
    listed = git(repo, "tag", "--list", "--format=%(refname:short) %(*objectname)%(objectname)")
    # An annotated tag gives its commit (`*objectname`) then its own id: keep the commit.
    return {name: ids[:40] for name, ids in (line.split() for line in listed.stdout.splitlines())}


def work_tree_files() -> list[str]:
    """This work tree's files, uncommitted changes included, ignored files not (as
    `tests.copier_cli.make_template_repo` lists them)."""
    listed = run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], TEMPLATE_ROOT
    )
    return [name for name in listed.stdout.split("\0") if name and (TEMPLATE_ROOT / name).is_file()]


@dataclass(frozen=True)
class Tagged:
    repo: Path
    head: str
    first_run: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Tagged:
    """A clone of this repository with its history and no tags, this work tree committed on top,
    after one `scripts/release.py tag`."""
    repo = tmp_path_factory.mktemp("release") / "template"
    git(repo.parent, "clone", "--quiet", str(TEMPLATE_ROOT), str(repo))
    absent = [
        f"{name} ({commit})"
        for name, commit in BACKFILLED.items()
        if git(repo, "cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode != 0
    ]
    if absent:
        pytest.fail(
            f"{TEMPLATE_ROOT}'s history lacks the commits CHANGELOG.md records for "
            f"{', '.join(absent)}: a shallow clone? Run `git fetch --unshallow` there "
            "(in GitHub Actions: actions/checkout with fetch-depth: 0)."
        )
    for name in tags(repo):  # a scratch clone as if never released, whatever the source has
        git(repo, "tag", "--delete", name)
    git(repo, "rm", "-r", "--quiet", ".")
    for name in work_tree_files():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE_ROOT / name, repo / name)
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--no-verify", "--allow-empty", "--message", "work tree")
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    return Tagged(repo, head, release(repo, "tag"))


def test_tag_makes_the_backfilled_releases_and_the_current_one_once(tagged: Tagged) -> None:
    assert tagged.first_run.returncode == 0, tagged.first_run.stderr
    made = dict(line.split() for line in tagged.first_run.stdout.splitlines())
    expected = {**BACKFILLED, f"v{VERSION}": tagged.head}
    assert {name: made.get(name) for name in expected} == expected
    # One tag for each release CHANGELOG.md has, and what it printed is what git has.
    changelog = (tagged.repo / "CHANGELOG.md").read_text()
    assert sorted(made) == sorted(f"v{v}" for v in RELEASE_HEADING.findall(changelog))
    assert tags(tagged.repo) == made
    # Annotated, with the changelog section as the message.
    tag = f"v{VERSION}"
    assert git(tagged.repo, "cat-file", "-t", tag).stdout.strip() == "tag"
    message = git(tagged.repo, "tag", "--list", "--format=%(contents)", tag).stdout
    notes = release(tagged.repo, "notes", VERSION)
    assert notes.returncode == 0, notes.stderr
    assert message.startswith(f"## [{VERSION}] - ")
    assert message.split("\n", 2)[2].strip() == notes.stdout.strip() != ""

    again = release(tagged.repo, "tag")
    assert (again.returncode, again.stdout) == (0, ""), again.stderr
    assert tags(tagged.repo) == made


@pytest.fixture
def clone(tagged: Tagged, tmp_path: Path) -> Path:
    """A clone of the tagged clone (its tags with it), to change without touching the shared one."""
    repo = tmp_path / "template"
    git(tmp_path, "clone", "--quiet", str(tagged.repo), str(repo))
    return repo


def bump(repo: Path, version: str, section: str | None = None) -> None:
    """Set pyproject.toml's version; put `section` in CHANGELOG.md after `## [Unreleased]` and
    what it holds, before the newest release."""
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(
        re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', pyproject.read_text(), count=1)
    )
    if section is not None:
        changelog = repo / "CHANGELOG.md"
        text = changelog.read_text()
        newest = re.search(r"(?m)^## \[\d", text)
        assert newest, "CHANGELOG.md has no release"
        changelog.write_text(f"{text[: newest.start()]}{section}{text[newest.start() :]}")


@pytest.mark.parametrize(
    ("version", "section", "message"),
    [
        pytest.param(
            "0.4.0",
            None,
            "pyproject.toml says 0.4.0 but CHANGELOG.md has no `## [0.4.0] - YYYY-MM-DD` "
            "section: add one describing the release.",
            id="no-section",
        ),
        pytest.param(
            "0.4.0",
            "## [0.4.0]\n\n### Added\n\n- A release notes line.\n\n",
            "CHANGELOG.md: `## [0.4.0]` has no release date: write it as "
            "`## [0.4.0] - YYYY-MM-DD`.",
            id="no-date",
        ),
        pytest.param(
            "0.4.0",
            "## [0.4.0] - 2026-12-10\n\n### Added\n\n",
            "CHANGELOG.md: the section of 0.4.0 is empty",
            id="no-content",
        ),
        pytest.param(
            "0.4",
            "## [0.4] - 2026-12-10\n\n- A release notes line.\n\n",
            'pyproject.toml says version = "0.4": a release is X.Y.Z',
            id="not-x.y.z",
        ),
    ],
)
def test_a_release_not_ready_is_refused_and_nothing_tagged(
    clone: Path, version: str, section: str | None, message: str
) -> None:
    before = tags(clone)
    bump(clone, version, section)
    for command in ("check", "tag"):
        refused = release(clone, command)
        assert refused.returncode != 0, f"`{command}` accepted:\n{refused.stdout}"
        assert message in refused.stderr
        assert refused.stdout == ""
    assert tags(clone) == before


# A section as maintainers write them: subsections, a code span, and what owners must do.
NEXT_SECTION = """## [0.4.0] - 2026-12-10

### Changed

- The engine module is `db/engine.py`.

### Action needed

- Run `uv lock && uv sync` after updating.
"""
# Keep a Changelog ends the file with link definitions: no release's notes include them.
LINKS = (
    "\n[0.4.0]: https://example.com/compare/v0.3.0...v0.4.0\n[0.1.0]: https://example.com/v0.1.0\n"
)


def test_the_next_release_is_tagged_at_head_with_its_section(clone: Path) -> None:
    bump(clone, "0.4.0", NEXT_SECTION + "\n")
    with (clone / "CHANGELOG.md").open("a") as changelog:
        changelog.write(LINKS)
    ready = release(clone, "check")
    assert (ready.returncode, ready.stdout) == (0, "0.4.0 is ready to release.\n"), ready.stderr
    git(clone, "commit", "--quiet", "--all", "--message", "Release 0.4.0")
    head = git(clone, "rev-parse", "HEAD").stdout.strip()

    made = release(clone, "tag")
    assert (made.returncode, made.stdout) == (0, f"v0.4.0 {head}\n"), made.stderr
    # The `###` lines survive: git's default cleanup would drop them as comments.
    message = git(clone, "tag", "--list", "--format=%(contents)", "v0.4.0").stdout
    assert message.rstrip() == NEXT_SECTION.rstrip()
    assert release(clone, "notes", "0.4.0").stdout == NEXT_SECTION.split("\n\n", 1)[1]
    oldest = release(clone, "notes", "0.1.0").stdout
    assert BACKFILLED["v0.1.0"] in oldest
    assert "example.com" not in oldest


def test_this_work_tree_is_ready_to_release() -> None:
    """pyproject.toml's version has its CHANGELOG.md section: a bump without one fails here,
    before it reaches main."""
    ready = run([sys.executable, "scripts/release.py", "check"], TEMPLATE_ROOT, check=False)
    assert ready.returncode == 0, ready.stderr


def test_a_release_whose_tag_was_never_made_is_tagged_where_its_version_was_set(
    clone: Path,
) -> None:
    """A failed workflow run left v{VERSION} untagged, and the next release was merged."""
    git(clone, "tag", "--delete", f"v{VERSION}")
    bump(clone, "9.0.0", "## [9.0.0] - 2026-12-10\n\n- A release notes line.\n\n")
    git(clone, "commit", "--quiet", "--all", "--message", "Release 9.0.0")
    head = git(clone, "rev-parse", "HEAD").stdout.strip()

    # The first commit on the branch whose pyproject.toml line says the version.
    set_at = git(
        clone,
        "log",
        "--first-parent",
        "--reverse",
        "--format=%H",
        "-S",
        f'version = "{VERSION}"',
        "--",
        "pyproject.toml",
    ).stdout.split()[0]

    made = release(clone, "tag")
    assert made.returncode == 0, made.stderr
    assert made.stdout == f"v{VERSION} {set_at}\nv9.0.0 {head}\n"


def test_copier_copy_renders_the_newest_release(tagged: Tagged, tmp_path: Path) -> None:
    project = tmp_path / "project"
    answers = data_args(project_name="My Service")
    copier(tmp_path, "copy", "--defaults", "--trust", *answers, str(tagged.repo), str(project))
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["_commit"] == f"v{VERSION}"


def test_check_update_names_the_newest_release(tagged: Tagged, tmp_path: Path) -> None:
    project = tmp_path / "project"
    answers = data_args(project_name="My Service")
    copier(
        tmp_path,
        "copy",
        "--defaults",
        "--trust",
        "--vcs-ref",
        "v0.2.0",
        *answers,
        str(tagged.repo),
        str(project),
    )
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v0.2.0"

    checked = copier(project, "check-update")
    assert checked.stdout == (
        f"New template version available.\nCurrent version is 0.2.0, latest version is {VERSION}.\n"
    )


def test_release_workflow_is_clean() -> None:
    assert_workflow_is_clean(TEMPLATE_ROOT / ".github" / "workflows" / "release.yml")
