"""pytest-alembic's checks of the migrations (fixtures in conftest.py).

- one head; upgrade from base to head; every step up and down again;
- the models and the migrated schema match (no autogenerate drift);
- every module that defines models is imported by what `migrations/env.py` imports (a module
  it misses has tables that autogenerate would never create, or would drop);
- a downgrade leaves no trace (this one drives env.py with a sync connection).
"""

import pytest
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

from tests.conftest import PROJECT_ROOT

__all__ = [
    "test_all_models_register_on_metadata",
    "test_downgrade_leaves_no_trace",
    "test_model_definitions_match_ddl",
    "test_single_head_revision",
    "test_up_down_consistency",
    "test_upgrade",
]


@pytest.fixture(autouse=True)
def in_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """test_all_models_register_on_metadata runs env.py in a subprocess that reads `alembic.ini`
    from the working directory: the project root, wherever pytest was started."""
    monkeypatch.chdir(PROJECT_ROOT)
