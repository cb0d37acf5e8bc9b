"""What the projects' environments share (tests/warm_caches.py) is only ever what Python itself
would have compiled for that very file."""

from __future__ import annotations

import os
import py_compile
import sys
from pathlib import Path

import pytest

from tests import warm_caches

TAG = f"cpython-{sys.version_info.major}{sys.version_info.minor}"
SITE = f"lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(warm_caches, "STORE", tmp_path / "store")
    monkeypatch.setattr(warm_caches, "_kept", set())
    return tmp_path / "store"


def environment(root: Path, **modules: str | Path) -> Path:
    """A venv's site-packages with these modules: text written anew, or a path linked (as uv
    links one cached file into every environment)."""
    site = root / ".venv" / SITE / "lib_under_test"
    site.mkdir(parents=True)
    for name, source in modules.items():
        if isinstance(source, Path):
            os.link(source, site / f"{name}.py")
        else:
            (site / f"{name}.py").write_text(source)
    return root / ".venv"


def compiled(venv: Path, name: str) -> Path:
    return venv / SITE / "lib_under_test" / "__pycache__" / f"{name}.{TAG}.pyc"


def test_a_pyc_goes_only_to_an_environment_holding_the_same_file(
    tmp_path: Path, store: Path
) -> None:
    first = environment(tmp_path / "first", same="x = 1\n", other="y = 1\n")
    source = first / SITE / "lib_under_test"
    py_compile.compile(str(source / "same.py"), str(compiled(first, "same")))
    py_compile.compile(str(source / "other.py"), str(compiled(first, "other")))
    assert warm_caches.keep(first) == 2

    # `same` is the same file (a hard link); `other` has the same name and text, another file.
    second = environment(tmp_path / "second", same=source / "same.py", other="y = 1\n")
    assert warm_caches.share(second) == 1
    assert compiled(second, "same").samefile(compiled(first, "same"))
    assert not compiled(second, "other").exists()


def test_a_pyc_left_from_a_replaced_source_is_not_kept(tmp_path: Path, store: Path) -> None:
    venv = environment(tmp_path / "project", module="x = 1\n")
    source = venv / SITE / "lib_under_test" / "module.py"
    py_compile.compile(str(source), str(compiled(venv, "module")))
    source.write_text("x = 22\n")  # another size: the pyc's header names the old file
    assert warm_caches.keep(venv) == 0
    assert not store.exists() or list(store.iterdir()) == []
