"""One run's figures (filled by run.py) and BENCHMARKS.md from them: tables, ratios, and each
target met or missed."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

NOTES = Path(__file__).resolve().parent / "NOTES.md"

# The targets.
SAVEPOINT_MS_ABOVE_FLOOR = 1.5  # on asyncpg over loopback
CREATE_DROP_TIMES_SAVEPOINT = 10.0
NOTHING_TO_GREEN_SECONDS = 20.0
UNIT_OF_WORK_SHARE_OF_RAW = 0.4

MODE_NAMES = {
    "floor": "floor: N empty async tests",
    "async_fixture": "floor + one empty async fixture (no SQL)",
    "savepoint": "**savepoint: the rendered conftest**",
    "delete": "{cleanup} of every table after each test",
    "create_drop": "`create_all` before / `drop_all` after each test",
}

PATH_NAMES = {
    "round_trip": 'one round trip: `fetchval("SELECT 1")` on a connection held throughout',
    "raw_pool": "raw asyncpg pool: `acquire()` + `fetchrow()`",
    "raw_pool_transaction": "raw asyncpg pool, inside `connection.transaction()` (BEGIN/COMMIT)",
    "core_connection": "SQLAlchemy Core: `engine.connect()` + `execute(select(...))`",
    "session_get": "session without a unit of work: `async with factory() as s: await s.get(...)`",
    "unit_of_work_no_pre_ping": "`unit_of_work` + `session.get`, engine with `pool_pre_ping=False`",
    "unit_of_work": "**`unit_of_work` + `session.get`: the rendered project**",
}


@dataclass
class IsolationFigures:
    engine: str
    n: int
    cleanup: str  # what the per-test cleanup mode runs
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
    versions: dict[str, str] = field(default_factory=dict)


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def ms(value: float) -> str:
    return f"{value:.2f}"


def above_floor(figures: IsolationFigures, mode: str, how: Any = statistics.median) -> float:
    per_test = figures.per_test_ms
    return float(how(per_test[mode]["total"]) - how(per_test["floor"]["total"]))


def create_drop_ratio(figures: IsolationFigures) -> float:
    """How many times the savepoint isolation's cost above the floor create_all/drop_all costs."""
    return above_floor(figures, "create_drop") / above_floor(figures, "savepoint")


def isolation_table(figures: IsolationFigures) -> list[str]:
    # asyncpg does its I/O through asyncio's transports, where the bench counts writes.
    round_trips = figures.engine == "asyncpg"
    lines = [
        f"#### {figures.engine}",
        "",
        f"{len(figures.per_test_ms['savepoint']['total'])} measured tests per mode "
        f"(of N = {figures.n}); milliseconds per test"
        + ("; round trips to the server per test, counted in the run." if round_trips else "."),
        "",
        "| mode | mean | median | setup / call / teardown (median) | above floor, mean | "
        "**above floor, median** | cost above floor vs savepoint (medians) |"
        + (" round trips |" if round_trips else ""),
        "|---|---:|---:|---:|---:|---:|---:|" + ("---:|" if round_trips else ""),
    ]
    savepoint_cost = above_floor(figures, "savepoint")
    for mode, per_test in figures.per_test_ms.items():
        name = MODE_NAMES[mode].format(cleanup=f"`{figures.cleanup}`")
        phases = " / ".join(
            ms(statistics.median(per_test[p])) for p in ("setup", "call", "teardown")
        )
        if mode == "floor":
            extra = "| - | - | - |"
        elif mode == "async_fixture":
            extra = (
                f"| {ms(above_floor(figures, mode, statistics.mean))} "
                f"| {ms(above_floor(figures, mode))} | - |"
            )
        else:
            cost = above_floor(figures, mode)
            extra = (
                f"| {ms(above_floor(figures, mode, statistics.mean))} | **{ms(cost)}** "
                f"| {cost / savepoint_cost:.1f}x |"
            )
        if round_trips:
            extra += f" {figures.socket_writes[mode]:g} |"
        lines.append(
            f"| {name} | {ms(statistics.mean(per_test['total']))} "
            f"| {ms(statistics.median(per_test['total']))} | {phases} {extra}"
        )
    return [*lines, ""]


