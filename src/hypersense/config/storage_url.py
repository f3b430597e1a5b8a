"""Opening the storage a config or a command line names, with one kind of error."""

from __future__ import annotations

from pathlib import Path

from hypersense.errors import StorageError
from hypersense.storage.base import Storage
from hypersense.storage.url import get_storage

__all__ = ["DEFAULT_STORAGE", "display_url", "open_storage"]

#: Where studies go when neither the config nor the command line says.
DEFAULT_STORAGE = "sqlite:///hypersense.db"


def display_url(url: str) -> str:
    """``url`` with any password hidden, for messages."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def open_storage(url: str, *, must_exist: bool = False, read_only: bool = False) -> Storage:
    """Open the database at ``url``.

    Args:
        url: ``sqlite:///path.db`` (relative to the working directory) or
            ``postgresql://user@host/db``.
        must_exist: Refuse a SQLite file that does not exist yet.
        read_only: Open for reading only (the commands that only look): nothing
            in the database or its file changes, and a file on a read-only
            file system can be read.

    Raises:
        StorageError: The URL cannot be parsed, names an unsupported database,
            or the database cannot be opened; the message shows the URL.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    shown = display_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(
            f"cannot parse storage URL {shown!r}; expected e.g. 'sqlite:///hypersense.db' "
            "or 'postgresql://user@host/db'"
        ) from None
    database = parsed.database or ""
    if (
        must_exist
        and parsed.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and not Path(database).is_file()
    ):
        raise StorageError(
            f"no database file {database!r} (storage {shown!r}); "
            "run a study first or point --storage at an existing one"
        )
    try:
        return get_storage(url, read_only=read_only)
    except (ValueError, StorageError, SQLAlchemyError) as exc:
        raise StorageError(f"cannot open storage {shown!r}: {exc}") from exc
