"""One run's figures (filled by run.py) and BENCHMARKS.md from them: tables, ratios, and each
target met or missed."""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # copier.yml's facts, read as the template's tests read them

from tests.template_config import engine_database  # noqa: E402

NOTES = Path(__file__).resolve().parent / "NOTES.md"

# The issues' targets.
ISOLATION_OWN_MS = 1.0  # savepoint tier minus no isolation, asyncpg over loopback
ISOLATION_OWN_ROUND_TRIPS = 2
CREATE_DROP_TIMES_SAVEPOINT = 10.0  # on the 40-table schema
CLONE_TIMES_SAVEPOINT = 10.0  # per test above the floor, on PostgreSQL, a copy made ahead
OVERHEAD_OVER_BARE = 0.03  # the template's data layer over bare SQLAlchemy, same unit of work
NOTHING_TO_GREEN_SECONDS = 20.0
UNIT_OF_WORK_TIMES_PRE_PING = 1.3  # the rendered default against the pre-ping it replaced

# mode -> (name, the mode it is compared with: the savepoint tier on the same schema)
MODE_NAMES = {
    "floor": ("floor: N empty async tests", None),
    "async_fixture": ("floor + one empty async fixture (no SQL)", None),
    "savepoint": ("**savepoint tier: the rendered conftest**", None),
    "no_isolation": (
        "no isolation: the same body, rows left behind, commits not waiting for the disk",
        "savepoint",
    ),
    "no_isolation_durable": (
        "no isolation, every commit waiting for the disk (the database's defaults)",
        "savepoint",
    ),
    "clone": (
        "**clone tier: the rendered conftest's `own_database`, a copy made ahead (the handover)**",
        "savepoint",
    ),
    "truncate": ("{cleanup} of the 2 example tables after each test", "savepoint"),
    "create_drop": ("`create_all` / `drop_all` of the 2 example tables per test", "savepoint"),
    "savepoint_40": ("**savepoint tier, 40-table schema**", None),
    "truncate_40": ("{cleanup} of the 40 tables after each test", "savepoint_40"),
    "create_drop_40": ("`create_all` / `drop_all` of the 40 tables per test", "savepoint_40"),
    "clone_back_to_back": (
        "clone tier back to back: each test waits for the copy being made",
        "savepoint",
    ),
}

PATH_NAMES = {
    "round_trip": 'one round trip: `fetchval("SELECT 1")` on a connection held throughout',
    "raw_pool": "raw asyncpg pool: `acquire()` + `fetchrow()`",
    "raw_pool_transaction": "raw asyncpg pool, inside `connection.transaction()` (BEGIN/COMMIT)",
    "core_connection": "SQLAlchemy Core: `engine.connect()` + `execute(select(...))`",
    "session_get": "session without a unit of work: `async with factory() as s: await s.get(...)`",
    "unit_of_work_no_check": "`unit_of_work` + `session.get`, no liveness check "
    "(`pool_pre_ping=False`, the engine's checkout listeners removed)",
    "unit_of_work_pre_ping": "`unit_of_work` + `session.get`, `pool_pre_ping=True` "
    "(main before the liveness check)",
    "unit_of_work": "**`unit_of_work` + `session.get`: the rendered engine as it is**",
}


@dataclass
class IsolationFigures:
    engine: str
    n: int
    cleanup: str  # what the per-test cleanup modes run
    n_big: int  # tests per mode on the 40-table schema
    # mode -> phase ("setup", "call", "teardown", "total") -> per-test milliseconds
    per_test_ms: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    # mode -> socket writes per test (median): round trips on asyncpg, whose I/O is asyncio's
    socket_writes: dict[str, float] = field(default_factory=dict)


@dataclass
class Results:
    n: int
    engines: list[str]
    default_engine: str
    copy_seconds: dict[str, float] = field(default_factory=dict)
    sync_seconds: float = 0.0
    suite_seconds: float = 0.0
    suite_summary: str = ""
    isolation: list[IsolationFigures] = field(default_factory=list)
    unit_of_work: dict[str, object] | None = None
    # engine -> the template's overhead over bare SQLAlchemy (bench/project/overhead_probe.py)
    overhead: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def ms(value: float) -> str:
    return f"{value:.2f}"


