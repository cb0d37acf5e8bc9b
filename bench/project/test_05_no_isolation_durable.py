"""No isolation, as the mode before, but every commit waits for the disk (the database's
defaults): what a test that really commits pays, and why the baseline must not.
"""

from typing import Any

import pytest

from .conftest import N, insert_and_commit

DURABLE = True  # read by the conftest's engine_of_its_own


@pytest.mark.parametrize("i", range(N))
async def test_insert_and_commit(committing_session: Any, i: int) -> None:
    await insert_and_commit(committing_session, name=f"Bench author {i}")