def unit_of_work_table(figures: dict[str, Any]) -> list[str]:
    ops_per_second: dict[str, float] = figures["ops_per_second"]
    raw = ops_per_second["raw_pool"]
    ratios = figures["round_ratios"]
    lines = [
        f"{figures['ops']} sequential operations per path, in {figures['rounds']} rounds taken in "
        f"turn; the rendered engine has `pool_pre_ping={figures['pool_pre_ping']}`. Round trips "
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
        f"Per-round share of raw for the unit of work: {min(ratios):.2f} to {max(ratios):.2f} "
        f"(median {statistics.median(ratios):.2f}).",
        "",
    ]
    return lines


def targets(results: Results) -> list[str]:
    lines = ["| figure | target | this run | verdict |", "|---|---|---|---|"]
    by_engine = {figures.engine: figures for figures in results.isolation}
    if "asyncpg" in by_engine:
        cost = above_floor(by_engine["asyncpg"], "savepoint")
        lines.append(
            f"| 1. savepoint isolation, asyncpg | <= {SAVEPOINT_MS_ABOVE_FLOOR} ms per test above "
            f"the floor | {ms(cost)} ms | {verdict(cost <= SAVEPOINT_MS_ABOVE_FLOOR)} |"
        )
    else:
        lines.append(
            f"| 1. savepoint isolation, asyncpg | <= {SAVEPOINT_MS_ABOVE_FLOOR} ms per test above "
            "the floor | not run (asyncpg was not among `--engines`) | - |"
        )
    for engine, figures in by_engine.items():
        ratio = create_drop_ratio(figures)
        lines.append(
            f"| 1. create_all/drop_all / savepoint, {engine} "
            f"| >= {CREATE_DROP_TIMES_SAVEPOINT:.0f}x | {ratio:.1f}x "
            f"| {verdict(ratio >= CREATE_DROP_TIMES_SAVEPOINT)} |"
        )
    total = results.copy_seconds[results.default_engine] + results.sync_seconds
    total += results.suite_seconds
    lines.append(
        f"| 2. nothing to green, {results.default_engine} | < {NOTHING_TO_GREEN_SECONDS:.0f} s "
        f"| {total:.1f} s | {verdict(total < NOTHING_TO_GREEN_SECONDS)} |"
    )
    if results.unit_of_work is not None:
        rates = results.unit_of_work["ops_per_second"]
        share = rates["unit_of_work"] / rates["raw_pool"]
        lines.append(
            f"| 3. unit of work / raw asyncpg pool | >= {UNIT_OF_WORK_SHARE_OF_RAW} "
            f"| {share:.2f} | {verdict(share >= UNIT_OF_WORK_SHARE_OF_RAW)} |"
        )
    else:
        lines.append(
            f"| 3. unit of work / raw asyncpg pool | >= {UNIT_OF_WORK_SHARE_OF_RAW} "
            "| not run (asyncpg was not among `--engines`) | - |"
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
        f"- Python {machine['python']}; {machine['uv']}; PostgreSQL server "
        f"{server_version(results, machine)}, over loopback (127.0.0.1)",
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
        "Per-test time is pytest's own: setup + call + teardown. The first test of each mode "
        "(module setup; the very first also makes the engine and migrates) and the last test of "
        "the run (session teardown) are not counted. *Above floor* subtracts the empty tests' "
        "time: what the database work and its isolation add. Targets are judged on medians, "
        "which other processes on the machine disturb less than means; both are shown.",
        "",
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
    ]
    if results.unit_of_work is not None:
        out += [
            "Load one `Author` by primary key, one operation at a time, in one process against one "
            "server; the raw query selects the same columns (`biography` is deferred).",
            "",
            *unit_of_work_table(results.unit_of_work),
        ]
    else:
        out += ["Not run: asyncpg was not among `--engines`.", ""]
    if NOTES.exists():
        out += [NOTES.read_text().rstrip(), ""]
    return "\n".join(out)
