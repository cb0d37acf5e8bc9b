"""Copied by bench/run.py beside the conftest and the probes in a rendered project: what they
share. The project's data layer, found by the package BENCH_PACKAGE names, so that these files
serve every rendered project unchanged; and a count of the writes to sockets in this process.
"""

import asyncio
import asyncio.selector_events
import importlib
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from types import ModuleType, SimpleNamespace
from typing import Any

from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

PACKAGE = os.environ["BENCH_PACKAGE"]


def _defined(module: str, name: str) -> Any:
    return getattr(importlib.import_module(f"{PACKAGE}.{module}"), name)


# The project's data layer, each name from the module that defines it.
db = SimpleNamespace(
    Base=_defined("db.base", "Base"),
    make_engine=_defined("db.engine", "make_engine"),
    make_session_factory=_defined("db.session", "make_session_factory"),
    unit_of_work=_defined("db.session", "unit_of_work"),
    Settings=_defined("settings", "Settings"),
)
models: ModuleType = importlib.import_module(f"{PACKAGE}.models")


class SocketWrites:
    """Counts writes to sockets through asyncio's transports, from the moment it is made: one per
    round trip to the server where the driver sends each request in one write and waits for the
    answer (asyncpg, with its Sync; asyncmy)."""

    def __init__(self) -> None:
        self.count = 0
        transport = asyncio.selector_events._SelectorSocketTransport
        original = transport.write

        def write(transport_self: Any, data: Any) -> None:
            self.count += 1
            original(transport_self, data)

        transport.write = write  # type: ignore[method-assign]


Measure = Callable[[str, int, int], Awaitable[dict[str, Any]]]


def main(measure: Measure, driver: str, prefix: str) -> None:
    """A probe's `measure(url, ops, rounds)` on a scratch database (`scratch_database`) of the
    server BENCH_ADMIN_URL names, for BENCH_OPS operations in BENCH_ROUNDS rounds; its result
    printed as one line of JSON, the line bench/run.py reads."""

    async def on_scratch() -> dict[str, Any]:
        async with scratch_database(os.environ["BENCH_ADMIN_URL"], driver, prefix) as url:
            return await measure(url, int(os.environ["BENCH_OPS"]), int(os.environ["BENCH_ROUNDS"]))

    print(json.dumps(asyncio.run(on_scratch())))


@asynccontextmanager
async def scratch_database(admin_url: str, driver: str, prefix: str) -> AsyncIterator[str]:
    """A PostgreSQL database of the probe's own, created on the server `admin_url` names and
    dropped after, whatever happened: its URL through `driver`, password included (the engines
    made on it log in with it)."""
    server = make_url(admin_url).set(drivername=driver)
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"{prefix}_{os.getpid()}"
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                await connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.dispose()
