"""Benchmarks of the rendered projects; writes BENCHMARKS.md.

    uv run python bench/run.py [--n 200] [--engines aiosqlite,asyncpg,...] [--out BENCHMARKS.md]

1. Test isolation, per engine (SQLite, PostgreSQL and MySQL), in one pytest run that holds every
   mode (one engine, one event loop; per-test times are pytest's own, setup + call + teardown):
   the same test body (insert and commit a few rows) under the rendered conftest's SAVEPOINT
   tier, with no isolation at all (its own database, commits not waiting for the disk where the
   database allows it per database), under the clone tier (a database of the test's own: the
   rendered conftest's `own_database`, once with a copy made ahead and once back to back), with
   TRUNCATE/DELETE and with create_all/drop_all per test; the last three on the example schema
   and on a generated 40-table one; and N empty async tests (the floor; and the floor plus one
   async fixture). Round trips per test where the driver's I/O can be counted in the process
   (asyncpg, asyncmy: asyncio's transports; psycopg: libpq's trace).
2. From nothing to green: `copier copy` per engine; then, for the default engine, `uv sync` with a
   warm cache and the rendered suite (`uv run pytest`).
3. The template's own overhead over bare SQLAlchemy doing the same unit of work (a read and a
   write), per PostgreSQL engine; and, for reference, SQLAlchemy's asyncio ORM against a raw
   asyncpg pool (loading one row by primary key), same process, same server.

Projects are rendered from this work tree (uncommitted changes included) with the copier CLI into
`bench/out/` (git-ignored); the benchmark test files are copied into each rendered project's
`tests/bench_generated/` there, never into `template/`, and use its conftest's databases. The
commands, the engines' databases and the PostgreSQL server are the template's tests' own
(tests/commands.py, copier.yml through tests/template_config.py, tests/servers.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the template's test helpers: one environment, one set of helpers

import report  # noqa: E402
from report import IsolationFigures, Results  # noqa: E402

from tests import template_config  # noqa: E402
from tests.commands import clean_env, in_project, summary_line, timed_run  # noqa: E402
from tests.copier_cli import copy_release  # noqa: E402
from tests.servers import ServerUnavailableError, provide_mariadb, provide_postgres  # noqa: E402
from tests.template_config import engine_choices, engine_database  # noqa: E402

PROJECT_FILES = Path(__file__).resolve().parent / "project"
PACKAGE = "my_service"
# bench/project/test_NN_<mode>.py, in the order they run.
MODES = tuple(
    path.stem.split("_", 2)[2] for path in sorted(PROJECT_FILES.glob("test_[0-9][0-9]_*.py"))
)
# bench/project's modes speak these.
BENCHMARKED_DATABASES = ("sqlite", "postgresql", "mysql")


HTTP = Path(__file__).resolve().parent / "http"  # the HTTP benchmark, section 4


class BenchError(Exception):
    """The bench cannot measure what it was asked; the message says why."""


def render(engine: str, destination: Path) -> float:
    """`copier copy` from this work tree as a user runs it; returns its seconds (the post-copy
    task included)."""
    if destination.exists():
        shutil.rmtree(destination)
    start = time.perf_counter()
    copy_release(
        REPO, destination, "HEAD", project_name="My Service", package_name=PACKAGE, engine=engine
    )
    return time.perf_counter() - start


def sync(project: Path) -> float:
    seconds, _ = timed_run(["uv", "sync", "--locked", "--quiet"], project)
    return seconds


def project_output(project: Path, *args: str, **env: str) -> str:
    """What a tool of the project's environment prints, run with `env` added."""
    return in_project(project, *args, env=clean_env(**env)).stdout


def uses_server(engine: str) -> bool:
    return engine_database(engine) == "postgresql"


def database_env(engine: str, servers: dict[str, str]) -> dict[str, str]:
    """What a rendered project's tests need to find their database server (`servers`: the URL
    of a server per database family)."""
    database = engine_database(engine)
    if database == "sqlite":
        return {}
    assert database in servers, f"{engine} needs a {database} server"
    return {"TEST_DATABASE_URL": servers[database]}


