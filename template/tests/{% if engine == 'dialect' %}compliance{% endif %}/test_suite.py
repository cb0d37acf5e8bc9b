"""SQLAlchemy's dialect compliance suite, run against the project's dialect."""

from sqlalchemy.testing.suite import *
from sqlalchemy.testing.suite import (
    ServerSideCursorsTest as _ServerSideCursorsTest,
)


class ServerSideCursorsTest(_ServerSideCursorsTest):
    # The suite recognises server-side cursors by hard-coded driver names;
    # ours say so through the same attribute the aiosqlite check reads.
    def _is_server_side(self, cursor):
        return cursor.server_side
