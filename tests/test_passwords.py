"""No password in anything a rendered PostgreSQL project's suite prints when it cannot log in.

The local server trusts 127.0.0.1 (any password passes for an existing role), so a wrong password
cannot be provoked there: the URL names a role that does not exist, with a password, which the
server refuses the way it refuses a wrong password (SQLSTATE class 28).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.rendering import clean_env, in_project


@pytest.mark.engines("asyncpg", "psycopg")
def test_a_refused_login_prints_no_password(project: Path) -> None:
    password = f"pw-{secrets.token_hex(8)}"
    url = f"postgresql://no_such_role:{password}@127.0.0.1:5432/postgres"
    env = clean_env(TEST_DATABASE_URL=url, DATABASE_URL=url)

    result = in_project(project, "pytest", "-p", "no:cacheprovider", env=env, check=False)

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "cannot log into" in output or "cannot connect to" in output, output[-2000:]
    assert 'role "no_such_role" does not exist' in output
    assert password not in output