def median(figures: IsolationFigures, mode: str) -> float:
    return float(statistics.median(figures.per_test_ms[mode]["total"]))


def above_floor(figures: IsolationFigures, mode: str, how: Any = statistics.median) -> float:
    per_test = figures.per_test_ms
    return float(how(per_test[mode]["total"]) - how(per_test["floor"]["total"]))


def ratio(figures: IsolationFigures, mode: str, base: str) -> float:
    """How many times the cost of `base` above the floor `mode` costs (medians)."""
    return above_floor(figures, mode) / above_floor(figures, base)


def isolation_own_ms(figures: IsolationFigures) -> float:
    """The savepoint tier minus the same test with no isolation (medians)."""
    return median(figures, "savepoint") - median(figures, "no_isolation")


def isolation_own_round_trips(figures: IsolationFigures) -> float:
    return figures.socket_writes["savepoint"] - figures.socket_writes["no_isolation"]


def counts_round_trips(figures: IsolationFigures) -> bool:
    # asyncpg and asyncmy do their I/O through asyncio's transports, where the bench counts
    # writes; psycopg's are counted from libpq's trace. SQLite has no server.
    return figures.engine in ("asyncpg", "psycopg", "asyncmy")


def mode_name(figures: IsolationFigures, mode: str) -> str:
    return MODE_NAMES[mode][0].format(cleanup=f"`{figures.cleanup}`")


def isolation_table(figures: IsolationFigures) -> list[str]:
    round_trips = counts_round_trips(figures)
    lines = [
        f"#### {figures.engine}",
        "",
        f"N = {figures.n} tests per mode, {figures.n_big} in the clone tier and on the 40-table "
        "schema; the first and last of each mode are not counted. Milliseconds per test"
        + (
            "; round trips to the server per test (median), counted in the run."
            if round_trips
            else "."
        ),
        "",
        "| mode | tests | mean | median | setup / call / teardown (median) | "
        "**above floor, median** | cost above floor vs the savepoint tier, same schema |"
        + (" round trips |" if round_trips else ""),
        "|---|---:|---:|---:|---:|---:|---:|" + ("---:|" if round_trips else ""),
    ]
    for mode, per_test in figures.per_test_ms.items():
        phases = " / ".join(
            ms(statistics.median(per_test[p])) for p in ("setup", "call", "teardown")
        )
        base = MODE_NAMES[mode][1]
        if mode == "floor":
            extra = "| - | - |"
        else:
            versus = f"{ratio(figures, mode, base):.1f}x" if base else "-"
            extra = f"| **{ms(above_floor(figures, mode))}** | {versus} |"
        if round_trips:
            extra += f" {figures.socket_writes[mode]:g} |"
        lines.append(
            f"| {mode_name(figures, mode)} | {len(per_test['total'])} "
            f"| {ms(statistics.mean(per_test['total']))} "
            f"| {ms(statistics.median(per_test['total']))} | {phases} {extra}"
        )
    return [*lines, ""]


