"""The public storage conformance suite (hypersense.testing) on every built-in backend."""

from __future__ import annotations

import pytest

from hypersense.testing import Check
from hypersense.testing.storages import STORAGE_CHECKS, StorageFactory, check_storage


@pytest.mark.parametrize("check", STORAGE_CHECKS, ids=str)
def test_conformance(storage_factory: StorageFactory, check: Check[StorageFactory]) -> None:
    check(storage_factory)


def test_the_whole_suite_reports_every_check(storage_factory: StorageFactory) -> None:
    report = check_storage(storage_factory)
    assert report.passed == tuple(c.name for c in STORAGE_CHECKS) and not report.skipped
