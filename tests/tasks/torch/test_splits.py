"""The honest split: three disjoint parts from one seed, and a test set that is
built only on request and refused while sealed."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import hypersense as hs
from hypersense.tasks.splits import (
    HoldoutIndices,
    SealedTestSet,
    TestSetSealedError,
    holdout_indices,
)

# 100 rows: 70 of class 0, 30 of class 1.
LABELS = np.array([0] * 70 + [1] * 30)


def test_parts_partition_the_rows_with_the_documented_sizes_and_proportions() -> None:
    parts = holdout_indices(
        LABELS, validation_fraction=0.2, test_fraction=0.2, seed=0, stratify=True
    )
    # Test: 20 rows; validation: 20 of the remaining 80 (share 0.25); train: 60.
    assert (parts.train.size, parts.validation.size, parts.test.size) == (60, 20, 20)
    together = np.concatenate([parts.train, parts.validation, parts.test])
    assert sorted(together.tolist()) == list(range(100))
    for part in (parts.validation, parts.test):  # 70/30 kept: 14 and 6 of 20
        assert np.bincount(LABELS[part]).tolist() == [14, 6]
    assert np.bincount(LABELS[parts.train]).tolist() == [42, 18]
    assert parts.development.tolist() == sorted([*parts.train, *parts.validation])
    for part in (parts.train, parts.validation, parts.test):
        assert np.all(np.diff(part) > 0)  # sorted, no repeats


def test_same_seed_same_parts_and_the_test_part_ignores_the_validation_share() -> None:
    def cut(seed: int, validation: float) -> HoldoutIndices:
        return holdout_indices(
            LABELS, validation_fraction=validation, test_fraction=0.2, seed=seed, stratify=True
        )

    first, again = cut(3, 0.2), cut(3, 0.2)
    assert first.test.tolist() == again.test.tolist()
    assert first.train.tolist() == again.train.tolist()
    assert cut(4, 0.2).test.tolist() != first.test.tolist()
    assert cut(3, 0.3).test.tolist() == first.test.tolist()


def test_no_test_fraction_holds_out_nothing_and_regression_is_not_stratified() -> None:
    targets = np.linspace(0.0, 1.0, 50)
    parts = holdout_indices(
        targets, validation_fraction=0.2, test_fraction=0.0, seed=0, stratify=False
    )
    assert parts.test.size == 0 and parts.validation.size == 10 and parts.train.size == 40


@pytest.mark.parametrize(
    ("validation", "test", "named"),
    [
        (0.0, 0.2, "validation_fraction"),
        (0.6, 0.4, "validation_fraction"),
        (True, 0.2, "validation_fraction"),
        (0.2, -0.1, "test_fraction"),
        (0.2, "0.2", "test_fraction"),
    ],
)
def test_bad_fractions_are_named(validation: object, test: object, named: str) -> None:
    with pytest.raises(ValueError, match=f"`{named}`"):
        holdout_indices(
            LABELS,
            validation_fraction=validation,  # type: ignore[arg-type]
            test_fraction=test,  # type: ignore[arg-type]
            seed=0,
            stratify=True,
        )


def _load_rows() -> list[int]:
    return [1, 2, 3]


def test_a_sealed_test_set_refuses_reads_and_counts_the_others() -> None:
    loads: list[int] = []

    def load() -> str:
        loads.append(1)
        return "rows"

    test_set = SealedTestSet(load, description="toy test rows")
    with test_set.sealed():
        with test_set.sealed():  # nested seals: still sealed after the inner one
            assert test_set.is_sealed
        with pytest.raises(TestSetSealedError, match="toy test rows are sealed"):
            test_set.read()
    assert loads == [] and test_set.n_reads == 0  # refused before loading
    assert not test_set.is_sealed
    assert test_set.read() == "rows" and test_set.read() == "rows"
    assert test_set.n_reads == 2 and len(loads) == 2  # never cached: built per read
    assert issubclass(TestSetSealedError, hs.HypersenseError)
    assert issubclass(TestSetSealedError, RuntimeError)


def test_a_sealed_test_set_survives_pickling_for_worker_processes() -> None:
    test_set = SealedTestSet(_load_rows, description="rows")
    test_set.read()
    copy = pickle.loads(pickle.dumps(test_set))
    assert copy.n_reads == 1 and copy.read() == [1, 2, 3] and copy.n_reads == 2
    with copy.sealed(), pytest.raises(TestSetSealedError):
        copy.read()
    assert repr(copy) == "SealedTestSet(description='rows', n_reads=2, sealed=False)"
