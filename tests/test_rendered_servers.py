"""A rendered server project's suite finds or starts its own test server (its `tests/servers.py`):
TEST_DATABASE_URL from `.env`; a throwaway server from the machine's binaries when no local one
answers, removed afterwards; and, with nothing at all, one short message instead of a run."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

from tests.commands import assert_all_passed, clean_env, run
from tests.servers import free_port, mariadb_connect

pytestmark = pytest.mark.xdist_group("rendered-servers")

# The engine rendered, and the harness's fixture for its family's server.
ENGINES = {"asyncpg": "postgres_url", "asyncmy": "mariadb_url"}
# The variables that choose a rendered suite's server: each test sets its own.
CHOOSERS = ("TEST_DATABASE_URL", "TEST_LOCAL_SERVER", "TEST_SERVER_BINARIES")
PASSWORD = "n0t-f0r-print1ng"


@pytest.fixture(scope="module", params=list(ENGINES))
def rendered(request: pytest.FixtureRequest, copie_session: object) -> tuple[Path, str]:
    """A rendered and installed project of the engine (package `finder_<engine>`), and the
    harness server's URL."""
    engine = request.param
    server_url = request.getfixturevalue(ENGINES[engine])
    answers = {"project_name": f"Finder {engine}", "engine": engine}
    result = copie_session.copy(extra_answers=answers)  # type: ignore[attr-defined]
    assert result.exit_code == 0, f"render failed: {result.exception!r}"
    project: Path = result.project_dir
    run(["uv", "sync", "--locked", "--quiet"], project)
    return project, server_url


def suite(project: Path, *args: str, **env: str) -> tuple[int, str]:
    """The rendered suite, run by the project's own Python with only `env` choosing its server
    and PATH holding nothing but the project's environment (no server binaries, unless
    TEST_SERVER_BINARIES names them); returns its exit status and everything it printed."""
    base = {k: v for k, v in clean_env().items() if k not in CHOOSERS}
    base |= {"PATH": str(project / ".venv" / "bin")} | env
    result = run(
        [str(project / ".venv/bin/python"), "-m", "pytest", "-p", "no:cacheprovider", *args],
        project,
        check=False,
        env=base,
    )
    return result.returncode, result.stdout + result.stderr


def closed_port() -> str:
    return f"127.0.0.1:{free_port()}"


def test_a_test_database_url_in_dotenv_is_used(rendered: tuple[Path, str]) -> None:
    """Only `.env` names the server; no local server and no binaries to fall back on."""
    project, server_url = rendered
    dotenv = project / ".env"
    dotenv.write_text(f"TEST_DATABASE_URL={server_url}\n")
    try:
        status, output = suite(project, TEST_LOCAL_SERVER=closed_port(), TEST_SERVER_BINARIES="")
    finally:
        dotenv.unlink()
    assert status == 0, output
    assert "(TEST_DATABASE_URL, from the .env)" in output
    assert_all_passed(output)


def test_without_a_local_server_the_suite_starts_and_removes_its_own(
    rendered: tuple[Path, str],
) -> None:
    """The local server's address is a closed port: the suite starts a server from the machine's
    binaries, its two xdist workers share it, and when the run ends neither its process nor its
    directory is left."""
    project, _ = rendered
    # As root the server runs as another user, who must reach its directory: not under pytest's
    # own temporary directory (0700).
    temporary = Path(tempfile.mkdtemp(prefix="rendered-servers-"))
    temporary.chmod(0o755)
    try:
        status, output = suite(
            project,
            "-n",
            "2",
            TEST_LOCAL_SERVER=closed_port(),
            TMPDIR=str(temporary),
            PATH=os.environ[
                "PATH"
            ],  # mariadb-install-db is a shell script: it needs the usual tools
        )
        assert status == 0, output
        assert "(started for this run, removed at its end)" in output
        assert_all_passed(output)
        assert list(temporary.glob("*-test-server-*")) == []
        assert processes_mentioning(str(temporary)) == []
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # it ended meanwhile
            continue
        if text in command:
            found.append(command)
    return found


