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


def with_scheme(url: str, variant: Variant) -> str:
    """A server's URL (`postgresql://...`, `mysql://...`) as the project's engine spells it."""
    return f"{variant.url_scheme}://{url.split('://', 1)[1]}"


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
            yield with_scheme(url, variant)
    elif variant.uses_mysql:
        with mysql.scratch_database(clean_env()["TEST_DATABASE_URL"], prefix, create=create) as url:
            yield with_scheme(url, variant)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        yield f"{variant.url_scheme}:///{folder / f'{purpose}.db'}"
