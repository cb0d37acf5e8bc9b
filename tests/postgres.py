"""Databases on the PostgreSQL test server (tests/servers.py provides the server).

URLs here are libpq URIs (`postgresql://...`): the rendered projects put their own driver in.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
from psycopg import sql


@contextmanager
def scratch_database(server_url: str, prefix: str, *, create: bool = True) -> Iterator[str]:
    """A new database on the server (or only its name, for a test that creates it), dropped
    afterwards; yields its URL."""
    name = f"{prefix}_{secrets.token_hex(3)}"
    if create:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def databases_starting_with(server_url: str, prefix: str) -> list[str]:
    with psycopg.connect(server_url) as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (prefix,)
        ).fetchall()
    return [name for (name,) in rows]
