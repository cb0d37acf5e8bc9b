"""The HTTP benchmark: the rendered apps against their peers and the limit, over real HTTP.

    uv run python bench/http/run.py [--users 1,10,50] [--requests 2000] [--seconds 10]

Every app is served by uvicorn (one process, the server `fastapi run` and `litestar run` start)
pinned to core 0 with `taskset`; the load generator (bench/http/load.py, locust) runs pinned to
core 1, over loopback. PostgreSQL, shared by all, is not pinned. The apps, in one run, on one
database holding the same data (1,000 authors with 5 books each, made by the rendered
project's migration):

- ours: the template rendered with FastAPI and with Litestar, on asyncpg and psycopg (and
  aiosqlite, for reference, on a SQLite file seeded the same way), each in its own
  environment from its own uv.lock;
- the limit: a raw asyncpg pool and hand-written SQL in a bare Starlette app
  (bench/http/apps/limit.py);
- the peers: advanced-alchemy's FastAPI integration and full-stack-fastapi-template's sync
  SQLModel sessions (bench/http/apps/; each file says where its pattern comes from).

Routes: the example read (GET /authors/{id}, an author with its books), the example write
(POST /authors, committed) and GET /health/ready. Each load is bounded by a request count
and by a time, after a warm-up that is not counted. The figures and the ratios against the
targets go to bench/out/http/results.json and into BENCHMARKS.md between the HTTP markers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))  # the template's test helpers: one set of helpers

from tests.commands import clean_env, free_port, run, serving  # noqa: E402
from tests.copier_cli import copy_release  # noqa: E402
from tests.servers import ServerUnavailableError, provide_postgres  # noqa: E402

sys.path.insert(0, str(HERE))
import http_report  # noqa: E402

PACKAGE = "my_service"
DATABASE = "bench_http"
AUTHORS, BOOKS_PER_AUTHOR = 1000, 5
FRAMEWORKS = ("fastapi", "litestar")
ENGINES = ("asyncpg", "psycopg", "aiosqlite")
SCHEMES = {"asyncpg": "postgresql+asyncpg", "psycopg": "postgresql+psycopg"}


@dataclass
class App:
    name: str  # as the report names it
    kind: str  # "ours", "peer" or "limit"
    database: str  # "postgresql" or "sqlite"
    command: list[str]  # the server, without host and port
    cwd: Path
    env: dict[str, str]


def bench_environment(work: Path) -> Path:
    """The environment of the load generator, the limit and the peers (requirements.txt)."""
    env = work / "env"
    python = env / "bin" / "python"
    if not python.exists():
        run(["uv", "venv", "--quiet", "--python", sys.executable, str(env)], REPO)
    run(
        ["uv", "pip", "install", "--quiet", "--python", str(python), "-r", "requirements.txt"],
        HERE,
    )
    return env


def render_ours(work: Path, framework: str, engine: str, ref: str = "HEAD") -> Path:
    """A project rendered by `copier copy` from `ref` of this repository (HEAD: the work tree,
    uncommitted changes included), synced from its own uv.lock."""
    project = work / (f"{framework}-{engine}" if ref == "HEAD" else f"before-{framework}-{engine}")
    if project.exists():
        shutil.rmtree(project)
    copy_release(
        REPO, project, ref, project_name="My Service", package_name=PACKAGE,
        engine=engine, framework=framework,
    )  # fmt: skip
    run(["uv", "sync", "--locked", "--quiet"], project, env=clean_env())
    return project


def postgres_database(admin_url: str) -> str:
    """A fresh database on the server, as a plain postgresql:// URL."""
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(scheme="postgresql", path=f"/{DATABASE}"))


def python(env: Path, code: str) -> str:
    return run([str(env / "bin" / "python"), "-c", code], HERE).stdout


def migrate(project: Path, url: str) -> None:
    run(["uv", "run", "--no-sync", "alembic", "upgrade", "head"], project,
        env=clean_env(DATABASE_URL=url))  # fmt: skip


