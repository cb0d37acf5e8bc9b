"""A fresh schema per test: `create_all` before it, `drop_all` after it."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from .conftest import N, db, insert_and_commit


@pytest.fixture(scope="module")
async def no_tables_yet(engine: Any) -> AsyncIterator[None]:
    # The session's engine fixture migrated the database; this mode starts from nothing, and
    # gives the later modes their tables back.
    async with engine.begin() as connection:
        await connection.run_sync(db.Base.metadata.drop_all)
    yield
    async with engine.begin() as connection:
        await connection.run_sync(db.Base.metadata.create_all)


@pytest.fixture
async def session(engine: Any, no_tables_yet: None) -> AsyncIterator[Any]:
    async with engine.begin() as connection:
        await connection.run_sync(db.Base.metadata.create_all)
    async with db.make_session_factory(engine)() as session:
        yield session
    async with engine.begin() as connection:
        await connection.run_sync(db.Base.metadata.drop_all)


@pytest.mark.parametrize("i", range(N))
async def test_insert_and_commit(session: Any, i: int) -> None:
    await insert_and_commit(session)