def test_with_no_server_and_no_binaries_the_run_stops_with_one_message(
    rendered: tuple[Path, str],
) -> None:
    project, _ = rendered
    local = closed_port()
    status, output = suite(project, TEST_LOCAL_SERVER=local, TEST_SERVER_BINARIES="")
    assert status == 4, output  # pytest's usage error: no test ran
    lines = output.strip().splitlines()
    assert len(lines) < 15, output
    assert "server for the tests. Tried:" in output
    assert f"{local} (TEST_LOCAL_SERVER): nothing listens there" in output
    assert "set TEST_DATABASE_URL" in output
    assert "docker compose up -d --wait" in output
    assert "install the" in output
    assert "passed" not in output
    assert "Traceback" not in output


def test_an_unreachable_named_server_stops_the_run_in_a_few_lines(
    rendered: tuple[Path, str],
) -> None:
    """TEST_DATABASE_URL in the environment names a closed port (and wins over a good `.env`):
    one message naming host and port, never the password, instead of a traceback per test."""
    project, server_url = rendered
    scheme = server_url.split(":", 1)[0]
    named = closed_port()
    dotenv = project / ".env"
    dotenv.write_text(f"TEST_DATABASE_URL={server_url}\n")
    try:
        status, output = suite(
            project, TEST_DATABASE_URL=f"{scheme}://someone:{PASSWORD}@{named}/postgres"
        )
    finally:
        dotenv.unlink()
    assert status == 4, output
    assert len(output.strip().splitlines()) < 15, output
    assert "TEST_DATABASE_URL (environment) names the" in output
    assert f"server at {named}, and it does not answer" in output
    assert "Start that server, or correct or unset TEST_DATABASE_URL" in output
    assert PASSWORD not in output
    assert "Traceback" not in output


def test_a_missing_application_database_is_named_then_created_by_the_project_command(
    rendered: tuple[Path, str],
) -> None:
    """`alembic upgrade head` on a database that does not exist: one line naming it, its server
    and the command that creates it; that command creates it (utf8mb4 on MySQL), says so,
    and says so again when it exists; then the migration runs."""
    project, server_url = rendered
    mysql_family = server_url.startswith("mysql")
    (package,) = [path.name for path in (project / "src").iterdir() if path.is_dir()]
    name = f"finder_app_{secrets.token_hex(3)}"
    parts = urlsplit(server_url)
    netloc = parts.netloc
    if parts.password is None and not mysql_family:
        # The harness's PostgreSQL trusts local logins: a password to look for in the output.
        netloc = netloc.replace("@", f":{PASSWORD}@", 1)
    driver = "mysql+asyncmy" if mysql_family else "postgresql+asyncpg"
    env = {k: v for k, v in clean_env().items() if k not in CHOOSERS}
    env["DATABASE_URL"] = parts._replace(scheme=driver, netloc=netloc, path=f"/{name}").geturl()
    server = f"{parts.hostname}:{parts.port}"
    try:
        missing = run(
            ["uv", "run", "--frozen", "alembic", "upgrade", "head"], project, check=False, env=env
        )
        output = missing.stdout + missing.stderr
        assert missing.returncode != 0, output
        assert f"database {name!r} does not exist on" in output
        assert server in output
        assert f"`uv run python -m {package}.db.create`" in output
        assert "Traceback" not in output
        assert f":{urlsplit(env['DATABASE_URL']).password}@" not in output
        assert PASSWORD not in output
        # alembic's CLI both prints its failure and logs it: the same line, once on each stream.
        assert len(missing.stdout.strip().splitlines()) == 1, output

        create = ["uv", "run", "--frozen", "python", "-m", f"{package}.db.create"]
        created = run(create, project, env=env)
        assert created.stdout.strip().endswith(f"{server}: created"), created.stdout
        again = run(create, project, env=env)
        assert again.stdout.strip().endswith(f"{server}: already exists"), again.stdout
        run(["uv", "run", "--frozen", "alembic", "upgrade", "head"], project, env=env)
        if mysql_family:
            with mariadb_connect(server_url) as connection, connection.cursor() as cursor:
                cursor.execute(
                    "SELECT default_character_set_name FROM information_schema.schemata"
                    " WHERE schema_name = %s",
                    (name,),
                )
                assert cursor.fetchone() == ("utf8mb4",)
    finally:
        drop_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    if server_url.startswith("mysql"):
        with mariadb_connect(server_url) as connection, connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
    else:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
