"""The rendered conftest's savepoint tier again, with the 40-table schema in the database."""

from typing import Any

import pytest

from .conftest import N_BIG, insert_and_commit


@pytest.mark.parametrize("i", range(N_BIG))
async def test_insert_and_commit(big_tables: None, session: Any, i: int) -> None:
    await insert_and_commit(session)
