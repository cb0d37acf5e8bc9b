"""Peer: the benchmark's routes as full-stack-fastapi-template writes them.

The pattern is github.com/fastapi/full-stack-fastapi-template's backend: a sync engine on
psycopg made with `create_engine(settings.DATABASE_URL)` (app/core/db.py), a `get_db`
dependency yielding `Session(engine)` and `SessionDep` (app/api/deps.py), sync `def` routes
that FastAPI runs in its threadpool, `Model.model_validate(item_in)`, `session.add`,
`session.commit`, `session.refresh` and a `response_model` (app/api/routes/items.py), and
SQLModel table models with `*Public` response models (app/models.py). The author with its
books is SQLModel's documented relationship read ("Models with Relationships in FastAPI": a
`...PublicWithTeam` response model, the relationship loaded lazily as it is serialised).

    DATABASE_URL=postgresql+psycopg://... uvicorn fullstack_sqlmodel:app --app-dir bench/http/apps
"""

import os
from collections.abc import Generator
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException
from sqlmodel import Field, Relationship, Session, SQLModel, create_engine, text

engine = create_engine(os.environ["DATABASE_URL"])


def get_db() -> Generator[Session]:
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


class AuthorBase(SQLModel):
    name: str = Field(max_length=200)


class AuthorCreate(AuthorBase):
    biography: str | None = None


class Author(AuthorBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    biography: str | None = None
    created_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": text("CURRENT_TIMESTAMP")}
    )
    books: list["Book"] = Relationship(back_populates="author")


class BookBase(SQLModel):
    title: str = Field(max_length=300)


class Book(BookBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="author.id")
    author: Author | None = Relationship(back_populates="books")


class BookPublic(BookBase):
    id: int
    author_id: int


class AuthorPublic(AuthorBase):
    id: int
    created_at: datetime


class AuthorPublicWithBooks(AuthorPublic):
    books: list[BookPublic] = []


app = FastAPI()


@app.post("/authors", response_model=AuthorPublic, status_code=201)
def create_author(*, session: SessionDep, author_in: AuthorCreate) -> Any:
    author = Author.model_validate(author_in)
    session.add(author)
    session.commit()
    session.refresh(author)
    return author


@app.get("/authors/{id}", response_model=AuthorPublicWithBooks)
def read_author(session: SessionDep, id: int) -> Any:
    author = session.get(Author, id)
    if not author:
        raise HTTPException(status_code=404, detail="Author not found")
    return author


@app.get("/health/ready")
def ready(session: SessionDep) -> dict[str, str]:
    session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    return {"status": "ok"}
