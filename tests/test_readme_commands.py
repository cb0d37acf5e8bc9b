"""The rendered README's command blocks, run literally and in order, as an owner runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests import scratch
from tests.answer_sets import Variant
from tests.commands import clean_env, owners_copy, readme_commands, run


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
