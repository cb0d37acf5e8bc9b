"""Copied by bench/run.py into a rendered project as tests/bench_generated/conftest.py.

Records how long pytest spends on each test (setup + call + teardown, as pytest itself
measures them), and how many round trips to the server each test makes (asyncpg and asyncmy:
writes to sockets through asyncio's transports, one per request; psycopg: libpq's trace, in
files under BENCH_TRACES), and writes them to the JSON file named by BENCH_TIMINGS. The package
under test is named by BENCH_PACKAGE, so these files serve every rendered project unchanged.

Every database here is the rendered project's: the test database and its engine (`engine`,
`session`), and copies of its migrated template (`migrated_template`, `own_database`) for the
modes that need a database of their own. Nothing here creates or drops a database itself.
"""

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    func,
    make_url,
)
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool, Pool

from .probe_support import SocketWrites, db, models

N = int(os.environ["BENCH_N"])
# The modes whose every test builds, empties or copies a whole schema take fewer tests.
N_BIG = int(os.environ.get("BENCH_N_BIG", N))
BIG_TABLES = 40

# nodeid -> phase -> seconds (and "writes" -> count), in the order the tests ran
durations: dict[str, dict[str, float]] = {}
socket_writes = SocketWrites()
socket_writes_reported = 0


class LibpqTraces:
    """Round trips of psycopg's connections, which do their own socket I/O, outside asyncio's
    transports: counted from libpq's trace of each connection (a file per connection, as libpq
    writes each message as it goes), where a round trip is a run of frontend messages ("F")
    after backend ones ("B") or at the start."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.read: dict[Path, tuple[int, str]] = {}  # file -> (bytes read, last side seen)
        event.listen(Pool, "connect", self.trace)

    def trace(self, dbapi_connection: Any, _record: Any) -> None:
        pgconn = getattr(getattr(dbapi_connection, "driver_connection", None), "pgconn", None)
        if pgconn is None:  # not psycopg
            return
        from psycopg import pq

        path = self.directory / f"{len(self.read)}.trace"
        # Handed to libpq, which closes it with the connection.
        pgconn.trace(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC))
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        self.read[path] = (0, "B")

    def round_trips(self) -> int:
        """Round trips since the last call."""
        count = 0
        for path, (offset, last) in self.read.items():
            with path.open("rb") as trace:
                trace.seek(offset)
                data = trace.read()
            whole = data[: data.rfind(b"\n") + 1]  # a line libpq is still writing, next time
            for line in whole.splitlines():
                side = line[:1].decode()
                count += side == "F" and last == "B"
                last = side if side in ("F", "B") else last
            self.read[path] = (offset + len(whole), last)
        return count


libpq_traces = LibpqTraces(Path(os.environ["BENCH_TRACES"]))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global socket_writes_reported
    test = durations.setdefault(report.nodeid, {"writes": 0})
    test[report.when] = report.duration
    test["writes"] += socket_writes.count - socket_writes_reported + libpq_traces.round_trips()
    socket_writes_reported = socket_writes.count


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """In test_06_clone.py, each untimed test runs just before the measured test of its index."""
    clone = [item for item in items if item.nodeid.split("::")[0].endswith("test_06_clone.py")]
    if clone:
        start = items.index(clone[0])

        def order(item: Any) -> tuple[int, bool]:
            return item.callspec.params["i"], not item.name.startswith("test_untimed_")

        items[start : start + len(clone)] = sorted(clone, key=order)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    Path(os.environ["BENCH_TIMINGS"]).write_text(json.dumps({"tests": durations}, indent=1))


async def insert_and_commit(session: Any, name: str = "Bench author") -> None:
    """The body of every benchmark test that touches the database: four rows, one commit.

    Every test inserts the same unique author name, so a mode that fails to clean up after a
    test fails the next one with an IntegrityError instead of reporting a figure. (The mode with
    no isolation passes a new name each time: leaving rows behind is what it measures.)
    """
    author = models.Author(name=name)
    session.add(author)
    session.add_all(models.Book(title=f"Volume {i}", author=author) for i in range(3))
    await session.commit()


@pytest.fixture(scope="module")
async def engine_of_its_own(
    request: pytest.FixtureRequest, migrated_template: Any, engine_options: dict[str, Any]
) -> AsyncIterator[AsyncEngine]:
    """The no-isolation modes' engine: the application's (with the test engine's options) on a
    database of its own, a copy of the rendered conftest's migrated template, as its
    `own_database` makes them. Its commits do not wait for the disk, unless the test module sets
    `DURABLE = True`."""
    durable = getattr(request.module, "DURABLE", False)
    url = await migrated_template.copy()
    if make_url(url).get_backend_name() == "postgresql" and not durable:
        await no_synchronous_commit(url)
    engine = db.make_engine(db.Settings(database_url=url), **engine_options)
    if engine.dialect.name == "sqlite" and not durable:

        @event.listens_for(engine.sync_engine, "connect")
        def no_fsync(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.close()

    try:
        yield engine
    finally:
        await engine.dispose()
        await migrated_template.drop(url)


@pytest.fixture
async def committing_session(engine_of_its_own: AsyncEngine) -> AsyncIterator[Any]:
    """A session on `engine_of_its_own` whose commits are real: no isolation at all."""
    async with db.make_session_factory(engine_of_its_own)() as session:
        yield session


async def no_synchronous_commit(url: str) -> None:
    """The database's sessions, from the next one on, commit without waiting for the WAL flush."""
    engine = db.make_engine(db.Settings(database_url=url), poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            name = connection.dialect.identifier_preparer.quote(str(make_url(url).database))
            await connection.exec_driver_sql(f"ALTER DATABASE {name} SET synchronous_commit = off")
    finally:
        await engine.dispose()


def big_schema() -> MetaData:
    """A realistic schema of 40 tables: the example's two, and 38 more in a tree of foreign keys
    rooted at `author` (each table the child of one before it, every third one also referring
    to `author`), each with an index on every foreign key, a unique constraint and a composite
    index, and server defaults: what create_all/drop_all and TRUNCATE pay for per table."""
    metadata = MetaData(naming_convention=db.Base.metadata.naming_convention)
    for table in db.Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    parents = [table.name for table in metadata.sorted_tables]
    for i in range(BIG_TABLES - len(parents)):
        name = f"bench_entity_{i:02d}"
        columns: list[Any] = [
            Column("id", Integer, primary_key=True),
            Column(
                "parent_id",
                ForeignKey(f"{parents[i // 2]}.id", ondelete="CASCADE"),
                nullable=False,
                index=True,
            ),
            Column("code", String(40), nullable=False),
            Column("name", String(200), nullable=False),
            Column("status", String(20), nullable=False, server_default="new"),
            Column("amount", Numeric(12, 2)),
            Column("note", Text),
            Column(
                "created_at",
                DateTime(timezone=True),
                nullable=False,
                server_default=func.current_timestamp(),
            ),
        ]
        if i % 3 == 0:
            columns.append(
                Column("owner_id", ForeignKey("author.id", ondelete="SET NULL"), index=True)
            )
        Table(
            name,
            metadata,
            *columns,
            UniqueConstraint("parent_id", "code"),
            Index(f"ix_{name}_status_created_at", "status", "created_at"),
        )
        parents.append(name)
    assert len(metadata.tables) == BIG_TABLES, sorted(metadata.tables)
    return metadata


BIG = big_schema()


async def empty_tables(engine: AsyncEngine, metadata: MetaData) -> None:
    """TRUNCATE on PostgreSQL, DELETE on SQLite (which has no TRUNCATE)."""
    tables = metadata.sorted_tables
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            quote = connection.dialect.identifier_preparer.format_table
            names = ", ".join(quote(table) for table in tables)
            await connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                await connection.execute(table.delete())


@pytest.fixture(scope="session")
async def big_tables(engine: AsyncEngine) -> None:
    """The 38 tables beyond the example's, in the test database (author and book exist)."""
    async with engine.begin() as connection:
        await connection.run_sync(BIG.create_all)
