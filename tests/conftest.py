"""Fixtures of the template's tests: each variant rendered and installed once per worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rendering import VARIANTS, Variant, run

# The database servers: fixtures `postgres_url`, `mariadb_url`, `pgbouncer_url`.
pytest_plugins = ["tests.servers"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that take `variant` run once per answer set, all of one set in one xdist worker.

    `@pytest.mark.engines("x", ...)` limits a test to the answer sets of those engines,
    `@pytest.mark.frameworks("x", ...)` to those of these frameworks.
    """
    if "variant" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("engines")
        variants = [v for v in VARIANTS if marker is None or v.engine in marker.args]
        if frameworks := metafunc.definition.get_closest_marker("frameworks"):
            variants = [v for v in variants if v.framework in frameworks.args]
        metafunc.parametrize(
            "variant",
            [pytest.param(v, id=v.name, marks=pytest.mark.xdist_group(v.name)) for v in variants],
            scope="session",
        )


@pytest.fixture(scope="session")
def project(copie_session: object, variant: Variant, request: pytest.FixtureRequest) -> Path:
    """The variant rendered by copier (through pytest-copie), then installed with `uv sync`."""
    request.getfixturevalue("variant_database_url")  # its suite's server, started once
    result = copie_session.copy(extra_answers=variant.answers)  # type: ignore[attr-defined]
    assert result.exit_code == 0, f"render of {variant.name} failed: {result.exception!r}"
    project_dir: Path = result.project_dir
    run(["uv", "sync", "--locked", "--quiet"], project_dir)
    return project_dir
