"""A rendered server-database suite killed with SIGKILL leaves test databases behind (the copies
`own_database` made ahead among them); the next run drops them, and leaves alone those of a run
still in progress."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import mysql, postgres
from tests.answer_sets import Variant
from tests.commands import clean_env, in_project, run

# A test that holds its run open (its databases created, a copy of the template taken and more
# being made ahead) until the run is stopped. It writes its database's URL whole, as one line: to
# a temporary name, then renamed over HOLD_FILE, so that a reader never finds the file empty or
# half written.
HOLDING_TEST = """
import asyncio
import os
from pathlib import Path

from tests.support import OwnDatabase


async def test_hold(database_url: str, own_database: OwnDatabase) -> None:
    hold_file = Path(os.environ["HOLD_FILE"])
    written = hold_file.with_name(hold_file.name + ".tmp")
    written.write_text(database_url + "\\n")
    os.replace(written, hold_file)
    await asyncio.sleep(600)
"""


def copy_with_holding_test(project: Path, destination: Path) -> Path:
    """The session's rendered project is shared by other tests: this one edits a copy."""
    shutil.copytree(project, destination, ignore=shutil.ignore_patterns(".venv", ".*_cache"))
    run(["uv", "sync", "--locked", "--quiet"], destination)
    (destination / "tests" / "test_hold.py").write_text(HOLDING_TEST)
    return destination


@contextmanager
def holding_run(
    project: Path, hold_file: Path, server_url: str
) -> Iterator[subprocess.Popen[bytes]]:
    """A run of the rendered suite that has created its databases and waits; yields its process.

    The project's own Python, not `uv run`: a signal must reach pytest itself.
    """
    env = clean_env(TEST_DATABASE_URL=server_url, HOLD_FILE=str(hold_file))
    args = [".venv/bin/python", "-m", "pytest", "-p", "no:cacheprovider", "-n", "0"]
    log = hold_file.with_suffix(".log")
    with log.open("w") as output:
        process = subprocess.Popen(
            [*args, "tests/test_hold.py"], cwd=project, env=env, stdout=output, stderr=output
        )
    try:
        deadline = time.monotonic() + 120  # a liveness bound, not a speed figure
        while held_url(hold_file) is None:
            assert process.poll() is None, f"the holding run ended early:\n{log.read_text()}"
            assert time.monotonic() < deadline, "the holding run never created its database"
            time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60  # a liveness bound, not a speed figure
    while not condition():
        assert time.monotonic() < deadline, "the holding run never made its copies"
        time.sleep(0.1)


def held_url(hold_file: Path) -> str | None:
    """The URL the holding run wrote, once it is there whole (a line); else None."""
    try:
        record = hold_file.read_text()
    except FileNotFoundError:
        return None
    return record.removesuffix("\n") if record.endswith("\n") else None


def database_of(hold_file: Path) -> str:
    url = held_url(hold_file)
    assert url is not None, f"{hold_file} holds no whole record"
    return url.rsplit("/", 1)[1]


@pytest.mark.databases("postgresql", "mysql")
def test_the_next_run_drops_a_killed_runs_databases_only(
    project: Path, variant: Variant, tmp_path: Path
) -> None:
    server = clean_env()["TEST_DATABASE_URL"]
    databases_starting_with = (mysql if variant.uses_mysql else postgres).databases_starting_with
    copy = copy_with_holding_test(project, tmp_path / "project")
    killed_file, alive_file = tmp_path / "killed", tmp_path / "alive"
    prefix = f"{variant.package_name[:30]}_test_"

    with holding_run(copy, killed_file, server) as killed:
        killed_run = database_of(killed_file).removesuffix("main")  # its databases' prefix
        # The copy the test holds, and the two made ahead for the next tests.
        wait_for(lambda: len(databases_starting_with(server, f"{killed_run}copy")) == 3)
        killed.send_signal(signal.SIGKILL)
        killed.wait()
    killed_database = database_of(killed_file)
    assert killed_database in databases_starting_with(server, prefix), "nothing was left"

    with holding_run(copy, alive_file, server) as alive:
        alive_database = database_of(alive_file)
        # The next run: any run that uses the database clears what killed runs left.
        in_project(
            copy,
            "pytest",
            "-p",
            "no:cacheprovider",
            "tests/test_unit_of_work.py",
            env=clean_env(TEST_DATABASE_URL=server),
        )

        left = databases_starting_with(server, prefix)
        assert killed_database not in left, "the killed run's database was not dropped"
        killed_left = [name for name in left if name.startswith(killed_run)]
        assert not killed_left, f"the killed run's copies were not dropped: {killed_left}"
        assert alive_database in left, "the database of a run in progress was dropped"

        alive.send_signal(signal.SIGINT)  # pytest's own teardown drops its databases
        alive.wait(timeout=60)
    assert alive_database not in databases_starting_with(server, prefix)
