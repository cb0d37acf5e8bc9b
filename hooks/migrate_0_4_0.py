"""Runs after `copier update` brings a project from before 0.4.0 to 0.4.0 or later.

0.4.0 gives every name of the data layer and of the test helpers one import path, its module:
- `<package>/db/__init__.py` re-exports nothing any more: `from <package>.db import unit_of_work`
  becomes `from <package>.db.session import unit_of_work` (`Base`: `db.base`; `make_engine`:
  `db.engine`; `make_session_factory`, `unit_of_work`, `session_dependency`: `db.session`);
- `tests/conftest.py` holds fixtures only: the leak check's names come from `tests.leaks`, the
  Alembic and database-copy helpers from `tests.support`.

The owner's modules are the owner's (an update never merges into them), so this migration
rewrites those imports itself: only module-level `from ... import` statements of the old paths,
and only names the new module defines. The new statements are placed where ruff's import
sorting puts them (merged into an import of the same module the file already has). Anything
else (an import inside a function, `import <package>.db as db`, a name the new layout no longer
has, such as `session_dependency` in a project with a framework) is left, and said.

Usage: migrate_0_4_0.py PACKAGE_NAME (run by copier in the project's directory).
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

LINE_LENGTH = 100  # the rendered pyproject.toml's ruff line-length
SKIPPED_DIRECTORIES = {"node_modules", "build", "dist", "__pycache__"}


def say(message: str) -> None:
    print(f"migration 0.4.0: {message}", file=sys.stderr)


def moves(package: str) -> dict[str, dict[str, str]]:
    """Old module -> {name: new module}."""
    session = f"{package}.db.session"
    support, leaks = "tests.support", "tests.leaks"
    return {
        f"{package}.db": {
            "Base": f"{package}.db.base",
            "make_engine": f"{package}.db.engine",
            "make_session_factory": session,
            "unit_of_work": session,
            "session_dependency": session,
        },
        "tests.conftest": {
            "PROJECT_ROOT": support,
            "make_alembic_config": support,
            "upgrade_to_head": support,
            "DatabaseCopies": support,
            "OwnDatabase": support,
            "PoolLedger": leaks,
            "SessionLedger": leaks,
            "opened_at": leaks,
        },
    }


def module_path(module: str, package: str) -> Path:
    parts = module.split(".")
    base = Path("src") if parts[0] == package else Path()
    return base.joinpath(*parts).with_suffix(".py")


def defines(module: str, name: str, package: str) -> bool:
    """Whether the module, as the update left it, defines the name at its top level."""
    path = module_path(module, package)
    if not path.is_file():
        return False
    pattern = rf"^(?:(?:async\s+)?def\s+{name}\b|class\s+{name}\b|{name}\s*[:=])"
    return re.search(pattern, path.read_text(), re.MULTILINE) is not None


def name_key(alias: ast.alias) -> tuple[int, str]:
    """ruff's `order-by-type`: constants, then classes, then the rest; case-insensitively."""
    name = alias.name
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower()


def statement(module: str, aliases: list[ast.alias], indent: str = "") -> str:
    """`from module import ...`, wrapped as ruff format wraps it when it is too long."""
    unique = {(a.name, a.asname): a for a in aliases}.values()
    names = [
        f"{a.name} as {a.asname}" if a.asname else a.name for a in sorted(unique, key=name_key)
    ]
    one_line = f"{indent}from {module} import {', '.join(names)}\n"
    if len(one_line) - 1 <= LINE_LENGTH:
        return one_line
    inner = "".join(f"{indent}    {name},\n" for name in names)
    return f"{indent}from {module} import (\n{inner}{indent})\n"


@dataclass
class Rewrite:
    """The edits to one file: statements removed, replaced, or added before a line."""

    removed: set[int] = field(default_factory=set)  # indexes into the module body
    replaced: dict[int, str] = field(default_factory=dict)
    before: dict[int, list[str]] = field(default_factory=dict)  # added before a body index
    after: dict[int, list[str]] = field(default_factory=dict)  # added after one
    left: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)


