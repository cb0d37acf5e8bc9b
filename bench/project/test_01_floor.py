"""The floor: N empty async tests, under the same conftest (session loop, autouse fixtures)."""

import pytest

from .conftest import N


@pytest.mark.parametrize("i", range(N))
async def test_nothing(i: int) -> None:
    pass
