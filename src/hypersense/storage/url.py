"""Turning what a user writes (None, a URL, a storage) into a storage."""

from __future__ import annotations

from hypersense.storage.base import Storage
from hypersense.storage.memory import InMemoryStorage

__all__ = ["get_storage"]


def get_storage(storage: str | Storage | None, *, read_only: bool = False) -> Storage:
    """Return a storage for ``storage``.

    ``None`` gives a new in-memory storage; a URL such as
    ``sqlite:///hypersense.db`` or ``postgresql://user@host/db`` gives a SQL
    storage (opened for reading only with ``read_only``); a Storage is
    returned as is.
    """
    if storage is None:
        return InMemoryStorage()
    if isinstance(storage, Storage):
        return storage
    if isinstance(storage, str):
        if "://" not in storage:
            raise ValueError(
                f"`storage` must be a database URL such as 'sqlite:///{storage}' or "
                f"'postgresql://user@host/db' (got {storage!r})"
            )
        from hypersense.storage.sql.storage import SQLStorage

        return SQLStorage(storage, read_only=read_only)
    raise TypeError(
        f"`storage` must be None, a URL string or a Storage (got {type(storage).__name__})"
    )
