"""The rendered README's shell commands, run top to bottom in an owner's copy of the project, once
per answer set (a pytest plugin: fixture `readme_run`). Several tests read what it did, so that
no rendered suite or pre-commit run is repeated to check one more thing.

The run does what the README says, in its order: install and test, create and migrate the
application's database, change a model and make its migration by the Migrations block, serve the
app (a request answered), install and run the checks before commit. The test suite runs as the
README's comment offers, spread over two processes (`uv run pytest -n 2`): the suite's isolation
must hold there too; the single-process `uv run pytest` runs literally in the update tests. A
command that fails ends the run; the tests name it.
"""

from __future__ import annotations

import fcntl
import shlex
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests import scratch
from tests.answer_sets import Variant
from tests.commands import clean_env, get, owners_copy, post_author, run, serving, shell_blocks
from tests.servers import set_servers

# Sections whose commands another test runs literally, where they can mean something.
RUN_ELSEWHERE = {
    # copier needs a newer release of the template to update to: tests/test_update_from_releases.py
    # runs this block on projects rendered from real releases.
    "## Updating from the template",
}
# The dialect's package is the same whatever the framework (the dialect's sets read as written
# for their framework alone): SQLAlchemy's compliance suite, about 20 s of CPU, runs in the README
# run of the set without a framework, and test_dialect_compliance_suite_passes reads its counts.
COMPLIANCE_SUITE = "uv run pytest -c test.cfg"
SUITE = "uv run pytest"
SUITE_AS_RUN = "uv run pytest -n 2"  # the README: "add -n 2 to spread it over two processes"
SERVES = ("fastapi dev", "litestar --app")  # the README's serve commands run until stopped
SERVE_PORT = 8000  # theirs by default; the README gives no other
PORT_LOCK = Path(tempfile.gettempdir()) / f"copier-async-sqlalchemy-port-{SERVE_PORT}.lock"
MODEL_CHANGE = ("    created_at:", "    born: Mapped[int | None]\n    created_at:")


@dataclass
class ReadmeRun:
    """What the README's commands did: each command as the README gives it, with its result."""

    owners: Path
    results: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    served: list[str] = field(default_factory=list)
    needs_docker: list[str] = field(default_factory=list)
    failed: str | None = None

    def result(self, command: str) -> subprocess.CompletedProcess[str]:
        """The result of a command the README gives; it must have run and succeeded."""
        assert command in self.results, f"`{command}` did not run: {self.describe_failure()}"
        assert command != self.failed, self.describe_failure()
        return self.results[command]

    def describe_failure(self) -> str:
        if self.failed is None:
            return "every command ran"
        failed = self.results[self.failed]
        return (
            f"`{self.failed}` exited {failed.returncode}\n"
            f"--- stdout ---\n{failed.stdout}\n--- stderr ---\n{failed.stderr}"
        )


def change_a_model(owners: Path, package: str) -> None:
    """What an owner does before the Migrations block: a new column on the example's Author."""
    catalog = owners / "src" / package / "models" / "catalog.py"
    text = catalog.read_text()
    assert MODEL_CHANGE[0] in text, "the example's Author no longer looks as this test expects"
    catalog.write_text(text.replace(*MODEL_CHANGE, 1))


def run_the_readme(
    project: Path, variant: Variant, folder: Path, servers: dict[str, str]
) -> ReadmeRun:
    """The README's commands in a copy of the project. The application's database is one the
    README's own commands create (DATABASE_URL names it, as a person's environment or `.env`
    would); on SQLite it is the README's default file."""
    owners = owners_copy(project, folder / "project")
    outcome = ReadmeRun(owners)
    blocks = shell_blocks((owners / "README.md").read_text())
    with pytest.MonkeyPatch.context() as patch:
        set_servers(patch, servers)
        with scratch.database_url(variant, folder, "app", create=False) as url:
            env = clean_env(DATABASE_URL=url) if "TEST_DATABASE_URL" in servers else clean_env()
            for heading, commands in blocks:
                if heading in RUN_ELSEWHERE:
                    continue
                if heading == "## Migrations":
                    change_a_model(owners, variant.package_name)
                for command in commands:
                    if command.startswith("docker "):
                        outcome.needs_docker.append(command)
                        continue
                    if command.startswith("uv run ") and command[7:].startswith(SERVES):
                        serve(command, owners, env, folder)
                        outcome.served.append(command)
                        continue
                    if command == COMPLIANCE_SUITE and variant.framework != "none":
                        continue
                    as_run = SUITE_AS_RUN if command == SUITE else command
                    result = run(["bash", "-c", as_run], owners, env=env, check=False)
                    outcome.results[command] = result
                    if result.returncode != 0:
                        outcome.failed = command
                        return outcome
    return outcome


def serve(command: str, owners: Path, env: dict[str, str], folder: Path) -> None:
    with PORT_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one served app at a time on this port
        log = folder / "server.log"
        with serving(shlex.split(command), owners, env, SERVE_PORT, log) as base:
            assert get(f"{base}/health/ready") == 200
            assert post_author(base, "From the README") == 201


@pytest.fixture(scope="session")
def readme_run(
    project: Path,
    variant: Variant,
    variant_servers: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> ReadmeRun:
    """The rendered README's commands, run once per installed answer set in an owner's copy
    (tests/readme_run.py): its suite, migrations, served app and pre-commit run."""
    folder = tmp_path_factory.mktemp(f"readme-{variant.name}")
    return run_the_readme(project, variant, folder, variant_servers)