SEED = (
    "INSERT INTO author (name) SELECT 'author ' || g FROM generate_series(1, {a}) g",
    "INSERT INTO book (title, author_id) SELECT 'book ' || g || '.' || k, g "
    "FROM generate_series(1, {a}) g, generate_series(1, {b}) k",
)


def seed_postgres(url: str) -> None:
    with psycopg.connect(url) as connection:
        for statement in SEED:
            connection.execute(statement.format(a=AUTHORS, b=BOOKS_PER_AUTHOR).encode())


def seed_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO author (id, name) VALUES (?, ?)",
            [(a, f"author {a}") for a in range(1, AUTHORS + 1)],
        )
        connection.executemany(
            "INSERT INTO book (title, author_id) VALUES (?, ?)",
            [(f"book {a}.{k}", a) for a in range(1, AUTHORS + 1) for k in range(BOOKS_PER_AUTHOR)],
        )


def with_scheme(url: str, scheme: str) -> str:
    return scheme + url.removeprefix("postgresql")


def pinned(core: str | None, command: list[str]) -> list[str]:
    return ["taskset", "-c", core, *command] if core is not None else command


def measure(app: App, env: Path, args: argparse.Namespace, work: Path) -> list[dict[str, object]]:
    port = free_port()
    cores = ("0", "1") if (os.cpu_count() or 1) >= 2 and shutil.which("taskset") else (None, None)
    server = pinned(cores[0], [*app.command, "--port", str(port), "--no-access-log",
                               "--log-level", "warning"])  # fmt: skip
    log = work / f"{app.name.replace(' ', '_').replace('/', '_')}.log"
    load = [
        str(env / "bin" / "python"), str(HERE / "load.py"),
        "--users", args.users, "--requests", str(args.requests), "--seconds", str(args.seconds),
        "--warmup", str(args.warmup), "--authors", str(AUTHORS),
    ]  # fmt: skip
    with serving(server, app.cwd, clean_env(**app.env), port, log) as base:
        pid = listener(port)
        done = run(
            pinned(cores[1], [*load, *(["--server-pid", str(pid)] if pid else []), base]), HERE
        )
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    for row in rows:
        row["app"] = app.name
        row["kind"] = app.kind
    return rows


