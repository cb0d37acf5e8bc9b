"""The answer sets ("variants") the template's tests render.

An installed set is rendered, installed with `uv sync` and run: its own suite, mypy, pre-commit,
the Alembic CLI. The installed sets cover the code paths pairwise, not as a product: each engine
with no framework and with one, each framework on SQLite and on PostgreSQL, each PgBouncer mode of
each PostgreSQL driver (without PgBouncer: litestar-asyncpg and fastapi-psycopg), read replicas
with PgBouncer (asyncpg-pgbouncer) and without (fastapi-psycopg).
A set that only varies text (names, authors, Python version) is rendered and linted, not
installed: adding one is one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tests.template_config import (
    default_engine,
    default_framework,
    engine_database,
    url_scheme,
)


@dataclass(frozen=True)
class Variant:
    """One answer set: what a user could answer, and how far its rendered project is checked."""

    name: str
    answers: dict[str, object] = field(default_factory=dict)
    installed: bool = True

    @property
    def package_name(self) -> str:
        """The answer, or the default copier.yml derives from the project name."""
        derived = re.sub("[^a-z0-9]+", "_", str(self.answers["project_name"]).lower()).strip("_")
        return str(self.answers.get("package_name", derived))

    @property
    def engine(self) -> str:
        return str(self.answers.get("engine", default_engine()))

    @property
    def framework(self) -> str:
        return str(self.answers.get("framework", default_framework()))

    @property
    def database(self) -> str:
        """The database family the engine speaks, as copier.yml derives it."""
        return engine_database(self.engine)

    @property
    def url_scheme(self) -> str:
        """The SQLAlchemy URL scheme of the engine, as copier.yml derives it."""
        return url_scheme(self.engine, self.package_name)

    @property
    def uses_postgresql(self) -> bool:
        return self.database == "postgresql"

    @property
    def uses_mysql(self) -> bool:
        return self.database == "mysql"


def rendered(name: str, **answers: object) -> Variant:
    """A set that varies text only: rendered and linted."""
    return Variant(name, answers, installed=False)


# Longest first: xdist hands out groups in this order, so the slow sets never start last.
# PostgreSQL package names differ, so that each set's test databases can be told apart.
VARIANTS = [
    Variant(
        "dialect",
        {"project_name": "Ledger Store", "package_name": "ledger_store", "engine": "dialect"},
    ),
    # Read replicas through PgBouncer (the primary and the standby each behind one), and
    # without it, on the primary and standby the rendered suite starts for itself.
    Variant(
        "asyncpg-pgbouncer",
        {
            "project_name": "Orders Edge",
            "engine": "asyncpg",
            "pgbouncer": True,
            "read_replicas": True,
        },
    ),
    Variant(
        "psycopg-pgbouncer", {"project_name": "Ledger Edge", "engine": "psycopg", "pgbouncer": True}
    ),
    Variant("asyncmy", {"project_name": "Stock Keeper", "engine": "asyncmy"}),
    # Each framework on SQLite and on PostgreSQL: pairwise over engines, not their product.
    Variant(
        "fastapi-psycopg",
        {
            "project_name": "Register API",
            "engine": "psycopg",
            "framework": "fastapi",
            "read_replicas": True,
        },
    ),
    Variant(
        "litestar-asyncpg",
        {"project_name": "Shelf API", "engine": "asyncpg", "framework": "litestar"},
    ),
    Variant(
        "litestar-dialect",
        {"project_name": "Archive Desk", "engine": "dialect", "framework": "litestar"},
    ),
    Variant(
        "fastapi-asyncmy",
        {"project_name": "Stock Front", "engine": "asyncmy", "framework": "fastapi"},
    ),
    Variant("fastapi-sqlite", {"project_name": "Shop Front", "framework": "fastapi"}),
    Variant("sqlite-default", {"project_name": "My Service"}),
    rendered(
        "sqlite-custom",
        project_name="Billing API",
        package_name="billing",
        description="Invoices and payments",
        author_name="Ada Lovelace",
        author_email="ada@example.org",
    ),
    rendered("sqlite-py312", project_name="Py Twelve", python_version="3.12"),
    rendered("asyncpg-py313", project_name="Py Thirteen", engine="asyncpg", python_version="3.13"),
    rendered(
        "psycopg-py314",
        project_name="Py Fourteen",
        engine="psycopg",
        python_version="3.14",
        pgbouncer=True,
    ),
    rendered(
        "dialect-py314", project_name="dialect.store-2", engine="dialect", python_version="3.14"
    ),
    # Package names that sort after `tests`: import order must not depend on where they sort.
    rendered("web-api-asyncpg", project_name="Web API", engine="asyncpg", framework="fastapi"),
    rendered("vault-psycopg", project_name="Vault", engine="psycopg", framework="litestar"),
    rendered("zoo-dialect", project_name="Zoo", engine="dialect", framework="fastapi"),
    rendered("users-asyncmy", project_name="Users", engine="asyncmy", framework="litestar"),
    rendered(
        "sqlite-author",
        project_name="Notes",
        author_name="José Müller-Łukasz",
        author_email="jose+notes@mail.example.co.uk",
        description="Notes kept for later",
    ),
]
