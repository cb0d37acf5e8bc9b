"""The `read_replicas` answer: asked for PostgreSQL only, off by default; off renders the project
without a trace of it, and an answer given for another engine renders nothing either.

Off against a render of the commit before the answer existed differs in `.copier-answers.yml`
alone (the answer recorded): checked by hand with `diff -r` over {none, fastapi, litestar} x
{asyncpg, psycopg, aiosqlite}, since a test cannot render a commit that lacks the question with
the same answers. The routing itself is tested where it runs: in the rendered suites of the
asyncpg-pgbouncer and fastapi-psycopg answer sets (tests/test_replicas.py there), against a real
primary and standby.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.copier_cli import rendered_files

pytestmark = pytest.mark.xdist_group("read-replicas")

# Files that only a render with read replicas has.
ITS_OWN = {
    "src/{package}/db/replicas.py",
    "src/{package}/read_routing.py",
    "tests/replication.py",
    "tests/test_replicas.py",
}
MENTIONS = re.compile(r"replica|read_primary|read_routing|standby", re.IGNORECASE)


def render(folder: Path, **answers: object) -> dict[str, str]:
    """The rendered files, by path (the package's directory written `{package}`)."""
    return rendered_files(folder, {"project_name": "Read Path", **answers}, "read_path")


def mentions(files: dict[str, str]) -> dict[str, list[str]]:
    """Each file's lines that speak of replicas (the answers file aside)."""
    found = {
        path: [line for line in text.splitlines() if MENTIONS.search(line)]
        for path, text in files.items()
        if path != ".copier-answers.yml"
    }
    return {path: lines for path, lines in found.items() if lines}


@pytest.mark.parametrize(
    ("engine", "framework"), [("asyncpg", "none"), ("psycopg", "fastapi"), ("asyncpg", "litestar")]
)
def test_off_renders_no_trace_of_it(tmp_path: Path, engine: str, framework: str) -> None:
    files = render(tmp_path, engine=engine, framework=framework, read_replicas=False)

    assert mentions(files) == {}
    assert yaml.safe_load(files[".copier-answers.yml"])["read_replicas"] is False


@pytest.mark.parametrize("engine", ["aiosqlite", "asyncmy", "dialect"])
def test_an_answer_given_for_another_engine_renders_nothing_and_is_kept(
    tmp_path: Path, engine: str
) -> None:
    files = render(tmp_path, engine=engine, framework="fastapi", read_replicas=True)

    assert mentions(files) == {}
    # Kept, as pgbouncer is: switching back to PostgreSQL brings the replicas back.
    assert yaml.safe_load(files[".copier-answers.yml"])["read_replicas"] is True


@pytest.mark.parametrize("framework", ["none", "fastapi", "litestar"])
def test_on_renders_its_files_and_routes_the_apps_reads(tmp_path: Path, framework: str) -> None:
    files = render(tmp_path, engine="psycopg", framework=framework, read_replicas=True)

    expected = ITS_OWN - ({"src/{package}/read_routing.py"} if framework == "none" else set())
    assert expected <= set(files)
    assert "DATABASE_REPLICA_URLS=" in files[".env.example"]
    assert "postgres-replica:" in files["compose.yaml"]
    assert '"tests.replication"' in files["tests/conftest.py"]
    if framework != "none":
        app = files["src/{package}/app.py"]
        assert "reads_only(request.method, request.cookies)" in app
        assert "replica_report(" in app
