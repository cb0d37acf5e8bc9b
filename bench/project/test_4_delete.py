"""Empty every table after each test: TRUNCATE on PostgreSQL, DELETE on SQLite (no TRUNCATE)."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from .conftest import N, db, insert_and_commit


@pytest.fixture
async def session(engine: Any) -> AsyncIterator[Any]:
    async with db.make_session_factory(engine)() as session:
        yield session
    tables = db.Base.metadata.sorted_tables
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            quote = connection.dialect.identifier_preparer.format_table
            names = ", ".join(quote(table) for table in tables)
            await connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                await connection.execute(table.delete())


@pytest.mark.parametrize("i", range(N))
async def test_insert_and_commit(session: Any, i: int) -> None:
    await insert_and_commit(session)
