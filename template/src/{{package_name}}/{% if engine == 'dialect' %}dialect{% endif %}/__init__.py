"""The project's own async SQLAlchemy dialect (SQLite SQL, pluggable client).

Registered through the ``sqlalchemy.dialects`` entry point in pyproject.toml.
"""

from .dialect import AsyncDialect

__all__ = ["AsyncDialect"]
