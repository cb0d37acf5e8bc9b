"""`copier update` as the update tests run it: this work tree as a template repository tagged
v1.0.0, plus a v1.1.0 that changes what a template release changes (the conftest, a new rendered
file, the README, and the owner-owned example files, which an update must not touch)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import yaml

from tests.commands import clean_env, run
from tests.copier_cli import (
    GIT_IDENTITY,
    commit_all,
    copier,
    copy_release,
    files_of,
    git,
    make_template_repo,
    tag,
)

PACKAGE = "my_service"
# The rendered workflow that proposes updates as pull requests, and the script it runs.
WORKFLOW = Path(".github/workflows/template-update.yml")

# The model an owner adds in the update tests: a relationship to the example's Book.
OWNER_MODEL = '''

class Review(Base):
    """A reader's review of a book: added by the project's owner."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    stars: Mapped[int]
    book_id: Mapped[int] = mapped_column(ForeignKey("book.id", ondelete="CASCADE"), index=True)

    book: Mapped[Book] = relationship(lazy="raise")
'''

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
    copy_release(template, destination, "v1.0.0", **answers)
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


def workflow_step(project: Path, name: str) -> str:
    """The shell script of one step of the rendered workflow."""
    workflow = yaml.safe_load((project / WORKFLOW).read_text())
    (step,) = [s for s in workflow["jobs"]["propose"]["steps"] if s.get("name") == name]
    return str(step["run"])


class Run(NamedTuple):
    result: subprocess.CompletedProcess[str]
    proposal: Path  # the folder the script writes the pull request's title and body to
    outputs: str  # what it wrote to the step's outputs ($GITHUB_OUTPUT)


def propose(project: Path, runner_temp: Path) -> Run:
    """The script as the workflow's update step runs it, with this repository's copier first on
    PATH (the workflow installs the same version) and a runner's $GITHUB_OUTPUT."""
    (line,) = [
        line
        for line in workflow_step(project, "Update from the template").splitlines()
        if "template_update.py" in line
    ]
    args = shlex.split(line.replace("$RUNNER_TEMP", str(runner_temp)))
    assert args[0] == "python"
    runner_temp.mkdir()
    outputs = runner_temp / "github_output"
    outputs.touch()
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = clean_env(**GIT_IDENTITY, PATH=path, GITHUB_OUTPUT=str(outputs))
    result = run([sys.executable, *args[1:]], project, check=False, env=env)
    return Run(result, Path(args[-1]), outputs.read_text())
