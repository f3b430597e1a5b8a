"""A storage fixture that runs each storage test on every backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hypersense.storage import InMemoryStorage, Storage
from hypersense.storage.sql import SQLStorage
from tests.postgres_server import PostgresServer


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def storage(request: pytest.FixtureRequest, tmp_path) -> Iterator[Storage]:  # type: ignore[no-untyped-def]
    """In-memory, a SQLite file, and a real PostgreSQL database, in turn."""
    if request.param == "memory":
        yield InMemoryStorage()
        return
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'contract.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.new_database()
    store = SQLStorage(url)
    yield store
    store.close()
