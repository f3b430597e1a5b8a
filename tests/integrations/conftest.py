"""Fixtures of the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True)
def _one_blas_thread() -> Iterator[None]:
    """One BLAS thread per fit: these tests run many tiny fits, and on a busy
    machine several BLAS threads each fight over the cores and slow them down
    tenfold."""
    with threadpool_limits(limits=1):
        yield
