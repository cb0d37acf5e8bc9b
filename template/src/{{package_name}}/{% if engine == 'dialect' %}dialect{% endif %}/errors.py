"""The PEP 249 exception hierarchy, as the module the dialect reads it from.

SQLAlchemy wraps whatever the DBAPI raises by looking these names up on
``dbapi.exceptions_module``; they derive from ``AsyncAdapt_Error``, which
keeps the client's own exception as ``.orig`` / ``.driver_exception``.
"""

from sqlalchemy.connectors.asyncio import AsyncAdapt_Error


class Warning(AsyncAdapt_Error):  # PEP 249 requires the name
    pass


class Error(AsyncAdapt_Error):
    """Base of all DBAPI errors; carries sqlite3's error code if present."""

    sqlite_errorcode: int | None
    sqlite_errorname: str | None

    def __init__(self, message: str, orig: Exception | None = None) -> None:
        super().__init__(message, orig)
        self.sqlite_errorcode = getattr(orig, "sqlite_errorcode", None)
        self.sqlite_errorname = getattr(orig, "sqlite_errorname", None)


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


# The one list: client errors are mapped onto these by class name.
BY_NAME: dict[str, type[AsyncAdapt_Error]] = {
    klass.__name__: klass
    for klass in (
        Warning,
        Error,
        InterfaceError,
        DatabaseError,
        DataError,
        OperationalError,
        IntegrityError,
        InternalError,
        ProgrammingError,
        NotSupportedError,
    )
}


def translate(error: Exception) -> Exception:
    """Map a client error onto these classes by its class's (or a base's) name.

    The most specific PEP 249 name along the MRO wins, whatever module the
    client's exceptions come from (``sqlite3``'s work as they are).
    """
    if isinstance(error, AsyncAdapt_Error):
        return error
    for klass in type(error).__mro__:
        target = BY_NAME.get(klass.__name__)
        if target is not None:
            return target(str(error), error)
    return error
