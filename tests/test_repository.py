"""This repository's own code (tests, hooks, bench) is held to the standard of what it renders."""

from __future__ import annotations

from tests.commands import run, tool
from tests.template_config import TEMPLATE_ROOT


def test_ruff_check_passes() -> None:
    run([tool("ruff"), "check", "--no-cache", "."], TEMPLATE_ROOT)


def test_ruff_format_changes_nothing() -> None:
    run([tool("ruff"), "format", "--no-cache", "--check", "."], TEMPLATE_ROOT)
