"""The limit: the benchmark's routes on a raw asyncpg pool with hand-written SQL, in a bare
Starlette app. No ORM, no validation of output, one query per request: what the database and
the server cost, without a data layer.

    DATABASE_URL=postgresql://... uvicorn limit:app --app-dir bench/http/apps
"""

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

# One query: the author and its books, joined, books aggregated by the server.
READ = """
SELECT a.id, a.name, a.created_at,
       coalesce(json_agg(json_build_object('id', b.id, 'title', b.title, 'author_id', b.author_id)
                ORDER BY b.id) FILTER (WHERE b.id IS NOT NULL), '[]') AS books
FROM author a LEFT JOIN book b ON b.author_id = a.id
WHERE a.id = $1
GROUP BY a.id
"""
WRITE = "INSERT INTO author (name, biography) VALUES ($1, $2) RETURNING id, name, created_at"


def pool_of(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


async def read_author(request: Request) -> JSONResponse:
    async with pool_of(request).acquire() as connection:
        row = await connection.fetchrow(READ, int(request.path_params["author_id"]))
    if row is None:
        return JSONResponse({"detail": "not found"}, status_code=404)
    # The server returns the books as JSON text; decoded, they go out in the one JSON object.
    return JSONResponse(
        {
            "id": row["id"],
            "name": row["name"],
            "created_at": row["created_at"].isoformat(),
            "books": json.loads(row["books"]),
        }
    )


async def create_author(request: Request) -> JSONResponse:
    body = await request.json()
    async with pool_of(request).acquire() as connection:  # autocommit: committed on return
        row = await connection.fetchrow(WRITE, body["name"], body.get("biography"))
    return JSONResponse(
        {"id": row["id"], "name": row["name"], "created_at": row["created_at"].isoformat()},
        status_code=201,
    )


async def ready(request: Request) -> JSONResponse:
    async with pool_of(request).acquire() as connection:
        await connection.fetchval("SELECT 1")
    return JSONResponse({"status": "ok"})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    # asyncpg's default pool: 10 connections, its statement cache on.
    app.state.pool = await asyncpg.create_pool(os.environ["DATABASE_URL"])
    try:
        yield
    finally:
        await app.state.pool.close()


app = Starlette(
    routes=[
        Route("/authors/{author_id:int}", read_author),
        Route("/authors", create_author, methods=["POST"]),
        Route("/health/ready", ready),
    ],
    lifespan=lifespan,
)
