"""The `observability` answer: on by default with a framework, off without; off renders the
project without it, line for line; on only adds.

Off against a render of the commit before the answer existed differs in `.copier-answers.yml`
alone (the answer recorded); that was checked once by hand (`diff -r`), since a test cannot
render a commit that lacks the question with the same answers. What a test can hold for
every framework is the next best thing: the render with it on is the render with it off plus
lines and files, none changed or removed.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
import yaml

from tests.copier_cli import rendered_files

pytestmark = pytest.mark.xdist_group("observability")

# Files that only a render with observability has.
ITS_OWN = {
    "src/{package}/telemetry.py",
    "src/{package}/request_telemetry.py",
    "tests/test_telemetry.py",
}
MENTIONS = re.compile(r"telemetry|opentelemetry|structlog|observability|OTEL_", re.IGNORECASE)


def render(folder: Path, framework: str, observability: bool | None) -> dict[str, str]:
    """The rendered files, by path (the package's directory written `{package}`)."""
    answers: dict[str, object] = {"project_name": "Watch Tower", "framework": framework}
    if observability is not None:
        answers["observability"] = observability
    return rendered_files(folder, answers, "watch_tower")


@pytest.mark.parametrize("framework", ["none", "fastapi", "litestar"])
def test_off_is_on_without_its_lines_and_files(tmp_path: Path, framework: str) -> None:
    off = render(tmp_path / "off", framework, observability=False)
    on = render(tmp_path / "on", framework, observability=True)

    assert set(on) - set(off) == ITS_OWN - (
        {"src/{package}/request_telemetry.py"} if framework == "none" else set()
    )
    assert set(off) <= set(on)
    for path, text in off.items():
        if path == ".copier-answers.yml":
            continue
        assert not MENTIONS.search(text), f"{path} mentions observability when it is off"
        removed = [
            line
            for line in difflib.ndiff(text.splitlines(), on[path].splitlines())
            if line.startswith("- ")
        ]
        assert removed == [], f"{path}: turning observability on changes lines: {removed}"


@pytest.mark.parametrize(
    ("framework", "expected"), [("none", False), ("fastapi", True), ("litestar", True)]
)
def test_the_default_is_on_with_a_framework(tmp_path: Path, framework: str, expected: bool) -> None:
    files = render(tmp_path, framework, observability=None)
    assert yaml.safe_load(files[".copier-answers.yml"])["observability"] is expected
    assert ("src/{package}/telemetry.py" in files) is expected
