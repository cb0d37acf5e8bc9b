"""The clone tier with no other test in between: each test asks for a database of its own right
after the one before, so it waits for the server to finish the copy being made ahead. What the
server's copy costs, per test, when nothing hides it."""

from typing import Any

import pytest

from .conftest import N_BIG, insert_and_commit


@pytest.mark.parametrize("i", range(N_BIG))
async def test_insert_and_commit(own_database: Any, i: int) -> None:
    async with own_database.session_factory() as session:
        await insert_and_commit(session)
