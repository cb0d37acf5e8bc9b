"""A database outage under load, over real HTTP: the served app answers 2xx or 503 with
Retry-After, never resets a client's connection, logs one line per failure (no traceback, no
password), loses no acknowledged write, and serves writes again soon after the restart.

Each app is served by uvicorn on a free loopback port against a PostgreSQL server of this test's
own (tests/servers.py), stopped (fast shutdown, as `pg_ctl stop -m fast`) and started again
while 50 clients write.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest

from tests import scratch
from tests.answer_sets import Variant
from tests.commands import clean_env, in_project, run
from tests.servers import (
    Server,
    as_account,
    free_port,
    postgres_answers,
    postgres_command,
    service_account,
    stop,
    throwaway_postgres,
    where,
)

pytestmark = pytest.mark.xdist_group("outages")

SERVED = [
    Variant(
        "fastapi-asyncpg",
        {"project_name": "Outage Front", "engine": "asyncpg", "framework": "fastapi"},
    ),
    Variant(
        "litestar-psycopg",
        {"project_name": "Outage Desk", "engine": "psycopg", "framework": "litestar"},
    ),
]
WRITERS = 50
LOAD_BEFORE_S = 1.0  # writes acknowledged before the stop
DOWN_S = 1.5  # how long the server stays stopped
RECOVERY_BOUND_S = 10.0  # writes succeed again within this after the restart
REQUEST_TIMEOUT_S = 20.0


@dataclass
class Load:
    """What the clients saw: every answer, and every request that got none."""

    answers: list[tuple[float, int, str, httpx.Headers]] = field(default_factory=list)
    no_answer: list[str] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def acknowledged(self) -> set[str]:
        return {name for _at, status, name, _h in self.answers if 200 <= status < 300}


async def write(client: httpx.AsyncClient, writer: int, load: Load) -> None:
    n = 0
    while not load.stop.is_set():
        name = f"w{writer}-{n}"
        n += 1
        try:
            response = await client.post("/authors", json={"name": name})
        except httpx.TransportError as error:  # reset, closed without an answer, timed out
            load.no_answer.append(f"{name}: {error!r}")
            continue
        load.answers.append((time.monotonic(), response.status_code, name, response.headers))
        if response.status_code == 503:
            await asyncio.sleep(0.05)  # as a client honouring Retry-After would, more eagerly


@contextmanager
def restartable_postgres() -> Iterator[tuple[Server, list[subprocess.Popen[bytes]]]]:
    """A throwaway server, and the processes that restarted it (stopped at the end)."""
    restarted: list[subprocess.Popen[bytes]] = []
    with throwaway_postgres() as server:
        try:
            yield server, restarted
        finally:
            for process in restarted:
                stop(process, signal.SIGINT)


def restart(server: Server, restarted: list[subprocess.Popen[bytes]]) -> float:
    """Fast shutdown (SIGINT: `pg_ctl stop -m fast`), DOWN_S of outage, start on the same port;
    the time it answers again."""
    assert server.process is not None
    assert server.directory is not None
    stop(restarted[-1] if restarted else server.process, signal.SIGINT)
    time.sleep(DOWN_S)
    port = urlsplit(server.url).port
    assert port is not None
    with (server.directory / "restarted.log").open("ab") as log:
        restarted.append(
            subprocess.Popen(
                postgres_command(server.directory / "data", port),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **as_account(service_account("postgres")),  # type: ignore[arg-type]
            )
        )
    deadline = time.monotonic() + 30
    while not postgres_answers(server.url):
        assert time.monotonic() < deadline, "the restarted server did not answer within 30 s"
        time.sleep(0.05)
    return time.monotonic()


def app_database(server_url: str, password: str) -> str:
    """A role with a password (trust lets it in; the URL still carries it) owning a database."""
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"CREATE ROLE outage_app LOGIN PASSWORD '{password}'")
        connection.execute("CREATE DATABASE outage OWNER outage_app")
    host = server_url.split("@", 1)[1].split("/", 1)[0]
    return f"postgresql://outage_app:{password}@{host}/outage"


def stored_names(url: str) -> set[str]:
    with psycopg.connect(url) as connection:
        return {name for (name,) in connection.execute("SELECT name FROM author")}


@contextmanager
def served(project: Path, app: str, env: dict[str, str], log: Path) -> Iterator[str]:
    """uvicorn serving `app` on a free loopback port, until the block ends."""
    port = free_port()
    with log.open("wb") as output:
        server = subprocess.Popen(
            ["uv", "run", "--frozen", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health/ready", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"uvicorn did not answer:\n{log.read_text()}"
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


async def load_through_a_restart(
    base: str, server: Server, restarted: list[subprocess.Popen[bytes]]
) -> tuple[Load, float]:
    load = Load()
    limits = httpx.Limits(max_connections=WRITERS, max_keepalive_connections=WRITERS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=REQUEST_TIMEOUT_S) as client:
        writers = [asyncio.create_task(write(client, n, load)) for n in range(WRITERS)]
        await asyncio.sleep(LOAD_BEFORE_S)
        back_at = await asyncio.to_thread(restart, server, restarted)
        deadline = back_at + RECOVERY_BOUND_S
        while time.monotonic() < deadline and not any(
            at > back_at and status == 201 for at, status, _n, _h in load.answers[-WRITERS:]
        ):
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # a little load after the recovery
        load.stop.set()
        await asyncio.gather(*writers)
    return load, back_at


@pytest.fixture(params=SERVED, ids=lambda v: v.name)
def served_variant(request: pytest.FixtureRequest, copie_session: object) -> tuple[Variant, Path]:
    variant: Variant = request.param
    result = copie_session.copy(extra_answers=variant.answers)  # type: ignore[attr-defined]
    assert result.exit_code == 0, f"render of {variant.name} failed: {result.exception!r}"
    run(["uv", "sync", "--locked", "--quiet"], result.project_dir)
    return variant, result.project_dir


def test_a_restart_under_load_is_answered_503_and_loses_nothing(
    served_variant: tuple[Variant, Path], tmp_path: Path
) -> None:
    variant, project = served_variant
    password = f"pw-{secrets.token_hex(8)}"
    with ExitStack() as stack:
        server, restarted = stack.enter_context(restartable_postgres())
        url = app_database(server.url, password)
        env = clean_env(DATABASE_URL=scratch.with_scheme(url, variant))
        in_project(project, "alembic", "upgrade", "head", env=env)
        log = tmp_path / "uvicorn.log"
        base = stack.enter_context(served(project, f"{variant.package_name}.app:app", env, log))
        load, back_at = asyncio.run(load_through_a_restart(base, server, restarted))
        stored = stored_names(url)
    output = log.read_text()
    statuses = sorted({status for _at, status, _n, _h in load.answers})
    unavailable = [headers for _at, status, _n, headers in load.answers if status == 503]
    recovered = [at for at, status, _n, _h in load.answers if status == 201 and at > back_at]

    assert not load.no_answer, "\n".join(load.no_answer[:10])
    assert set(statuses) <= {201, 503}, statuses
    assert unavailable, "no request met the outage"
    assert all("retry-after" in headers for headers in unavailable)
    assert "Traceback" not in output, output[-5000:]
    assert password not in output
    assert where(server.url) in output, output[-3000:]  # the 503s' log lines name the server
    assert load.acknowledged() <= stored, sorted(load.acknowledged() - stored)[:10]
    assert recovered
    assert recovered[0] - back_at < RECOVERY_BOUND_S
    print(  # shown with -rP: what a run measured
        f"{variant.name}: {len(load.acknowledged())} writes acknowledged, {len(unavailable)}"
        f" answered 503, writes again {recovered[0] - back_at:.2f} s after the restart"
    )
