"""Storage of studies and trials: in memory, or in SQLite / PostgreSQL."""

from hypersense.storage.base import Storage, StudyRecord, StudySummary
from hypersense.storage.memory import InMemoryStorage
from hypersense.storage.url import get_storage

__all__ = [
    "InMemoryStorage",
    "SQLStorage",
    "Storage",
    "StudyRecord",
    "StudySummary",
    "get_storage",
]


def __getattr__(name: str) -> object:
    # SQLAlchemy is only imported when the SQL backend is asked for.
    if name == "SQLStorage":
        from hypersense.storage.sql import SQLStorage

        return SQLStorage
    raise AttributeError(f"module 'hypersense.storage' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
