"""hooks/migrate_0_4_0.py on a render of this work tree: the owner's imports from
`<package>.db` and `tests.conftest` move to the modules that define the names, where ruff sorts
them, and what it cannot move is left and said. (tests/test_update_from_releases.py runs it
through `copier update` from each earlier release.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.commands import run, tool
from tests.template_config import TEMPLATE_ROOT

HOOK = TEMPLATE_ROOT / "hooks" / "migrate_0_4_0.py"
PACKAGE = "my_service"

OWNER_TEST = """from sqlalchemy.ext.asyncio import AsyncSession

from my_service.db import Base, make_session_factory, unit_of_work
from my_service.db.engine import make_engine
from my_service.models import Author

from tests.conftest import PROJECT_ROOT, OwnDatabase, PoolLedger, opened_at, upgrade_to_head
from tests.databases import LOCKED_OUT_CODE


async def test_owned(session: AsyncSession, own_database: OwnDatabase) -> None:
    from my_service.db import unit_of_work as inner

    assert (Base, make_session_factory, unit_of_work, make_engine, Author, inner, session)
    assert (PROJECT_ROOT, PoolLedger, opened_at, upgrade_to_head, LOCKED_OUT_CODE)
"""
MOVED_TEST = """from sqlalchemy.ext.asyncio import AsyncSession

from my_service.db.base import Base
from my_service.db.engine import make_engine
from my_service.db.session import make_session_factory, unit_of_work
from my_service.models import Author

from tests.databases import LOCKED_OUT_CODE
from tests.leaks import PoolLedger, opened_at
from tests.support import PROJECT_ROOT, OwnDatabase, upgrade_to_head


async def test_owned(session: AsyncSession, own_database: OwnDatabase) -> None:
    from my_service.db import unit_of_work as inner
"""


@pytest.fixture(scope="module")
def project(copie_session: object) -> Path:
    """This work tree rendered on SQLite with FastAPI: `session_dependency` is not rendered."""
    answers = {"project_name": "My Service", "framework": "fastapi"}
    result = copie_session.copy(extra_answers=answers)  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.exception
    return Path(result.project_dir)


def migrate(project: Path) -> str:
    return run([sys.executable, str(HOOK), PACKAGE], project).stderr


def test_imports_move_to_their_modules_where_ruff_sorts_them(project: Path) -> None:
    owned = project / "tests" / "test_owned.py"
    owned.write_text(OWNER_TEST)
    printed = migrate(project)
    assert owned.read_text().startswith(MOVED_TEST), owned.read_text()
    assert "migration 0.4.0: tests/test_owned.py: imports moved to their modules" in printed
    assert "line 12: an import inside a block: move it yourself; left to you" in printed
    # The project's own ruff settings (sections, line length) find nothing to change.
    run([tool("ruff"), "check", "--select", "I,F401", str(owned)], project)
    run([tool("ruff"), "format", "--check", str(owned)], project)
    moved = owned.read_text()
    assert "test_owned.py: imports moved" not in migrate(project), "a second run moves nothing"
    assert owned.read_text() == moved


def test_a_name_the_new_layout_lacks_is_left_and_said(project: Path) -> None:
    app = project / "src" / PACKAGE / "routes.py"
    app.write_text(f"from {PACKAGE}.db import session_dependency, unit_of_work\n")
    printed = migrate(project)
    assert app.read_text() == (
        f"from {PACKAGE}.db import session_dependency\n"
        f"from {PACKAGE}.db.session import unit_of_work\n"
    )
    assert (
        f"src/{PACKAGE}/routes.py: line 1: `session_dependency` from {PACKAGE}.db: the new layout "
        "has no such name there; see CHANGELOG.md 0.4.0; left to you"
    ) in printed


def test_long_imports_wrap_as_ruff_formats_them(project: Path) -> None:
    owned = project / "tests" / "test_long.py"
    owned.write_text(
        "from tests.conftest import (\n"
        "    PROJECT_ROOT,\n    DatabaseCopies,\n    OwnDatabase,\n    PoolLedger,\n"
        "    SessionLedger,\n    make_alembic_config,\n    opened_at,\n    upgrade_to_head,\n)\n\n"
        "USED = (PROJECT_ROOT, DatabaseCopies, OwnDatabase, PoolLedger, SessionLedger)\n"
        "MORE = (make_alembic_config, opened_at, upgrade_to_head)\n"
    )
    migrate(project)
    text = owned.read_text()
    assert "tests.conftest" not in text
    assert "from tests.leaks import PoolLedger, SessionLedger, opened_at\n" in text
    run([tool("ruff"), "check", "--select", "I,F401", str(owned)], project)
    run([tool("ruff"), "format", "--check", str(owned)], project)
