"""The same test body with no isolation at all: the rows stay behind. Subtracted from the
savepoint tier, it leaves what the isolation itself costs.

A database of its own where a commit does not wait for the disk (PostgreSQL:
`synchronous_commit = off` for the database; SQLite: `PRAGMA synchronous = OFF`), since the
savepoint tier never commits: otherwise the disk's flush, not the isolation, would be measured.
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event, make_url

from .conftest import N, Scratch, Settings, create_tables, db, insert_and_commit


@pytest.fixture(scope="module")
async def no_isolation_engine(
    scratch: Scratch, engine_options: dict[str, Any]
) -> AsyncIterator[Any]:
    url = await scratch.create("noiso")
    if scratch.server:
        await scratch.execute(
            f'ALTER DATABASE "{make_url(url).database}" SET synchronous_commit = off'
        )
    await create_tables(url, db.Base.metadata)
    engine = db.make_engine(Settings(database_url=url), **engine_options)
    if not scratch.server:

        @event.listens_for(engine.sync_engine, "connect")
        def no_fsync(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.close()

    yield engine
    await engine.dispose()


@pytest.fixture
async def session(no_isolation_engine: Any) -> AsyncIterator[Any]:
    async with db.make_session_factory(no_isolation_engine)() as session:
        yield session


@pytest.mark.parametrize("i", range(N))
async def test_insert_and_commit(session: Any, i: int) -> None:
    await insert_and_commit(session, name=f"Bench author {i}")
