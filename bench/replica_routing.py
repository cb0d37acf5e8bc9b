"""What read-replica routing costs per unit of work, and the example read's throughput through the
app with the primary alone against the primary plus one replica.

Run it inside a project rendered with `read_replicas=true` (asyncpg or psycopg), against a
database migrated on a primary that a hot standby replays:

    uv run python path/to/bench/replica_routing.py <package_name> <primary_url> <replica_url>

(URLs with the project's driver, to the same database on each server; `tests/replication.py`
of the rendered project, or the template's `tests/servers.py`, start such a pair.)

Units of work, one at a time, each running `SELECT 1`; the best round's mean per unit of work
(the round the machine's other work disturbed least), wall and CPU time in microseconds:

- `today` on each server: `async_sessionmaker` and `unit_of_work` as a project without the
  answer renders them (the baseline);
- `routed writing`: the routed factory's writing unit of work (on the primary): what the
  read-only guards cost a unit of work that never reads on a replica;
- `routed read-only`: `unit_of_work(factory, read_only=True)` on the replica, its check not due
  (the routing decision, the guards, a READ ONLY transaction);
- `read-only, no replica`: the same with no replica configured (on the primary).

Then the routing's own CPU, without I/O (the mean of the best of 5 rounds of 20,000): a session
opened and closed by today's factory, by the routed one, and as a read-only unit of work opens
it on a replica (its own bind, the read-only mark); and choosing the replica (`candidates()`).
The end-to-end figures above cannot resolve a few microseconds on a shared machine; these can.

Then GET /authors/{id} through the app (httpx's ASGI transport, no network), `--clients`
concurrent clients, primary only and primary plus the replica, alternating rounds. On one
machine the standby shares the CPU with the primary, the app and the client: this measures the
routing's overhead on the request path, not the scale a second machine would add.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

SELECT_1 = text("SELECT 1")


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


async def best_of(
    rounds: int, per_round: int, one: Callable[[], Awaitable[None]]
) -> tuple[float, float]:
    """The best round's mean wall and CPU time per call, in microseconds."""
    results = []
    for _ in range(rounds):
        wall, cpu = clocks()
        for _ in range(per_round):
            await one()
        results.append(
            ((time.perf_counter() - wall) / per_round, (time.process_time() - cpu) / per_round)
        )
    best_wall = min(results)
    return best_wall[0] * 1e6, best_wall[1] * 1e6


async def units_of_work(package: str, primary: str, replica: str, rounds: int, n: int) -> dict:
    engine_module = importlib.import_module(f"{package}.db.engine")
    session_module = importlib.import_module(f"{package}.db.session")
    replicas_module = importlib.import_module(f"{package}.db.replicas")
    settings_module = importlib.import_module(f"{package}.settings")
    make_engine = engine_module.make_engine
    unit_of_work = session_module.unit_of_work
    settings = settings_module.Settings(
        database_url=primary,
        database_replica_urls=[replica],
        database_replica_check_interval_s=3600,  # checked once, by the warm-up
    )
    primary_engine: AsyncEngine = make_engine(settings)
    replicas = replicas_module.Replicas.from_settings(settings)
    (replica_engine,) = replicas.engines

    def today(engine: AsyncEngine) -> Callable[[], Awaitable[None]]:
        factory = async_sessionmaker(engine, expire_on_commit=False)

        async def one() -> None:
            async with factory() as session, session.begin():
                await session.execute(SELECT_1)

        return one

    def routed(factory: async_sessionmaker[AsyncSession], read_only: bool) -> Any:
        async def one() -> None:
            async with unit_of_work(factory, read_only=read_only) as session:
                await session.execute(SELECT_1)

        return one

    routed_factory = session_module.make_session_factory(primary_engine, replicas)
    alone_factory = session_module.make_session_factory(primary_engine)
    modes = {
        "today, primary": today(primary_engine),
        "today, replica": today(replica_engine),
        "routed writing (primary)": routed(routed_factory, False),
        "routed read-only (replica)": routed(routed_factory, True),
        "read-only, no replica (primary)": routed(alone_factory, True),
    }
    for one in modes.values():  # warm-up: connections open, statements prepared, check done
        await best_of(1, 50, one)
    measured: dict[str, list[tuple[float, float]]] = {name: [] for name in modes}
    order = list(modes)
    for _ in range(rounds):  # interleaved, in a new order each round: no mode always follows
        random.shuffle(order)  # another, and a slow spell hits every mode alike
        for name in order:
            measured[name].append(await best_of(1, n, modes[name]))
    await replicas.dispose()
    await primary_engine.dispose()
    return {name: min(values) for name, values in measured.items()}


