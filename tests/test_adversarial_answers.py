"""Every answer a person can give: refused before anything is written, or rendered clean.

Real copier CLI (validators fire). Accepted sets vary only text, so they share one installed
environment for mypy; the post-copy hook's `uv lock` proves each pyproject is valid metadata.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.commands import clean_env, run
from tests.copier_cli import copier, data_args
from tests.template_config import TEMPLATE_ROOT

LONG = "a_forty_character_package_name_for_tests"
assert len(LONG) == 40

ACCEPTED: dict[str, dict[str, str]] = {
    # Package names on both sides of `tests` in sort order: import order must not change.
    "billing": {"project_name": "Billing"},
    "web_api": {"project_name": "Web API"},
    "users": {"project_name": "Users"},
    "tracker": {"project_name": "Tracker"},
    "zz_top": {"project_name": "ZZ Top"},
    "long": {"project_name": "Long", "package_name": LONG},
    "unique": {"project_name": "Qwxz Service"},
    "quotes": {"project_name": "Q1", "description": 'Say "hi" to \\ and """ docs'},
    "markup": {"project_name": "Q2", "description": "<b>Tom</b> & Jerry's \u00e9t\u00e9 \u2603"},
    "ends_quote": {"project_name": "Q3", "description": 'ends in a quote "'},
    "ends_backslash": {"project_name": "Q4", "description": "ends in a backslash \\"},
    "author_quotes": {"project_name": "Q5", "author_name": 'O\'Neil "Jo" \\'},
    "author_unicode": {"project_name": "Q6", "author_name": "J\u00fcrgen Gro\u00df"},
    "email_plus": {"project_name": "Q7", "author_email": "jo.x+tag@mail.example.co.uk"},
    "email_idn": {"project_name": "Q8", "author_email": "jo@xn--exmple-cua.de"},
    "folder_default": {},  # project_name from the destination folder's name
}

REFUSED: dict[str, tuple[dict[str, str], str]] = {
    "description_newline": ({"description": "one\ntwo"}, "must be one line"),
    "description_empty": ({"description": " "}, "The description must not be empty."),
    "author_tab": ({"author_name": "Jo\tNo"}, "must be one line"),
    "email_local_unicode": (
        {"author_email": "j\u00fcrgen@ex\u00e4mple.de"},
        "is not an address package metadata accepts",
    ),
    "email_domain_unicode": ({"author_email": "jo@ex\u00e4mple.de"}, "xn-- form"),
    "private_pytest": ({"package_name": "_pytest"}, "is not a valid package name"),
    "underscore": ({"package_name": "_"}, "is not a valid package name"),
    "dunder_main": ({"package_name": "__main__"}, "is not a valid package name"),
    "mako": ({"package_name": "mako"}, "would shadow"),
    "yaml": ({"package_name": "yaml"}, "would shadow"),
    "pydantic_core": ({"package_name": "pydantic_core"}, "would shadow"),
    "pytest_xdist": ({"package_name": "pytest_xdist"}, "would shadow"),
    "packaging": ({"package_name": "packaging"}, "would shadow"),
}


def copier_copy(destination: Path, answers: dict[str, str]) -> tuple[int, str]:
    result = copier(
        TEMPLATE_ROOT,
        *("copy", "--trust", "--defaults", "--vcs-ref", "HEAD", *data_args(**answers)),
        *(str(TEMPLATE_ROOT), str(destination)),
        check=False,
    )
    return result.returncode, result.stderr


@dataclass(frozen=True)
class SharedEnvironment:
    """One installed environment (the dependencies every accepted set shares) for mypy, and
    the cache of one mypy run in it: each set's mypy starts from a copy, so that only its own
    modules are checked anew (mypy checks every entry against its file's size, time and hash)."""

    python: Path
    mypy_cache: Path


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> SharedEnvironment:
    project = tmp_path_factory.mktemp("shared") / "shared-env"
    code, err = copier_copy(project, {})
    assert code == 0, err
    run(["uv", "sync", "--quiet"], project)
    python = project / ".venv" / "bin" / "python"
    cache = project / ".mypy_cache"
    run([str(python), "-m", "mypy"], project, env=clean_env(MYPY_CACHE_DIR=str(cache)))
    return SharedEnvironment(python, cache)


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_accepted_answers_render_clean(
    tmp_path: Path, shared: SharedEnvironment, name: str
) -> None:
    destination = tmp_path / "my-service"
    code, err = copier_copy(destination, ACCEPTED[name])
    assert code == 0, err
    assert "failed" not in err, err  # the post-copy hook's `uv lock` took the metadata
    assert (destination / "uv.lock").exists()
    project = tomllib.loads((destination / "pyproject.toml").read_text())["project"]
    answers = ACCEPTED[name]
    assert project["description"] == answers.get("description", "An async SQLAlchemy service")
    assert project["authors"][0]["name"] == answers.get("author_name", "Your Name")
    if name == "folder_default":
        assert project["name"] == "my-service"
    ruff = [str(shared.python), "-m", "ruff"]
    run([*ruff, "check", "--no-cache", "."], destination)
    run([*ruff, "format", "--check", "--no-cache", "."], destination)
    cache = shutil.copytree(shared.mypy_cache, tmp_path / "mypy-cache")
    run([str(shared.python), "-m", "mypy"], destination, env=clean_env(MYPY_CACHE_DIR=str(cache)))


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_answers_write_nothing(tmp_path: Path, name: str) -> None:
    answers, message = REFUSED[name]
    destination = tmp_path / "project"
    code, err = copier_copy(destination, {"project_name": "Svc", **answers})
    assert code != 0
    assert message in err, err
    assert not destination.exists()
