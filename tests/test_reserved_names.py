"""Every distribution a rendered project locks is a refused package name, for every engine.

A package named like a locked distribution makes `uv lock` unsatisfiable ("the name is shadowed
by your project"); includes/generate_reserved_names.py also adds their import names.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from includes.generate_reserved_names import variants
from tests.copier_cli import render_files
from tests.template_config import TEMPLATE_ROOT

RESERVED = set(
    yaml.safe_load((TEMPLATE_ROOT / "includes" / "reserved_names.yml").read_text())[
        "reserved_names"
    ]["default"]
)


@pytest.mark.parametrize("answers", variants(), ids=lambda answers: "-".join(answers.values()))
def test_locked_distributions_are_reserved(tmp_path: Path, answers: dict[str, str]) -> None:
    project = tmp_path / "probe"
    render_files(project, {"project_name": "probe", **answers}, tasks=True)  # its `uv lock`
    lock = tomllib.loads((project / "uv.lock").read_text())
    names = {p["name"].replace("-", "_") for p in lock["package"] if p["name"] != "probe"}
    assert names <= RESERVED, f"regenerate: {sorted(names - RESERVED)}"
