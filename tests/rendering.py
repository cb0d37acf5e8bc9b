"""Kept importable for the tests other branches change; new code imports from the modules below."""

from tests.answer_sets import VARIANTS, Variant
from tests.commands import clean_env, in_project, run
from tests.template_config import TEMPLATE_ROOT

__all__ = ["TEMPLATE_ROOT", "VARIANTS", "Variant", "clean_env", "in_project", "run"]
