"""Runs after `copier update` brings a project from before 0.2.0 to 0.2.0 or later.

0.2.0 added `tests/test_models_are_async_safe.py`, which fails on any deferred column that loads
when read. The 0.1.0 example declared one: `Author.biography`, `deferred(mapped_column(Text))`,
read with `await author.awaitable_attrs.biography` in `tests/test_loading.py`. Both files are
the owner's (an update never merges into them), so this migration edits them itself, and only
where a line is still exactly as the template wrote it; anything else is left, and said.

0.2.0 also renders the models as a package (`models/__init__.py`, `models/catalog.py`). A
project's `models.py` keeps working: `migrations/env.py`, the guard tests and pre-commit find
models in either layout. Moving is the owner's choice; the commands are printed.

Usage: migrate_0_2_0.py PACKAGE_NAME (run by copier in the project's directory).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Fix:
    """Lines the 0.1.0 template wrote, and what 0.2.0 writes in their place."""

    what: str
    old: str
    new: str


BIOGRAPHY = Fix(
    "Author.biography: deferred(..., raiseload=True), so reading it unloaded raises",
    "    # Deferred: loaded only when asked for, e.g. `await author.awaitable_attrs.biography`.\n"
    "    biography: Mapped[str | None] = deferred(mapped_column(Text))\n",
    "    # Deferred, and raising where it is read unloaded: ask for it in the query\n"
    "    # (`.options(undefer(Author.biography))`) or "
    '`await session.refresh(author, ["biography"])`.\n'
    "    biography: Mapped[str | None] = deferred(mapped_column(Text), raiseload=True)\n",
)
LOADING_TEST = Fix(
    "the example test loads Author.biography with session.refresh (awaitable_attrs would raise)",
    "async def test_awaitable_attrs_loads_a_deferred_column(session: AsyncSession) -> None:\n",
    "async def test_refresh_loads_a_deferred_column(session: AsyncSession) -> None:\n",
)
LOADING_READ = Fix(
    "",
    '    assert await author.awaitable_attrs.biography == "Philologist."\n',
    '    await session.refresh(author, ["biography"])\n'
    '    assert author.biography == "Philologist."\n',
)


def say(message: str) -> None:
    print(f"migration 0.2.0: {message}", file=sys.stderr)


def model_modules(package: Path) -> list[Path]:
    """`models.py` (0.1.0's layout) and the modules of a `models/` package (0.2.0's)."""
    return sorted(
        path
        for path in [package / "models.py", *(package / "models").glob("**/*.py")]
        if path.is_file()
    )


def apply(path: Path, *fixes: Fix) -> bool:
    """Apply every fix, each of whose old lines occurs exactly once; else change nothing."""
    text = path.read_text()
    if not all(text.count(fix.old) == 1 for fix in fixes):
        return False
    for fix in fixes:
        text = text.replace(fix.old, fix.new)
    path.write_text(text)
    return True


def fix_biography(package: Path, left: list[str]) -> None:
    for module in model_modules(package):
        if apply(module, BIOGRAPHY):
            say(f"{module}: {BIOGRAPHY.what}.")
            break
    else:
        left.append(
            "If tests/test_models_are_async_safe.py names a deferred column or a relationship, "
            "declare it as its message says (the 0.1.0 example's Author.biography was not "
            "found as the template wrote it, so it was left alone)."
        )
        return
    loading = Path("tests") / "test_loading.py"
    if not loading.is_file():
        return  # the owner deleted the example test: nothing reads the column there
    if apply(loading, LOADING_TEST, LOADING_READ):
        say(f"{loading}: {LOADING_TEST.what}.")
    else:
        left.append(
            f"{loading} reads Author.biography in a way this migration does not know: load it "
            '`await session.refresh(author, ["biography"])` or `.options(undefer(...))` '
            "instead of `awaitable_attrs` (which raises on a raiseload column)."
        )


def note_models_layout(package: Path, left: list[str]) -> None:
    models = package / "models.py"
    if not models.is_file():
        return
    empty = package / "models"
    if empty.is_dir() and not any(empty.iterdir()):
        empty.rmdir()  # copier leaves the excluded package's folder behind, empty
    say(
        f"{models} stays where it is: migrations/env.py, the guard tests and pre-commit work "
        "with it as with the models/ package new projects get."
    )
    left.append(
        "Optional: to split the models into modules as new projects do, move them into a "
        f"package (imports stay `{package.name}.models`), then commit:\n"
        f"      mkdir -p {package / 'models'} && git mv {models} {package / 'models'}/__init__.py"
    )


def main(package_name: str) -> int:
    package = Path("src") / package_name
    if not package.is_dir():
        say(f"{package} not found: nothing migrated (was the package renamed by hand?).")
        return 0
    left: list[str] = []
    fix_biography(package, left)
    note_models_layout(package, left)
    left.append(
        "Review with `git diff`, then run the update steps in README.md "
        "(uv lock && uv sync, git add --all, uv run pytest, uv run pre-commit run --all-files)."
    )
    say("left to you:\n" + "\n".join(f"  - {item}" for item in left))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
