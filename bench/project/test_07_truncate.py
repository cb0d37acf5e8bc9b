"""Empty every table after each test: TRUNCATE on PostgreSQL, DELETE on SQLite (no TRUNCATE)."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from .conftest import N, db, empty_tables, insert_and_commit


@pytest.fixture
async def session(engine: Any) -> AsyncIterator[Any]:
    async with db.make_session_factory(engine)() as session:
        yield session
    await empty_tables(engine, db.Base.metadata)


@pytest.mark.parametrize("i", range(N))
async def test_insert_and_commit(session: Any, i: int) -> None:
    await insert_and_commit(session)
