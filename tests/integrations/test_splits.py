"""Folds of a cross-validation: stratification, splitters, explicit pairs, errors."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold

from hypersense.integrations import make_folds

Y_CLASSES = np.array([0] * 12 + [1] * 6)  # 2:1 class ratio, 18 samples
X_18 = np.zeros((18, 2))


def _validation_parts(folds: list[tuple[np.ndarray, np.ndarray]]) -> list[list[int]]:
    return [sorted(val.tolist()) for _, val in folds]


def test_integer_cv_on_class_labels_is_a_seeded_stratified_k_fold() -> None:
    folds = make_folds(X_18, Y_CLASSES, cv=3, seed=4)
    expected = StratifiedKFold(3, shuffle=True, random_state=4).split(X_18, Y_CLASSES)
    assert _validation_parts(folds) == _validation_parts(list(expected))
    for train, val in folds:
        assert np.bincount(Y_CLASSES[val]).tolist() == [4, 2]  # the 2:1 ratio in every fold
        assert sorted(np.concatenate([train, val]).tolist()) == list(range(18))


def test_a_continuous_target_or_stratify_false_gives_a_plain_shuffled_k_fold() -> None:
    y_real = np.linspace(0.0, 1.0, 18)
    plain = _validation_parts(list(KFold(3, shuffle=True, random_state=0).split(X_18)))
    assert _validation_parts(make_folds(X_18, y_real, cv=3)) == plain
    assert _validation_parts(make_folds(X_18, Y_CLASSES, cv=3, stratify=False)) == plain
    assert _validation_parts(make_folds(X_18, None, cv=3)) == plain


def test_the_same_seed_gives_the_same_folds_and_another_seed_other_folds() -> None:
    first = _validation_parts(make_folds(X_18, Y_CLASSES, cv=3, seed=1))
    assert _validation_parts(make_folds(X_18, Y_CLASSES, cv=3, seed=1)) == first
    assert _validation_parts(make_folds(X_18, Y_CLASSES, cv=3, seed=2)) != first


def test_a_splitter_receives_the_groups() -> None:
    groups = np.repeat(np.arange(6), 3)
    folds = make_folds(X_18, Y_CLASSES, cv=GroupKFold(3), groups=groups)
    for train, val in folds:
        assert not set(groups[train].tolist()) & set(groups[val].tolist())


def test_explicit_pairs_and_boolean_masks_become_index_arrays() -> None:
    mask = np.arange(6) < 2
    folds = make_folds(np.zeros(6), cv=[([2, 3, 4, 5], [0, 1]), (~mask, mask)])
    assert [(t.tolist(), v.tolist()) for t, v in folds] == [([2, 3, 4, 5], [0, 1])] * 2
    assert all(t.dtype == np.intp and v.dtype == np.intp for t, v in folds)


def test_a_sized_object_without_shape_can_be_split() -> None:
    class Dataset:  # like a torch Dataset: only a length
        def __len__(self) -> int:
            return 10

    folds = make_folds(Dataset(), cv=2)
    assert sorted(np.concatenate([v for _, v in folds]).tolist()) == list(range(10))


@pytest.mark.parametrize(
    ("cv", "message"),
    [
        (1, "`cv` must be >= 2"),
        ("five", "`cv` must be a number of folds"),
        ([], "`cv` produced no folds"),
        ([([0, 1], [])], "the validation part of fold 0 is empty"),
        ([([0, 1], [9])], r"must lie in \[0, 6\)"),
        ([([0, 1],)], "fold 0 of `cv` is not a \\(train, validation\\) pair"),
        ([([0.5], [1])], "must be a 1-D array of integers"),
        ([(np.ones(3, dtype=bool), [1])], "has shape \\(3,\\), expected \\(6,\\)"),
    ],
)
def test_bad_cv_is_refused_with_a_clear_error(cv: object, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        make_folds(np.zeros(6), cv=cv)  # type: ignore[arg-type]


def test_a_bad_seed_or_sample_set_is_refused() -> None:
    with pytest.raises(ValueError, match="`seed` must be a non-negative integer"):
        make_folds(X_18, cv=3, seed=-1)
    with pytest.raises(TypeError, match="`x` must have a length or a shape"):
        make_folds(object(), cv=3)
