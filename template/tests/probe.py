"""Tables the template's own tests write to, instead of the project's models.

The models are the project's to change or delete; the tests of the machinery (unit of work,
isolation, the engine) must keep working when they do. The `engine` fixture creates these
tables beside the migrated schema; they are not part of the migrations.
"""

from sqlalchemy import ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class ProbeBase(DeclarativeBase):
    metadata = MetaData()


class Probe(ProbeBase):
    __tablename__ = "test_probe"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class ProbeChild(ProbeBase):
    __tablename__ = "test_probe_child"

    id: Mapped[int] = mapped_column(primary_key=True)
    probe_id: Mapped[int] = mapped_column(ForeignKey("test_probe.id"))
