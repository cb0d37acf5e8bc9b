"""A PEP 249 module over ``client.AsyncClient``, as SQLAlchemy's asyncio layer
expects it.

The sync/async boundary, stated once: SQLAlchemy's engine is synchronous code
that runs inside a greenlet (``greenlet_spawn``) when used through
``sqlalchemy.ext.asyncio``.  Every method here that does I/O is a plain
``def`` that hands one coroutine to ``await_``, which suspends the greenlet
until the event loop has run it.  Results are fetched in full at execute
time, so ``fetch*``, ``description``, ``rowcount`` and ``lastrowid`` never
await.

The structure follows ``sqlalchemy.dialects.sqlite.aiosqlite``: the generic
classes in ``sqlalchemy.connectors.asyncio`` do the bridging; the subclasses
here only plug the client in and map its errors.
"""

from __future__ import annotations

import collections
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, cast

from sqlalchemy.connectors.asyncio import (
    AsyncAdapt_dbapi_connection,
    AsyncAdapt_dbapi_cursor,
    AsyncAdapt_dbapi_module,
    AsyncAdapt_dbapi_ss_cursor,
    AsyncAdapt_terminate,
)
from sqlalchemy.util.concurrency import await_

from . import client as client_module
from . import errors
from .client import (
    SQLITE_VERSION,
    SQLITE_VERSION_INFO,
    AsyncClient,
    ClientFactory,
    ClientResult,
    Description,
    Params,
)

if TYPE_CHECKING:
    from sqlalchemy.connectors.asyncio import (
        AsyncIODBAPIConnection,
        AsyncIODBAPICursor,
    )

# sqlite3's legacy ``isolation_level`` values: the word after BEGIN.
_BEGIN_MODES = frozenset({"", "DEFERRED", "IMMEDIATE", "EXCLUSIVE"})


