"""Concurrent read-then-write units of work (the example `add_book`) on a fresh SQLite file.

Run inside a rendered SQLite project (aiosqlite or dialect), with its own environment:

    uv run python <template>/bench/sqlite_writers.py my_service sqlite+aiosqlite
    uv run python <template>/bench/sqlite_writers.py my_service my_service+async

Prints, for 10, 50 and 100 concurrent writers: how many committed, how many failed (and why),
and the wall time. The engine is the project's own `make_engine`, default pool.
"""

import asyncio
import importlib
import sys
import tempfile
import time
from pathlib import Path


async def measure(package: str, scheme: str, writers: int) -> str:
    engine_module = importlib.import_module(f"{package}.db.engine")
    session_module = importlib.import_module(f"{package}.db.session")
    base = importlib.import_module(f"{package}.db.base").Base
    services = importlib.import_module(f"{package}.services")
    settings = importlib.import_module(f"{package}.settings").Settings
    importlib.import_module(f"{package}.models")
    unit_of_work = session_module.unit_of_work

    with tempfile.TemporaryDirectory() as directory:
        url = f"{scheme}:///{Path(directory) / 'writers.db'}"
        engine = engine_module.make_engine(settings(database_url=url))
        async with engine.begin() as connection:
            await connection.run_sync(base.metadata.create_all)
        factory = session_module.make_session_factory(engine)
        async with unit_of_work(factory) as session:
            author_id = (await services.add_author(session, "Le Guin")).id

        async def write(number: int) -> None:
            async with unit_of_work(factory) as session:
                await services.add_book(session, author_id, f"Book {number}")

        start = time.perf_counter()
        results = await asyncio.gather(*(write(n) for n in range(writers)), return_exceptions=True)
        elapsed = time.perf_counter() - start
        await engine.dispose()

    failures = [r for r in results if isinstance(r, BaseException)]
    reasons = sorted({str(f).splitlines()[0][:80] for f in failures})
    committed = writers - len(failures)
    line = f"{writers:4d} writers: {committed:3d} committed, {len(failures):3d} failed"
    return f"{line}, {elapsed:.2f} s" + (f"  ({'; '.join(reasons)})" if reasons else "")


def main() -> None:
    package, scheme = sys.argv[1], sys.argv[2]
    for writers in (10, 50, 100):
        print(asyncio.run(measure(package, scheme, writers)))


if __name__ == "__main__":
    main()
