"""Fixtures of the template's tests: each variant rendered and installed once per worker."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests import mysql, postgres
from tests.rendering import VARIANTS, Variant, run


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that take `variant` run once per answer set, all of one set in one xdist worker.

    `@pytest.mark.engines("x", ...)` limits a test to the answer sets of those engines.
    """
    if "variant" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("engines")
        variants = [v for v in VARIANTS if marker is None or v.engine in marker.args]
        metafunc.parametrize(
            "variant",
            [pytest.param(v, id=v.name, marks=pytest.mark.xdist_group(v.name)) for v in variants],
            scope="session",
        )


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The server the PostgreSQL variants run against, exported to their suites as
    TEST_DATABASE_URL: the one TEST_DATABASE_URL names, else the local server at
    127.0.0.1:5432, else a throwaway server started here and removed afterwards.

    Never a skip: a PostgreSQL variant that cannot be tested fails, in CI and everywhere."""
    configured = os.environ.get("TEST_DATABASE_URL")
    url = configured or postgres.LOCAL_SERVER
    with pytest.MonkeyPatch.context() as env, ExitStack() as cleanup:
        if not postgres.answers(url):
            if configured:
                pytest.fail("TEST_DATABASE_URL is set, but no PostgreSQL server answers there")
            try:
                url = cleanup.enter_context(postgres.throwaway_server())
            except Exception as error:  # any reason it could not start is the failure
                pytest.fail(
                    "No PostgreSQL server answers at 127.0.0.1:5432 and pgserver could not "
                    f"start one ({error!r}). Start a server, or set TEST_DATABASE_URL."
                )
        env.setenv("TEST_DATABASE_URL", url)
        yield url


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    """The server the asyncmy variants run against, exported to their suites as
    TEST_DATABASE_URL: the local MariaDB at 127.0.0.1:3306. Never a skip."""
    if not mysql.answers(mysql.LOCAL_SERVER):
        pytest.fail(f"No MariaDB server answers at {mysql.LOCAL_SERVER}: start one.")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TEST_DATABASE_URL", mysql.LOCAL_SERVER)
        yield mysql.LOCAL_SERVER


@pytest.fixture(scope="session")
def project(copie_session: object, variant: Variant, request: pytest.FixtureRequest) -> Path:
    """The variant rendered by copier (through pytest-copie), then installed with `uv sync`."""
    if variant.uses_postgresql:
        request.getfixturevalue("postgres_url")  # its suites need a server, started once
    if variant.uses_mysql:
        request.getfixturevalue("mariadb_url")
    result = copie_session.copy(extra_answers=variant.answers)  # type: ignore[attr-defined]
    assert result.exit_code == 0, f"render of {variant.name} failed: {result.exception!r}"
    project_dir: Path = result.project_dir
    run(["uv", "sync", "--locked", "--quiet"], project_dir)
    return project_dir