class ClientCursor:
    """The async cursor that the generic adapter drives, over one client.

    The client has no cursors of its own; this keeps the last
    ``ClientResult`` and serves it in the shape ``AsyncIODBAPICursor`` asks
    for, so the base classes can be used unchanged.
    """

    __slots__ = ("_client", "_result", "_rows", "arraysize")

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._result: ClientResult | None = None
        self._rows: collections.deque[tuple[Any, ...]] = collections.deque()
        self.arraysize = 1

    async def __aenter__(self) -> ClientCursor:
        return self

    @property
    def description(self) -> Description | None:
        return self._result.description if self._result else None

    @property
    def rowcount(self) -> int:
        return self._result.rowcount if self._result else -1

    @property
    def lastrowid(self) -> int | None:
        return self._result.lastrowid if self._result else None

    def _keep(self, result: ClientResult) -> None:
        self._result = result
        self._rows = collections.deque(result.rows)

    async def execute(self, operation: str, parameters: Params | None = None) -> None:
        self._keep(await self._client.execute(operation, parameters or ()))

    async def executemany(self, operation: str, parameters: Iterable[Params]) -> None:
        self._keep(await self._client.executemany(operation, parameters))

    async def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[tuple[Any, ...]]:
        count = min(self.arraysize if size is None else size, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[tuple[Any, ...]]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def _aiter_rows(self) -> AsyncIterator[tuple[Any, ...]]:
        while self._rows:
            yield self._rows.popleft()

    def __aiter__(self) -> AsyncIterator[tuple[Any, ...]]:
        return self._aiter_rows()

    async def nextset(self) -> None:
        # One statement per execute: there is never a next result set.
        return None

    async def setinputsizes(self, *sizes: Any) -> None:
        return None

    async def close(self) -> None:
        # Rows go; rowcount/lastrowid stay readable, as SQLAlchemy may read
        # them after a soft close.
        self._rows.clear()


class _UsesClientCursor:
    """Mixin: build the adapter's inner cursor from the client."""

    __slots__ = ()

    def _make_new_cursor(self, connection: AsyncIODBAPIConnection) -> AsyncIODBAPICursor:
        # The base classes type both ends with their own protocols; ours are
        # an AsyncClient and a ClientCursor (see AsyncAdapt_client_connection).
        return cast("AsyncIODBAPICursor", ClientCursor(cast(AsyncClient, connection)))


class AsyncAdapt_client_cursor(_UsesClientCursor, AsyncAdapt_dbapi_cursor):
    """Buffered cursor: rows are copied out at execute time (base class)."""

    __slots__ = ()


class AsyncAdapt_client_ss_cursor(_UsesClientCursor, AsyncAdapt_dbapi_ss_cursor):
    """Cursor for ``stream_results`` / ``AsyncConnection.stream()``.

    The client contract returns whole results, so rows are already in
    memory; this cursor exists so that SQLAlchemy's streaming API works.
    """

    __slots__ = ()


class AsyncAdapt_client_connection(AsyncAdapt_terminate, AsyncAdapt_dbapi_connection):
    """PEP 249 connection over one ``AsyncClient``."""

    __slots__ = ("_begin_mode",)

    _cursor_cls = AsyncAdapt_client_cursor
    _ss_cursor_cls = AsyncAdapt_client_ss_cursor

    def __init__(
        self,
        dbapi: AsyncAdapt_client_dbapi,
        client: AsyncClient,
        *,
        isolation_level: str | None = "",
    ) -> None:
        # The base class keeps the client as `_connection` and calls
        # commit/rollback on it, which the client provides.
        super().__init__(dbapi, cast("AsyncIODBAPIConnection", client))
        self._begin_mode: str | None = ""
        self.isolation_level = isolation_level

    @property
    def isolation_level(self) -> str | None:
        """sqlite3's legacy attribute: None = autocommit, else BEGIN's mode.

        The client never begins transactions itself; ``begin()`` reads this
        to decide whether (and how) to start one.
        """
        return self._begin_mode

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        if value is not None and value.upper() not in _BEGIN_MODES:
            raise ValueError(
                "isolation_level must be None, '', 'DEFERRED', 'IMMEDIATE' "
                f"or 'EXCLUSIVE', not {value!r}"
            )
        self._begin_mode = None if value is None else value.upper()

    def begin(self) -> None:
        """Start a transaction, unless isolation_level is None (autocommit).

        Not part of PEP 249: the dialect's ``do_begin`` calls it, because
        the client never starts transactions implicitly.
        """
        if self._begin_mode is None:
            return
        try:
            await_(self.client.begin(self._begin_mode))
        except Exception as error:
            self._handle_exception(error)

    @property
    def client(self) -> AsyncClient:
        """The base class's `_connection`, typed as what it is."""
        return cast(AsyncClient, self._connection)

    def create_function(
        self,
        name: str,
        narg: int,
        func: Callable[..., Any] | None,
        *,
        deterministic: bool = False,
    ) -> None:
        try:
            await_(self.client.create_function(name, narg, func, deterministic=deterministic))
        except Exception as error:
            self._handle_exception(error)

    def close(self) -> None:
        try:
            await_(self.client.close())
        except Exception as error:
            self._handle_exception(error)

    @classmethod
    def _handle_exception_no_connection(cls, dbapi: Any, error: Exception) -> NoReturn:
        translated = errors.translate(error)
        if translated is error:
            raise error
        raise translated from error

    async def _terminate_graceful_close(self) -> None:
        await self.client.close()

    def _terminate_force_close(self) -> None:
        self.client.terminate()


class AsyncAdapt_client_dbapi(AsyncAdapt_dbapi_module):
    """What ``AsyncDialect.import_dbapi()`` returns: the DBAPI "module"."""

    apilevel: ClassVar[str] = "2.0"
    threadsafety: ClassVar[int] = 1
    paramstyle: ClassVar[str] = "qmark"

    # The pysqlite dialect reads these before connecting.
    sqlite_version: ClassVar[str] = SQLITE_VERSION
    sqlite_version_info: ClassVar[tuple[int, ...]] = SQLITE_VERSION_INFO

    # Bytes are what any client can carry (sqlite3 also accepts them).
    Binary: ClassVar[type[bytes]] = bytes

    def __init__(self, client_factory: ClientFactory = client_module.connect) -> None:
        # exceptions_module is errors.py: SQLAlchemy finds the PEP 249 names there.
        super().__init__(client_module, dbapi_module=errors)
        self.client_factory = client_factory

    def __getattr__(self, name: str) -> Any:
        # PEP 249 wants the exception classes on the module object too.
        try:
            return errors.BY_NAME[name]
        except KeyError:
            raise AttributeError(name) from None

    def connect(self, *args: Any, **kwargs: Any) -> AsyncAdapt_client_connection:
        # create_async_engine(async_creator=...) arrives as async_creator_fn.
        factory: ClientFactory = kwargs.pop("async_creator_fn", self.client_factory)
        isolation_level: str | None = kwargs.pop("isolation_level", "")

        async def open_connection() -> AsyncAdapt_client_connection:
            # The client call is made inside this single coroutine, so if
            # await_ refuses to run it (no greenlet) nothing is left
            # un-awaited.
            try:
                client = await factory(*args, **kwargs)
            except Exception as error:
                AsyncAdapt_client_connection._handle_exception_no_connection(self, error)
            return AsyncAdapt_client_connection(self, client, isolation_level=isolation_level)

        return await_(open_connection())
