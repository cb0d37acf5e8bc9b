"""The same test body with no isolation at all: the rows stay behind. Subtracted from the
savepoint tier, it leaves what the isolation itself costs.

A database of its own where a commit does not wait for the disk (PostgreSQL:
`synchronous_commit = off` for the database; SQLite: `PRAGMA synchronous = OFF`), since the
savepoint tier never commits: otherwise the disk's flush, not the isolation, would be measured.
"""

from typing import Any

import pytest

from .conftest import N, insert_and_commit

DURABLE = False  # read by the conftest's engine_of_its_own


@pytest.mark.parametrize("i", range(N))
async def test_insert_and_commit(committing_session: Any, i: int) -> None:
    await insert_and_commit(committing_session, name=f"Bench author {i}")
