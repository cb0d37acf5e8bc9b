"""`copier update` as the update tests run it: this work tree as a template repository tagged
v1.0.0, plus a v1.1.0 that changes what a template release changes (the conftest, a new rendered
file, the README, and the owner-owned example files, which an update must not touch)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.copier_cli import commit_all, copier, data_args, files_of, git, make_template_repo, tag

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


def released_template(destination: Path) -> Path:
    """The template repository, tagged v1.0.0 and v1.1.0."""
    repo = make_template_repo(destination)
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
