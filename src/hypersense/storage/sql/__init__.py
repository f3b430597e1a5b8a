"""The SQL storage backend (SQLite, PostgreSQL) through SQLAlchemy."""

from hypersense.storage.sql.storage import SQLStorage

__all__ = ["SQLStorage"]