def summary_table(results: Results) -> list[str]:
    lines = [
        "| engine | isolation's own cost: savepoint minus no isolation (ms) | its round trips "
        "| clone tier / savepoint: a copy made ahead | clone tier / savepoint: back to back "
        "| create_all/drop_all / savepoint, 2 tables "
        "| create_all/drop_all / savepoint, 40 tables "
        "| TRUNCATE or DELETE / savepoint, 40 tables |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for figures in results.isolation:
        trips = f"{isolation_own_round_trips(figures):g}" if counts_round_trips(figures) else "-"
        lines.append(
            f"| {figures.engine} | {ms(isolation_own_ms(figures))} | {trips} "
            f"| {ratio(figures, 'clone', 'savepoint'):.1f}x "
            f"| {ratio(figures, 'clone_back_to_back', 'savepoint'):.1f}x "
            f"| {ratio(figures, 'create_drop', 'savepoint'):.1f}x "
            f"| {ratio(figures, 'create_drop_40', 'savepoint_40'):.1f}x "
            f"| {ratio(figures, 'truncate_40', 'savepoint_40'):.1f}x |"
        )
    return [*lines, ""]


def unit_of_work_table(figures: dict[str, Any]) -> list[str]:
    ops_per_second: dict[str, float] = figures["ops_per_second"]
    raw = ops_per_second["raw_pool"]
    ratios = figures["round_ratios"]
    speedups = figures["round_speedups"]
    lines = [
        f"{figures['ops']} sequential operations per path, in {figures['rounds']} rounds taken in "
        f"turn; the rendered engine has `pool_pre_ping={figures['pool_pre_ping']}` and "
        f"{figures['checkout_listeners']} checkout listener(s) of its own. Round trips "
        "are counted in the same process: socket writes per operation (asyncpg sends each "
        "request in one write and waits for its answer).",
        "",
        "| path | round trips per op | ops/s | µs per op | share of raw asyncpg |",
        "|---|---:|---:|---:|---:|",
    ]
    round_trips = figures["round_trips"]
    for path, rate in ops_per_second.items():
        lines.append(
            f"| {PATH_NAMES[path]} | {round_trips[path]:g} | {rate:,.0f} | {1e6 / rate:,.0f} "
            f"| {rate / raw:.2f} |"
        )
    lines += [
        "",
        f"Per round, the rendered unit of work's share of raw: {min(ratios):.2f} to "
        f"{max(ratios):.2f} (median {statistics.median(ratios):.2f}); its rate over the "
        f"pre-ping's: {min(speedups):.2f}x to {max(speedups):.2f}x (median "
        f"{statistics.median(speedups):.2f}x).",
        "",
    ]
    return lines


def overhead_table(overheads: dict[str, dict[str, Any]]) -> list[str]:
    if not overheads:
        return ["The template's overhead: not run (no PostgreSQL engine among `--engines`).", ""]
    lines = [
        "### The template's own overhead over bare SQLAlchemy",
        "",
        "The same unit of work through the rendered data layer (`make_engine`, "
        "`make_session_factory`, `unit_of_work`) and through bare SQLAlchemy as its documentation "
        "writes it (`create_async_engine(url)`, `async_sessionmaker(engine, "
        "expire_on_commit=False)`, `async with factory() as session, session.begin():`), on the "
        "same driver, database and server, in one process, one operation of each in turn "
        "(`bench/project/overhead_probe.py`). Read: `session.get` of one `Author` by primary key. "
        "Write: one `Author` added and committed. Round trips are counted where the driver writes "
        "through asyncio's transports (asyncpg; psycopg's are in figure 1).",
        "",
        "| engine | unit of work | operations per side | bare SQLAlchemy ops/s | template ops/s "
        "| **overhead (totals)** | overhead per round: median (min to max) | round trips: bare / "
        "template |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for engine, overhead in overheads.items():
        for unit in ("read", "write"):
            figures = overhead[unit]
            rounds = figures["round_overheads"]
            trips = (
                f"{figures['bare_round_trips']:g} / {figures['ours_round_trips']:g}"
                if figures["bare_round_trips"]
                else "-"
            )
            lines.append(
                f"| {engine} | {unit} | {figures['ops']} | {figures['bare_ops_per_second']:,.0f} "
                f"| {figures['ours_ops_per_second']:,.0f} | **{figures['overhead']:+.1%}** "
                f"| {figures['median_round_overhead']:+.1%} ({min(rounds):+.1%} to "
                f"{max(rounds):+.1%}) | {trips} |"
            )
    return [*lines, ""]


def targets(results: Results) -> list[str]:
    lines = ["| figure | target | this run | verdict |", "|---|---|---|---|"]
    by_engine = {figures.engine: figures for figures in results.isolation}
    if "asyncpg" in by_engine:
        figures = by_engine["asyncpg"]
        own, trips = isolation_own_ms(figures), isolation_own_round_trips(figures)
        lines.append(
            "| 1. savepoint isolation's own cost (savepoint minus no isolation), asyncpg "
            f"| <= {ISOLATION_OWN_MS} ms and <= {ISOLATION_OWN_ROUND_TRIPS} round trips per test "
            f"| {ms(own)} ms, {trips:g} round trips "
            f"| {verdict(own <= ISOLATION_OWN_MS and trips <= ISOLATION_OWN_ROUND_TRIPS)} |"
        )
    else:
        lines.append(
            "| 1. savepoint isolation's own cost, asyncpg "
            f"| <= {ISOLATION_OWN_MS} ms and <= {ISOLATION_OWN_ROUND_TRIPS} round trips per test "
            "| not run (asyncpg was not among `--engines`) | - |"
        )
    for engine, figures in by_engine.items():
        times = ratio(figures, "create_drop_40", "savepoint_40")
        lines.append(
            f"| 1. create_all/drop_all / savepoint, 40 tables, {engine} "
            f"| >= {CREATE_DROP_TIMES_SAVEPOINT:.0f}x | {times:.1f}x "
            f"| {verdict(times >= CREATE_DROP_TIMES_SAVEPOINT)} |"
        )
    for engine, figures in by_engine.items():
        if engine_database(engine) == "postgresql":
            times = ratio(figures, "clone", "savepoint")
            lines.append(
                f"| 1. clone tier / savepoint tier per test (above the floor), a copy made ahead, "
                f"{engine} | < {CLONE_TIMES_SAVEPOINT:.0f}x | {times:.1f}x "
                f"({ms(above_floor(figures, 'clone'))} ms against "
                f"{ms(above_floor(figures, 'savepoint'))} ms) "
                f"| {verdict(times < CLONE_TIMES_SAVEPOINT)} |"
            )
    total = results.copy_seconds[results.default_engine] + results.sync_seconds
    total += results.suite_seconds
    lines.append(
        f"| 2. nothing to green, {results.default_engine} | < {NOTHING_TO_GREEN_SECONDS:.0f} s "
        f"| {total:.1f} s | {verdict(total < NOTHING_TO_GREEN_SECONDS)} |"
    )
    for engine, overhead in results.overhead.items():
        for unit in ("read", "write"):
            # The totals of operations timed side by side, one of each in turn.
            share = overhead[unit]["overhead"]
            lines.append(
                f"| 3. the template's overhead over bare SQLAlchemy, {unit}, {engine} "
                f"| < {OVERHEAD_OVER_BARE:.0%} | {share:+.1%} "
                f"| {verdict(share < OVERHEAD_OVER_BARE)} |"
            )
    if not results.overhead:
        lines.append(
            f"| 3. the template's overhead over bare SQLAlchemy | < {OVERHEAD_OVER_BARE:.0%} "
            "| not run (no PostgreSQL engine among `--engines`) | - |"
        )
    if results.unit_of_work is not None:
        # Medians of the per-round ratios: a round that another process disturbs moves a total
        # (both paths of a ratio ran in the same round, seconds apart) more than it moves these.
        speedup = statistics.median(results.unit_of_work["round_speedups"])
        lines.append(
            f"| 3. unit of work + get, rendered engine / pre-ping (median of rounds) "
            f"| >= {UNIT_OF_WORK_TIMES_PRE_PING}x | {speedup:.2f}x "
            f"| {verdict(speedup >= UNIT_OF_WORK_TIMES_PRE_PING)} |"
        )
    return [*lines, ""]


def server_version(results: Results, machine: dict[str, str]) -> str:
    if results.unit_of_work is not None:
        return str(results.unit_of_work["server_version"])
    return f"not queried (client: {machine['psql']})"


def render(
    results: Results,
    *,
    machine_at_start: dict[str, str],
    machine: dict[str, str],
    command: str,
    started: datetime,
) -> str:
    out = [
        "# Benchmarks",
        "",
        "Written by `bench/run.py`; do not edit by hand (the notes at the end come from "
        "`bench/NOTES.md`). Every figure below comes from the one run described here.",
        "",
        f"- Run: {started:%Y-%m-%d %H:%M} UTC, `{command}`",
        f"- Machine: {machine['cpus']} CPUs ({machine['cpu']}), {machine['memory']} memory, "
        f"{machine['os']}; load average (1 / 5 / 15 min) {machine_at_start['load']} at the "
        f"start, {machine['load']} at the end",
        "- The machine may be shared with other work while it runs (the load averages above say "
        "how busy it was): absolute times stretch with that load; the targets are ratios "
        "measured in this one run.",
        f"- Python {machine['python']}; {machine['uv']}; PostgreSQL server "
        f"{server_version(results, machine)}, over loopback (127.0.0.1)"
        + (
            f"; MariaDB client {machine['mariadb']} (the server on the same machine)"
            if "mariadb" in machine
            else ""
        ),
        "- In the rendered projects: "
        + ", ".join(f"{name} {version}" for name, version in sorted(results.versions.items())),
        "",
        "## Targets",
        "",
        *targets(results),
        "## 1. What test isolation costs",
        "",
        "The same test body in every mode (one author and three books added, then `commit()`), "
        "run by pytest in the rendered project with its own conftest: one session engine, one "
        "event loop, the autouse leak check. All modes of one engine run in one pytest process. "
        "Per-test time is pytest's own: setup + call + teardown. *Above floor* subtracts the "
        "empty tests' time. *Isolation's own cost* is the savepoint tier minus the same test "
        "with no isolation at all: what the isolation adds, without the test body. Targets are "
        "judged on medians, which other processes on the machine disturb less than means.",
        "",
        *summary_table(results),
    ]
    for figures in results.isolation:
        out += isolation_table(figures)
    out += [
        "## 2. From nothing to green",
        "",
        "`copier copy --trust --defaults` from this repository's work tree, per engine (the "
        "post-copy task included: `git init`, `uv lock`):",
        "",
        "| engine | `copier copy` (s) |",
        "|---|---:|",
        *(f"| {engine} | {seconds:.1f} |" for engine, seconds in results.copy_seconds.items()),
        "",
        f"Then, for the default engine ({results.default_engine}): `uv sync` with uv's cache "
        "already warm (an untimed sync ran first, then `.venv` was removed), and the rendered "
        "suite.",
        "",
        "| step | seconds |",
        "|---|---:|",
        f"| `copier copy` | {results.copy_seconds[results.default_engine]:.1f} |",
        f"| `uv sync` (warm cache) | {results.sync_seconds:.1f} |",
        f"| `uv run pytest` ({results.suite_summary}) | {results.suite_seconds:.1f} |",
        f"| **total** | **{results.copy_seconds[results.default_engine] + results.sync_seconds + results.suite_seconds:.1f}** |",  # noqa: E501
        "",
        "## 3. The unit of work's overhead",
        "",
        *overhead_table(results.overhead),
    ]
    if results.unit_of_work is not None:
        out += [
            "### SQLAlchemy's asyncio ORM against a raw asyncpg pool (reference, not a target)",
            "",
            "What SQLAlchemy's ORM costs per operation, not the template: load one `Author` by "
            "primary key, one operation at a time, in one process against one server; the raw "
            "query selects the same columns (`biography` is deferred).",
            "",
            *unit_of_work_table(results.unit_of_work),
        ]
    else:
        out += ["Not run: asyncpg was not among `--engines`.", ""]
    if NOTES.exists():
        out += [NOTES.read_text().rstrip(), ""]
    return "\n".join(out)


@dataclass
class RunRecord:
    """One run: its figures and the machine's state, as run.py leaves them in results.json."""

    results: Results
    machine_at_start: dict[str, str]
    machine: dict[str, str]
    command: str
    started: str  # ISO 8601, UTC

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> RunRecord:
        record = json.loads(text)
        results = record.pop("results")
        isolation = [IsolationFigures(**figures) for figures in results.pop("isolation")]
        return cls(Results(**results, isolation=isolation), **record)


def render_record(record: RunRecord) -> str:
    return render(
        record.results,
        machine_at_start=record.machine_at_start,
        machine=record.machine,
        command=record.command,
        started=datetime.fromisoformat(record.started),
    )


def http_section() -> ModuleType:
    """bench/http/http_report.py (section 4, the HTTP benchmark's), loaded by its path: a
    folder named `http` cannot be imported as a package (the standard library's comes first)."""
    path = Path(__file__).resolve().parent / "http" / "http_report.py"
    spec = importlib.util.spec_from_file_location("http_report", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    """Render BENCHMARKS.md again from a run's results.json (e.g. after editing NOTES.md)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("results", type=Path, nargs="?", default=REPO / "bench/out/results.json")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args()
    old = args.out.read_text() if args.out.exists() else ""
    new = render_record(RunRecord.from_json(args.results.read_text()))
    args.out.write_text(http_section().keep_section(old, new))  # section 4 stays as it was


if __name__ == "__main__":
    main()
