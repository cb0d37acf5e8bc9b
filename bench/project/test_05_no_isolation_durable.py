"""No isolation, as the mode before, but every commit waits for the disk (the database's
defaults): what a test that really commits pays, and why the baseline must not.
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from .conftest import N, db, insert_and_commit, no_isolation_engine


@pytest.fixture(scope="module")
async def engine_of_its_own(
    migrated_template: Any, engine_options: dict[str, Any]
) -> AsyncIterator[Any]:
    async with no_isolation_engine(migrated_template, engine_options, durable=True) as engine:
        yield engine


@pytest.fixture
async def session(engine_of_its_own: Any) -> AsyncIterator[Any]:
    async with db.make_session_factory(engine_of_its_own)() as session:
        yield session


@pytest.mark.parametrize("i", range(N))
async def test_insert_and_commit(session: Any, i: int) -> None:
    await insert_and_commit(session, name=f"Bench author {i}")
