"""The rendered README's command blocks, run literally and in order, as an owner runs them."""

from __future__ import annotations

import fcntl
import json
import re
import shlex
import tempfile
from pathlib import Path

import pytest

from tests import scratch
from tests.answer_sets import Variant
from tests.commands import clean_env, get, owners_copy, post_author, readme_commands, run, serving


@pytest.mark.engines("aiosqlite", "psycopg", "asyncmy")
def test_the_migration_block_runs_top_to_bottom(
    project: Path, variant: Variant, tmp_path: Path
) -> None:
    """A model changed, then the README's Migrations block: upgrade, autogenerate, upgrade,
    check. SQLite uses the README's own default database file; a server, a scratch database
    named by DATABASE_URL (settings come from the environment, as the README says)."""
    owners = owners_copy(project, tmp_path / "project")
    catalog = owners / "src" / variant.package_name / "models" / "catalog.py"
    text = catalog.read_text()
    assert "    created_at:" in text
    catalog.write_text(
        text.replace("    created_at:", "    born: Mapped[int | None]\n    created_at:", 1)
    )
    commands = readme_commands(owners, "## Migrations")
    assert any("--autogenerate" in command for command in commands), commands

    def run_block(env: dict[str, str]) -> None:
        for command in commands:
            run(["bash", "-c", command], owners, env=env)

    if variant.uses_postgresql or variant.uses_mysql:
        with scratch.database_url(variant, tmp_path, "readme") as url:
            run_block(clean_env(DATABASE_URL=url))
    else:
        run_block(clean_env())  # the README's own default: a file in the project

    (migration,) = (owners / "migrations" / "versions").glob("*_add_publisher.py")
    assert "born" in migration.read_text()


# What the README names in backticks: paths (with a `/`, or a file name with a known suffix),
# dotted module paths of the package, and environment variables.
NAMED = re.compile(r"`([^`\s]+)`")
FILE_SUFFIXES = (".py", ".toml", ".yml", ".yaml", ".ini", ".cfg", ".md", ".lock", ".mako")
ENV_VAR = re.compile(r"^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=.*)?$")
# Files the README tells the owner to create, and GitHub's own variables.
TO_BE_CREATED = {"renovate.json"}
PROVIDED_BY_GITHUB = {"GITHUB_TOKEN"}


def named_paths(readme: str) -> set[str]:
    paths = set()
    for token in NAMED.findall(readme):
        if "://" in token or token.startswith("/") or any(c in token for c in "<>*{}()=\"'"):
            continue  # a URL, a path of the machine's, a placeholder, a pattern, code
        if "/" in token or token.endswith(FILE_SUFFIXES):
            paths.add(token)
    return paths


@pytest.mark.rendered_text
def test_every_path_module_and_variable_the_readme_names_exists(
    project: Path, variant: Variant
) -> None:
    readme = (project / "README.md").read_text()
    files = [p for p in project.rglob("*") if ".venv" not in p.parts and ".git" not in p.parts]
    missing = []
    for path in sorted(named_paths(readme) - TO_BE_CREATED):
        if "/" in path.rstrip("/"):
            found = (project / path).exists()
        else:  # a file name alone: somewhere in the project
            found = any(p.name == path.rstrip("/") for p in files)
        if not found:
            missing.append(path)
    package = variant.package_name
    for module in set(NAMED.findall(readme)):
        if module.startswith(f"{package}.") and re.fullmatch(r"[a-z_][a-z0-9_.]*", module):
            relative = Path("src", *module.split("."))
            if (
                not (project / relative.with_suffix(".py")).exists()
                and not (project / relative / "__init__.py").exists()
            ):
                missing.append(module)
    assert missing == [], "the README names what the project does not have"

    texts = "\n".join(
        p.read_text(errors="replace") for p in files if p.is_file() and p.name != "README.md"
    )
    variables = {m[1] for token in NAMED.findall(readme) if (m := ENV_VAR.match(token))}
    unknown = sorted(v for v in variables - PROVIDED_BY_GITHUB if v not in texts)
    assert unknown == [], "the README names settings nothing in the project reads"


@pytest.mark.rendered_text
def test_the_renovate_configuration_the_readme_gives_is_valid_json(project: Path) -> None:
    readme = (project / "README.md").read_text()
    (block,) = re.findall(r"```json\n(.*?)```", readme, re.DOTALL)
    config = json.loads(block)
    assert config["enabledManagers"] == ["copier"]
    assert config["ignoreScripts"] is False


# Sections whose commands another test runs literally, where they can mean something.
RUN_ELSEWHERE = {
    # copier needs a newer release of the template to update to: tests/test_update_from_releases.py
    # runs this block on projects rendered from real releases.
    "## Updating from the template",
}
SERVES = ("fastapi dev", "litestar --app")  # the README's serve commands run until stopped
SERVE_PORT = 8000  # theirs by default; the README gives no other
PORT_LOCK = Path(tempfile.gettempdir()) / f"copier-async-sqlalchemy-port-{SERVE_PORT}.lock"


def shell_blocks(readme: str) -> list[tuple[str, list[str]]]:
    """Every `sh` block of the README, in order, with the heading it stands under."""
    blocks = []
    heading = ""
    for part in re.split(r"^(#{2,3} .+)$", readme, flags=re.MULTILINE):
        if part.startswith("#"):
            heading = part if part.startswith("## ") else heading
            continue
        for block in re.findall(r"```sh\n(.*?)```", part, re.DOTALL):
            lines = (line.split("  #")[0].strip() for line in block.splitlines())
            blocks.append((heading, [line for line in lines if line]))
    return blocks


def test_the_readme_runs_top_to_bottom(project: Path, variant: Variant, tmp_path: Path) -> None:
    """Every shell command of the rendered README that needs no Docker, literally, in order,
    in a copy of the project: install, test, create and migrate the application's database,
    make a migration, serve the app (a request answered), the checks before commit. The
    application's database is one the README's own commands create (DATABASE_URL names it, as
    a person's environment or `.env` would); on SQLite it is the README's default file."""
    owners = owners_copy(project, tmp_path / "project")
    blocks = shell_blocks((owners / "README.md").read_text())
    assert blocks, "the README has no commands"
    ran, needs_docker = [], []
    with scratch.database_url(variant, tmp_path, "app", create=False) as url:
        env = clean_env(DATABASE_URL=url) if variant.uses_postgresql or variant.uses_mysql else None
        env = env or clean_env()
        for heading, commands in blocks:
            if heading in RUN_ELSEWHERE:
                continue
            for command in commands:
                if command.startswith("docker "):
                    needs_docker.append(command)
                elif command.startswith("uv run ") and command[7:].startswith(SERVES):
                    with PORT_LOCK.open("w") as lock:
                        fcntl.flock(lock, fcntl.LOCK_EX)  # one served app at a time on this port
                        log = tmp_path / "server.log"
                        with serving(shlex.split(command), owners, env, SERVE_PORT, log) as base:
                            assert get(f"{base}/health/ready") == 200
                            assert post_author(base, "From the README") == 201
                    ran.append(command)
                else:
                    run(["bash", "-c", command], owners, env=env)
                    ran.append(command)
    assert "uv run pytest" in ran
    assert any("--autogenerate" in command for command in ran)
    if variant.framework != "none":
        assert any(command[7:].startswith(SERVES) for command in ran if command.startswith("uv"))
    if variant.uses_postgresql or variant.uses_mysql:
        assert any(".db.create" in command for command in ran), ran
    assert all("compose" in command for command in needs_docker), needs_docker
