"""Brings the template's newest release into this project and describes it as a pull request.

Run by .github/workflows/template-update.yml on a clean checkout, with copier and uv on PATH:

    python .github/template_update.py PROPOSAL_DIR

It runs `copier update`, then `uv lock`, and writes into PROPOSAL_DIR the pull request's `title`
and `body` (Markdown: both versions, and every conflicted file with what to do about it), and
`proposed=true` to the step's outputs ($GITHUB_OUTPUT, when set). When there is no newer release
it writes `proposed=false` and nothing else, says so and exits 0. When copier fails it exits
non-zero: a failed update is never proposed. The updated files are left uncommitted, the
conflicted ones with both versions between markers, for the workflow to commit.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ANSWERS_FILE = Path(".copier-answers.yml")
# --defaults: a question new in the release takes its default (the pull request is the place to
# change it). --conflict inline: both versions in the file, so the pull request shows them.
COPIER_UPDATE = ["update", "--trust", "--skip-answered", "--defaults", "--conflict", "inline"]
CONFLICT_MARKER = re.compile(r"^(<<<<<<<|>>>>>>>) ", re.MULTILINE)


def fail(message: str) -> int:
    print(f"template update: {message}", file=sys.stderr)
    return 1


def set_output(proposed: bool) -> None:
    """Tells the workflow whether there is a pull request to open (GitHub's step outputs)."""
    outputs = os.environ.get("GITHUB_OUTPUT")
    if outputs:
        with Path(outputs).open("a") as file:
            file.write(f"proposed={'true' if proposed else 'false'}\n")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def recorded(key: str) -> str | None:
    """A value copier recorded in the answers file: `_commit` is the release the project was
    last rendered from or updated to, `_src_path` where the template lives."""
    if not ANSWERS_FILE.is_file():
        return None
    line = re.search(rf"^{key}: *(.+)$", ANSWERS_FILE.read_text(), re.MULTILINE)
    return line.group(1).strip("'\" ") if line else None


def changed_files() -> list[str]:
    """Every path the update touched: modified, added (untracked too), deleted or unmerged."""
    listed = git("status", "--porcelain", "-z", "--untracked-files=all")
    return sorted({entry[3:] for entry in listed.split("\0") if entry})


def conflicted_files(changed: list[str]) -> list[str]:
    """Files copier left unmerged in the index, and changed files holding conflict markers."""
    unmerged = set(git("diff", "--name-only", "--diff-filter=U").splitlines())
    for name in changed:
        path = Path(name)
        try:
            if path.is_file() and CONFLICT_MARKER.search(path.read_text()):
                unmerged.add(name)
        except UnicodeDecodeError:
            continue  # a binary file holds no inline markers
    return sorted(unmerged)


def relock() -> str:
    """`uv lock`, as the README's update steps run it; what happened, for the body."""
    locked = subprocess.run(["uv", "lock"], capture_output=True, text=True, check=False)
    if locked.returncode != 0:
        print(locked.stderr, file=sys.stderr)
        return (
            "`uv lock` failed, so `uv.lock` is not refreshed: once `pyproject.toml` is resolved, "
            "run `uv lock` and commit `uv.lock`. It said:\n\n```text\n"
            f"{locked.stderr.strip()}\n```"
        )
    if "uv.lock" in changed_files():
        return "`uv lock` refreshed `uv.lock` for the release's dependencies."
    return "`uv lock` left `uv.lock` as it was."


def migration_notes(printed: str) -> str:
    """What the release's migrations printed (what they did and what is left to you), verbatim:
    their lines start with `migration X.Y.Z:`, and what they list is indented below."""
    notes = re.findall(r"^migration \d+\.\d+\.\d+:.*(?:\n[ \t]+.*)*", printed, re.MULTILINE)
    if not notes:
        return ""
    return (
        "\n## What the release's migrations did, and what is left to you\n\n```text\n"
        + "\n".join(notes)
        + "\n```\n"
    )


def describe(old: str, new: str, source: str, conflicts: list[str], lock: str) -> tuple[str, str]:
    """The pull request's title and body."""
    title = f"Update from the template: {old} → {new}"
    lines = [
        f"Brings release **{new}** of the template (`{source}`) into this project, which was on "
        f"**{old}**: `copier {' '.join(COPIER_UPDATE)}`, then `uv lock`.",
        "",
        lock,
        "",
    ]
    if conflicts:
        lines += [
            f"## {len(conflicts)} conflicted file{'s' if len(conflicts) > 1 else ''}",
            "",
            "The template and this project changed the same lines. Each block holds both "
            "versions, this project's between `<<<<<<< before updating` and `=======`, the "
            "template's between `=======` and `>>>>>>> after updating`. Do not merge until "
            "every marker is gone (pre-commit refuses them):",
            "",
            *(
                f"- [ ] `{name}`: resolve the markers (keep what is right, delete the three "
                "marker lines), then commit."
                for name in conflicts
            ),
            "",
            "Check out this pull request's branch, resolve, run `uv lock` if `pyproject.toml` "
            "was among them, then commit and push to the branch. Once the branch has a commit "
            "of yours, the weekly run leaves it alone.",
        ]
    else:
        lines += [
            "No conflicts: the release merged cleanly with this project's changes. Review the "
            "diff, let CI run, and merge.",
        ]
    return title, "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("proposal", type=Path, help="folder for the title and body")
    proposal: Path = parser.parse_args().proposal
    for stale in ("title", "body"):  # an earlier run's proposal must not outlive it
        (proposal / stale).unlink(missing_ok=True)

    old = recorded("_commit")
    if old is None:
        return fail(f"no `_commit` in {ANSWERS_FILE}: this is not a project rendered by copier.")
    copier = shutil.which("copier")
    if copier is None:
        return fail("copier is not on PATH: install it (`uv tool install copier`).")

    updated = subprocess.run([copier, *COPIER_UPDATE], stderr=subprocess.PIPE, text=True)
    print(updated.stderr, end="", file=sys.stderr)  # copier's own report, for the job's log
    if updated.returncode != 0:
        return fail(f"`copier update` failed (exit {updated.returncode}; its output is above).")
    changed = changed_files()
    if not changed:
        print(f"template update: {old} is the template's newest release; nothing to propose.")
        set_output(False)
        return 0

    new = recorded("_commit")
    if new is None:
        return fail(f"`copier update` left no `_commit` in {ANSWERS_FILE}.")
    lock = relock()
    conflicts = conflicted_files(changed)
    # A template URL may carry credentials (https://user:token@host/...): never print them.
    source = re.sub(r"//[^/@]+@", "//", recorded("_src_path") or "?")
    title, body = describe(old, new, source, conflicts, lock)
    body += migration_notes(updated.stderr)
    proposal.mkdir(parents=True, exist_ok=True)
    (proposal / "title").write_text(title + "\n")
    (proposal / "body").write_text(body)
    print(f"template update: {title}; {len(conflicts)} conflicted file(s).")
    set_output(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
