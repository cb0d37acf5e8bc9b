"""A database for an owner's Alembic commands in a rendered project: a file for SQLite, else a
new database on the answer set's test server (TEST_DATABASE_URL, which tests/servers.py sets),
dropped afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests import mysql, postgres
from tests.answer_sets import Variant
from tests.commands import clean_env

SQLITE_SCHEMES = {"aiosqlite": "sqlite+aiosqlite", "dialect": "{package}+async"}


@contextmanager
def database_url(
    variant: Variant, folder: Path, purpose: str, *, create: bool = True
) -> Iterator[str]:
    """The SQLAlchemy URL (the project's driver in it) of a database no one else uses; with
    `create=False` a server's database is left for the test to create (a file always is)."""
    prefix = f"{variant.package_name[:30]}_{purpose}"
    if variant.uses_postgresql:
        with postgres.scratch_database(
            clean_env()["TEST_DATABASE_URL"], prefix, create=create
        ) as url:
            yield postgres.with_driver(url, variant.engine)
    elif variant.uses_mysql:
        with mysql.scratch_database(clean_env()["TEST_DATABASE_URL"], prefix, create=create) as url:
            yield mysql.with_driver(url, variant.engine)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        scheme = SQLITE_SCHEMES[variant.engine].format(package=variant.package_name)
        yield f"{scheme}:///{folder / f'{purpose}.db'}"
