"""The database servers the rendered suites run against, and the fixtures that provide them.

A pytest plugin (tests/conftest.py names it in `pytest_plugins`). Each server is, in order:
the one an environment variable names (it must answer, or the run fails), else the local one
(PostgreSQL and MariaDB only), else a throwaway server started here from the machine's own
binaries, listening on a free loopback port, and removed afterwards, passed or failed.
Never a skip: a variant that needs a server and gets none fails, naming host and port.

- `postgres_url`: TEST_DATABASE_URL, else 127.0.0.1:5432 (user `postgres`), else a throwaway;
  `postgresql://postgres@127.0.0.1:<port>/postgres`.
- `mariadb_url`: TEST_MARIADB_URL, else 127.0.0.1:3306 (`root`, no password), else a throwaway;
  `mysql://root@127.0.0.1:<port>/test` (the database `test` exists and is empty).
- `pgbouncer_url`: TEST_PGBOUNCER_URL, else a PgBouncer of our own in transaction mode in front
  of `postgres_url` (same user and database, another port); never a "local" one.
- `replicated_postgres`: a primary and a hot standby streaming from it (TEST_PRIMARY_URL and
  TEST_REPLICA_URL, else a throwaway pair: `pg_basebackup -R`), for read-replica routing.

URLs carry no driver: rendered projects put theirs in. A rendered suite gets its variant's URL
as TEST_DATABASE_URL (see `database_env`).

As root (CI, containers), the servers run as an unprivileged account: `initdb` and PgBouncer
refuse root, and MariaDB is told which user to become. Otherwise they run as the current user.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
import pymysql
import pytest

from tests.template_config import default_engine, engine_database

LOCAL_POSTGRES = "postgresql://postgres:postgres@127.0.0.1:5432/postgres"
LOCAL_MARIADB = "mysql://root@127.0.0.1:3306/test"
STARTUP_TIMEOUT_S = 60.0


class ServerUnavailableError(RuntimeError):
    """No server of a kind could be had; the message says where we looked, without passwords."""


@dataclass(frozen=True)
class Server:
    """A server the tests use. `process` and `directory` are set for a throwaway one only."""

    url: str
    process: subprocess.Popen[bytes] | None = None
    directory: Path | None = None
    startup_s: float | None = None


def where(url: str) -> str:
    """Host and port of a URL: what an error message may show (never the password)."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}"


# --- probes -------------------------------------------------------------------------------


def postgres_answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
        return True
    except psycopg.OperationalError:
        return False


def mariadb_connect(url: str, **options: object) -> pymysql.connections.Connection:  # type: ignore[type-arg]
    parts = urlsplit(url)
    return pymysql.connect(
        host=parts.hostname,
        port=parts.port or 3306,
        user=unquote(parts.username or "root"),
        password=unquote(parts.password or ""),
        database=parts.path.lstrip("/") or None,
        connect_timeout=3,
        **options,  # type: ignore[arg-type]
    )


def mariadb_answers(url: str) -> bool:
    try:
        with mariadb_connect(url) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except pymysql.err.OperationalError:
        return False


