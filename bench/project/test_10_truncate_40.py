"""Empty all 40 tables after each test: TRUNCATE on PostgreSQL, DELETE on SQLite."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from .conftest import BIG, N_BIG, db, empty_tables, insert_and_commit


@pytest.fixture
async def session(engine: Any, big_tables: None) -> AsyncIterator[Any]:
    async with db.make_session_factory(engine)() as session:
        yield session
    await empty_tables(engine, BIG)


@pytest.mark.parametrize("i", range(N_BIG))
async def test_insert_and_commit(session: Any, i: int) -> None:
    await insert_and_commit(session)
