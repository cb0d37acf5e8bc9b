"""Bad answers are refused with the validator's message, before anything is written."""

from __future__ import annotations

import keyword
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.copier_cli import copier, data_args
from tests.template_config import TEMPLATE_ROOT


def copier_copy(destination: Path, **answers: str) -> subprocess.CompletedProcess[str]:
    return copier(
        TEMPLATE_ROOT,
        *("copy", "--trust", "--defaults", "--vcs-ref", "HEAD", *data_args(**answers)),
        *(str(TEMPLATE_ROOT), str(destination)),
        check=False,
    )


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"project_name": ""}, "The project name must not be empty."),
        ({"project_name": "   "}, "The project name must not be empty."),
        ({"project_name": "-x"}, "must start with a letter"),
        ({"project_name": "Svc", "package_name": "my-service"}, "is not a valid package name"),
        ({"project_name": "Svc", "package_name": "9lives"}, "is not a valid package name"),
        ({"project_name": "Svc", "package_name": "class"}, "is a Python keyword"),
        ({"project_name": "Svc", "package_name": "a" * 41}, "keep the package name to 40"),
        ({"project_name": "Svc", "package_name": "json"}, "would shadow the standard-library"),
        ({"project_name": "Svc", "package_name": "sqlalchemy"}, "would shadow the"),
        # The derived default is validated too: "asyncio" needs another package name.
        ({"project_name": "asyncio"}, "'asyncio' would shadow"),
        (
            {"project_name": "Svc", "author_email": "nobody"},
            "is not an address package metadata accepts",
        ),
        ({"project_name": "Svc", "engine": "mysql"}, "mysql"),
    ],
    ids=lambda value: repr(value) if isinstance(value, dict) else "",
)
def test_bad_answer_is_refused_and_nothing_is_written(
    tmp_path: Path, answers: dict[str, str], message: str
) -> None:
    destination = tmp_path / "project"
    result = copier_copy(destination, **answers)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
    assert not destination.exists()


def test_reserved_names_cover_the_standard_library() -> None:
    config = yaml.safe_load((TEMPLATE_ROOT / "includes" / "reserved_names.yml").read_text())
    reserved = set(config["reserved_names"]["default"])
    public = {name for name in sys.stdlib_module_names if not name.startswith("_")}
    assert public <= reserved, sorted(public - reserved)


def test_keywords_list_matches_python() -> None:
    config = yaml.safe_load((TEMPLATE_ROOT / "includes" / "python_keywords.yml").read_text())
    assert set(config["python_keywords"]["default"]) == set(keyword.kwlist)
