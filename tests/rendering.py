"""Helpers for the template's tests: the answer sets we render, and running commands in them."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Variant:
    """One answer set: what a user could answer, and what its rendered project must pass."""

    name: str
    answers: dict[str, object] = field(default_factory=dict)

    @property
    def package_name(self) -> str:
        """The answer, or the default copier.yml derives from the project name."""
        derived = re.sub("[^a-z0-9]+", "_", str(self.answers["project_name"]).lower()).strip("_")
        return str(self.answers.get("package_name", derived))

    @property
    def engine(self) -> str:
        return str(self.answers.get("engine", "aiosqlite"))

    @property
    def framework(self) -> str:
        return str(self.answers.get("framework", "none"))

    @property
    def uses_postgresql(self) -> bool:
        return self.engine in {"asyncpg", "psycopg"}

    @property
    def uses_mysql(self) -> bool:
        return self.engine == "asyncmy"


# Every engine is rendered at least once; names and versions vary across the sets.
VARIANTS = [
    Variant("sqlite-default", {"project_name": "My Service"}),
    Variant(
        "sqlite-custom",
        {
            "project_name": "Billing API",
            "package_name": "billing",
            "description": "Invoices and payments",
            "author_name": "Ada Lovelace",
            "author_email": "ada@example.org",
        },
    ),
    Variant(
        "dialect",
        {"project_name": "Ledger Store", "package_name": "ledger_store", "engine": "dialect"},
    ),
    # PostgreSQL: both drivers, with and without PgBouncer mode. Package names differ, so that
    # each variant's test databases (named after the package) can be told apart.
    Variant("asyncpg", {"project_name": "Orders API", "engine": "asyncpg"}),
    Variant("psycopg", {"project_name": "Ledger", "engine": "psycopg"}),
    Variant(
        "asyncpg-pgbouncer",
        {"project_name": "Orders Edge", "engine": "asyncpg", "pgbouncer": True},
    ),
    Variant(
        "psycopg-pgbouncer",
        {"project_name": "Ledger Edge", "engine": "psycopg", "pgbouncer": True},
    ),
    Variant("asyncmy", {"project_name": "Stock Keeper", "engine": "asyncmy"}),
    # Each framework on SQLite and on PostgreSQL; pairwise over engines, not their product.
    Variant("fastapi-sqlite", {"project_name": "Shop Front", "framework": "fastapi"}),
    Variant(
        "fastapi-psycopg",
        {"project_name": "Register API", "engine": "psycopg", "framework": "fastapi"},
    ),
    Variant(
        "litestar-asyncpg",
        {"project_name": "Shelf API", "engine": "asyncpg", "framework": "litestar"},
    ),
    Variant(
        "fastapi-asyncmy",
        {"project_name": "Stock Front", "engine": "asyncmy", "framework": "fastapi"},
    ),
    Variant(
        "litestar-dialect",
        {"project_name": "Archive Desk", "engine": "dialect", "framework": "litestar"},
    ),
]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a rendered project's commands: none of this repository's venv."""
    ours = {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}
    env = {k: v for k, v in os.environ.items() if k not in ours}
    env.update(extra)
    return env


def run(
    args: list[str], cwd: Path, *, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure the assertion shows everything it printed."""
    result = subprocess.run(
        args, cwd=cwd, env=env or clean_env(), capture_output=True, text=True, check=False
    )
    if check:
        assert result.returncode == 0, (
            f"`{' '.join(args)}` exited {result.returncode} in {cwd}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result


def in_project(project: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a tool from the project's own environment (installed by `uv sync --locked`)."""
    return run(["uv", "run", "--frozen", *args], project, **kwargs)  # type: ignore[arg-type]
