"""Copied by bench/run.py into a rendered project as tests/bench_generated/conftest.py.

Records how long pytest spends on each test (setup + call + teardown, as pytest itself
measures them), and how many writes to sockets each test makes (on asyncpg, one per round trip
to the server), and writes them to the JSON file named by BENCH_TIMINGS. The package under
test is named by BENCH_PACKAGE, so these files serve every rendered project unchanged.

Modes that need a database of their own (no isolation, the clone tier's fallback) get one from
`scratch`: on PostgreSQL a database created on the test server, on SQLite a file beside the
test database.
"""

import asyncio.selector_events
import importlib
import json
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
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
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

PACKAGE = os.environ["BENCH_PACKAGE"]
N = int(os.environ["BENCH_N"])
# The modes whose every test builds, empties or copies a whole schema take fewer tests.
N_BIG = int(os.environ.get("BENCH_N_BIG", N))
BIG_TABLES = 40

db: ModuleType = importlib.import_module(f"{PACKAGE}.db")
models: ModuleType = importlib.import_module(f"{PACKAGE}.models")
Settings = importlib.import_module(f"{PACKAGE}.settings").Settings

# The clone tier plugs in by name: the rendered conftest's own fixture when it has one.
RENDERED_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
RENDERED_CLONE = "def own_database(" in RENDERED_CONFTEST.read_text()

# nodeid -> phase -> seconds (and "writes" -> count), in the order the tests ran
durations: dict[str, dict[str, float]] = {}
socket_writes = 0
socket_writes_reported = 0


def count_socket_writes() -> None:
    transport = asyncio.selector_events._SelectorSocketTransport
    original = transport.write

    def write(self: Any, data: Any) -> None:
        global socket_writes
        socket_writes += 1
        original(self, data)

    transport.write = write  # type: ignore[method-assign]


count_socket_writes()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global socket_writes_reported
    test = durations.setdefault(report.nodeid, {"writes": 0})
    test[report.when] = report.duration
    test["writes"] += socket_writes - socket_writes_reported
    socket_writes_reported = socket_writes


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    info = {"rendered_clone": RENDERED_CLONE}
    Path(os.environ["BENCH_TIMINGS"]).write_text(
        json.dumps({"tests": durations, "info": info}, indent=1)
    )


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


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


class Scratch:
    """Databases of the bench's own beside the test database, all removed at the end."""

    def __init__(self, database_url: str) -> None:
        self.main = make_url(database_url)
        self.server = is_postgresql(database_url)
        self.created: list[str] = []
        self.admin: AsyncEngine | None = None
        if self.server:
            self.admin = create_async_engine(
                self.main, poolclass=NullPool, isolation_level="AUTOCOMMIT"
            )

    async def execute(self, statement: str) -> None:
        assert self.admin is not None
        async with self.admin.connect() as connection:
            await connection.exec_driver_sql(statement)

    async def create(self, purpose: str, template: str | None = None) -> str:
        """An empty database, or a copy of `template` (a URL `create` returned)."""
        name = f"{Path(str(self.main.database)).stem}_{purpose}_{uuid.uuid4().hex[:6]}"
        if self.server:
            copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
            await self.execute(f'CREATE DATABASE "{name}"{copy}')
            url = self.main.set(database=name)
        else:
            path = Path(str(self.main.database)).with_name(f"{name}.db")
            if template:
                shutil.copyfile(str(make_url(template).database), path)
            url = self.main.set(database=str(path))
        rendered = url.render_as_string(hide_password=False)
        self.created.append(rendered)
        return rendered

    async def drop(self, url: str) -> None:
        if self.server:
            await self.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
        else:
            Path(str(make_url(url).database)).unlink(missing_ok=True)
        self.created.remove(url)

    async def drop_all(self) -> None:
        for url in list(self.created):
            await self.drop(url)
        if self.admin is not None:
            await self.admin.dispose()


@pytest.fixture(scope="session")
async def scratch(database_url: str) -> AsyncIterator[Scratch]:
    databases = Scratch(database_url)
    yield databases
    await databases.drop_all()


@asynccontextmanager
async def no_isolation_engine(
    scratch: Scratch, engine_options: dict[str, Any], *, durable: bool
) -> AsyncIterator[AsyncEngine]:
    """The application's engine (with the test engine's options) on a database of its own,
    migrated like the test database; unless `durable`, its commits do not wait for the disk."""
    url = await scratch.create("durable" if durable else "nosync")
    if scratch.server and not durable:
        await scratch.execute(
            f'ALTER DATABASE "{make_url(url).database}" SET synchronous_commit = off'
        )
    await create_tables(url, db.Base.metadata)
    engine = db.make_engine(Settings(database_url=url), **engine_options)
    if not scratch.server and not durable:

        @event.listens_for(engine.sync_engine, "connect")
        def no_fsync(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.close()

    try:
        yield engine
    finally:
        await engine.dispose()


async def create_tables(url: str, metadata: MetaData) -> None:
    engine = db.make_engine(Settings(database_url=url), poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
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
