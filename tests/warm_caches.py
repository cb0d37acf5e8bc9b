"""What the rendered projects' environments share, so that each does not redo work another did:
compiled bytecode and mypy's cache. Both are kept in the system's temporary folder and outlive
the session (a warm machine starts with them); neither changes what a check decides.

Bytecode. The suite makes dozens of environments (each answer set, each owner's copy, each
update), and Python compiles every module the first time each environment imports it: SQLAlchemy,
Alembic, pytest and a framework, about 3 s of CPU per process. uv installs a package's files as
hard links to one file in its cache, so two environments of the same package hold the same file
(one inode); only their `__pycache__` folders differ. The store keeps each compiled file once,
named by its source file's identity (device, inode, modification time, size), and links it into
every new environment whose source file is that same file; a `.pyc` whose header does not name
its source's time and size is not kept. Python checks each `.pyc` against its source as always.

mypy's cache. A project's first mypy run checks SQLAlchemy, pydantic and its framework, about 10
s of CPU. A new project starts from the cache of the last run of the same mypy version (mypy
checks each entry against its file's path, size and time, and a moved file against its hash, so
another project's entries are used only where the file is the same), and a run that leaves a
larger cache publishes it for the next.

`run` (tests/commands.py) calls `after_sync` after each `uv sync` and `after_run` after each
command that runs pytest, mypy or pre-commit in a project. Only the template's tests turn this
on (tests/conftest.py): the bench times a new project's first run as its owner pays it.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
import time
import uuid
from pathlib import Path

STORE = Path(tempfile.gettempdir()) / f"copier-async-sqlalchemy-bytecode-{os.getuid()}"
MYPY_STORE = Path(tempfile.gettempdir()) / f"copier-async-sqlalchemy-mypy-{os.getuid()}"
_kept: set[Path] = set()
enabled = False


def after_sync(project: Path) -> None:
    """A project's environment was just installed: link the bytecode the store has for it, and
    give it mypy's latest cache if it has none."""
    if not enabled:
        return
    share(project / ".venv")
    seed_mypy_cache(project)


def after_run(project: Path, args: list[str]) -> None:
    """A command ran in the project: keep what it compiled or cached."""
    if not enabled:
        return
    command = " ".join(args)
    if "pytest" in command:
        keep(project / ".venv")
    if "mypy" in command or "pre-commit" in command:
        keep_mypy_cache(project)


def _site_packages(venv: Path) -> list[Path]:
    return sorted(venv.glob("lib/python3.*/site-packages"))


def _cache_tag(site_packages: Path) -> str:
    """`cpython-312` for `lib/python3.12/site-packages`: the name Python gives its `.pyc`."""
    return "cpython-" + site_packages.parent.name.removeprefix("python").replace(".", "")


def _key(source: os.stat_result, tag: str) -> str:
    return f"{source.st_dev}-{source.st_ino}-{source.st_mtime_ns}-{source.st_size}.{tag}.pyc"


def _compiled_from(compiled: str, source: os.stat_result) -> bool:
    """The `.pyc` header names this source's time and size (PEP 552's timestamp form): a `.pyc`
    left from a file uv replaced is not kept."""
    with open(compiled, "rb") as pyc:
        header = pyc.read(16)
    flags, mtime, size = struct.unpack("<4xIII", header) if len(header) == 16 else (1, 0, 0)
    return flags == 0 and mtime == int(source.st_mtime) & 0xFFFFFFFF and size == source.st_size


def share(venv: Path) -> int:
    """Link into `venv` every `.pyc` the store holds for its files; how many were linked."""
    linked = 0
    for site_packages in _site_packages(venv):
        tag = _cache_tag(site_packages)
        for folder, _, names in os.walk(site_packages):
            for name in names:
                if not name.endswith(".py"):
                    continue
                source = os.path.join(folder, name)
                stored = STORE / _key(os.stat(source), tag)
                target = os.path.join(folder, "__pycache__", f"{name[:-3]}.{tag}.pyc")
                if stored.exists() and not os.path.exists(target):
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    try:
                        os.link(stored, target)
                        linked += 1
                    except FileExistsError:  # a process of the project wrote it meanwhile
                        pass
    return linked


def keep(venv: Path) -> int:
    """Add to the store every `.pyc` of `venv` it lacks (once per environment and process)."""
    if venv in _kept or not venv.is_dir():
        return 0
    _kept.add(venv)
    STORE.mkdir(exist_ok=True)
    kept = 0
    for site_packages in _site_packages(venv):
        tag = _cache_tag(site_packages)
        suffix = f".{tag}.pyc"
        for folder, _, names in os.walk(site_packages):
            if os.path.basename(folder) != "__pycache__":
                continue
            for name in names:
                if not name.endswith(suffix):
                    continue  # optimised (.opt-1) or another interpreter's
                source = os.path.join(os.path.dirname(folder), name[: -len(suffix)] + ".py")
                compiled = os.path.join(folder, name)
                try:
                    of = os.stat(source)
                    stored = STORE / _key(of, tag)
                    if not stored.exists() and _compiled_from(compiled, of):
                        os.link(compiled, stored)
                        kept += 1
                except (FileNotFoundError, FileExistsError):  # no source; another worker kept it
                    pass
    return kept


def _mypy_latest(project: Path) -> Path | None:
    """The store's link to the latest cache for the project's mypy (None: mypy not installed)."""
    site = _site_packages(project / ".venv")
    installed = sorted(found for folder in site for found in folder.glob("mypy-*.dist-info"))
    return MYPY_STORE / installed[0].name / "latest" if installed else None


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def seed_mypy_cache(project: Path) -> None:
    latest = _mypy_latest(project)
    cache = project / ".mypy_cache"
    if latest is None or cache.exists() or not latest.exists():
        return
    try:
        shutil.copytree(latest.resolve(), cache)
    except (FileNotFoundError, shutil.Error):  # replaced meanwhile: mypy starts cold
        shutil.rmtree(cache, ignore_errors=True)


def keep_mypy_cache(project: Path) -> None:
    """Publish the project's cache if it is larger than the latest: a copy, then one atomic
    rename of the `latest` link; copies older than a minute that it no longer names go."""
    latest = _mypy_latest(project)
    cache = project / ".mypy_cache"
    if latest is None or not cache.is_dir():
        return
    try:
        if latest.exists() and _size(latest.resolve()) >= _size(cache):
            return
        copy = latest.parent / uuid.uuid4().hex
        shutil.copytree(cache, copy)
        link = latest.parent / f"link-{copy.name}"
        link.symlink_to(copy.name)
        os.replace(link, latest)
        for old in latest.parent.iterdir():
            unnamed = old.name not in {"latest", copy.name} and not old.name.startswith("link-")
            if unnamed and time.time() - old.stat().st_mtime > 60:
                shutil.rmtree(old, ignore_errors=True)
    except (FileNotFoundError, shutil.Error):  # another worker replaced or removed it meanwhile
        pass
