"""Fixtures shared by every test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.postgres_server import PostgresServer, running_postgres

# Property tests explore new random examples on every local run (that is how
# they find bugs); CI (.ci/run sets HYPOTHESIS_PROFILE=ci) replays a fixed
# derandomised set so a red run always means a change broke something.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session; fails (never skips) if it cannot start."""
    with running_postgres() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A URL of a fresh, empty PostgreSQL database."""
    return postgres_server.new_database()


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """A URL of a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'study.db'}"


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def storage_url(request: pytest.FixtureRequest, tmp_path) -> str | None:  # type: ignore[no-untyped-def]
    """Each storage backend in turn: None (in memory), SQLite, PostgreSQL."""
    if request.param == "memory":
        return None
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'study.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()
