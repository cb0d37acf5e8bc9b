"""Releases of this template: the version in pyproject.toml, its notes in CHANGELOG.md, and the
annotated git tags `vX.Y.Z` that copier, `copier check-update` and Renovate read as releases.

    python scripts/release.py check         # is pyproject.toml's version ready to release?
    python scripts/release.py tag           # tag every release not tagged yet
    python scripts/release.py notes 0.3.0   # the changelog section of one release

`tag` prints `vX.Y.Z <commit>` for each tag it made, one a line, for the release workflow to push
and publish. Standard library only: the workflow runs it on a bare Python.
"""

from __future__ import annotations

import argparse
import datetime
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
CHANGELOG = ROOT / "CHANGELOG.md"

# A release is a final PEP 440 version of three numbers; copier and Renovate order tags by it.
VERSION = re.compile(r"(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)")
# Keep a Changelog 1.1.0: `## [0.3.0] - 2026-12-04`, `## [Unreleased]`; a `[YANKED]` may follow.
SECTION = re.compile(r"^## \[(?P<name>[^\]]+)\](?:\s+-\s+(?P<date>\S+))?(?P<rest>.*)$")
# Releases made before the template had tags name their commit; the words may wrap.
BACKFILL = re.compile(
    r"Released\s+before\s+the\s+template\s+had\s+tags:\s+`v(?P<version>[^`]+)`"
    r"\s+marks\s+commit\s+(?P<commit>[0-9a-fA-F]{40})\b"
)
LINK_DEFINITION = re.compile(r"^\[[^\]]+\]:\s+\S+")


class ReleaseError(Exception):
    """What is wrong, said so that a maintainer knows what to change."""


@dataclass(frozen=True)
class Section:
    name: str  # `0.3.0` or `Unreleased`
    date: str | None
    heading: str
    body: str  # without the heading, blank lines at either end stripped

    @property
    def has_content(self) -> bool:
        """Anything beyond blank lines and `### Added`-style headings."""
        return any(
            line.strip() and not line.lstrip().startswith("#") for line in self.body.splitlines()
        )

    @property
    def text(self) -> str:
        """The section as CHANGELOG.md has it: the tag's message."""
        return f"{self.heading}\n\n{self.body}\n" if self.body else f"{self.heading}\n"

    def backfilled_commit(self) -> str | None:
        """The commit a release made before tags existed was, as its section records it."""
        found = BACKFILL.search(self.body)
        if found is None:
            return None
        if found["version"] != self.name:
            raise ReleaseError(
                f"CHANGELOG.md: the section of {self.name} says `v{found['version']}` marks "
                f"commit {found['commit']}: name `v{self.name}` there, or move the line to the "
                f"section of {found['version']}."
            )
        return found["commit"].lower()


def parse_changelog(text: str) -> dict[str, Section]:
    """The `## [...]` sections by name; fenced code blocks are not read as headings."""
    sections: dict[str, Section] = {}
    heading: re.Match[str] | None = None
    lines: list[str] = []
    fenced = False

    def close() -> None:
        if heading is None:
            return
        body = list(lines)
        while body and (not body[-1].strip() or LINK_DEFINITION.match(body[-1])):
            body.pop()  # the link definitions Keep a Changelog puts at the end of the file
        name = heading["name"].strip()
        if name in sections:
            raise ReleaseError(f"CHANGELOG.md has two `## [{name}]` sections: keep one.")
        sections[name] = Section(
            name=name,
            date=heading["date"],
            heading=heading.group(0).rstrip(),
            body="\n".join(body).strip("\n"),
        )

    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        found = None if fenced else SECTION.match(line)
        if found is not None:
            close()
            heading, lines = found, []
        elif line.startswith("## ") and not fenced:
            close()  # a second-level heading that is not a release ends the section
            heading, lines = None, []
        else:
            lines.append(line)
    close()
    return sections


def read_changelog() -> dict[str, Section]:
    if not CHANGELOG.is_file():
        raise ReleaseError(f"{CHANGELOG.name} is missing: create it (keepachangelog.com 1.1.0).")
    return parse_changelog(CHANGELOG.read_text(encoding="utf-8"))


def project_version(pyproject: str) -> str:
    """`[project] version` of a pyproject.toml's text."""
    try:
        version = tomllib.loads(pyproject)["project"]["version"]
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise ReleaseError(f"pyproject.toml has no readable `[project] version`: {error}") from None
    return str(version)