def big_n(n: int) -> int:
    """Tests per mode on the 40-table schema: each builds or empties 40 tables, so fewer."""
    return max(3, n // 4)


def measure_isolation(
    engine: str, project: Path, n: int, work: Path, servers: dict[str, str]
) -> IsolationFigures:
    generated = project / "tests" / "bench_generated"
    if generated.exists():
        shutil.rmtree(generated)
    generated.mkdir()
    (generated / "__init__.py").write_text("")
    for source in PROJECT_FILES.glob("*.py"):
        if source.name.startswith(("test_", "conftest", "probe_support")):
            shutil.copy(source, generated / source.name)
    timings = work / f"isolation-{engine}.json"
    traces = work / f"traces-{engine}"
    shutil.rmtree(traces, ignore_errors=True)
    traces.mkdir()
    project_output(
        project, "pytest", "tests/bench_generated", "-q", "-p", "no:cacheprovider",
        BENCH_PACKAGE=PACKAGE, BENCH_N=str(n), BENCH_N_BIG=str(big_n(n)),
        BENCH_TIMINGS=str(timings), BENCH_TRACES=str(traces),
        **database_env(engine, servers),
    )  # fmt: skip
    # As bench/project/conftest.py's empty_tables decides it, by the database behind the engine.
    cleanup = "TRUNCATE ... RESTART IDENTITY CASCADE" if uses_server(engine) else "DELETE"
    recorded = json.loads(timings.read_text())
    figures = IsolationFigures(engine, n, cleanup, big_n(n))
    by_mode: dict[str, list[dict[str, float]]] = {}
    for nodeid, phases in recorded["tests"].items():
        if "::test_untimed_" in nodeid:  # what stands for a suite's other tests, not measured
            continue
        module = nodeid.split("::")[0].rsplit("/", 1)[-1]  # test_03_savepoint.py
        by_mode.setdefault(module.removesuffix(".py").split("_", 2)[2], []).append(phases)
    for mode in MODES:
        # The first test of each mode pays its module's setup (the first of all: the engine and
        # the migrations); the last pays its module's teardown (the last of all: the session's).
        tests = by_mode[mode][1:-1]
        if not tests:
            raise BenchError(f"--n {n} leaves no test to measure in mode {mode}: use --n 3 or more")
        figures.per_test_ms[mode] = {
            phase: [test.get(phase, 0.0) * 1000 for test in tests]
            for phase in ("setup", "call", "teardown")
        }
        figures.per_test_ms[mode]["total"] = [
            sum(test.get(phase, 0.0) for phase in ("setup", "call", "teardown")) * 1000
            for test in tests
        ]
        figures.socket_writes[mode] = statistics.median(test["writes"] for test in tests)
    shutil.rmtree(generated)
    shutil.rmtree(traces)
    return figures


def run_probe(project: Path, probe_file: str, ops: int, rounds: int, postgres_url: str) -> Any:
    """Run a bench/project probe inside the rendered project, as a module of a package of its
    own under the project's tests (beside what it shares with the conftest); its last line is
    JSON."""
    package = project / "tests" / "bench_probe"
    shutil.rmtree(package, ignore_errors=True)
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in (probe_file, "probe_support.py"):
        shutil.copy(PROJECT_FILES / name, package / name)
    try:
        stdout = project_output(
            project, "python", "-m", f"tests.bench_probe.{Path(probe_file).stem}",
            BENCH_PACKAGE=PACKAGE, BENCH_ADMIN_URL=postgres_url,
            BENCH_OPS=str(ops), BENCH_ROUNDS=str(rounds),
        )  # fmt: skip
    finally:
        shutil.rmtree(package)
    return json.loads(stdout.strip().splitlines()[-1])


def measure_unit_of_work(
    project: Path, ops: int, rounds: int, postgres_url: str
) -> dict[str, object]:
    result: dict[str, object] = run_probe(project, "uow_probe.py", ops, rounds, postgres_url)
    return result


def measure_overhead(project: Path, ops: int, rounds: int, postgres_url: str) -> dict[str, Any]:
    """The template's own overhead over bare SQLAlchemy (bench/project/overhead_probe.py)."""
    result: dict[str, Any] = run_probe(project, "overhead_probe.py", ops, rounds, postgres_url)
    return result


def project_versions(project: Path) -> dict[str, str]:
    names = ["sqlalchemy", "alembic", "pytest", "pytest-asyncio", "aiosqlite", "asyncpg", "psycopg"]
    code = (
        "import importlib.metadata as m, json, sys\n"
        "found = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        found[name] = m.version(name)\n"
        "    except m.PackageNotFoundError:\n"
        "        pass\n"
        "print(json.dumps(found))\n"
    )
    return dict(json.loads(project_output(project, "python", "-c", code, *names)))


def machine() -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = match.group(1).strip() if match else cpu
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        memory = f"{int(match.group(1)) / 1024 / 1024:.1f} GiB" if match else memory
    tools = {}
    commands = {
        "uv": ["uv", "--version"],
        "psql": ["psql", "--version"],
        "mariadb": ["mariadb", "--version"],
    }
    for name, args in commands.items():
        try:
            tools[name] = subprocess.run(args, capture_output=True, text=True).stdout.strip()
        except FileNotFoundError:
            tools[name] = "not installed"
    load = " / ".join(f"{average:.2f}" for average in os.getloadavg())
    return {
        "load": load,
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        **tools,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=200, help="tests per isolation mode (default 200)")
    parser.add_argument(
        "--engines",
        help="comma-separated engines for figure 1 (default: every engine copier.yml offers on "
        f"{' or '.join(BENCHMARKED_DATABASES)}); figure 3 runs when asyncpg is among them",
    )
    parser.add_argument("--ops", type=int, default=5000, help="operations per path, figure 3")
    parser.add_argument("--rounds", type=int, default=10, help="rounds the paths take turns in")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL"),
        help="a database on the PostgreSQL server, where scratch databases are created (default: "
        "TEST_DATABASE_URL, else the server the template's tests would use: the local one, else "
        "one started here)",
    )
    parser.add_argument(
        "--mysql-url",
        default=os.environ.get("TEST_MARIADB_URL"),
        help="the MariaDB or MySQL server, for the MySQL engines (default: TEST_MARIADB_URL, else "
        "the local one, else one started here)",
    )
    parser.add_argument(
        "--http",
        action="store_true",
        help="then the HTTP benchmark too (bench/http/run.py, its defaults; section 4)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--work-dir", type=Path, default=REPO / "bench" / "out")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    choices, default_engine = engine_choices(), template_config.default_engine()
    benchmarked = [e for e in choices if engine_database(e) in BENCHMARKED_DATABASES]
    if args.engines is None:
        engines = benchmarked
    else:
        engines = [engine.strip() for engine in args.engines.split(",") if engine.strip()]
    unknown = [e for e in engines if e not in benchmarked]
    if unknown:
        raise SystemExit(
            f"unknown engine(s) {', '.join(unknown)}: copier.yml offers {', '.join(choices)}; "
            f"the benchmark measures {', '.join(benchmarked)}"
        )
    if args.n < 3:
        raise SystemExit("--n must be 3 or more: the first and last tests are not measured")
    work: Path = args.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    results = Results(n=args.n, engines=engines, default_engine=default_engine)
    started = datetime.now(UTC)
    at_start = machine()

    def step(message: str) -> None:
        print(f"[{time.perf_counter() - clock:6.1f}s] {message}", file=sys.stderr, flush=True)

    clock = time.perf_counter()
    # Figure 2 first, every engine copier offers; the projects are then reused for figure 1.
    projects = {}
    for engine in choices:
        step(f"copier copy, engine={engine}")
        projects[engine] = work / engine
        results.copy_seconds[engine] = render(engine, projects[engine])
    default = projects[default_engine]
    step(f"uv sync of the {default_engine} project, untimed, to warm uv's cache")
    sync(default)
    shutil.rmtree(default / ".venv")
    step("uv sync, timed")
    results.sync_seconds = sync(default)
    step("the rendered suite, timed")
    results.suite_seconds, suite = timed_run(
        ["uv", "run", "pytest", "-p", "no:cacheprovider"], default
    )
    results.suite_summary = summary_line(suite.stdout).strip("= ")

    with ExitStack() as stack:
        servers: dict[str, str] = {}
        databases = {engine_database(engine) for engine in engines}
        if "postgresql" in databases:
            step("the PostgreSQL server")
            servers["postgresql"] = stack.enter_context(provide_postgres(args.postgres_url)).url
        if "mysql" in databases:
            step("the MariaDB server")
            servers["mysql"] = stack.enter_context(provide_mariadb(args.mysql_url)).url
        postgres_url = servers.get("postgresql")
        for engine in engines:
            if engine != default_engine:
                step(f"uv sync of the {engine} project")
                sync(projects[engine])
            step(f"isolation, engine={engine}, N={args.n}")
            results.isolation.append(
                measure_isolation(engine, projects[engine], args.n, work, servers)
            )
        for engine in engines:
            if uses_server(engine):
                assert postgres_url is not None
                step(f"the template's overhead over bare SQLAlchemy, engine={engine}")
                results.overhead[engine] = measure_overhead(
                    projects[engine], args.ops, args.rounds, postgres_url
                )
        if "asyncpg" in engines:
            step(f"unit of work against raw asyncpg, {args.ops} operations per path")
            assert postgres_url is not None  # asyncpg speaks PostgreSQL
            results.unit_of_work = measure_unit_of_work(
                projects["asyncpg"], args.ops, args.rounds, postgres_url
            )
    for engine in dict.fromkeys([default_engine, *engines]):
        results.versions.update(project_versions(projects[engine]))
    command = "uv run python bench/run.py" + "".join(f" {a}" for a in (argv or sys.argv[1:]))
    run_record = report.RunRecord(results, at_start, machine(), command, started.isoformat())
    # The run's figures, kept: `python bench/report.py` renders BENCHMARKS.md again from them
    # (after an edit to NOTES.md) without measuring anything again.
    (work / "results.json").write_text(run_record.to_json())
    old = args.out.read_text() if args.out.exists() else ""
    # Section 4, the HTTP benchmark's (bench/http/run.py), is kept as it was, or measured now.
    args.out.write_text(report.http_section().keep_section(old, report.render_record(run_record)))
    step(f"wrote {args.out}")
    if args.http:
        step("the HTTP benchmark: bench/http/run.py")
        server = ["--postgres-url", args.postgres_url] if args.postgres_url else []
        subprocess.run(
            [sys.executable, str(HTTP / "run.py"), "--out", str(args.out), "--work-dir",
             str(work / "http"), *server],
            check=True,
        )  # fmt: skip
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    # A command that fails fails tests/commands.py's assertion, which shows all it printed.
    except (BenchError, AssertionError, ServerUnavailableError) as error:
        print(f"bench: {error}", file=sys.stderr)
        raise SystemExit(1) from None
