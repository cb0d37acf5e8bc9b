"""Runs before `copier update` writes anything: refuses to rename the package.

Renaming the import package is more than re-rendering: the owner's models, services, migrations
and tests import it by name, and copier cannot move or rewrite them. Renaming by hand is a few
commands (the README says which), so the update stops here, before any file changes.

Usage: before_update.py NEW_PACKAGE_NAME (run by copier in the project's directory); an empty
name means none was given.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def main(new_package: str) -> int:
    answers_file = Path(".copier-answers.yml")
    if not answers_file.is_file():
        return 0  # not a rendered project's root: nothing recorded to compare with
    recorded = yaml.safe_load(answers_file.read_text()) or {}
    old_package = recorded.get("package_name")
    if not new_package or old_package is None or old_package == new_package:
        return 0
    print(
        f"copier update: the package is '{old_package}'; renaming it to '{new_package}' through "
        "an update would leave your models, services, migrations and tests importing the old "
        "name. Nothing was changed. Rename it by hand instead:\n"
        f"  git mv src/{old_package} src/{new_package}\n"
        f"  git grep -l '{old_package}' | xargs sed -i 's/\\b{old_package}\\b/{new_package}/g'\n"
        f"  then set package_name: {new_package} in .copier-answers.yml, run `uv lock`, "
        "`uv run pytest`, and commit.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
