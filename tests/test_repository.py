"""This repository's own code (tests, hooks, bench) is held to the standard of what it renders."""

from __future__ import annotations

import re
from pathlib import Path

from tests.commands import run, tool
from tests.copier_cli import files_of
from tests.template_config import TEMPLATE_ROOT, engine_choices, engine_database


def test_ruff_check_passes() -> None:
    run([tool("ruff"), "check", "--no-cache", "."], TEMPLATE_ROOT)


def test_ruff_format_changes_nothing() -> None:
    run([tool("ruff"), "format", "--no-cache", "--check", "."], TEMPLATE_ROOT)


def test_the_readme_names_every_file_of_the_tests() -> None:
    """The layout list is where a newcomer looks for a test or a helper: none may be missing."""
    readme = (TEMPLATE_ROOT / "README.md").read_text()
    layout = readme.split("\n## Repository layout\n", 1)[1].split("\n## ", 1)[0]
    files = [path.relative_to(TEMPLATE_ROOT) for path in files_of(TEMPLATE_ROOT / "tests")]
    assert [str(path) for path in files if f"`{path}`" not in layout] == []


def test_every_engine_speaks_a_database_the_template_has_files_for() -> None:
    """copier.yml's `engine_databases` is where an engine's database is written, once: an engine
    offered without a line there would render with no database at all."""
    partials = (TEMPLATE_ROOT / "includes" / "databases").iterdir()
    families = sorted(path.name for path in partials if path.is_dir())
    databases = {engine: engine_database(engine) for engine in engine_choices()}
    assert sorted(set(databases.values())) == families, databases


# Where branching may stay because it reads naturally there: prose and the dependency list.
BRANCHING_ALLOWED = {"README.md.jinja", "pyproject.toml.jinja"}
MOST_TAGS = 10
INCLUDE_ONLY = re.compile(r"\A\s*\{%-?\s*include\s[^%]*%\}\s*\Z")


def jinja_files() -> list[Path]:
    roots = (TEMPLATE_ROOT / "template", TEMPLATE_ROOT / "includes")
    return sorted(path for root in roots for path in root.rglob("*.jinja") if path.is_file())


def test_no_code_file_branches_more_than_ten_times() -> None:
    """A file with many `{%` tags reads as several files at once: its branches belong in the
    partials of an engine or a database family."""
    counts = {
        str(path.relative_to(TEMPLATE_ROOT)): path.read_text().count("{%")
        for path in jinja_files()
        if path.name not in BRANCHING_ALLOWED
    }
    assert {name: n for name, n in counts.items() if n > MOST_TAGS} == {}


def test_no_partial_only_includes_another() -> None:
    """A partial that holds nothing but an include is a detour: include the other one directly."""
    includes = [p for p in jinja_files() if p.is_relative_to(TEMPLATE_ROOT / "includes")]
    assert [str(p) for p in includes if INCLUDE_ONLY.match(p.read_text())] == []
