"""pytest-alembic's checks of the migrations (fixtures in conftest.py).

- one head; upgrade from base to head; every step up and down again;
- the models and the migrated schema match (no autogenerate drift);
- every module that defines models is imported by what `migrations/env.py` imports (a module
  it misses has tables that autogenerate would never create, or would drop);
- a downgrade leaves no trace (this one drives env.py with a sync connection).
"""

from pytest_alembic.tests import (
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from pytest_alembic.tests.experimental import (
    test_all_models_register_on_metadata,
    test_downgrade_leaves_no_trace,
)

__all__ = [
    "test_all_models_register_on_metadata",
    "test_downgrade_leaves_no_trace",
    "test_model_definitions_match_ddl",
    "test_single_head_revision",
    "test_up_down_consistency",
    "test_upgrade",
]