async def decision_costs(package: str, primary: str, replica: str) -> dict[str, float]:
    """CPU microseconds per call, no I/O: sessions opened and closed (never connected)."""
    session_module = importlib.import_module(f"{package}.db.session")
    replicas_module = importlib.import_module(f"{package}.db.replicas")
    settings_module = importlib.import_module(f"{package}.settings")
    settings = settings_module.Settings(database_url=primary, database_replica_urls=[replica])
    engine = importlib.import_module(f"{package}.db.engine").make_engine(settings)
    replicas = replicas_module.Replicas.from_settings(settings)
    (chosen,) = replicas.replicas
    chosen.healthy, chosen.next_check = True, time.monotonic() + 3600  # no check due
    plain = async_sessionmaker(engine, expire_on_commit=False)
    routed = session_module.make_session_factory(engine, replicas)
    read_only = {"bind": chosen.engine, "info": {replicas_module.READ_ONLY: True}}
    calls = 20_000

    async def cpu_per_call(open_session: Callable[[], AsyncSession]) -> float:
        rounds = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(calls):
                async with open_session():
                    pass
            rounds.append((time.process_time() - started) / calls * 1e6)
        return min(rounds)

    figures = {
        "session, today's factory": await cpu_per_call(plain),
        "session, routed factory": await cpu_per_call(routed),
        "session, read-only on a replica": await cpu_per_call(lambda: routed(**read_only)),
    }
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(calls):
            next(replicas.candidates())
        rounds.append((time.process_time() - started) / calls * 1e6)
    figures["choosing the replica (candidates())"] = min(rounds)
    await replicas.dispose()
    await engine.dispose()
    return figures


async def app_reads(
    package: str, primary: str, replica: str, rounds: int, requests: int, clients: int
) -> dict:
    import httpx

    app_module = importlib.import_module(f"{package}.app")
    settings_module = importlib.import_module(f"{package}.settings")

    @asynccontextmanager
    async def client_for(replica_urls: list[str]) -> Any:
        settings = settings_module.Settings(
            database_url=primary, database_replica_urls=replica_urls
        )
        app = app_module.create_app(settings)  # FastAPI's: its lifespan makes the engines
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                yield client

    async with client_for([]) as client:
        created = await client.post("/authors", json={"name": f"Bench {uuid.uuid4().hex[:8]}"})
        author_id = created.json()["id"]
    await asyncio.sleep(1)  # replayed on the standby

    async def throughput(client: Any) -> float:
        per_client = requests // clients

        async def reader() -> None:
            for _ in range(per_client):
                response = await client.get(f"/authors/{author_id}")
                assert response.status_code == 200, response.text

        started = time.perf_counter()
        await asyncio.gather(*(reader() for _ in range(clients)))
        return per_client * clients / (time.perf_counter() - started)

    measured: dict[str, list[float]] = {"primary only": [], "primary + 1 replica": []}
    async with client_for([]) as alone, client_for([replica]) as routed:
        await throughput(alone)  # warm-up
        await throughput(routed)
        for _ in range(rounds):
            measured["primary only"].append(await throughput(alone))
            measured["primary + 1 replica"].append(await throughput(routed))
    return {name: (max(values), statistics.median(values)) for name, values in measured.items()}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package")
    parser.add_argument("primary_url")
    parser.add_argument("replica_url")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--per-round", type=int, default=500)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    result: dict[str, Any] = {
        "units_of_work_us": await units_of_work(
            args.package, args.primary_url, args.replica_url, args.rounds, args.per_round
        ),
        "decision_cpu_us": await decision_costs(args.package, args.primary_url, args.replica_url),
    }
    try:
        importlib.import_module(f"{args.package}.app").app.router  # noqa: B018
    except (ModuleNotFoundError, AttributeError):
        pass  # rendered without FastAPI: no app measured
    else:
        result["app_reads_per_s"] = await app_reads(
            args.package,
            args.primary_url,
            args.replica_url,
            args.rounds,
            args.requests,
            args.clients,
        )
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