def check() -> tuple[str, dict[str, Section]]:
    """The version to release and the changelog, or why they are not ready."""
    version = project_version(PYPROJECT.read_text(encoding="utf-8"))
    if not VERSION.fullmatch(version):
        raise ReleaseError(
            f'pyproject.toml says version = "{version}": a release is X.Y.Z '
            '(three numbers, PEP 440, no leading zeros), e.g. version = "0.3.0".'
        )
    sections = read_changelog()
    wanted = f"`## [{version}] - YYYY-MM-DD`"
    section = sections.get(version)
    if section is None:
        raise ReleaseError(
            f"pyproject.toml says {version} but CHANGELOG.md has no {wanted} section: "
            "add one describing the release."
        )
    try:
        datetime.date.fromisoformat(section.date or "")
    except ValueError:
        raise ReleaseError(
            f"CHANGELOG.md: `{section.heading}` has no release date: write it as {wanted}."
        ) from None
    if not section.has_content:
        raise ReleaseError(
            f"CHANGELOG.md: the section of {version} is empty: describe what the release "
            "changes (### Added, ### Changed, ### Action needed, ...)."
        )
    return version, sections


def git(*args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        ["git", "-C", str(ROOT), *args], input=stdin, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ReleaseError(f"`git {' '.join(args)}` failed: {result.stderr.strip()}")
    return result.stdout.strip()


def succeeds(*args: str) -> bool:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True).returncode == 0


def commit_that_set(version: str) -> str | None:
    """The first commit on HEAD's first-parent line whose pyproject.toml says `version`."""
    commits = git("log", "--first-parent", "--reverse", "--format=%H", "HEAD", "--", PYPROJECT.name)
    for commit in commits.split():
        try:
            if project_version(git("show", f"{commit}:{PYPROJECT.name}")) == version:
                return commit
        except ReleaseError:
            continue  # that commit's pyproject.toml had no version yet
    return None


def release_commit(section: Section, current: str) -> str:
    """Where a release not tagged yet is tagged."""
    if section.name == current:
        return git("rev-parse", "HEAD^{commit}")
    commit = section.backfilled_commit()
    if commit is None:
        # An earlier release whose tag was never made (a failed run): the commit that set it.
        found = commit_that_set(section.name)
        if found is None:
            raise ReleaseError(
                f"v{section.name} is not tagged and no commit on this branch set "
                f"version {section.name}: add to its CHANGELOG.md section the line "
                f"Released before the template had tags: `v{section.name}` marks commit <sha>."
            )
        return found
    if not succeeds("cat-file", "-e", f"{commit}^{{commit}}"):
        raise ReleaseError(
            f"commit {commit} (v{section.name}, CHANGELOG.md) is not in this repository: "
            "a shallow clone? Fetch the whole history (`git fetch --unshallow`; in GitHub "
            "Actions, actions/checkout with fetch-depth: 0)."
        )
    if not succeeds("merge-base", "--is-ancestor", commit, "HEAD"):
        raise ReleaseError(
            f"commit {commit} (v{section.name}, CHANGELOG.md) is not in the history of HEAD: "
            "projects rendered from it could not update. Record a commit of this branch."
        )
    return commit


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def tag() -> list[tuple[str, str]]:
    """Make every missing release tag; the (tag, commit) pairs made, oldest release first."""
    current, sections = check()
    existing = set(git("tag", "--list", "v*").split())
    releases = sorted(
        (name for name in sections if VERSION.fullmatch(name) and f"v{name}" not in existing),
        key=version_key,
    )
    newer = [name for name in releases if version_key(name) > version_key(current)]
    if newer:
        raise ReleaseError(
            f"CHANGELOG.md has a section for {', '.join(newer)}, newer than pyproject.toml's "
            f"{current}: bump pyproject.toml, or call the section [Unreleased]."
        )
    released = [name[1:] for name in existing if VERSION.fullmatch(name[1:])]
    later = [name for name in released if version_key(name) > version_key(current)]
    if f"v{current}" not in existing and later:
        raise ReleaseError(
            f"pyproject.toml says {current} but v{max(later, key=version_key)} is already "
            "released, and copier never downgrades: give the release a higher version."
        )
    # Every commit is found before any tag is made: a refusal leaves nothing half-tagged.
    planned = [(name, release_commit(sections[name], current)) for name in releases]
    made: list[tuple[str, str]] = []
    for name, commit in planned:
        # verbatim: the default cleanup would drop the `### Added` lines as comments.
        message = sections[name].text
        git(
            "tag", "--annotate", "--cleanup=verbatim", "--file=-", f"v{name}", commit, stdin=message
        )
        made.append((f"v{name}", commit))
    return made


def notes(version: str) -> str:
    section = read_changelog().get(version)
    if section is None:
        raise ReleaseError(f"CHANGELOG.md has no `## [{version}]` section.")
    return section.body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tag and describe the template's releases.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="is pyproject.toml's version ready to release?")
    commands.add_parser("tag", help="tag every release not tagged yet; prints `vX.Y.Z <commit>`")
    notes_parser = commands.add_parser("notes", help="print a release's changelog section")
    notes_parser.add_argument("version", help="X.Y.Z")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "check":
            version, _ = check()
            print(f"{version} is ready to release.")
        elif arguments.command == "tag":
            for name, commit in tag():
                print(f"{name} {commit}")
        else:
            print(notes(arguments.version))
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
