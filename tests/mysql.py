"""Databases on the MariaDB server the asyncmy variants are tested against (`mariadb_url`).

URLs here are `mysql://user[:password]@host:port/database`: the rendered projects put their own
driver in.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from tests.servers import mariadb_connect


def databases_starting_with(server_url: str, prefix: str) -> list[str]:
    with mariadb_connect(server_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE %s",
            (prefix.replace("_", r"\_") + "%",),
        )
        return [name for (name,) in cursor.fetchall()]


@contextmanager
def scratch_database(server_url: str, prefix: str, *, create: bool = True) -> Iterator[str]:
    """A new database on the server (or only its name, for a test that creates it), dropped
    afterwards; yields its URL."""
    name = f"{prefix}_{secrets.token_hex(3)}"
    if create:
        with mariadb_connect(server_url) as connection, connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        yield urlsplit(server_url)._replace(path=f"/{name}").geturl()
    finally:
        with mariadb_connect(server_url) as connection, connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
