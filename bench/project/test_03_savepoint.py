"""The rendered conftest's isolation: an outer transaction per test, commits become SAVEPOINTs."""

from typing import Any

import pytest

from .conftest import N, insert_and_commit


@pytest.mark.parametrize("i", range(N))
async def test_insert_and_commit(session: Any, i: int) -> None:
    await insert_and_commit(session)
