"""Sessions: one factory, one way to run a unit of work, one request-scoped dependency."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker


def make_session_factory(
    bind: AsyncEngine | AsyncConnection, **options: Any
) -> async_sessionmaker[AsyncSession]:
    """The one session factory; `options` go to `async_sessionmaker`."""
    # expire_on_commit=False: attributes stay readable after commit instead of reloading
    # lazily, which async code cannot do (the classic MissingGreenlet after commit).
    return async_sessionmaker(bind, expire_on_commit=False, **options)


@asynccontextmanager
async def unit_of_work(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """Commit when the block succeeds, roll back when it raises (cancellation too), always close."""
    async with session_factory() as session, session.begin():
        yield session


def session_dependency(
    session_factory: async_sessionmaker[AsyncSession],
) -> Callable[[], AsyncIterator[AsyncSession]]:
    """A request-scoped session for a web framework's dependency injection: one unit of work
    per request, where `get_session = session_dependency(session_factory)`.

    The commit must run before the response is sent, or a request whose commit fails is
    answered 2xx with nothing stored.
{%- if framework in ["none", "fastapi"] %}
    FastAPI: `Depends(get_session, scope="function")`; the default scope commits after the
    response has gone out.
{%- endif %}
{%- if framework in ["none", "litestar"] %}
    Litestar: `Provide(get_session)`; it closes a generator dependency before sending the
    response. Not advanced-alchemy's autocommit handler: it logs a failed commit and sends the
    2xx anyway.
{%- endif %}
{%- if framework != "none" %}
    The app does the same, with the session factory its lifespan makes:
    `{{ package_name }}.app`.
{%- endif %}
    """

    async def get_session() -> AsyncIterator[AsyncSession]:
        async with unit_of_work(session_factory) as session:
            yield session

    return get_session
