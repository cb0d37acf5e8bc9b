"""Copied by bench/run.py into a rendered PostgreSQL project (tests/bench_probe/) and run there.

The template's own overhead: the same unit of work done through the project's data layer
(`make_engine`, `make_session_factory`, `unit_of_work`) and through bare SQLAlchemy as its
documentation writes it (`create_async_engine(url)`, `async_sessionmaker(engine,
expire_on_commit=False)`, `async with factory() as session, session.begin():`), on the same
driver, server and database, in one process. Two units of work: a read (`session.get` of one
`Author` by primary key) and a write (one `Author` added and committed).

The two sides are timed operation by operation, taking turns (which goes first alternates), so
that the machine's drift, shared here with other work, hits both alike. Round trips per
operation are counted where the driver writes through asyncio's transports (asyncpg).

Environment: BENCH_PACKAGE (the rendered package), BENCH_ADMIN_URL (a PostgreSQL URL of a
database on the server, where a scratch database is created), BENCH_OPS, BENCH_ROUNDS.
Prints one JSON object.
"""

import itertools
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from .probe_support import SocketWrites, db, main, models

# The project's own driver, as its settings name it.
DRIVER = make_url(db.Settings().database_url).drivername

Operation = Callable[[], Awaitable[object]]


async def round_trips(operation: Operation, socket_writes: SocketWrites) -> float:
    before = socket_writes.count
    for _ in range(50):
        await operation()
    return (socket_writes.count - before) / 50


async def side_by_side(
    bare: Operation, ours: Operation, ops: int, rounds: int, socket_writes: SocketWrites
) -> dict[str, Any]:
    """Seconds per side, per round; each operation of one side next to one of the other."""
    for _ in range(max(ops // 20, 20)):  # warm up: prepared statements, compiled caches, pools
        await bare()
        await ours()
    per_round = ops // rounds
    bare_rounds, ours_rounds = [], []
    for _ in range(rounds):
        bare_seconds = ours_seconds = 0.0
        for first_bare in itertools.islice(itertools.cycle((True, False)), per_round):
            for is_bare in (first_bare, not first_bare):
                start = time.perf_counter()
                await (bare() if is_bare else ours())
                elapsed = time.perf_counter() - start
                if is_bare:
                    bare_seconds += elapsed
                else:
                    ours_seconds += elapsed
        bare_rounds.append(bare_seconds)
        ours_rounds.append(ours_seconds)
    overheads = [o / b - 1 for o, b in zip(ours_rounds, bare_rounds, strict=True)]
    return {
        "ops": per_round * rounds,
        "bare_ops_per_second": per_round * rounds / sum(bare_rounds),
        "ours_ops_per_second": per_round * rounds / sum(ours_rounds),
        "overhead": sum(ours_rounds) / sum(bare_rounds) - 1,
        "round_overheads": overheads,
        "median_round_overhead": statistics.median(overheads),
        "bare_round_trips": await round_trips(bare, socket_writes),
        "ours_round_trips": await round_trips(ours, socket_writes),
    }


async def run(url: str, ops: int, rounds: int) -> dict[str, Any]:
    socket_writes = SocketWrites()
    ours_engine = db.make_engine(db.Settings(database_url=url))
    bare_engine = create_async_engine(url)
    try:
        async with ours_engine.begin() as connection:
            await connection.run_sync(db.Base.metadata.create_all)
        ours_factory = db.make_session_factory(ours_engine)
        bare_factory = async_sessionmaker(bare_engine, expire_on_commit=False)
        async with db.unit_of_work(ours_factory) as session:
            author = models.Author(name="Bench author")
            session.add(author)
        pk = author.id
        names = itertools.count()

        async def bare_read() -> object:
            async with bare_factory() as session, session.begin():
                return await session.get(models.Author, pk)

        async def ours_read() -> object:
            async with db.unit_of_work(ours_factory) as session:
                return await session.get(models.Author, pk)

        async def bare_write() -> object:
            async with bare_factory() as session, session.begin():
                session.add(models.Author(name=f"Bare {next(names)}"))
            return None

        async def ours_write() -> object:
            async with db.unit_of_work(ours_factory) as session:
                session.add(models.Author(name=f"Ours {next(names)}"))
            return None

        return {
            "engine": DRIVER,
            "read": await side_by_side(bare_read, ours_read, ops, rounds, socket_writes),
            "write": await side_by_side(bare_write, ours_write, ops, rounds, socket_writes),
        }
    finally:
        await ours_engine.dispose()
        await bare_engine.dispose()


if __name__ == "__main__":
    main(run, DRIVER, "bench_overhead")
