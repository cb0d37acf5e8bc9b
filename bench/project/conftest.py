"""Copied by bench/run.py into a rendered project as tests/bench_generated/conftest.py.

Records how long pytest spends on each test (setup + call + teardown, as pytest itself
measures them), and how many writes to sockets each test makes (on asyncpg, one per round trip
to the server), and writes them to the JSON file named by BENCH_TIMINGS. The package under
test is named by BENCH_PACKAGE, so these files serve every rendered project unchanged.
"""

import asyncio.selector_events
import importlib
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

PACKAGE = os.environ["BENCH_PACKAGE"]
N = int(os.environ["BENCH_N"])

db: ModuleType = importlib.import_module(f"{PACKAGE}.db")
models: ModuleType = importlib.import_module(f"{PACKAGE}.models")

# nodeid -> phase -> seconds (and "writes" -> count), in the order the tests ran
durations: dict[str, dict[str, float]] = {}
socket_writes = 0
socket_writes_reported = 0


def count_socket_writes() -> None:
    transport = asyncio.selector_events._SelectorSocketTransport
    original = transport.write

    def write(self: Any, data: Any) -> None:
        global socket_writes
        socket_writes += 1
        original(self, data)

    transport.write = write  # type: ignore[method-assign]


count_socket_writes()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global socket_writes_reported
    test = durations.setdefault(report.nodeid, {"writes": 0})
    test[report.when] = report.duration
    test["writes"] += socket_writes - socket_writes_reported
    socket_writes_reported = socket_writes


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    Path(os.environ["BENCH_TIMINGS"]).write_text(json.dumps(durations, indent=1))


async def insert_and_commit(session: Any) -> None:
    """The body of every benchmark test that touches the database: four rows, one commit.

    Every test inserts the same unique author name, so a mode that fails to clean up after a
    test fails the next one with an IntegrityError instead of reporting a figure.
    """
    author = models.Author(name="Bench author")
    session.add(author)
    session.add_all(models.Book(title=f"Volume {i}", author=author) for i in range(3))
    await session.commit()
