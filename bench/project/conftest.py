"""Copied by bench/run.py into a rendered project as tests/bench_generated/conftest.py.

Records how long pytest spends on each test (setup + call + teardown, as pytest itself
measures them) and writes the figures to the JSON file named by BENCH_TIMINGS. The package under
test is named by BENCH_PACKAGE, so these files serve every rendered project unchanged.
"""

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

# nodeid -> phase -> seconds, in the order the tests ran
durations: dict[str, dict[str, float]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    durations.setdefault(report.nodeid, {})[report.when] = report.duration


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
