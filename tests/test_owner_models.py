"""What an owner adds is held to the rules the examples follow, on the owner's own path.

Each test edits a rendered project the way its owner would (a second models module, a test, a
column and its migration), runs the project's own tools, and puts the project back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.rendering import Variant, clean_env, in_project

pytestmark = pytest.mark.engines("aiosqlite")

# The owner's second models module, written the way SQLAlchemy's tutorial writes models: a plain
# relationship() and a plain deferred() column, both of which load when read.
NAIVE_MODULE = '''"""Publishers: the owner's second models module."""

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from {package}.db.base import Base


class Publisher(Base):
    __tablename__ = "publisher"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    history: Mapped[str | None] = deferred(mapped_column(Text))

    imprints: Mapped[list["Imprint"]] = relationship(back_populates="publisher")


class Imprint(Base):
    __tablename__ = "imprint"

    id: Mapped[int] = mapped_column(primary_key=True)
    publisher_id: Mapped[int] = mapped_column(ForeignKey("publisher.id"), index=True)

    publisher: Mapped[Publisher] = relationship(back_populates="imprints", lazy="raise")
'''
# The same module as the guard's message says to write it.
FIXED_MODULE = NAIVE_MODULE.replace(
    "deferred(mapped_column(Text))", "deferred(mapped_column(Text), raiseload=True)"
).replace(
    'relationship(back_populates="publisher")',
    'relationship(back_populates="publisher", lazy="raise")',
)

LEAKING_TEST = """from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


async def test_closes_its_session(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await session.execute(text("SELECT 1"))


async def test_forgets_to_close(session_factory: async_sessionmaker[AsyncSession]) -> None:
    session = session_factory()
    await session.execute(text("SELECT 1"))
"""


@contextmanager
def owner_edits(project: Path, files: dict[str, str]) -> Iterator[None]:
    """Write the owner's files into the (shared) rendered project; afterwards restore what was
    there, and remove what did not exist, revisions made in between included."""
    versions = project / "migrations" / "versions"
    # Revision files only: the project's own runs also leave a __pycache__ folder there.
    revisions_before = set(versions.glob("*.py"))
    before = {
        path: (project / path).read_text() if (project / path).exists() else None for path in files
    }
    try:
        for path, text in files.items():
            (project / path).write_text(text)
        yield
    finally:
        for path, text in before.items():
            if text is None:
                (project / path).unlink()
            else:
                (project / path).write_text(text)
        for revision in set(versions.glob("*.py")) - revisions_before:
            revision.unlink()


def models_init_importing_publishing(project: Path, package: str) -> str:
    """The models package's `__init__.py`, edited as its docstring says: import the new module."""
    text = (project / "src" / package / "models" / "__init__.py").read_text()
    catalog = f"from {package}.models.catalog import Author, Book\n"
    assert catalog in text, text
    text = text.replace(
        catalog, f"{catalog}from {package}.models.publishing import Imprint, Publisher\n"
    )
    return text.replace('["Author", "Book"]', '["Author", "Book", "Imprint", "Publisher"]')


def pytest_in(project: Path, *args: str, **kwargs: object) -> tuple[int, str]:
    result = in_project(project, "pytest", "-p", "no:cacheprovider", *args, check=False, **kwargs)
    return result.returncode, result.stdout + result.stderr


def alembic_env(tmp_path: Path) -> dict[str, str]:
    return clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'owner.db'}")


def test_a_naive_model_fails_the_guard_naming_the_fix(
    project: Path, variant: Variant, tmp_path: Path
) -> None:
    package = variant.package_name
    module = f"src/{package}/models/publishing.py"
    init = f"src/{package}/models/__init__.py"
    registered = models_init_importing_publishing(project, package)

    with owner_edits(project, {module: NAIVE_MODULE.format(package=package), init: registered}):
        code, output = pytest_in(project, "tests/test_models_are_async_safe.py")
    assert code == 1, output
    assert "Publisher.imprints: relationship(lazy='select') loads when read" in output, output
    assert 'declare it lazy="raise"' in output
    assert "selectinload(Publisher.imprints)" in output
    assert "Publisher.history: deferred without raiseload loads when read" in output
    assert "deferred(..., raiseload=True)" in output
    assert "undefer(Publisher.history)" in output
    assert "Imprint.publisher" not in output  # declared lazy="raise"

    # Fixed as the message says, migrated as the README says: the whole suite passes.
    with owner_edits(project, {module: FIXED_MODULE.format(package=package), init: registered}):
        env = alembic_env(tmp_path)
        in_project(project, "alembic", "upgrade", "head", env=env)
        in_project(project, "alembic", "revision", "--autogenerate", "-m", "add publisher", env=env)
        code, output = pytest_in(project, "-W", "error")
        assert code == 0, output


def test_a_models_module_env_py_does_not_import_fails_the_migration_tests(
    project: Path, variant: Variant
) -> None:
    package = variant.package_name
    module = f"src/{package}/models/publishing.py"
    check = ["tests/test_migrations.py", "-k", "test_all_models_register_on_metadata"]

    with owner_edits(project, {module: FIXED_MODULE.format(package=package)}):
        code, output = pytest_in(project, *check)
    assert code == 1, output
    affected = re.search(r"The following tables are affected: ([a-z_, ]+)\.", output)
    assert affected, output
    assert set(affected[1].split(", ")) == {"imprint", "publisher"}

    registered = models_init_importing_publishing(project, package)
    init = f"src/{package}/models/__init__.py"
    with owner_edits(project, {module: FIXED_MODULE.format(package=package), init: registered}):
        code, output = pytest_in(project, *check)
    assert code == 0, output


def test_a_session_left_open_fails_its_test_naming_where(project: Path) -> None:
    with owner_edits(project, {"tests/test_leaks_on_purpose.py": LEAKING_TEST}):
        code, output = pytest_in(project, "tests/test_leaks_on_purpose.py")
    assert code == 1, output
    assert "2 passed, 1 error" in output, output  # the test passes; its teardown fails
    assert "ERROR at teardown of test_forgets_to_close" in output, output
    where = "tests/test_leaks_on_purpose.py:12 in test_forgets_to_close()"
    assert f"a session in a transaction begun at {where}" in output, output


def test_a_new_revision_comes_out_formatted_and_linted(
    project: Path, variant: Variant, tmp_path: Path
) -> None:
    package = variant.package_name
    catalog = f"src/{package}/models/catalog.py"
    text = (project / catalog).read_text()
    anchor = "    title: Mapped[str] = mapped_column(String(300))\n"
    assert anchor in text, text
    # A name long enough that the line autogenerate writes for it is over 100 characters.
    column = "    subtitle_shown_on_the_cover: Mapped[str | None] = mapped_column(String(300))\n"

    with owner_edits(project, {catalog: text.replace(anchor, anchor + column)}):
        env = alembic_env(tmp_path)
        in_project(project, "alembic", "upgrade", "head", env=env)
        result = in_project(
            project, "alembic", "revision", "--autogenerate", "-m", "subtitle", env=env
        )
        printed = result.stdout + result.stderr
        assert "Detected added column 'book.subtitle_shown_on_the_cover'" in printed, printed
        assert "E501" not in printed, printed
        assert "remaining" not in printed, printed
        (revision,) = (project / "migrations" / "versions").glob("*_subtitle.py")
        in_project(project, "ruff", "check", "--no-cache", str(revision))
        in_project(project, "ruff", "format", "--no-cache", "--check", str(revision))
