"""No block of six or more lines stands in two files of one rendered project, beyond the pairs
`ALLOWED` names, each with the reason it stays.

Copies hide in `.jinja` partials: two partials that render the same lines into two files are
invisible to any linter of the template's sources. So one answer set per engine, framework and
PgBouncer mode is rendered, and pylint's `symilar` reads the rendered Python: comments,
docstrings and imports left out (a test module's imports are alike by nature), signatures kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pytest

from tests.answer_sets import VARIANTS, Variant
from tests.commands import run, tool
from tests.copier_cli import files_of, render_files
from tests.template_config import engine_choices, framework_choices

# All its tests share the renders: on one xdist worker.
pytestmark = pytest.mark.xdist_group("copies")

SHARED_LINES = 6

# Pairs of rendered files (the package's directory written `{package}`) allowed to share blocks
# of SHARED_LINES lines or more, and why each pair stays.
ALLOWED: dict[tuple[str, str], str] = {
    ("src/{package}/dialect/client.py", "src/{package}/dialect/dbapi.py"): (
        "the same `create_function` signature on both sides of the sync/async boundary: the "
        "client's coroutine and the DBAPI connection's method that awaits it; a shared signature, "
        "not a shared body"
    ),
    ("tests/dialect/_support.py", "tests/dialect/test_compiler.py"): (
        "two tables of the same name, not one table twice: the compiler test's `users` and "
        "`posts` carry the constraints whose DDL it checks (a CHECK, a server default, ON DELETE, "
        "a named UNIQUE); the runtime tests' are plain. Only their first columns are alike"
    ),
}


@dataclass(frozen=True)
class Place:
    path: str
    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.path}:[{self.start}:{self.end}]"


@dataclass(frozen=True)
class SharedBlock:
    """Lines that stand, the same, in several files (symilar's "N similar lines in K files")."""

    lines: int
    places: tuple[Place, ...]

    def pairs(self) -> list[tuple[str, str]]:
        return list(combinations(sorted({place.path for place in self.places}), 2))

    def __str__(self) -> str:
        return f"{self.lines} lines: " + " ~ ".join(str(place) for place in self.places)


BLOCK = re.compile(r"^(\d+) similar lines in \d+ files\n((?:==.+\n)+)", re.MULTILINE)
PLACE = re.compile(r"^==(.+):\[(\d+):(\d+)\]$", re.MULTILINE)


def shared_blocks(folder: Path, files: Iterable[Path]) -> list[SharedBlock]:
    """The blocks of SHARED_LINES lines or more that two or more of `files` share, paths relative
    to `folder`."""
    names = [str(path.relative_to(folder)) for path in files]
    # symilar reports a block longer than its --duplicates: SHARED_LINES - 1 asks for
    # SHARED_LINES or more.
    options = ["--duplicates", str(SHARED_LINES - 1)]
    options += ["--ignore-comments", "--ignore-docstrings", "--ignore-imports"]
    report = run([tool("symilar"), *options, *names], folder).stdout
    return [
        SharedBlock(
            int(lines),
            tuple(Place(path, int(start), int(end)) for path, start, end in PLACE.findall(where)),
        )
        for lines, where in BLOCK.findall(report)
    ]


def unexplained(blocks: list[SharedBlock], package_name: str) -> list[SharedBlock]:
    """The blocks shared by a pair of files that ALLOWED does not name."""
    return [
        block
        for block in blocks
        if any(pair_key(pair, package_name) not in ALLOWED for pair in block.pairs())
    ]


def pair_key(pair: tuple[str, str], package_name: str) -> tuple[str, str]:
    """A pair of rendered paths as ALLOWED names it, whatever the package is called."""
    first, second = (
        re.sub(rf"(?<=^src/){re.escape(package_name)}(?=/)", "{package}", p) for p in pair
    )
    return first, second


def checked_sets() -> list[Variant]:
    """The fewest answer sets, in VARIANTS' order, that between them render every engine and
    every framework copier.yml offers, PgBouncer's mode and read replicas."""
    chosen: list[Variant] = []
    wanted = [("engine", engine) for engine in engine_choices()]
    wanted += [("framework", framework) for framework in framework_choices()]
    wanted += [("pgbouncer", True), ("read_replicas", True)]
    for question, answer in wanted:
        if not any(answers(variant, question) == answer for variant in chosen):
            chosen.append(next(v for v in VARIANTS if answers(v, question) == answer))
    return chosen


def answers(variant: Variant, question: str) -> object:
    if question == "engine":
        return variant.engine
    if question == "framework":
        return variant.framework
    return variant.answers.get(question)


CHECKED = checked_sets()


class Renders:
    """Each checked set rendered once (no post-copy task: only the files are read), and the blocks
    its Python files share."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.found: dict[str, list[SharedBlock]] = {}

    def blocks(self, variant: Variant) -> list[SharedBlock]:
        if variant.name not in self.found:
            project = render_files(self.folder / variant.name, dict(variant.answers))
            python = [path for path in files_of(project) if path.suffix == ".py"]
            self.found[variant.name] = shared_blocks(project, python)
        return self.found[variant.name]


@pytest.fixture(scope="session")
def renders(tmp_path_factory: pytest.TempPathFactory) -> Renders:
    return Renders(tmp_path_factory.mktemp("copies"))


@pytest.mark.parametrize("answer_set", CHECKED, ids=lambda variant: variant.name)
def test_no_block_stands_in_two_files_of_a_render(renders: Renders, answer_set: Variant) -> None:
    found = unexplained(renders.blocks(answer_set), answer_set.package_name)
    listed = "\n".join(f"- {block}" for block in found)
    assert not found, (
        f"blocks of {SHARED_LINES} lines or more written twice in the {answer_set.name} render "
        f"(make one serve both, or name the pair in ALLOWED with the reason it stays):\n{listed}"
    )


def test_every_allowed_pair_still_shares_a_block(renders: Renders) -> None:
    """An allowance outlives its copy unnoticed unless something says it is no longer needed."""
    found = {
        pair_key(pair, variant.package_name)
        for variant in CHECKED
        for block in renders.blocks(variant)
        for pair in block.pairs()
    }
    assert sorted(set(ALLOWED) - found) == []


def test_the_sets_cover_every_engine_and_framework() -> None:
    assert {v.engine for v in CHECKED} == set(engine_choices())
    assert {v.framework for v in CHECKED} == set(framework_choices())
    assert any(v.answers.get("pgbouncer") for v in CHECKED)


# --- the detector itself ----------------------------------------------------------------------


def planted(folder: Path, name: str, shared: list[str], *, before: str = "") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"    {line}\n" for line in shared)
    path.write_text(f'"""A module."""\n\nimport os\n\n\ndef {path.stem}():\n{before}{body}')
    return path


def assignments(count: int) -> list[str]:
    return [f'total_{i} = compute({i}, "value")' for i in range(count)]


def test_a_planted_copy_of_eight_lines_is_found_and_not_allowed(tmp_path: Path) -> None:
    package = tmp_path / "src" / "shop"
    first = planted(package, "orders.py", assignments(8))
    # Another place in the file, another comment and docstring: the same eight lines of code.
    second = planted(
        package, "invoices.py", assignments(8), before='    """Other words."""\n    # why\n'
    )
    blocks = shared_blocks(tmp_path, [first, second])
    assert [(b.lines, b.pairs()) for b in blocks] == [
        (8, [("src/shop/invoices.py", "src/shop/orders.py")])
    ]
    assert unexplained(blocks, "shop") == blocks


def test_five_shared_lines_are_not_a_copy(tmp_path: Path) -> None:
    files = [planted(tmp_path, f"{name}.py", assignments(SHARED_LINES - 1)) for name in "ab"]
    assert shared_blocks(tmp_path, files) == []


def test_an_allowed_pair_is_not_reported_whatever_the_package_is_called(tmp_path: Path) -> None:
    package = tmp_path / "src" / "ledger"
    files = [
        planted(package / "dialect", f"{name}.py", assignments(8)) for name in ("client", "dbapi")
    ]
    blocks = shared_blocks(tmp_path, files)
    assert len(blocks) == 1
    assert unexplained(blocks, "ledger") == []
