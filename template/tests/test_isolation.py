"""Each test's commits are undone when it ends: the next test starts from an empty database."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.probe import Probe


# The same test twice, in one worker (xdist_group): the second run sees nothing of the first.
@pytest.mark.xdist_group("isolation")
@pytest.mark.parametrize("run", [1, 2])
async def test_a_committed_row_is_gone_in_the_next_test(session: AsyncSession, run: int) -> None:
    assert await session.scalar(select(func.count()).select_from(Probe)) == 0
    session.add(Probe(name="Committed"))
    await session.commit()
    assert await session.scalar(select(func.count()).select_from(Probe)) == 1


async def test_a_rolled_back_savepoint_keeps_the_rest(session: AsyncSession) -> None:
    session.add(Probe(name="Kept"))
    await session.flush()
    savepoint = await session.begin_nested()
    session.add(Probe(name="Undone"))
    await session.flush()
    await savepoint.rollback()
    names = await session.scalars(select(Probe.name))
    assert list(names) == ["Kept"]
