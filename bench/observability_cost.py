"""What observability costs: time per request and per unit of work, with it off, on with no
exporter (no OTEL_* variable set), and on with the SDK's in-memory exporters (every span and
metric made and kept, none sent).

Run it inside a rendered project, against a migrated database; once in a render with
`observability=false` (mode `off`) and once in a render with it on (modes `none` and
`memory`):

    DATABASE_URL=... uv run alembic upgrade head
    DATABASE_URL=... uv run python path/to/bench/observability_cost.py <package_name> <mode>

One process per mode, so nothing of one mode stays in another. Sequential work, one at a time:
a request is POST /authors then GET /authors/{id} (two requests, halved), through httpx's ASGI
transport to the app with its own lifespan (no server, no network); a probe is GET
/health/live, which touches no database: what the request's telemetry alone costs; a unit of
work is `unit_of_work` adding one author (INSERT, COMMIT). It prints one JSON line: the best
round's mean per operation, in microseconds (the best round is the one the machine's other
work disturbed least): wall time, and the process's CPU time (`time.process_time`, all its
threads), which the server's share disturbs less.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import time
import uuid
from typing import Any

import httpx

ROUNDS = 9
PER_ROUND = 200


def telemetry_for(package: str, mode: str) -> Any:
    if mode == "off":
        return None
    telemetry = importlib.import_module(f"{package}.telemetry")
    if mode == "none":
        return telemetry.Telemetry()
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    return telemetry.Telemetry(
        span_exporters=[InMemorySpanExporter()], metric_readers=[InMemoryMetricReader()]
    )


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def per_operation(started: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clocks()
    return (wall - started[0]) / PER_ROUND, (cpu - started[1]) / PER_ROUND


def best(rounds: list[tuple[float, float]]) -> tuple[float, float]:
    return min(r[0] for r in rounds), min(r[1] for r in rounds)


async def requests_round(client: httpx.AsyncClient) -> tuple[float, float]:
    tag = uuid.uuid4().hex[:8]
    started = clocks()
    for n in range(PER_ROUND // 2):
        created = await client.post("/authors", json={"name": f"bench {tag} {n}"})
        assert created.status_code == 201, created.text
        read = await client.get(f"/authors/{created.json()['id']}")
        assert read.status_code == 200, read.text
    return per_operation(started)


async def probes_round(client: httpx.AsyncClient) -> tuple[float, float]:
    started = clocks()
    for _ in range(PER_ROUND):
        live = await client.get("/health/live")
        assert live.status_code == 200, live.text
    return per_operation(started)


async def per_request(package: str, mode: str) -> dict[str, tuple[float, float]]:
    app = importlib.import_module(f"{package}.app").create_app()
    if mode != "off":
        app.state.telemetry = telemetry_for(package, mode)
    is_fastapi = hasattr(app, "router") and hasattr(app.router, "lifespan_context")
    lifespan = app.router.lifespan_context(app) if is_fastapi else app.lifespan()
    async with lifespan:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await requests_round(client)  # warm-up: connections, statement caches
            requests = [await requests_round(client) for _ in range(ROUNDS)]
            probes = [await probes_round(client) for _ in range(ROUNDS)]
    return {"request": best(requests), "probe": best(probes)}


async def per_unit_of_work(package: str, mode: str) -> tuple[float, float]:
    engine_module = importlib.import_module(f"{package}.db.engine")
    session_module = importlib.import_module(f"{package}.db.session")
    services = importlib.import_module(f"{package}.services")
    settings = importlib.import_module(f"{package}.settings").get_settings()
    engine = engine_module.make_engine(settings)
    telemetry = telemetry_for(package, mode)
    if telemetry is not None:
        telemetry.instrument(engine)
    factory = session_module.make_session_factory(engine)

    async def one_round() -> tuple[float, float]:
        tag = uuid.uuid4().hex[:8]
        started = clocks()
        for n in range(PER_ROUND):
            async with session_module.unit_of_work(factory) as session:
                await services.add_author(session, f"uow {tag} {n}", None)
        return per_operation(started)

    try:
        await one_round()
        rounds = [await one_round() for _ in range(ROUNDS)]
    finally:
        await engine.dispose()
        if telemetry is not None:
            telemetry.shutdown()
    return best(rounds)


async def main(package: str, mode: str, framework: bool) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    result: dict[str, object] = {"package": package, "mode": mode}
    wall, cpu = await per_unit_of_work(package, mode)
    result |= {"unit_of_work_us": round(wall * 1e6), "unit_of_work_cpu_us": round(cpu * 1e6)}
    if framework:
        for name, (wall, cpu) in (await per_request(package, mode)).items():
            result |= {f"{name}_us": round(wall * 1e6), f"{name}_cpu_us": round(cpu * 1e6)}
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package")
    parser.add_argument("mode", choices=["off", "none", "memory"])
    parser.add_argument("--no-app", action="store_true", help="a project without a framework")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.package, arguments.mode, not arguments.no_app))
