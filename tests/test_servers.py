"""The test servers (tests/servers.py): each kind falls back to a throwaway server that answers
and leaves nothing behind; an unreachable one fails, naming where; and the real PgBouncer in
front of PostgreSQL is in transaction mode, where asyncpg's defaults break and the rendered
engine's settings do not; a throwaway primary's standby replays it, and its replay pauses.

Nothing here stops a server of the machine: "nothing answers locally" is a closed port.
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import psycopg
import pytest

from tests import servers
from tests.answer_sets import VARIANTS
from tests.commands import in_project, run

Provider = Callable[..., AbstractContextManager[servers.Server]]


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    port = servers.free_port()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    return port


def query_one(kind: str, url: str) -> object:
    if kind == "PostgreSQL":
        with psycopg.connect(url) as connection:
            row = connection.execute("SELECT version()").fetchone()
    else:
        with servers.mariadb_connect(url) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            row = cursor.fetchone()
    assert row is not None
    return row[0]


def assert_removed(server: servers.Server) -> None:
    assert server.process is not None
    assert server.directory is not None
    assert server.process.poll() is not None, "the server process still runs"
    with pytest.raises(ProcessLookupError):
        os.kill(server.process.pid, 0)
    assert not server.directory.exists(), f"{server.directory} is left behind"
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", servers.urlsplit(server.url).port or 0)) != 0


KINDS = [
    pytest.param("PostgreSQL", servers.provide_postgres, "postgresql://postgres@", id="postgres"),
    pytest.param("MariaDB", servers.provide_mariadb, "mysql://root@", id="mariadb"),
]


@pytest.mark.parametrize(("kind", "provide", "url_start"), KINDS)
def test_a_throwaway_server_answers_when_none_does_and_is_removed_afterwards(
    kind: str, provide: Provider, url_start: str, closed_port: int
) -> None:
    nowhere = f"{url_start}127.0.0.1:{closed_port}/x"
    with provide(None, local=nowhere) as server:
        assert server.process is not None, f"{kind}: no throwaway server was started"
        assert server.url.startswith(f"{url_start}127.0.0.1:")
        version = query_one(kind, server.url)
        assert kind in str(version) or kind == "PostgreSQL", version
        print(f"{kind} throwaway server answered after {server.startup_s:.2f} s: {version}")
    assert_removed(server)


def test_a_throwaway_postgres_also_starts_from_the_binaries_pgserver_bundles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fallback for machines without a package manager's PostgreSQL."""
    bundled = servers.pgserver_bindir()
    assert bundled is not None, "pgserver (a dev dependency) bundles no server binaries"
    monkeypatch.setattr(servers, "postgres_bindir", lambda: bundled)
    with servers.throwaway_postgres() as server:
        assert "PostgreSQL" in str(query_one("PostgreSQL", server.url))
    assert_removed(server)


@pytest.mark.parametrize(("kind", "provide", "url_start"), KINDS)
def test_a_throwaway_server_is_removed_when_the_test_fails(
    kind: str, provide: Provider, url_start: str, closed_port: int
) -> None:
    started: list[servers.Server] = []

    def failing_test() -> None:
        with provide(None, local=f"{url_start}127.0.0.1:{closed_port}/x") as server:
            started.append(server)
            raise AssertionError("on purpose")

    with pytest.raises(AssertionError, match="on purpose"):
        failing_test()
    assert_removed(started[0])


@pytest.mark.parametrize(("kind", "provide", "url_start"), KINDS)
def test_a_named_server_that_does_not_answer_fails_naming_host_and_port_not_password(
    kind: str, provide: Provider, url_start: str, closed_port: int
) -> None:
    scheme, user = url_start.split("://")
    configured = f"{scheme}://{user.rstrip('@')}:s3cr3t-pw@127.0.0.1:{closed_port}/x"
    variable = f"TEST_{kind.upper()}_URL"
    # A failure, never a skip.
    with pytest.raises(pytest.fail.Exception) as failure, ExitStack() as stack:
        stack.enter_context(servers.session_server(variable, provide(configured)))
    message = str(failure.value)
    assert f"No {kind} server answers at 127.0.0.1:{closed_port}" in message
    assert variable in message
    assert "s3cr3t-pw" not in message


def test_the_pgbouncer_is_in_transaction_mode(pgbouncer_url: str) -> None:
    """Two clients: once the first one's transaction ends, the second gets its server
    connection. In session mode the first client would keep it while connected."""
    with psycopg.connect(pgbouncer_url) as first, psycopg.connect(pgbouncer_url) as second:
        with first.transaction():
            (first_pid,) = first.execute("SELECT pg_backend_pid()").fetchone() or (None,)
        with second.transaction():
            (second_pid,) = second.execute("SELECT pg_backend_pid()").fetchone() or (None,)
    assert first_pid == second_pid


def test_databases_created_through_the_pgbouncer_are_reachable_through_it(
    pgbouncer_url: str,
) -> None:
    """What a rendered suite does through TEST_DATABASE_URL: CREATE DATABASE, connect to it
    (the wildcard entry), DROP DATABASE ... WITH (FORCE) while PgBouncer still holds an idle
    server connection to it."""
    name = f"through_pgbouncer_{os.getpid()}"
    created = servers.urlsplit(pgbouncer_url)._replace(path=f"/{name}").geturl()
    with psycopg.connect(pgbouncer_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with psycopg.connect(created) as connection:
                row = connection.execute("SELECT current_database()").fetchone()
            assert row == (name,)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        left = admin.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,))
        assert left.fetchone() == (0,)