def listener(port: int) -> int | None:
    """The process listening on 127.0.0.1:`port` (Linux's /proc), else None."""
    tables = [Path("/proc/net/tcp")]
    wanted = f":{port:04X}"
    inodes = set()
    for table in tables:
        if not table.exists():
            return None
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(wanted) and fields[3] == "0A":  # LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if os.readlink(fd) in inodes:
                return int(fd.parts[2])
        except OSError:
            continue
    return None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", default="1,10,50", help="concurrencies (default 1,10,50)")
    parser.add_argument("--requests", type=int, default=2000, help="count bound per load")
    parser.add_argument("--seconds", type=float, default=10.0, help="time bound per load")
    parser.add_argument("--warmup", type=int, default=200, help="uncounted requests first")
    parser.add_argument("--engines", default=",".join(ENGINES), help="ours: engines")
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS), help="ours: frameworks")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL"),
        help="a database on the PostgreSQL server, where the benchmark's database is created "
        "(default: TEST_DATABASE_URL, else the server the template's tests would use)",
    )
    parser.add_argument(
        "--before",
        metavar="REF",
        help="also serve ours rendered from this git ref (e.g. main), for a before/after "
        "comparison in the same run",
    )
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--work-dir", type=Path, default=REPO / "bench" / "out" / "http")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    frameworks = [f for f in args.frameworks.split(",") if f]
    unknown = sorted(set(engines) - set(ENGINES)) + sorted(set(frameworks) - set(FRAMEWORKS))
    if unknown:
        raise SystemExit(
            f"unknown: {', '.join(unknown)}; engines {ENGINES}, frameworks {FRAMEWORKS}"
        )
    work: Path = args.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    clock = time.perf_counter()

    def step(message: str) -> None:
        print(f"[{time.perf_counter() - clock:6.1f}s] http: {message}", file=sys.stderr, flush=True)

    started = datetime.now(UTC)
    load_at_start = os.getloadavg()
    step("the benchmark's environment (load generator, limit, peers)")
    env = bench_environment(work)
    projects, befores = {}, {}
    for framework in frameworks:
        for engine in engines:
            step(f"render and sync ours: {framework} on {engine}")
            projects[framework, engine] = render_ours(work, framework, engine)
            if args.before:
                step(f"render and sync ours at {args.before}: {framework} on {engine}")
                befores[framework, engine] = render_ours(work, framework, engine, args.before)
    rows: list[dict[str, object]] = []
    with ExitStack() as servers:
        step("the PostgreSQL server and the benchmark's database")
        admin = servers.enter_context(provide_postgres(args.postgres_url)).url
        url = postgres_database(admin)
        # The rendered migration makes the tables every app reads (the peers map onto them).
        postgres_project = next((p for (_, e), p in projects.items() if e != "aiosqlite"), None)
        if postgres_project is None:
            postgres_project = render_ours(work, "fastapi", "asyncpg")
        migrate(postgres_project, with_scheme(url, SCHEMES["asyncpg"]))
        seed_postgres(url)
        apps_dir = HERE / "apps"
        uvicorn = str(env / "bin" / "uvicorn")
        apps = [
            App("limit: raw asyncpg + Starlette", "limit", "postgresql",
                [uvicorn, "limit:app"], apps_dir, {"DATABASE_URL": url}),
            App("peer: advanced-alchemy + FastAPI", "peer", "postgresql",
                [uvicorn, "advanced_alchemy_fastapi:app"], apps_dir,
                {"DATABASE_URL": with_scheme(url, SCHEMES["asyncpg"])}),
            App("peer: full-stack-fastapi-template (sync SQLModel)", "peer", "postgresql",
                [uvicorn, "fullstack_sqlmodel:app"], apps_dir,
                {"DATABASE_URL": with_scheme(url, SCHEMES["psycopg"])}),
        ]  # fmt: skip
        sqlite_file = work / f"{DATABASE}.sqlite"
        # Each render of ours right after its before: the two compared share the machine's
        # weather as closely as one run allows.
        ours = []
        for (f, e), project in projects.items():
            if (f, e) in befores:
                ours.append((f"before ({args.before}): {f} + {e}", "before", e, befores[f, e]))
            ours.append((f"ours: {f} + {e}", "ours", e, project))
        for name, kind, engine, project in ours:
            if engine == "aiosqlite":
                database_url, database = f"sqlite+aiosqlite:///{sqlite_file}", "sqlite"
            else:
                database_url, database = with_scheme(url, SCHEMES[engine]), "postgresql"
            apps.append(
                App(name, kind, database,
                    [str(project / ".venv" / "bin" / "uvicorn"), f"{PACKAGE}.app:app"], project,
                    {"DATABASE_URL": database_url})
            )  # fmt: skip
        sqlite_file.unlink(missing_ok=True)  # a fresh file per run, made when first served
        for app in apps:
            if app.database == "sqlite" and not sqlite_file.exists():
                migrate(app.cwd, app.env["DATABASE_URL"])
                seed_sqlite(sqlite_file)
            step(f"load: {app.name}")
            rows.extend(measure(app, env, args, work))
    arguments = argv if argv is not None else sys.argv[1:]
    record = {
        "started": started.isoformat(),
        "command": "uv run python bench/http/run.py" + "".join(f" {a}" for a in arguments),
        "load_at_start": load_at_start,
        "load_at_end": os.getloadavg(),
        "cpus": os.cpu_count(),
        "versions": python(env, "import importlib.metadata as m, json\n"
                           "print(json.dumps({n: m.version(n) for n in "
                           "('locust', 'uvicorn', 'sqlalchemy', 'advanced-alchemy', 'sqlmodel', "
                           "'fastapi', 'starlette', 'asyncpg', 'psycopg')}))").strip(),
        "rows": rows,
    }  # fmt: skip
    (work / "results.json").write_text(json.dumps(record, indent=1))
    http_report.write_section(args.out, record)
    step(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except (AssertionError, ServerUnavailableError) as error:
        print(f"bench/http: {error}", file=sys.stderr)
        raise SystemExit(1) from None
