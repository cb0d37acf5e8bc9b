"""Copied by bench/run.py into a rendered asyncpg project (tests/bench_probe/) and run there.

Operations per second of loading one row by primary key, sequentially, one operation at a time:
through the project's `unit_of_work` and `session.get`, against the same query on a raw asyncpg
pool, in the same process against the same server. Diagnostic paths in between show where the
difference goes. Paths take turns in rounds, so drift on the machine hits them all alike.

Environment: BENCH_PACKAGE (the rendered package), BENCH_ADMIN_URL (a PostgreSQL URL of a
database on the server, from which a scratch database is created), BENCH_OPS, BENCH_ROUNDS.
Prints one JSON object.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from sqlalchemy import make_url, select
from sqlalchemy.ext.asyncio import AsyncEngine

from .probe_support import SocketWrites, db, main, models

# The columns `session.get(Author, pk)` loads (biography is deferred), for the raw query.
RAW_QUERY = "SELECT id, name, created_at FROM author WHERE id = $1"

Operation = Callable[[], Awaitable[object]]


async def count_round_trips(paths: dict[str, Operation], counter: SocketWrites) -> dict[str, float]:
    round_trips = {}
    for name, operation in paths.items():
        before = counter.count
        for _ in range(50):
            await operation()
        round_trips[name] = (counter.count - before) / 50
    return round_trips


async def measure(paths: dict[str, Operation], ops: int, rounds: int) -> dict[str, Any]:
    for operation in paths.values():  # warm up: prepared statements, compiled caches, pools
        for _ in range(max(ops // 20, 20)):
            await operation()
    elapsed = dict.fromkeys(paths, 0.0)
    per_round = ops // rounds
    names = list(paths)
    round_ratios = []
    round_speedups = []  # the rendered default's rate over today's pre-ping, per round
    for round_number in range(rounds):
        shift = round_number % len(names)
        round_elapsed = {}
        for name in names[shift:] + names[:shift]:
            operation = paths[name]
            start = time.perf_counter()
            for _ in range(per_round):
                await operation()
            round_elapsed[name] = time.perf_counter() - start
            elapsed[name] += round_elapsed[name]
        round_ratios.append(round_elapsed["raw_pool"] / round_elapsed["unit_of_work"])
        round_speedups.append(
            round_elapsed["unit_of_work_pre_ping"] / round_elapsed["unit_of_work"]
        )
    total_ops = per_round * rounds
    return {
        "ops": total_ops,
        "rounds": rounds,
        "ops_per_second": {name: total_ops / seconds for name, seconds in elapsed.items()},
        "round_ratios": round_ratios,
        "round_speedups": round_speedups,
    }


async def run(url: str, ops: int, rounds: int) -> dict[str, Any]:
    counter = SocketWrites()
    settings = db.Settings(database_url=url)
    engine: AsyncEngine = db.make_engine(settings)
    # Main before the liveness check: SQLAlchemy's pre-ping at every checkout (on top of the
    # rendered engine's own check, which costs no round trip for a connection used recently).
    pre_ping = db.make_engine(settings, pool_pre_ping=True)
    # No liveness check at all: no pre-ping, and none of the engine's own checkout listeners.
    no_check = db.make_engine(settings, pool_pre_ping=False)
    checkout_listeners = len(no_check.sync_engine.pool.dispatch.checkout)
    if checkout_listeners:  # an empty collection refuses clear()
        no_check.sync_engine.pool.dispatch.checkout.clear()
    pool = None
    try:
        async with engine.begin() as connection:
            await connection.run_sync(db.Base.metadata.create_all)
        session_factory = db.make_session_factory(engine)
        pre_ping_factory = db.make_session_factory(pre_ping)
        no_check_factory = db.make_session_factory(no_check)
        async with db.unit_of_work(session_factory) as session:
            author = models.Author(name="Bench author")
            session.add(author)
        pk = author.id
        raw_url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        pool = await asyncpg.create_pool(raw_url, min_size=1, max_size=5)
        core_query = select(models.Author.id, models.Author.name, models.Author.created_at).where(
            models.Author.id == pk
        )

        held = await pool.acquire()

        async def round_trip() -> object:
            return await held.fetchval("SELECT 1")

        async def raw_pool() -> object:
            async with pool.acquire() as connection:
                return await connection.fetchrow(RAW_QUERY, pk)

        async def raw_pool_transaction() -> object:
            async with pool.acquire() as connection, connection.transaction():
                return await connection.fetchrow(RAW_QUERY, pk)

        async def core_connection() -> object:
            async with engine.connect() as connection:
                return (await connection.execute(core_query)).one()

        async def session_get() -> object:
            async with session_factory() as session:
                return await session.get(models.Author, pk)

        async def unit_of_work_no_check() -> object:
            async with db.unit_of_work(no_check_factory) as session:
                return await session.get(models.Author, pk)

        async def unit_of_work_pre_ping() -> object:
            async with db.unit_of_work(pre_ping_factory) as session:
                return await session.get(models.Author, pk)

        async def unit_of_work() -> object:
            async with db.unit_of_work(session_factory) as session:
                return await session.get(models.Author, pk)

        paths: dict[str, Operation] = {
            "round_trip": round_trip,
            "raw_pool": raw_pool,
            "raw_pool_transaction": raw_pool_transaction,
            "core_connection": core_connection,
            "session_get": session_get,
            "unit_of_work_no_check": unit_of_work_no_check,
            "unit_of_work_pre_ping": unit_of_work_pre_ping,
            "unit_of_work": unit_of_work,
        }
        result = await measure(paths, ops, rounds)
        result["round_trips"] = await count_round_trips(paths, counter)
        result["server_version"] = await held.fetchval("SHOW server_version")
        await pool.release(held)
        result["pool_pre_ping"] = bool(engine.pool._pre_ping)
        # The rendered engine's own checkout listeners (a liveness check without a round trip).
        result["checkout_listeners"] = checkout_listeners
        return result
    finally:
        if pool is not None:
            await pool.close()
        await engine.dispose()
        await pre_ping.dispose()
        await no_check.dispose()


if __name__ == "__main__":
    main(run, "postgresql+asyncpg", "bench_uow")
