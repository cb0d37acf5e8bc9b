"""Fixtures of the template's tests: each answer set rendered (and installed, if it is an installed
set) once per worker."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import warm_caches
from tests.answer_sets import VARIANTS, Variant
from tests.commands import in_project, run
from tests.copier_cli import GIT_IDENTITY
from tests.updates import released_template

# The database servers: fixtures `postgres_url`, `mariadb_url`, `pgbouncer_url`; the README's
# commands run once per answer set: `readme_run`.
pytest_plugins = ["tests.servers", "tests.readme_run"]


def pytest_configure(config: pytest.Config) -> None:
    """Every render commits itself (hooks/post_copy.py) as an owner's would, whose git knows who
    is committing; on any machine, whatever its git configuration. The projects' environments
    share bytecode and mypy's cache (tests/warm_caches.py)."""
    os.environ.update(GIT_IDENTITY)
    warm_caches.enabled = True


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--answer-set",
        action="append",
        default=[],
        metavar="NAME",
        help="run only the tests of this answer set (tests/answer_sets.py; may be repeated)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With `--answer-set`, the tests of other sets and of no set are deselected."""
    chosen = config.getoption("answer_set")
    if not chosen:
        return
    unknown = set(chosen) - {v.name for v in VARIANTS}
    if unknown:
        raise pytest.UsageError(
            f"--answer-set: no answer set {', '.join(sorted(unknown))} in tests/answer_sets.py"
        )
    kept, deselected = [], []
    for item in items:
        variant = getattr(item, "callspec", None) and item.callspec.params.get("variant")
        (kept if variant and variant.name in chosen else deselected).append(item)
    config.hook.pytest_deselected(items=deselected)
    items[:] = kept


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that take `variant` run once per answer set, all of one set in one xdist worker.

    `@pytest.mark.engines("x", ...)` limits a test to the answer sets of those engines,
    `@pytest.mark.databases("x", ...)` to those whose engine speaks these databases (copier.yml's
    `engine_databases`), `@pytest.mark.frameworks("x", ...)` to those of these frameworks. A test
    runs on the installed sets only, unless marked `rendered_text` (it reads the rendered files
    alone).
    """
    if "variant" in metafunc.fixturenames:
        engines = metafunc.definition.get_closest_marker("engines")
        databases = metafunc.definition.get_closest_marker("databases")
        frameworks = metafunc.definition.get_closest_marker("frameworks")
        text_only = metafunc.definition.get_closest_marker("rendered_text") is not None
        variants = [
            v
            for v in VARIANTS
            if (engines is None or v.engine in engines.args)
            and (databases is None or v.database in databases.args)
            and (frameworks is None or v.framework in frameworks.args)
            and (v.installed or text_only)
        ]
        metafunc.parametrize(
            "variant",
            [pytest.param(v, id=v.name, marks=pytest.mark.xdist_group(v.name)) for v in variants],
            scope="session",
        )


@pytest.fixture(scope="session")
def project(copie_session: object, variant: Variant, request: pytest.FixtureRequest) -> Path:
    """The answer set rendered by copier (through pytest-copie); an installed set `uv sync`ed."""
    if variant.installed:
        request.getfixturevalue("variant_servers")  # its suite's servers, started once
    result = copie_session.copy(extra_answers=variant.answers)  # type: ignore[attr-defined]
    assert result.exit_code == 0, f"render of {variant.name} failed: {result.exception!r}"
    project_dir: Path = result.project_dir
    if variant.installed:
        run(["uv", "sync", "--locked", "--quiet"], project_dir)
        # A warm mypy cache, which the owners' copies of the project take along (mypy's result
        # is test_mypy_strict_passes's to judge).
        in_project(project_dir, "mypy", check=False)
    return project_dir


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """For the update tests: this work tree as a template repository tagged v1.0.0 and v1.1.0."""
    return released_template(tmp_path_factory.mktemp("template"))
