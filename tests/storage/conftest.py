"""Storage factories that run each storage test on every backend."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from hypersense.storage import InMemoryStorage
from hypersense.storage.sql import SQLStorage
from hypersense.testing.storages import StorageFactory
from tests.postgres_server import PostgresServer


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def storage_factory(request: pytest.FixtureRequest, tmp_path: Path) -> StorageFactory:
    """Builds fresh, empty storages: in memory, SQLite files, real PostgreSQL databases."""
    if request.param == "memory":
        return InMemoryStorage
    if request.param == "sqlite":
        counter = itertools.count()
        return lambda: SQLStorage(f"sqlite:///{tmp_path / f'contract-{next(counter)}.db'}")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return lambda: SQLStorage(server.new_database())
