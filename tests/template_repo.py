"""Kept importable for the tests other branches change; new code imports from tests.copier_cli."""

from tests.copier_cli import (
    commit_all,
    conflict_leftovers,
    copier,
    data_args,
    git,
    make_template_repo,
    tag,
)
from tests.template_config import engine_choices

__all__ = [
    "commit_all", "conflict_leftovers", "copier", "data_args", "engine_choices", "git",
    "make_template_repo", "tag",
]  # fmt: skip
