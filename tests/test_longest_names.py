"""Rendered files stay ruff-clean with the longest package name the validator accepts.

The package name is typed into imports, URLs and docstrings; at 40 characters (the limit in
copier.yml) no line may overflow or be re-wrapped by the formatter. Lint only, no install: the
files are rendered in this process (the CLI's validator takes this length in
test_adversarial_answers).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.commands import run, tool
from tests.copier_cli import render_files
from tests.template_config import engine_choices, framework_choices

LONGEST = "customer_relationship_management_service"  # 40 characters


# Every engine, and every framework on every engine: the app, its tests, README commands and
# compose carry the package name too.
@pytest.mark.parametrize("framework", framework_choices())
@pytest.mark.parametrize("engine", engine_choices())
def test_every_file_passes_ruff_with_a_40_character_package_name(
    tmp_path: Path, engine: str, framework: str
) -> None:
    assert len(LONGEST) == 40
    project = tmp_path / "project"
    answers = {"project_name": "CRM", "package_name": LONGEST}
    render_files(project, {**answers, "engine": engine, "framework": framework})
    run([tool("ruff"), "check", "--no-cache", "."], project)
    run([tool("ruff"), "format", "--no-cache", "--check", "."], project)
