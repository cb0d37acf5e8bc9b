"""Sessions and connections left open when a test ends, and where each was opened.

The `no_leaked_connections` fixture (conftest.py) fails the test that leaves one open: its
connection would otherwise be closed by garbage collection, after its event loop, and a session
left in a SAVEPOINT hides what the test did not finish.
"""

import sys
from pathlib import Path
from types import FrameType

import greenlet  # type: ignore[import-untyped]
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import ConnectionPoolEntry

from tests.support import PROJECT_ROOT


def opened_at() -> str:
    """The innermost frame of the project's own code (a test, a fixture, a service) that led
    here. SQLAlchemy runs an AsyncSession's work in a greenlet whose frames end at the greenlet:
    the trail goes on in the greenlet that awaited it."""
    frame: FrameType | None = sys._getframe(2)  # the caller of the event handler
    current = greenlet.getcurrent()
    while True:
        while frame is not None:
            path = Path(frame.f_code.co_filename)
            if path.is_relative_to(PROJECT_ROOT) and "site-packages" not in path.parts:
                where = path.relative_to(PROJECT_ROOT)
                return f"{where}:{frame.f_lineno} in {frame.f_code.co_name}()"
            frame = frame.f_back
        current = current.parent
        if current is None:
            return "outside the project's code"
        frame = current.gr_frame


class PoolLedger:
    """The connections taken from an engine's pool and not yet given back, with where each
    was taken. Pool events rather than `QueuePool.checkedout()`, so that any pool class works."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.open: dict[ConnectionPoolEntry, str] = {}
        event.listen(engine.sync_engine, "checkout", self._on_checkout)
        event.listen(engine.sync_engine, "checkin", self._on_checkin)

    @property
    def checked_out(self) -> int:
        return len(self.open)

    def _on_checkout(self, _: object, entry: ConnectionPoolEntry, __: object) -> None:
        self.open[entry] = opened_at()

    def _on_checkin(self, _: object, entry: ConnectionPoolEntry) -> None:
        self.open.pop(entry, None)

    def take(self) -> list[str]:
        """What is open now, described; forgotten, so that each leak fails one test only."""
        leaked = [f"a connection checked out at {where}" for where in self.open.values()]
        self.open.clear()
        return leaked


class SessionLedger:
    """The sessions of every factory that hold a transaction (a connection, or a SAVEPOINT of
    the test's connection), with where each began it. A session ends its transaction when it
    commits, rolls back or closes."""

    def __init__(self) -> None:
        self.open: dict[Session, str] = {}
        event.listen(Session, "after_transaction_create", self._on_begin)
        event.listen(Session, "after_transaction_end", self._on_end)

    def remove(self) -> None:
        event.remove(Session, "after_transaction_create", self._on_begin)
        event.remove(Session, "after_transaction_end", self._on_end)

    def _on_begin(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            self.open[session] = opened_at()

    def _on_end(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            self.open.pop(session, None)

    def take(self) -> list[str]:
        """What is open now, described; forgotten, so that each leak fails one test only."""
        leaked = [f"a session in a transaction begun at {where}" for where in self.open.values()]
        self.open.clear()
        return leaked


def assert_nothing_left_open(sessions: SessionLedger, pool: PoolLedger | None) -> None:
    leaked = sessions.take() + (pool.take() if pool else [])
    listed = "\n".join(f"- {leak}" for leak in leaked)
    assert not leaked, f"still open when the test ended (close it, or use `async with`):\n{listed}"
