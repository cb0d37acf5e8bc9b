"""The clone tier: each test gets a database of its own, a copy of a migrated template, with the
application's engine; dropped when the test ends. The rendered conftest's `own_database`, as a
project's tests use it."""

from typing import Any

import pytest

from .conftest import N_BIG, insert_and_commit


@pytest.mark.parametrize("i", range(N_BIG))
async def test_insert_and_commit(own_database: Any, i: int) -> None:
    async with own_database.session_factory() as session:
        await insert_and_commit(session)