def import_runs(body: list[ast.stmt]) -> list[list[int]]:
    """Runs of consecutive module-level import statements, as body indexes."""
    runs: list[list[int]] = []
    for index, node in enumerate(body):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if runs and runs[-1][-1] == index - 1:
                runs[-1].append(index)
            else:
                runs.append([index])
    return runs


def plan(tree: ast.Module, package: str, table: dict[str, dict[str, str]]) -> Rewrite:
    body = tree.body
    rewrite = Rewrite()
    for node in ast.walk(tree):
        nested = isinstance(node, ast.ImportFrom) and node not in body
        if nested and node.level == 0 and node.module in table:
            rewrite.left.append(f"line {node.lineno}: an import inside a block: move it yourself")

    froms = {i: n for i, n in enumerate(body) if isinstance(n, ast.ImportFrom) and n.level == 0}
    for run in import_runs(body):
        gained: dict[str, list[ast.alias]] = {}
        anchor: dict[str, int] = {}
        for index in run:
            node = froms.get(index)
            if node is None or node.module not in table:
                continue
            kept = []
            for alias in node.names:
                new = table[node.module].get(alias.name)
                if new is not None and defines(new, alias.name, package):
                    gained.setdefault(new, []).append(alias)
                    anchor.setdefault(new, index)
                    rewrite.moved.append(f"{alias.name}: {node.module} -> {new}")
                else:
                    kept.append(alias)
                    rewrite.left.append(
                        f"line {node.lineno}: `{alias.name}` from {node.module}: the new layout "
                        "has no such name there; see CHANGELOG.md 0.4.0"
                    )
            if kept:
                rewrite.replaced[index] = statement(str(node.module), kept)
            else:
                rewrite.removed.add(index)

        for new, aliases in gained.items():
            same = [i for i in run if i in froms and froms[i].module == new]
            if same:  # merge into the import of that module the file has
                rewrite.replaced[same[0]] = statement(new, [*froms[same[0]].names, *aliases])
                rewrite.removed.update(same[1:])
                continue
            root = new.split(".")[0]
            # The imports of the same section (the package, or `tests`) still in the file, and
            # the statement the names came from: the new one goes where the module sorts.
            section = [
                i
                for i in run
                if i == anchor[new]
                or (
                    i in froms
                    and i not in rewrite.removed
                    and str(froms[i].module).split(".")[0] == root
                )
            ]
            later = [i for i in section if str(froms[i].module).lower() > new.lower()]
            if later:
                rewrite.before.setdefault(later[0], []).append(statement(new, aliases))
            else:
                rewrite.after.setdefault(section[-1], []).append(statement(new, aliases))
    return rewrite


def apply(text: str, tree: ast.Module, rewrite: Rewrite) -> str:
    lines = text.splitlines(keepends=True)
    body = tree.body
    out: list[str] = []
    cursor = 0  # next line index (0-based) to copy
    for index, node in enumerate(body):
        start, end = node.lineno - 1, (node.end_lineno or node.lineno)
        out.extend(lines[cursor:start])
        out.extend(sorted(rewrite.before.get(index, [])))
        if index in rewrite.replaced:
            out.append(rewrite.replaced[index])
        elif index not in rewrite.removed:
            out.extend(lines[start:end])
        out.extend(sorted(rewrite.after.get(index, [])))
        cursor = end
    out.extend(lines[cursor:])
    return "".join(out)


def python_files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*.py")
        if not any(
            part.startswith(".") or part in SKIPPED_DIRECTORIES
            for part in path.relative_to(root).parts[:-1]
        )
    )


def main(package: str) -> None:
    table = moves(package)
    old = re.compile(rf"^\s*from\s+({re.escape(package)}\.db|tests\.conftest)\s+import\b", re.M)
    for path in python_files(Path()):
        text = path.read_text()
        if not old.search(text):
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError as error:
            say(f"{path}: not Python this migration can read ({error.msg}); left to you")
            continue
        rewrite = plan(tree, package, table)
        if rewrite.moved:
            path.write_text(apply(text, tree, rewrite))
            say(f"{path}: imports moved to their modules ({'; '.join(rewrite.moved)})")
        for what in rewrite.left:
            say(f"{path}: {what}; left to you")


if __name__ == "__main__":
    main(sys.argv[1])
