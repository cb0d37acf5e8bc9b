"""This repository's own code (tests, hooks, bench) is held to the standard of what it renders."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.rendering import TEMPLATE_ROOT, run

RUFF = str(Path(sys.executable).parent / "ruff")


def test_ruff_check_passes() -> None:
    run([RUFF, "check", "--no-cache", "."], TEMPLATE_ROOT)


def test_ruff_format_changes_nothing() -> None:
    run([RUFF, "format", "--no-cache", "--check", "."], TEMPLATE_ROOT)
