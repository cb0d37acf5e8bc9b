"""Peer: the benchmark's routes as advanced-alchemy's FastAPI integration writes them.

The pattern is advanced-alchemy's own example, examples/fastapi/fastapi_service.py in
github.com/litestar-org/advanced-alchemy (v1.12): `SQLAlchemyAsyncConfig` with
`AsyncSessionConfig(expire_on_commit=False)` and `commit_mode="autocommit"`, the
`AdvancedAlchemy` extension on the app, a `SQLAlchemyAsyncRepositoryService` with its
repository, provided by `alchemy.provide_service(...)`, and `service.to_schema(...)` into a
pydantic response model. Only what the benchmark needs differs: the example's tables (integer
keys, `base.BigIntBase`, as its docs offer next to `UUIDBase`), the books loaded with the
author (the repository's `load=` option), and `/health/ready`.

    cd bench/http/apps && DATABASE_URL=postgresql+asyncpg://... uvicorn advanced_alchemy_fastapi:app
"""

import datetime
import os
from typing import Annotated

from advanced_alchemy.extensions.fastapi import (
    AdvancedAlchemy,
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    base,
    repository,
    service,
)
from fastapi import APIRouter, Depends, FastAPI, status
from pydantic import BaseModel
from sqlalchemy import ForeignKey, String, func, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

alchemy_config = SQLAlchemyAsyncConfig(
    connection_string=os.environ["DATABASE_URL"],
    session_config=AsyncSessionConfig(expire_on_commit=False),
    commit_mode="autocommit",
)
app = FastAPI()
alchemy = AdvancedAlchemy(config=alchemy_config, app=app)
router = APIRouter()


class AuthorModel(base.BigIntBase):
    __tablename__ = "author"
    name: Mapped[str] = mapped_column(String(200), unique=True)
    biography: Mapped[str | None]
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=func.now())
    books: Mapped[list["BookModel"]] = relationship(back_populates="author", lazy="noload")


class BookModel(base.BigIntBase):
    __tablename__ = "book"
    title: Mapped[str] = mapped_column(String(300))
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[AuthorModel] = relationship(back_populates="books", lazy="noload")


class AuthorService(service.SQLAlchemyAsyncRepositoryService[AuthorModel]):
    """Author repository."""

    class Repo(repository.SQLAlchemyAsyncRepository[AuthorModel]):
        """Author repository."""

        model_type = AuthorModel

    repository_type = Repo


class Book(BaseModel):
    id: int
    title: str
    author_id: int


class Author(BaseModel):
    id: int
    name: str
    created_at: datetime.datetime


class AuthorWithBooks(Author):
    books: list[Book]


class AuthorCreate(BaseModel):
    name: str
    biography: str | None = None


Authors = Annotated[AuthorService, Depends(alchemy.provide_service(AuthorService))]


@router.post("/authors", status_code=status.HTTP_201_CREATED)
async def create_author(authors_service: Authors, data: AuthorCreate) -> Author:
    obj = await authors_service.create(data)
    return authors_service.to_schema(obj, schema_type=Author)


@router.get("/authors/{author_id}")
async def get_author(authors_service: Authors, author_id: int) -> AuthorWithBooks:
    obj = await authors_service.get(author_id, load=[selectinload(AuthorModel.books)])
    return authors_service.to_schema(obj, schema_type=AuthorWithBooks)


@router.get("/health/ready")
async def ready(
    db_session: Annotated[AsyncSession, Depends(alchemy.provide_session())],
) -> dict[str, str]:
    await db_session.execute(text("SELECT 1"))
    return {"status": "ok"}


app.include_router(router)
