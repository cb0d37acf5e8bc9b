"""The floor plus one empty async fixture: what pytest-asyncio charges per async fixture, which
a database test's fixtures (connection, session) pay before any SQL."""

from collections.abc import AsyncIterator

import pytest

from .conftest import N


@pytest.fixture
async def empty_async_fixture() -> AsyncIterator[None]:
    yield  # noqa: PT022 - a generator, with a teardown step, as the database fixtures are


@pytest.mark.parametrize("i", range(N))
async def test_nothing(empty_async_fixture: None, i: int) -> None:
    pass
