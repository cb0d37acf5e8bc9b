"""The clone tier: each test gets a database of its own, a copy of a migrated template, with the
application's engine; dropped when the test ends.

Plugs in by name: when the rendered conftest has `own_database`, that fixture is measured.
Until then the bench does the same operation itself: PostgreSQL `CREATE DATABASE ... TEMPLATE`,
connect, the test, `DROP DATABASE`; SQLite a file copy, connect, the test, delete.
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from .conftest import N_BIG, RENDERED_CLONE, Scratch, Settings, create_tables, db, insert_and_commit

if RENDERED_CLONE:

    @pytest.fixture
    def clone_session_factory(own_database: Any) -> Any:
        return own_database.session_factory

else:

    @pytest.fixture(scope="module")
    async def clone_template(scratch: Scratch) -> str:
        url = await scratch.create("template")
        await create_tables(url, db.Base.metadata)  # disposed after: a template must be idle
        return url

    @pytest.fixture
    async def clone_session_factory(scratch: Scratch, clone_template: str) -> AsyncIterator[Any]:
        url = await scratch.create("clone", template=clone_template)
        engine = db.make_engine(Settings(database_url=url))  # the application's, unchanged
        try:
            yield db.make_session_factory(engine)
        finally:
            await engine.dispose()
            await scratch.drop(url)


@pytest.mark.parametrize("i", range(N_BIG))
async def test_insert_and_commit(clone_session_factory: Any, i: int) -> None:
    async with clone_session_factory() as session:
        await insert_and_commit(session)
