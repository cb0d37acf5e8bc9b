"""The `framework` answer: recorded always; a project written for its one framework; the
command its README gives serves the app; and the regression guard on the commit's timing bites."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests import scratch
from tests.answer_sets import Variant
from tests.commands import clean_env, free_port, get, in_project, post_author, serving
from tests.copier_cli import files_of

# Words that belong to another framework's project; a project without one imports neither.
OTHER_FRAMEWORKS = {
    "none": re.compile(r"^\s*(from|import) (fastapi|litestar)\b|fastapi\[|litestar\[", re.M),
    "fastapi": re.compile(r"litestar|advanced.alchemy", re.IGNORECASE),
    "litestar": re.compile(r"fastapi", re.IGNORECASE),
}


def test_framework_is_recorded_in_the_answers(project: Path, variant: Variant) -> None:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["framework"] == variant.framework


def test_reads_as_written_for_its_framework_alone(project: Path, variant: Variant) -> None:
    offenders = []
    for path in files_of(project):
        if path.name in {"uv.lock", ".copier-answers.yml"}:
            continue
        if match := OTHER_FRAMEWORKS[variant.framework].search(path.read_text()):
            offenders.append(f"{path.relative_to(project)}: {match.group()!r}")
    assert not offenders, "\n".join(offenders)
    app_files = [project / "src" / variant.package_name / "app.py", project / "tests/test_app.py"]
    assert [p.exists() for p in app_files] == [variant.framework != "none"] * 2


def failed_commit_status(variant: Variant) -> int:
    """How the rendered app answers a failed COMMIT: 500, or 503 on MySQL, whose test makes the
    COMMIT fail by cutting the connection (an outage)."""
    return 503 if variant.uses_mysql else 500


# The rendered test of a failed commit; it expects `failed_commit_status`.
FAILED_COMMIT_TEST = "test_a_request_whose_commit_fails_is_not_acknowledged_and_stores_nothing"


@pytest.mark.frameworks("fastapi")
def test_the_failed_commit_test_fails_under_fastapis_default_scope(
    project: Path, variant: Variant
) -> None:
    """The rendered test of a failed commit is the guard: with the dependency's default scope
    the commit runs after the response is sent, and the test must see the 201 and fail."""
    app = project / "src" / variant.package_name / "app.py"
    original = app.read_text()
    guarded = 'Depends(get_session, scope="function")'
    assert original.count(guarded) == 1
    app.write_text(original.replace(guarded, "Depends(get_session)"))
    try:
        result = in_project(
            project,
            "pytest",
            "-p",
            "no:cacheprovider",
            f"tests/test_app.py::{FAILED_COMMIT_TEST}",
            check=False,
        )
    finally:
        app.write_text(original)
    assert result.returncode == 1, result.stdout
    assert f"assert 201 == {failed_commit_status(variant)}" in result.stdout, result.stdout


# The rendered Litestar app with its session wired the other way: advanced-alchemy's plugin
# and its "autocommit" handler, on the project's own engine.
ADVANCED_ALCHEMY_WIRING = {
    "import msgspec\n": "import msgspec\nfrom advanced_alchemy.extensions.litestar import (\n"
    "    AsyncSessionConfig, SQLAlchemyAsyncConfig, SQLAlchemyPlugin\n)\n",
    '    dependencies={"session": Provide(provide_session)},\n': "",
    "        lifespan=[lifespan],\n": """        lifespan=[lifespan],
        plugins=[
            SQLAlchemyPlugin(
                config=SQLAlchemyAsyncConfig(
                    engine_instance=make_engine(settings or get_settings()),
                    before_send_handler="autocommit",
                    session_dependency_key="session",
                    session_config=AsyncSessionConfig(expire_on_commit=False),
                )
            )
        ],
""",
}


@pytest.mark.frameworks("litestar")
def test_the_failed_commit_test_fails_under_advanced_alchemys_autocommit(
    project: Path, variant: Variant
) -> None:
    """Why the Litestar app does not use advanced-alchemy's plugin: its autocommit handler
    commits as the response starts, logs a failed commit and sends the 2xx anyway. If a release
    of advanced-alchemy fixes that, this test fails: then reconsider the app's wiring."""
    app = project / "src" / variant.package_name / "app.py"
    original = app.read_text()
    # The observability plugin (on by default) leaves: the app takes one `plugins` list.
    patched = original.replace("        plugins=[Observability()],\n", "")
    for old, new in ADVANCED_ALCHEMY_WIRING.items():
        assert patched.count(old) == 1, old
        patched = patched.replace(old, new)
    app.write_text(patched)
    try:
        result = in_project(
            project,
            "--with",
            "advanced-alchemy",
            "pytest",
            # advanced-alchemy uses `declarative_mixin`, deprecated in SQLAlchemy 2.1.
            "-W",
            "ignore::sqlalchemy.exc.SADeprecationWarning",
            "-p",
            "no:cacheprovider",
            f"tests/test_app.py::{FAILED_COMMIT_TEST}",
            check=False,
        )
    finally:
        app.write_text(original)
    assert result.returncode == 1, result.stdout
    assert f"assert 201 == {failed_commit_status(variant)}" in result.stdout, result.stdout


@pytest.mark.frameworks("fastapi", "litestar")
@pytest.mark.databases("postgresql")
def test_compose_runs_the_app_after_the_database(project: Path, variant: Variant) -> None:
    app = yaml.safe_load((project / "compose.yaml").read_text())["services"]["app"]
    assert app["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert app["profiles"] == ["app"]  # `docker compose up` (the tests' server) starts no app
    command = app["command"][-1]
    assert command.startswith("uv run --locked alembic upgrade head && uv run --locked ")
    # The same application the README serves.
    target = {
        "fastapi": f"src/{variant.package_name}/app.py",
        "litestar": f"{variant.package_name}.app:app",
    }[variant.framework]
    assert target in command
    assert target in serve_command(project)
    assert "/health/ready" in " ".join(app["healthcheck"]["test"])


def serve_command(project: Path) -> str:
    """The line of the README that serves the app."""
    [line] = [ln for ln in (project / "README.md").read_text().splitlines() if "# http://" in ln]
    return line.split("#")[0].strip()


@pytest.mark.frameworks("fastapi", "litestar")
def test_the_readme_command_serves_the_app(project: Path, variant: Variant, tmp_path: Path) -> None:
    """`uv run alembic upgrade head`, then the README's command, as a person would run them:
    the lifespan makes the engine on the server's loop, and the app answers over TCP."""
    port = free_port()
    with scratch.database_url(variant, tmp_path, "serve") as database_url:
        env = clean_env(DATABASE_URL=database_url)
        in_project(project, "alembic", "upgrade", "head", env=env)
        args = [*serve_command(project).split(), "--port", str(port)]
        with serving(args, project, env, port, tmp_path / "server.log") as base:
            ready = get(f"{base}/health/ready")
            created = post_author(base, "Served")
    assert ready == 200
    assert created == 201
