"""Requests per second of a rendered project's app: 200 concurrent requests, in process.

Run it inside a project rendered with a framework, against a migrated database:

    DATABASE_URL=... uv run alembic upgrade head
    DATABASE_URL=... uv run python path/to/bench/app_requests.py <package_name> [--rounds 5]

Each round sends 200 concurrent POST /authors, then 200 concurrent GET /authors/{id}, through
httpx's ASGI transport to the real app with its own lifespan (engine, pool, real commits). It
prints the best round of each; no server, no network, so it measures the app and the database.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import time
import uuid

import httpx

CONCURRENT = 200


async def round_trip(client: httpx.AsyncClient) -> tuple[float, float]:
    tag = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    created = await asyncio.gather(
        *(client.post("/authors", json={"name": f"bench {tag} {n}"}) for n in range(CONCURRENT))
    )
    writes = time.perf_counter() - started
    assert all(r.status_code == 201 for r in created), {r.status_code for r in created}
    ids = [r.json()["id"] for r in created]
    started = time.perf_counter()
    read = await asyncio.gather(*(client.get(f"/authors/{i}") for i in ids))
    reads = time.perf_counter() - started
    assert all(r.status_code == 200 for r in read), {r.status_code for r in read}
    return CONCURRENT / writes, CONCURRENT / reads


async def main(package: str, rounds: int) -> None:
    module = importlib.import_module(f"{package}.app")
    # Litestar's default logging config shows httpx's INFO line per request: client cost.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = module.create_app()
    # FastAPI keeps its lifespan on the router; Litestar has its own context manager.
    is_fastapi = hasattr(app, "router") and hasattr(app.router, "lifespan_context")
    lifespan = app.router.lifespan_context(app) if is_fastapi else app.lifespan()
    async with lifespan:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await round_trip(client)  # warm-up: connections, statement caches
            results = [await round_trip(client) for _ in range(rounds)]
    writes = max(r[0] for r in results)
    reads = max(r[1] for r in results)
    print(f"{package}: POST {writes:.0f} req/s, GET {reads:.0f} req/s (best of {rounds})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package")
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.package, arguments.rounds))
