"""This repository's own code (tests, hooks, bench) is held to the standard of what it renders."""

from __future__ import annotations

from tests.commands import run, tool
from tests.template_config import TEMPLATE_ROOT


def test_ruff_check_passes() -> None:
    run([tool("ruff"), "check", "--no-cache", "."], TEMPLATE_ROOT)


def test_ruff_format_changes_nothing() -> None:
    run([tool("ruff"), "format", "--no-cache", "--check", "."], TEMPLATE_ROOT)


def test_the_readme_names_every_file_of_the_tests() -> None:
    """The layout list is where a newcomer looks for a test: none may be missing from it."""
    readme = (TEMPLATE_ROOT / "README.md").read_text()
    files = sorted(path.name for path in (TEMPLATE_ROOT / "tests").glob("*.py"))
    unnamed = [name for name in files if name not in {"__init__.py", "conftest.py"}]
    assert [name for name in unnamed if f"`{name}`" not in readme] == []
