"""The clone tier as a suite meets it: each test gets a database of its own, a copy of a migrated
template, with the application's engine; the rendered conftest's `own_database`, as a project's
tests use it. Its copies are made ahead while other tests run: here an untimed test before each
measured one waits until they are ready (conftest.py puts each before its measured test), so the
measured test pays the handover. test_12_clone_back_to_back.py measures tests that find no
copy ready."""

import asyncio
from typing import Any

import pytest

from .conftest import N_BIG, insert_and_commit


@pytest.mark.parametrize("i", range(N_BIG))
async def test_untimed_copies_made_ahead(own_databases: Any, i: int) -> None:
    """Not measured (bench/run.py leaves out `test_untimed_`): the other tests of a suite."""
    last = own_databases.last  # the latest job of the rendered OwnDatabasesMadeAhead
    if last is not None:
        await asyncio.wait([last])


@pytest.mark.parametrize("i", range(N_BIG))
async def test_insert_and_commit(own_database: Any, i: int) -> None:
    async with own_database.session_factory() as session:
        await insert_and_commit(session)