# Two clients, each preparing its statement on the server connection its transaction runs on:
# first at the same time (so on two server connections), then one after the other (so on
# whichever one is free). With a statement cache, a client sooner or later runs a statement
# it prepared on a server connection that never saw it.
ALTERNATING_CLIENTS = """
import asyncio, sys
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from {package}.db.engine import make_engine
from {package}.settings import Settings

QUERY = text("SELECT CAST(:n AS integer) + 1")

async def main(engine):
    try:
        async with engine.connect() as a, engine.connect() as b:
            for _ in range(3):
                await a.execute(QUERY, {{"n": 1}})
                await b.execute(QUERY, {{"n": 2}})
                await a.commit()
                await b.commit()
                for connection in (a, b, b, a):
                    await connection.execute(QUERY, {{"n": 3}})
                    await connection.commit()
    finally:
        await engine.dispose()

mode, url = sys.argv[1:]
engine = create_async_engine(url) if mode == "plain" else make_engine(Settings(database_url=url))
try:
    asyncio.run(main(engine))
except Exception as error:
    print(f"failed: {{error}}")
    sys.exit(1)
print("ok")
"""


@pytest.fixture(scope="module")
def asyncpg_pgbouncer_project(copie_session: object) -> Path:
    variant = next(v for v in VARIANTS if v.name == "asyncpg-pgbouncer")
    result = copie_session.copy(extra_answers=variant.answers)  # type: ignore[attr-defined]
    assert result.exit_code == 0, f"render failed: {result.exception!r}"
    run(["uv", "sync", "--locked", "--quiet"], result.project_dir)
    script = result.project_dir / "alternating_clients.py"
    script.write_text(ALTERNATING_CLIENTS.format(package=variant.package_name))
    return Path(result.project_dir)


@pytest.fixture
def asyncpg_through_pgbouncer(pgbouncer_url: str) -> str:
    return pgbouncer_url.replace("postgresql://", "postgresql+asyncpg://", 1)


@pytest.mark.xdist_group("asyncpg-pgbouncer")
def test_asyncpg_defaults_fail_through_pgbouncer_and_the_rendered_engine_does_not(
    asyncpg_pgbouncer_project: Path, asyncpg_through_pgbouncer: str
) -> None:
    plain = in_project(
        asyncpg_pgbouncer_project,
        "python",
        "alternating_clients.py",
        "plain",
        asyncpg_through_pgbouncer,
        check=False,
    )
    print(plain.stdout)
    assert plain.returncode == 1, plain.stdout + plain.stderr
    assert re.search(
        r'prepared statement "__asyncpg_\w+__" (already exists|does not exist)', plain.stdout
    ), plain.stdout

    rendered = in_project(
        asyncpg_pgbouncer_project,
        "python",
        "alternating_clients.py",
        "rendered",
        asyncpg_through_pgbouncer,
        check=False,
    )
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    assert rendered.stdout.strip() == "ok"


def rows_on(url: str) -> list[str]:
    with psycopg.connect(url, autocommit=True) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM replicated ORDER BY name")]


def in_recovery(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute("SELECT pg_is_in_recovery()").fetchone()
    assert row is not None
    return bool(row[0])


def wait_for(condition: Callable[[], bool], timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_the_standby_replays_the_primary_and_its_replay_can_be_paused(
    replicated_postgres: servers.Replicated,
) -> None:
    primary, standby = replicated_postgres.primary.url, replicated_postgres.standby.url
    assert not in_recovery(primary)
    assert in_recovery(standby)
    with psycopg.connect(primary, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS replicated")
        connection.execute("CREATE TABLE replicated (name text PRIMARY KEY)")
        connection.execute("INSERT INTO replicated VALUES ('first')")
    assert wait_for(lambda: has_table(standby) and rows_on(standby) == ["first"])

    with psycopg.connect(standby, autocommit=True) as replica:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            replica.execute("INSERT INTO replicated VALUES ('on the standby')")
        replica.execute("SELECT pg_wal_replay_pause()")
        try:
            assert wait_for(
                lambda: (
                    replica.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()
                    == ("paused",)
                )
            )
            with psycopg.connect(primary, autocommit=True) as connection:
                connection.execute("INSERT INTO replicated VALUES ('second')")
            assert not wait_for(lambda: rows_on(standby) == ["first", "second"], timeout_s=1.0)
        finally:
            replica.execute("SELECT pg_wal_replay_resume()")
    assert wait_for(lambda: rows_on(standby) == ["first", "second"])


def has_table(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute("SELECT to_regclass('replicated') IS NOT NULL").fetchone()
    return bool(row and row[0])


def test_a_throwaway_primary_and_standby_are_removed_afterwards() -> None:
    with servers.throwaway_replicated_postgres() as pair:
        started = [pair.primary, pair.standby]
        assert all(servers.postgres_answers(server.url) for server in started)
    for server in started:
        assert_removed(server)
