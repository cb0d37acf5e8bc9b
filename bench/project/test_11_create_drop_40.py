"""A fresh 40-table schema per test: `create_all` before it, `drop_all` after it."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from .conftest import BIG, N_BIG, db, insert_and_commit


@pytest.fixture(scope="module")
async def no_big_tables_yet(engine: Any, big_tables: None) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(BIG.drop_all)


@pytest.fixture
async def session(engine: Any, no_big_tables_yet: None) -> AsyncIterator[Any]:
    async with engine.begin() as connection:
        await connection.run_sync(BIG.create_all)
    async with db.make_session_factory(engine)() as session:
        yield session
    async with engine.begin() as connection:
        await connection.run_sync(BIG.drop_all)


@pytest.mark.parametrize("i", range(N_BIG))
async def test_insert_and_commit(session: Any, i: int) -> None:
    await insert_and_commit(session)
