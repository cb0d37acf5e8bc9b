"""BENCHMARKS.md's HTTP section from one run of bench/http/run.py: the figures, and each target
met or missed. The section lives between two markers, so the data-layer report
(bench/report.py) and this one each rewrite only their own part of the file.

    python bench/http/http_report.py [bench/out/http/results.json] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
START, END = "<!-- http: start -->", "<!-- http: end -->"

# The targets, each a ratio of two apps measured in the same run.
TIMES_EVERY_PEER = 1.2  # ours / peer, requests per second, read and write
SHARE_OF_LIMIT = 0.5  # ours / the limit, requests per second, read
ROUTE_NAMES = {
    "read": "read: GET /authors/{id} (an author and its 5 books)",
    "write": "write: POST /authors (committed)",
    "ready": "GET /health/ready",
}


def keep_section(old: str, new: str) -> str:
    """`new` (a whole BENCHMARKS.md) with the HTTP section of `old` kept at its end."""
    if START not in old or START in new:
        return new
    section = old[old.index(START) : old.index(END) + len(END)]
    return new.rstrip("\n") + "\n\n" + section + "\n"


def write_section(out: Path, record: dict[str, object]) -> None:
    text = out.read_text() if out.exists() else "# Benchmarks\n"
    section = render(record)
    if START in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    out.write_text(text)


Row = dict[str, object]


def by_key(rows: list[Row]) -> dict[tuple[str, str, int], Row]:
    return {(str(r["app"]), str(r["route"]), int(str(r["users"]))): r for r in rows}


def number(value: object) -> float:
    return float(str(value))


def render(record: dict[str, object]) -> str:
    rows: list[Row] = record["rows"]  # type: ignore[assignment]
    figures = by_key(rows)
    apps = list(dict.fromkeys(str(r["app"]) for r in rows))
    routes = list(dict.fromkeys(str(r["route"]) for r in rows))
    users = sorted({int(str(r["users"])) for r in rows})
    kinds = {str(r["app"]): str(r["kind"]) for r in rows}
    peers = [a for a in apps if kinds[a] == "peer"]
    limits = [a for a in apps if kinds[a] == "limit"]
    ours = [a for a in apps if kinds[a] == "ours" and "aiosqlite" not in a]
    versions = json.loads(str(record["versions"]))
    load = " / ".join(f"{x:.2f}" for x in record["load_at_start"])  # type: ignore[attr-defined]
    load_end = " / ".join(f"{x:.2f}" for x in record["load_at_end"])  # type: ignore[attr-defined]
    lines = [
        START,
        "## 4. The apps over HTTP: ours, the peers and the limit",
        "",
        f"Written by `bench/http/run.py` (run {str(record['started'])[:16]} UTC, "
        f"`{record['command']}`); `python bench/http/http_report.py` renders it again from "
        "`bench/out/http/results.json`. Load average (1 / 5 / 15 min) "
        f"{load} at the start, {load_end} at the end, on {record['cpus']} CPUs.",
        "",
        "Each app is served by uvicorn (one process) pinned to core 0; the load generator, "
        "locust's FastHttpUser driven as a library (bench/http/load.py says why), is pinned to "
        "core 1; PostgreSQL is not pinned and shares both cores. Closed loop: each simulated "
        "user sends its next request when the last is answered. Every load is bounded by a "
        "request count and by a time, after an uncounted warm-up. All apps read and write the "
        f"same PostgreSQL database ({versions.get('locust', '?')} locust, "
        f"uvicorn {versions.get('uvicorn', '?')}, SQLAlchemy {versions.get('sqlalchemy', '?')}, "
        f"advanced-alchemy {versions.get('advanced-alchemy', '?')}, "
        f"sqlmodel {versions.get('sqlmodel', '?')}); ours on SQLite read a file seeded the same "
        "way, for reference only.",
        "",
        "**The machine may be shared with other work while it runs** (the load averages above "
        "say how busy it was): absolute figures move with the load; the ratios between apps "
        "measured in the same run are what the targets judge, and what to compare across runs.",
        "",
        "### Targets",
        "",
        "Each judged at every concurrency, on requests per second as the issue states it; the "
        "worst ratio is shown, with its concurrency. Next to it, the same comparison by the "
        "server's CPU time per request (the other app's over ours: how many more requests one "
        "core serves), which the machine's other work disturbs far less.",
        "",
        "| ours | target | worst (users) | the same by server CPU per request (users) | verdict |",
        "|---|---|---:|---:|---|",
    ]

    def ratio(app: str, other: str, route: str, n: int) -> float | None:
        a, b = figures.get((app, route, n)), figures.get((other, route, n))
        if a is None or b is None or number(b["rps"]) == 0:
            return None
        return number(a["rps"]) / number(b["rps"])

    def cpu_ratio(app: str, other: str, route: str, n: int) -> float | None:
        """How many of ours one core serves per request of the other: its CPU over ours."""
        a, b = figures.get((app, route, n)), figures.get((other, route, n))
        if a is None or b is None or not number(a.get("server_cpu_ms", 0)):
            return None
        return number(b.get("server_cpu_ms", 0)) / number(a["server_cpu_ms"])

    def judge(
        app: str,
        label: str,
        values: list[tuple[float, int]],
        floor: float,
        cpu: list[tuple[float, int]] | None = None,
    ) -> None:
        if not values:
            return
        worst, at = min(values)
        verdict = "met" if worst >= floor else "**missed**"
        by_cpu = "-"
        if cpu:
            worst_cpu, at_cpu = min(cpu)
            by_cpu = f"{worst_cpu:.2f}x ({at_cpu})"
        lines.append(f"| {app} | {label} | {worst:.2f}x ({at}) | {by_cpu} | {verdict} |")

    def pairs(app: str, other: str, route: str, of: object) -> list[tuple[float, int]]:
        found = ((of(app, other, route, n), n) for n in users)  # type: ignore[operator]
        return [(r, n) for r, n in found if r is not None]

    for app in ours:
        for peer in peers:
            for route in ("read", "write"):
                judge(app, f"{route} req/s / {peer} >= {TIMES_EVERY_PEER}x",
                      pairs(app, peer, route, ratio), TIMES_EVERY_PEER,
                      pairs(app, peer, route, cpu_ratio))  # fmt: skip
        for limit in limits:
            judge(app, f"read req/s / {limit} >= {SHARE_OF_LIMIT}x",
                  pairs(app, limit, "read", ratio), SHARE_OF_LIMIT,
                  pairs(app, limit, "read", cpu_ratio))  # fmt: skip
        for route in ("read", "write"):
            # p99 no worse than any peer: the best peer's p99 over ours (>= 1 is met).
            values = []
            for n in users:
                mine = figures.get((app, route, n))
                theirs = [figures[p, route, n] for p in peers if (p, route, n) in figures]
                if mine and theirs and number(mine["p99_ms"]) > 0:
                    best = min(number(t["p99_ms"]) for t in theirs)
                    values.append((best / number(mine["p99_ms"]), n))
            judge(app, f"{route} p99 no worse than any peer's (best peer p99 / ours >= 1)",
                  values, 1.0)  # fmt: skip
    befores = [a for a in apps if kinds[a] == "before"]
    if befores:
        lines += [
            "",
            "### Before and after the template's changes",
            "",
            "The same apps rendered from the ref named (before) and from this work tree (ours), "
            "served one after the other in this run. After / before: above 1x is faster for "
            "requests per second, and cheaper for CPU per request (before's CPU over ours).",
            "",
            "| app | route | users | req/s before / after | after / before | server CPU per "
            "request before / after (ms) | before / after |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for before in befores:
            after = "ours: " + before.split(": ", 1)[1]
            for route in routes:
                for n in users:
                    b, a = figures.get((before, route, n)), figures.get((after, route, n))
                    if a is None or b is None:
                        continue
                    rps_b, rps_a = number(b["rps"]), number(a["rps"])
                    cpu_b = number(b.get("server_cpu_ms", 0))
                    cpu_a = number(a.get("server_cpu_ms", 0))
                    lines.append(
                        f"| {after.removeprefix('ours: ')} | {route} | {n} | "
                        f"{rps_b:.0f} / {rps_a:.0f} | {rps_a / rps_b if rps_b else 0:.2f}x | "
                        f"{cpu_b:.2f} / {cpu_a:.2f} | {cpu_b / cpu_a if cpu_a else 0:.2f}x |"
                    )
    lines += ["", "### Figures", ""]
    for route in routes:
        lines += [
            f"#### {ROUTE_NAMES.get(route, route)}",
            "",
            "| app | users | requests | req/s | p50 (ms) | p99 (ms) | server CPU per request (ms) "
            "| failures |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for app in apps:
            for n in users:
                r = figures.get((app, route, n))
                if r is None:
                    continue
                lines.append(
                    f"| {app} | {n} | {r['requests']} | {number(r['rps']):.0f} | "
                    f"{number(r['p50_ms']):.2f} | {number(r['p99_ms']):.2f} | "
                    f"{number(r.get('server_cpu_ms', 0)):.2f} | {r['failures']} |"
                )
        lines.append("")
    notes = Path(__file__).resolve().parent / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text().rstrip("\n"), ""]
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "results", nargs="?", type=Path, default=REPO / "bench" / "out" / "http" / "results.json"
    )
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args()
    write_section(args.out, json.loads(args.results.read_text()))


if __name__ == "__main__":
    main()
