"""The benchmark script runs end to end with a tiny N, so it cannot rot.

It asserts what the report holds, never how fast anything was: speed is the benchmark's business
(BENCHMARKS.md), not a timed test's.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.commands import run
from tests.template_config import TEMPLATE_ROOT, engine_choices

# One engine per code path of the bench (an embedded database, a server); the others take the
# same paths, so the documented command measures them and this test does not spend time on them.
ENGINES_HERE = ("aiosqlite", "asyncpg", "asyncmy")


# In a group of its own: it renders every engine, so it should not queue behind a variant.
@pytest.mark.xdist_group("bench")
def test_bench_script_writes_every_figure(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    out = tmp_path / "BENCHMARKS.md"
    engines = [engine for engine in ENGINES_HERE if engine in engine_choices()]
    server = (
        ["--postgres-url", request.getfixturevalue("postgres_url")] if "asyncpg" in engines else []
    )
    if "asyncmy" in engines:
        server += ["--mysql-url", request.getfixturevalue("mariadb_url")]
    run(
        [
            sys.executable, "bench/run.py", "--n", "3", "--ops", "20", "--rounds", "2",
            "--engines", ",".join(engines), *server,
            "--out", str(out), "--work-dir", str(tmp_path / "work"),
        ],
        TEMPLATE_ROOT,
    )  # fmt: skip
    report = out.read_text()
    for heading in (
        "## Targets",
        "## 1. What test isolation costs",
        "## 2. From nothing to green",
        "## 3. The unit of work's overhead",
    ):
        assert heading in report
    assert re.search(r"^\| 2\. nothing to green, aiosqlite \| < 20 s \| [\d.]+ s \|", report, re.M)
    # Figure 1 for every engine measured: every mode, each with a figure; and the summary.
    modes = len(list((TEMPLATE_ROOT / "bench" / "project").glob("test_[0-9][0-9]_*.py")))
    for engine in re.findall(r"^#### (\S+)$", report, re.M):
        section = report.split(f"#### {engine}\n", 1)[1].split("\n#", 1)[0]
        rows = [line for line in section.splitlines() if re.match(r"\| \S", line)][1:]
        assert len(rows) == modes, section
        assert all(re.search(r"\| \d+ \| [\d.]+ \| [\d.]+ \|", row) for row in rows), section
        assert re.search(rf"^\| {engine} \| -?[\d.]+ \| ", report, re.M), engine
        assert re.search(
            rf"^\| 1\. create_all/drop_all / savepoint, 40 tables, {engine} \| >= 10x "
            r"\| [\d.]+x \|",
            report,
            re.M,
        )
    # Figure 2 renders every engine copier offers; figure 1 measures those asked for.
    copied = re.findall(r"^\| (\w+) \| [\d.]+ \|$", report.split("## 2.", 1)[1], re.M)
    assert copied == engine_choices()
    for engine in engines:
        assert f"#### {engine}\n" in report
    if "asyncpg" in engines:
        for target in (
            r"1\. savepoint isolation's own cost \(savepoint minus no isolation\), asyncpg \| "
            r"<= 1\.0 ms and <= 2 round trips per test \| -?[\d.]+ ms, -?[\d.]+ round trips",
            r"1\. clone tier / savepoint tier per test \(above the floor\), a copy made ahead, "
            r"asyncpg \| < 10x \| -?[\d.]+x \(-?[\d.]+ ms against -?[\d.]+ ms\)",
            r"3\. the template's overhead over bare SQLAlchemy, read, asyncpg \| < 3% "
            r"\| [+-][\d.]+% \|",
            r"3\. the template's overhead over bare SQLAlchemy, write, asyncpg \| < 3% "
            r"\| [+-][\d.]+% \|",
            r"3\. unit of work \+ get, rendered engine / pre-ping \(median of rounds\) "
            r"\| >= 1\.3x \| [\d.]+x",
        ):
            assert re.search(rf"^\| {target}", report, re.M), target


# Its own group too: it renders a project and serves six apps, one after another.
@pytest.mark.xdist_group("bench-http")
def test_http_bench_writes_its_section(tmp_path: Path, postgres_url: str) -> None:
    """bench/http/run.py, tiny: the limit, both peers and one of ours served and loaded over
    HTTP; the section holds a figure per app, route and concurrency, and every target."""
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nthe data layer's figures\n")
    run(
        [
            sys.executable, "bench/http/run.py", "--users", "1,2", "--requests", "20",
            "--warmup", "5", "--seconds", "10", "--engines", "asyncpg", "--frameworks", "fastapi",
            "--postgres-url", postgres_url, "--out", str(out), "--work-dir", str(tmp_path / "work"),
        ],
        TEMPLATE_ROOT,
    )  # fmt: skip
    report = out.read_text()
    assert report.startswith("# Benchmarks\n\nthe data layer's figures\n")  # the rest is kept
    section = report.split("<!-- http: start -->", 1)[1].split("<!-- http: end -->", 1)[0]
    apps = (
        "limit: raw asyncpg + Starlette",
        "peer: advanced-alchemy + FastAPI",
        "peer: full-stack-fastapi-template (sync SQLModel)",
        "ours: fastapi + asyncpg",
    )
    for app in apps:
        for users in (1, 2):
            # app | users | requests | req/s | p50 | p99 | server CPU | failures: none failed
            rows = re.findall(
                rf"^\| {re.escape(app)} \| {users} \| \d+ \| \d+ "
                r"\| [\d.]+ \| [\d.]+ \| [\d.]+ \| 0 \|$",
                section,
                re.M,
            )
            assert len(rows) == 3, (app, users, section)  # read, write, ready
    for target in (
        r"read req/s / peer: advanced-alchemy \+ FastAPI >= 1\.2x",
        r"write req/s / peer: full-stack-fastapi-template \(sync SQLModel\) >= 1\.2x",
        r"read req/s / limit: raw asyncpg \+ Starlette >= 0\.5x",
        r"write p99 no worse than any peer's",
    ):
        assert re.search(
            rf"^\| ours: fastapi \+ asyncpg \| {target}.* \| [\d.]+x \(\d\) \| [^|]+ "
            r"\| (met|\*\*missed\*\*) \|$",
            section,
            re.M,
        ), target
