"""Running commands for the template's tests and bench: the environment a rendered project's
commands get, this repository's tools, and what a pytest run's summary line says."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests import warm_caches

# This repository's venv, and an enclosing pytest's variables (an xdist worker id would leak into
# the rendered project's own xdist set-up). PYTHONDONTWRITEBYTECODE (set on these machines) would
# make every rendered command recompile SQLAlchemy and Alembic from source: users write bytecode.
NOT_FOR_PROJECTS = {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "PYTHONDONTWRITEBYTECODE"}


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a rendered project's commands, plus `extra`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in NOT_FOR_PROJECTS and not key.startswith("PYTEST_")
    }
    env.update(extra)
    return env


def run(
    args: list[str], cwd: Path, *, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure the assertion shows everything it printed."""
    result = subprocess.run(
        args, cwd=cwd, env=env or clean_env(), capture_output=True, text=True, check=False
    )
    # What the projects' environments share: bytecode, mypy's cache (tests/warm_caches.py).
    if args[:2] == ["uv", "sync"] and result.returncode == 0:
        warm_caches.after_sync(cwd)
    elif (cwd / ".venv").is_dir():
        warm_caches.after_run(cwd, args)
    if check:
        assert result.returncode == 0, (
            f"`{' '.join(args)}` exited {result.returncode} in {cwd}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result


def timed_run(
    args: list[str], cwd: Path, *, env: dict[str, str] | None = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """`run`, checked, and the wall-clock seconds the command took (the bench's figures)."""
    start = time.perf_counter()
    result = run(args, cwd, env=env)
    return time.perf_counter() - start, result


def in_project(project: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a tool from the project's own environment (installed by `uv sync --locked`)."""
    return run(["uv", "run", "--frozen", *args], project, **kwargs)  # type: ignore[arg-type]


def tool(name: str) -> str:
    """A command installed in this repository's environment (ruff, check-jsonschema, zizmor)."""
    return str(Path(sys.executable).parent / name)


def summary_line(stdout: str) -> str:
    """The last line pytest prints: `N passed, M skipped in ...`."""
    return stdout.strip().splitlines()[-1]


def assert_all_passed(stdout: str) -> str:
    """Some tests passed, and nothing failed, errored, was skipped or xfailed, or warned."""
    summary = summary_line(stdout)
    assert re.search(r"\d+ passed", summary), summary
    assert not re.search(r"failed|error|skipped|xfail|xpass|warning", summary), summary
    return summary


def owners_copy(project: Path, destination: Path) -> Path:
    """The session's rendered project is shared by other tests: an owner's edits go to a copy.
    Its mypy cache comes along, as an owner's would be there: mypy checks each entry against the
    file's path, size and time, and a moved one against its hash."""
    shutil.copytree(
        project, destination, ignore=shutil.ignore_patterns(".venv", ".pytest_cache", ".ruff_cache")
    )
    run(["uv", "sync", "--locked", "--quiet"], destination)
    if not (destination / ".git").exists():
        run(["git", "init", "--quiet"], destination)
    return destination


def shell_blocks(readme: str) -> list[tuple[str, list[str]]]:
    """Every `sh` block of a README, in order, with the `## ` heading it stands under; commands
    without their comments: what an owner copies and runs."""
    blocks = []
    heading = ""
    for part in re.split(r"^(#{2,3} .+)$", readme, flags=re.MULTILINE):
        if part.startswith("#"):
            heading = part if part.startswith("## ") else heading
            continue
        for block in re.findall(r"```sh\n(.*?)```", part, re.DOTALL):
            lines = (line.split("  #")[0].strip() for line in block.splitlines())
            blocks.append((heading, [line for line in lines if line and not line.startswith("#")]))
    return blocks


def readme_commands(project: Path, heading: str) -> list[str]:
    """The commands of the first `sh` block under a `## ` heading of the rendered README."""
    blocks = shell_blocks((project / "README.md").read_text())
    found = [commands for under, commands in blocks if under == heading]
    assert found, f"the README's {heading!r} has no command block"
    return found[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def status_of(request: str | urllib.request.Request) -> int:
    """The HTTP status a request gets, error statuses included."""
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


def get(url: str) -> int:
    return status_of(url)


def post_author(base: str, name: str) -> int:
    """The example app's `POST /authors`: its status."""
    body = json.dumps({"name": name}).encode()
    headers = {"Content-Type": "application/json"}
    return status_of(urllib.request.Request(f"{base}/authors", data=body, headers=headers))


@contextmanager
def serving(args: list[str], cwd: Path, env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """A rendered app served by a command of its README, until the block ends: its base URL,
    once `/health/ready` answers. The server and its reloader's children are stopped after, all
    of them: a reloader's worker can outlive its parent for a moment, still listening, and
    would answer the next app's requests on the same port."""
    assert not listening(port), f"something already listens on 127.0.0.1:{port}"
    with log.open("w") as output:
        server = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    get(f"{base}/health/ready")
                    break
                except OSError:  # not listening yet
                    assert server.poll() is None, f"`{' '.join(args)}` exited:\n{log.read_text()}"
                    assert time.monotonic() < deadline, (
                        f"`{' '.join(args)}` did not answer within 60 s:\n{log.read_text()}"
                    )
                    time.sleep(0.2)
            yield base
        finally:
            # Ctrl+C, as the README's "Press CTRL+C to quit" has its reader stop it: SIGINT to the
            # whole foreground group. uv leaves SIGINT to its child, so a reloader gets one
            # signal; a SIGTERM to the group reached it twice (uv forwards SIGTERM), and in one
            # run of the suite under load `fastapi dev`'s reloader never exited after its worker.
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=30)
                stopped = group_ended(server.pid, timeout=30)
            except subprocess.TimeoutExpired:
                stopped = False
            if not stopped:
                left = describe(live_members(server.pid))
                os.killpg(server.pid, signal.SIGKILL)  # nothing of it may outlive the test
                server.wait(timeout=10)
                group_ended(server.pid, timeout=10)
                raise AssertionError(
                    f"`{' '.join(args)}` did not stop within 30 s of Ctrl+C; still running:\n"
                    f"{left}\n{log.read_text()}"
                )


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def group_ended(group: int, timeout: float) -> bool:
    """Whether every process of a process group has exited within `timeout` seconds (a zombie
    waiting for an init that does not reap it has exited)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not live_members(group):
            return True
        time.sleep(0.1)
    return False


def describe(pids: list[int]) -> str:
    """`pid state: command line` for each process (what is left of a server, for its error)."""
    lines = []
    for pid in pids:
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ")
            lines.append(f"  {pid} {state}: {command.decode(errors='replace').strip()}")
        except (OSError, IndexError):
            lines.append(f"  {pid}: (exited while we looked)")
    return "\n".join(lines) or "  (none: the first process did not exit)"


def live_members(group: int) -> list[int]:
    """The processes of a group that have not exited, from /proc (Linux); elsewhere, whether
    the group answers a signal."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return []
        return [group]
    members = []
    for stat in proc.glob("[0-9]*/stat"):
        try:
            # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its ")".
            state, _ppid, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, IndexError, ValueError):
            continue  # exited while we looked
        if int(pgrp) == group and state not in {"Z", "X"}:
            members.append(int(stat.parent.name))
    return members


def pre_commit_results(stdout: str) -> dict[str, str]:
    """`pre-commit run`'s report, hook name -> `Passed`, `Failed`, or `no files` where a hook
    had nothing to check."""
    return {
        name: "no files" if nothing else status
        for name, nothing, status in re.findall(
            r"^(.+?)\.{3,}(\(no files to check\))?(\w+)$", stdout, re.MULTILINE
        )
    }
