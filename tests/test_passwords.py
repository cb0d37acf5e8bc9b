"""No password in anything a rendered PostgreSQL project's suite prints when it cannot log in.

The local server trusts 127.0.0.1 (any password passes for an existing role), so a wrong password
cannot be provoked there: the URL names a role that does not exist, with a password, which the
server refuses the way it refuses a wrong password (SQLSTATE class 28).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.answer_sets import Variant
from tests.commands import clean_env, in_project

# The server each kind of answer set is refused by, and the words it refuses with.
REFUSED = {
    "postgresql": ("postgres_url", 'role "no_such_role" does not exist'),
    "mysql": ("mariadb_url", "Access denied for user 'no_such_role'"),
}


@pytest.mark.databases("postgresql", "mysql")
def test_a_refused_login_prints_no_password(
    project: Path, variant: Variant, request: pytest.FixtureRequest
) -> None:
    password = f"pw-{secrets.token_hex(8)}"
    server, refusal = REFUSED["mysql" if variant.uses_mysql else "postgresql"]
    # The test server itself (not PgBouncer, which answers a refused login in its own words),
    # logged into as a role that does not exist.
    url = urlsplit(request.getfixturevalue(server))
    url = url._replace(netloc=f"no_such_role:{password}@{url.hostname}:{url.port}").geturl()
    env = clean_env(TEST_DATABASE_URL=url, DATABASE_URL=url)

    result = in_project(project, "pytest", "-p", "no:cacheprovider", env=env, check=False)

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "cannot log into" in output or "cannot connect to" in output, output[-2000:]
    assert refusal in output, output[-2000:]
    assert password not in output
