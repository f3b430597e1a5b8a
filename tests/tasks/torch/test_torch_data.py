"""The bundled data sets: shapes, the development rows kept in memory, scaling
fitted on training rows."""

from __future__ import annotations

import numpy as np
import pytest

from hypersense.tasks.splits import holdout_indices
from hypersense.tasks.torch_data import Standardizer, load_dataset, split_dataset


@pytest.mark.parametrize(
    ("name", "shape", "dtype"),
    [
        ("digits", (1797, 64), np.int64),
        ("breast_cancer", (569, 30), np.int64),
        ("diabetes", (442, 10), np.float32),
    ],
)
def test_bundled_data_sets_load_with_their_shapes(name: str, shape: tuple, dtype: type) -> None:
    x, y = load_dataset(name)
    assert x.shape == shape and x.dtype == np.float32
    assert y.shape == (shape[0],) and y.dtype == dtype


def test_digits_pixels_are_scaled_to_the_unit_interval() -> None:
    x, _ = load_dataset("digits")
    assert x.min() == 0.0 and x.max() == 1.0
    with pytest.raises(ValueError, match="unknown data set 'mnist'"):
        load_dataset("mnist")


def test_only_development_rows_are_held_and_the_test_rows_come_from_the_loader() -> None:
    split = split_dataset("digits", validation_fraction=0.2, test_fraction=0.2, seed=0)
    x, y = load_dataset("digits")
    parts = holdout_indices(y, validation_fraction=0.2, test_fraction=0.2, seed=0, stratify=True)
    # 1797 rows: 360 test, 360 validation (a quarter of the other 1437), 1077 training.
    assert split.x.shape == (1437, 64) and split.train.size == 1077
    assert split.validation.size == 360
    assert np.array_equal(split.x, x[parts.development])
    assert np.array_equal(split.x[split.train], x[parts.train])
    assert np.array_equal(split.y[split.validation], y[parts.validation])
    x_test, y_test = split.test.read()
    assert np.array_equal(x_test, x[parts.test]) and np.array_equal(y_test, y[parts.test])
    assert split.is_classification and split.test.n_reads == 1


def test_standardizer_known_answers() -> None:
    values = np.array([[1.0, 5.0], [3.0, 5.0]])
    scaler = Standardizer.fit(values)
    assert scaler.mean.tolist() == [2.0, 5.0]
    assert scaler.scale.tolist() == [1.0, 1.0]  # std 1, and 0 replaced by 1
    assert scaler.transform(np.array([[4.0, 7.0]])).tolist() == [[2.0, 2.0]]
    target = Standardizer.fit(np.array([10.0, 20.0, 30.0, 40.0]))
    assert target.transform(np.array([25.0, 47.360679])) == pytest.approx([0.0, 2.0], abs=1e-5)
    with pytest.raises(ValueError, match="non-empty"):
        Standardizer.fit(np.zeros((0, 3)))
