"""Imports go one way: in every render, settings -> db -> models -> services -> app, a module
importing only from its own layer or those below, and no import cycle; in this repository's
Python (tests, hooks, scripts, bench), no import cycle either."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.answer_sets import Variant
from tests.copier_cli import work_tree_files
from tests.template_config import TEMPLATE_ROOT

# A rendered package's layers, lowest first. The dialect (engine `dialect`) is what db/ builds on.
# telemetry.py knows engines, not the project's modules; request_telemetry.py serves the app.
LAYERS = [
    "settings",
    "dialect",
    "db",
    "telemetry",
    "models",
    "services",
    "request_telemetry",
    "read_routing",
    "app",
]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules_under(root: Path, folders: Iterable[str]) -> dict[str, Path]:
    return {
        module_name(path, root): path
        for folder in folders
        for path in (root / folder).rglob("*.py")
        if ".venv" not in path.parts
    }


def repository_modules(folders: Iterable[str]) -> dict[str, Path]:
    """This repository's modules in these folders, as git sees its work tree: what the bench
    renders into `bench/out` (ignored) is not this repository's code."""
    return {
        module_name(path, TEMPLATE_ROOT): path
        for path in work_tree_files()
        if path.suffix == ".py" and path.relative_to(TEMPLATE_ROOT).parts[0] in folders
    }


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The known modules a module imports (`from a import b` counts `a.b` where it is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from a import b`: the module a.b where there is one, else a itself.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        found.update(target for target in targets if target in known and target != name)
    return found


def import_graph(known: dict[str, Path]) -> dict[str, set[str]]:
    """Which of the known modules each known module imports."""
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle found by a depth-first walk, as the modules along it."""
    found, state = [], dict.fromkeys(graph, "new")

    def walk(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state[target] == "open":
                found.append([*trail[trail.index(target) :], target])
            elif state[target] == "new":
                walk(target, [*trail, target])
        state[node] = "done"

    for node in sorted(graph):
        if state[node] == "new":
            walk(node, [node])
    return found


def layer_of(module: str, package: str) -> int | None:
    parts = module.split(".")
    if parts[0] != package:
        return None
    if len(parts) == 1:
        # The package's __init__ names the metadata for pytest-alembic (from db/base.py).
        return LAYERS.index("db")
    return LAYERS.index(parts[1])


@pytest.mark.rendered_text
def test_a_render_imports_one_way(project: Path, variant: Variant) -> None:
    package = variant.package_name
    graph = import_graph(modules_under(project / "src", [package]))
    unknown = {m for m in graph if m != package and m.split(".")[1] not in LAYERS}
    assert unknown == set(), f"modules in no layer: add them to LAYERS in order: {unknown}"
    assert upward_imports(graph, package) == []
    assert cycles(graph) == []


def upward_imports(graph: dict[str, set[str]], package: str) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if (mine := layer_of(module, package)) is not None
        and (theirs := layer_of(target, package)) is not None
        and theirs > mine
    )


def test_this_repository_has_no_import_cycle() -> None:
    graph = import_graph(repository_modules(["tests", "hooks", "scripts", "bench"]))
    assert cycles(graph) == []


def test_the_checks_see_an_upward_import_and_a_cycle(tmp_path: Path) -> None:
    package = tmp_path / "src" / "shop"
    (package / "db").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "db" / "__init__.py").write_text("")
    (package / "settings.py").write_text("from shop.services import price\n")
    (package / "services.py").write_text("from .settings import x\n")
    (package / "db" / "engine.py").write_text("from shop import settings\nimport shop.services\n")
    graph = import_graph(modules_under(tmp_path / "src", ["shop"]))
    assert graph["shop.settings"] == {"shop.services"}
    assert graph["shop.services"] == {"shop.settings"}
    assert graph["shop.db.engine"] == {"shop.settings", "shop.services"}
    assert cycles(graph) == [["shop.services", "shop.settings", "shop.services"]]
    assert upward_imports(graph, "shop") == [
        "shop.db.engine imports shop.services",
        "shop.settings imports shop.services",
    ]