# --- throwaway servers ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def service_account(preferred: str) -> pwd.struct_passwd | None:
    """The account a server runs as when we are root (`preferred`, else `nobody`); None when
    we are not root, and the server runs as us."""
    if os.geteuid() != 0:
        return None
    for name in (preferred, "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ServerUnavailableError(f"running as root, and neither {preferred!r} nor 'nobody' exists")


def private_directory(prefix: str, account: pwd.struct_passwd | None) -> Path:
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    if account is not None:
        os.chown(directory, account.pw_uid, account.pw_gid)
    return directory


def as_account(account: pwd.struct_passwd | None) -> dict[str, object]:
    """Popen arguments that run a command as the account (no intermediate process, so the
    process we signal is the server itself)."""
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def run_as(args: list[str], account: pwd.struct_passwd | None, log: Path) -> None:
    with log.open("ab") as output:
        result = subprocess.run(
            args,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
            **as_account(account),  # type: ignore[call-overload]
        )
    if result.returncode != 0:
        raise ServerUnavailableError(f"`{' '.join(args)}` exited {result.returncode}:\n{tail(log)}")


def tail(log: Path, lines: int = 15) -> str:
    """A log's last lines, after the lines that name an error: mariadb-install-db ends with a
    page of advice, below the server's `[ERROR]` lines that say what went wrong."""
    try:
        text = log.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return "(no log)"
    last = text[-lines:]
    errors = [line for line in text[:-lines] if "[ERROR]" in line or "FATAL" in line]
    return "\n".join([*errors[:lines], *last])


def stop(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serve(
    name: str,
    command: Callable[[int], list[str]],
    url_for: Callable[[int], str],
    answers: Callable[[str], bool],
    *,
    account: pwd.struct_passwd | None,
    directory: Path,
    stop_signal: signal.Signals,
    began: float,
) -> Iterator[Server]:
    """Start `command(port)` in the background until `answers(url_for(port))`; stop it and
    remove `directory` afterwards. A port taken between our probe and the server's bind is
    retried on another."""
    try:
        for _attempt in range(3):
            port = free_port()
            log = directory / f"{name}-{port}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    command(port),
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a Ctrl-C to pytest is not a Ctrl-C to the server
                    **as_account(account),  # type: ignore[arg-type]
                )
            try:
                url = url_for(port)
                deadline = time.monotonic() + STARTUP_TIMEOUT_S
                while process.poll() is None and time.monotonic() < deadline:
                    if answers(url):
                        yield Server(url, process, directory, time.monotonic() - began)
                        return
                    time.sleep(0.05)
            finally:
                stop(process, stop_signal)
            if "in use" not in tail(log):
                break
        raise ServerUnavailableError(
            f"a throwaway {name} did not answer on 127.0.0.1:{port}:\n{tail(log)}"
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def postgres_bindir() -> Path:
    """Where `initdb` and `postgres` are: PATH, else Debian's newest, else the binaries the
    PyPI package pgserver bundles (for machines without a package manager's PostgreSQL)."""
    if found := shutil.which("initdb"):
        # Resolved: a link on PATH (/usr/local/bin/initdb) stands for a folder that holds the
        # server's other programs too (postgres, pg_basebackup).
        return Path(found).resolve().parent
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if debian:
        return Path(debian[-1]).parent
    if bundled := pgserver_bindir():
        return bundled
    raise ServerUnavailableError(
        "no PostgreSQL server binaries (initdb): install PostgreSQL (Debian: postgresql)"
    )


def pgserver_bindir() -> Path | None:
    """The server binaries the PyPI package pgserver bundles, if installed. Found, not
    imported: importing it warns about XDG directories."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or spec.origin is None:
        return None
    bundled = Path(spec.origin).parent / "pginstall" / "bin"
    return bundled if (bundled / "initdb").exists() else None


def postgres_command(data: Path, port: int) -> list[str]:
    """The throwaway server's command line: `data` served on a loopback port, no Unix socket.
    Run it again on a stopped server's `data` and port to restart it."""
    return [
        str(postgres_bindir() / "postgres"),
        "-D",
        str(data),
        "-p",
        str(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        "-c",
        "fsync=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "max_connections=200",
    ]


def serve_postgres(
    name: str, data: Path, account: pwd.struct_passwd | None, directory: Path, began: float
) -> AbstractContextManager[Server]:
    """`data` served by `postgres` on a free loopback port, as user `postgres`; removed after."""
    return serve(
        name,
        lambda port: postgres_command(data, port),
        lambda port: f"postgresql://postgres@127.0.0.1:{port}/postgres",
        postgres_answers,
        account=account,
        directory=directory,
        stop_signal=signal.SIGINT,  # "fast" shutdown: no waiting for clients
        began=began,
    )


@contextmanager
def throwaway_postgres() -> Iterator[Server]:
    """A PostgreSQL server of our own: `initdb` into a temporary directory, `postgres` on a
    free loopback port, trust authentication for user `postgres`, no Unix socket."""
    initdb = [str(postgres_bindir() / "initdb"), "-U", "postgres", "--auth=trust"]
    initdb += ["-E", "UTF8", "--locale=C", "--no-sync"]
    make = lambda data: [*initdb, "-D", str(data)]  # noqa: E731
    with served_data("PostgreSQL", "test-postgres-", make, "initdb") as server:
        yield server


@contextmanager
def throwaway_standby(primary_url: str) -> Iterator[Server]:
    """A hot standby of the server at `primary_url`, by PostgreSQL's own streaming replication:
    `pg_basebackup -R -X stream` (a copy of the primary plus the settings to follow it) served
    on a free loopback port; read-only, in recovery, replaying the primary's WAL as it comes.
    The primary must allow replication connections from 127.0.0.1 (a throwaway one does:
    `initdb`'s pg_hba trusts them; the machine's server at :5432 has no such line)."""
    copy = [str(postgres_bindir() / "pg_basebackup"), f"--dbname={primary_url}"]
    copy += ["--write-recovery-conf", "--wal-method=stream", "--checkpoint=fast", "--no-sync"]
    # --write-recovery-conf (-R): standby.signal and primary_conninfo, to follow the primary.
    make = lambda data: [*copy, f"--pgdata={data}"]  # noqa: E731
    with served_data("PostgreSQL standby", "test-postgres-standby-", make, "pg_basebackup") as s:
        yield s


@contextmanager
def served_data(
    name: str, prefix: str, make: Callable[[Path], list[str]], program: str
) -> Iterator[Server]:
    """A data directory that the command `make(data)` makes, in a temporary directory of the
    `postgres` account, then served (`serve_postgres`); the directory is removed afterwards,
    or at once when making it fails (its log: `<program>.log`)."""
    began = time.monotonic()
    account = service_account("postgres")
    directory = private_directory(prefix, account)
    data = directory / "data"
    try:
        run_as(make(data), account, directory / f"{program}.log")
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    with serve_postgres(name, data, account, directory, began) as server:
        yield server


@dataclass(frozen=True)
class Replicated:
    """A primary and one streaming standby of it."""

    primary: Server
    standby: Server


@contextmanager
def throwaway_replicated_postgres() -> Iterator[Replicated]:
    """A throwaway primary and a hot standby that streams from it; both removed afterwards."""
    with throwaway_postgres() as primary, throwaway_standby(primary.url) as standby:
        yield Replicated(primary, standby)


@contextmanager
def throwaway_mariadb() -> Iterator[Server]:
    """A MariaDB server of our own (Debian's mariadb-server binaries), `root` without password
    over TCP on a free loopback port, with an empty database `test`."""
    began = time.monotonic()
    install_db = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
    daemon = shutil.which("mariadbd") or shutil.which("mysqld")
    for candidate in ("/usr/sbin/mariadbd", "/usr/sbin/mysqld"):
        daemon = daemon or (candidate if os.path.exists(candidate) else None)
    if not (install_db and daemon):
        raise ServerUnavailableError(
            "no MariaDB server binaries (mariadb-install-db, mariadbd): install MariaDB "
            "(Debian: mariadb-server)"
        )
    account = service_account("mysql")
    directory = private_directory("test-mariadb-", account)
    data = directory / "data"
    # --no-defaults everywhere: the machine's my.cnf names the system server's port and socket.
    # --tmpdir: servers bootstrapped at once in the shared /tmp remove each other's temporary
    # tables ("Unknown table 'mysql.tmp_user_sys'", seen with two test workers starting one each).
    user = [f"--user={account.pw_name}"] if account else []
    own_tmpdir = f"--tmpdir={directory}"
    try:
        run_as(
            [
                install_db,
                "--no-defaults",
                f"--datadir={data}",
                own_tmpdir,
                *user,
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            None,  # it switches to --user itself
            directory / "install.log",
        )
        (directory / "init.sql").write_text("CREATE DATABASE IF NOT EXISTS test;\n")
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    with serve(
        "MariaDB",
        lambda port: [
            daemon,
            "--no-defaults",
            f"--datadir={data}",
            own_tmpdir,
            f"--socket={directory / 'socket'}",
            f"--port={port}",
            "--bind-address=127.0.0.1",
            "--skip-name-resolve",
            f"--pid-file={directory / 'mariadbd.pid'}",
            f"--init-file={directory / 'init.sql'}",
            "--skip-log-bin",
            "--innodb-buffer-pool-size=32M",
            "--innodb-log-file-size=16M",
            "--innodb-flush-log-at-trx-commit=0",
            *user,
        ],
        lambda port: f"mysql://root@127.0.0.1:{port}/test",
        mariadb_answers,
        account=None,  # started as us; as root, --user makes it drop to the account
        directory=directory,
        stop_signal=signal.SIGTERM,
        began=began,
    ) as server:
        yield server


PGBOUNCER_CONFIG = """\
[databases]
; any database name, on the test server: the rendered suites create their own
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen_port}
unix_socket_dir =
pool_mode = transaction
auth_type = trust
auth_file = {directory}/userlist.txt
admin_users = {user}
max_client_conn = 500
default_pool_size = 20
ignore_startup_parameters = extra_float_digits
logfile = {directory}/pgbouncer.log
"""


@contextmanager
def throwaway_pgbouncer(server_url: str) -> Iterator[Server]:
    """Debian's PgBouncer on a free loopback port, in transaction mode, in front of the
    PostgreSQL server at `server_url`: every database on it, trust for the server's user."""
    began = time.monotonic()
    binary = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if os.path.exists("/usr/sbin/pgbouncer") else None
    )
    if binary is None:
        raise ServerUnavailableError("no pgbouncer binary: install PgBouncer (Debian: pgbouncer)")
    server = urlsplit(server_url)
    user = unquote(server.username or "postgres")
    account = service_account("postgres")
    directory = private_directory("test-pgbouncer-", account)
    # The server's password, if any, is what PgBouncer logs in with; clients are trusted.
    password = unquote(server.password or "")
    (directory / "userlist.txt").write_text(f'"{user}" "{password}"\n')
    config = directory / "pgbouncer.ini"

    def command(port: int) -> list[str]:
        config.write_text(
            PGBOUNCER_CONFIG.format(
                host=server.hostname,
                port=server.port or 5432,
                listen_port=port,
                directory=directory,
                user=user,
            )
        )
        for path in (config, directory / "userlist.txt"):
            if account is not None:
                os.chown(path, account.pw_uid, account.pw_gid)
            path.chmod(0o600)
        return [binary, str(config)]

    def url_for(port: int) -> str:
        return server._replace(netloc=f"{user}@127.0.0.1:{port}").geturl()

    with serve(
        "PgBouncer",
        command,
        url_for,
        postgres_answers,
        account=account,
        directory=directory,
        stop_signal=signal.SIGTERM,
        began=began,
    ) as bouncer:
        yield bouncer


# --- choosing a server ----------------------------------------------------------------------


@contextmanager
def provide(
    kind: str,
    configured: str | None,
    local: str | None,
    answers: Callable[[str], bool],
    throwaway: Callable[[], AbstractContextManager[Server]],
) -> Iterator[Server]:
    """The configured server (which must answer), else the local one, else a throwaway."""
    if configured:
        if not answers(configured):
            raise ServerUnavailableError(
                f"No {kind} server answers at {where(configured)}, where the environment says"
            )
        yield Server(configured)
        return
    if local and answers(local):
        yield Server(local)
        return
    with ExitStack() as stack:
        try:
            server = stack.enter_context(throwaway())
        except ServerUnavailableError as error:
            looked = f"none answers at {where(local)}, and " if local else ""
            raise ServerUnavailableError(
                f"No {kind} server: {looked}none could be started here: {error}"
            ) from error
        yield server


def provide_postgres(
    configured: str | None, local: str | None = LOCAL_POSTGRES
) -> AbstractContextManager[Server]:
    return provide("PostgreSQL", configured, local, postgres_answers, throwaway_postgres)


def provide_mariadb(
    configured: str | None, local: str | None = LOCAL_MARIADB
) -> AbstractContextManager[Server]:
    return provide("MariaDB", configured, local, mariadb_answers, throwaway_mariadb)


def provide_pgbouncer(configured: str | None, server_url: str) -> AbstractContextManager[Server]:
    return provide(
        "PgBouncer", configured, None, postgres_answers, lambda: throwaway_pgbouncer(server_url)
    )


@contextmanager
def session_server(variable: str, server: AbstractContextManager[Server]) -> Iterator[str]:
    """The server's URL for the session; a server that cannot be had fails the test asking
    for it (never a skip), and says what to start or set."""
    with ExitStack() as stack:
        try:
            url = stack.enter_context(server).url
        except ServerUnavailableError as error:
            pytest.fail(f"{error}\nStart one, or set {variable}.", pytrace=False)
        yield url


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The PostgreSQL server: TEST_DATABASE_URL, else 127.0.0.1:5432, else a throwaway."""
    with session_server(
        "TEST_DATABASE_URL", provide_postgres(os.environ.get("TEST_DATABASE_URL"))
    ) as url:
        yield url


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    """The MariaDB server: TEST_MARIADB_URL, else 127.0.0.1:3306, else a throwaway."""
    with session_server(
        "TEST_MARIADB_URL", provide_mariadb(os.environ.get("TEST_MARIADB_URL"))
    ) as url:
        yield url


@pytest.fixture(scope="session")
def pgbouncer_url(postgres_url: str) -> Iterator[str]:
    """A PgBouncer in transaction mode in front of `postgres_url`: TEST_PGBOUNCER_URL, else
    one of our own. Same user and database as `postgres_url`, another port."""
    with session_server(
        "TEST_PGBOUNCER_URL",
        provide_pgbouncer(os.environ.get("TEST_PGBOUNCER_URL"), postgres_url),
    ) as url:
        yield url


@pytest.fixture(scope="session")
def replicated_postgres() -> Iterator[Replicated]:
    """A PostgreSQL primary with a streaming standby: TEST_PRIMARY_URL and TEST_REPLICA_URL
    (a standby of that primary) when both are set, and both must answer; else a throwaway
    primary and a standby of it, started here (the machine's server is not set up to be
    replicated from)."""
    primary, replica = os.environ.get("TEST_PRIMARY_URL"), os.environ.get("TEST_REPLICA_URL")
    if primary and replica:
        for url in (primary, replica):
            if not postgres_answers(url):
                pytest.fail(f"No PostgreSQL answers at {where(url)}, where the environment says")
        yield Replicated(Server(primary), Server(replica))
        return
    with ExitStack() as stack:
        try:
            pair = stack.enter_context(throwaway_replicated_postgres())
        except ServerUnavailableError as error:
            pytest.fail(
                f"No replicated PostgreSQL could be started here: {error}\n"
                "Set TEST_PRIMARY_URL and TEST_REPLICA_URL to a primary and its standby.",
                pytrace=False,
            )
        yield pair


def server_fixture(answers: dict[str, object]) -> str | None:
    """The fixture whose server an answer set's rendered suite runs against, if any."""
    database = engine_database(str(answers.get("engine", default_engine())))
    if database == "postgresql":
        return "pgbouncer_url" if answers.get("pgbouncer") else "postgres_url"
    if database == "mysql":
        return "mariadb_url"
    return None


@pytest.fixture(scope="session")
def variant_database_url(request: pytest.FixtureRequest, variant: Any) -> str | None:
    """The URL of the server the answer set's rendered suite runs against (None: it needs
    none): PgBouncer for `pgbouncer: True`."""
    fixture = server_fixture(variant.answers)
    return request.getfixturevalue(fixture) if fixture else None


@pytest.fixture(scope="session")
def replicated_pgbouncer(replicated_postgres: Replicated) -> Iterator[Replicated]:
    """A PgBouncer in transaction mode in front of each of `replicated_postgres`."""
    with (
        throwaway_pgbouncer(replicated_postgres.primary.url) as primary,
        throwaway_pgbouncer(replicated_postgres.standby.url) as standby,
    ):
        yield Replicated(primary, standby)


REPLICATION_VARIABLES = ("TEST_PRIMARY_URL", "TEST_REPLICA_URL")


@pytest.fixture(scope="session")
def variant_servers(request: pytest.FixtureRequest, variant: Any) -> dict[str, str]:
    """The variables through which the answer set's rendered suite finds its servers:
    TEST_DATABASE_URL (none on SQLite), and with read replicas and PgBouncer, TEST_PRIMARY_URL
    and TEST_REPLICA_URL: PgBouncers in front of `replicated_postgres`. Read replicas without
    PgBouncer get neither, so that the rendered suite starts its own primary and standby, as
    it does on a new machine."""
    servers = {}
    if url := request.getfixturevalue("variant_database_url"):
        servers["TEST_DATABASE_URL"] = url
    if variant.answers.get("read_replicas") and variant.answers.get("pgbouncer"):
        pair = request.getfixturevalue("replicated_pgbouncer")
        servers |= {"TEST_PRIMARY_URL": pair.primary.url, "TEST_REPLICA_URL": pair.standby.url}
    return servers


def set_servers(patch: pytest.MonkeyPatch, servers: dict[str, str]) -> None:
    """The environment a rendered suite reads `servers` from (`clean_env()` hands it on)."""
    for variable in REPLICATION_VARIABLES:
        patch.delenv(variable, raising=False)
    for variable, url in servers.items():
        patch.setenv(variable, url)


@pytest.fixture(autouse=True)
def database_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test of an answer set sees its servers as the rendered suite's variables
    (`variant_servers`)."""
    if "variant" in request.fixturenames:
        set_servers(monkeypatch, request.getfixturevalue("variant_servers"))
