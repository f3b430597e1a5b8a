"""The bundled data sets of the PyTorch tasks, split once with the test part sealed.

The data sets ship with scikit-learn (no download): the 8x8 digits, the
breast-cancer diagnoses and the diabetes progression scores. :func:`split_dataset`
loads one, cuts it with :func:`~hypersense.tasks.splits.holdout_indices` and keeps
only the development rows (training + validation) in memory; the test rows are
behind a :class:`~hypersense.tasks.splits.SealedTestSet` that loads them again
when the final evaluation asks.

Feature scaling is fitted on training rows only (:class:`Standardizer`), so no
statistic of validation or test rows leaks into training.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.tasks.splits import HoldoutIndices, SealedTestSet, holdout_indices

__all__ = [
    "DATASETS",
    "DatasetSplit",
    "Standardizer",
    "development_split",
    "load_dataset",
    "load_rows",
    "split_dataset",
]

#: Data sets by name: the scikit-learn loader and whether targets are classes.
DATASETS: dict[str, tuple[str, bool]] = {
    "digits": ("load_digits", True),
    "breast_cancer": ("load_breast_cancer", True),
    "diabetes": ("load_diabetes", False),
}

# Pixels of the digits are integers in [0, 16]: dividing by the known maximum
# scales them to [0, 1] without fitting anything on any rows.
_DIGITS_PIXEL_MAX = 16.0


def load_dataset(name: str) -> tuple[NDArray[np.float32], NDArray[Any]]:
    """All rows of a bundled data set.

    Args:
        name: A key of :data:`DATASETS`.

    Returns:
        ``(x, y)``: ``x`` of shape ``(n, n_features)`` as float32 (digits pixels
        scaled to [0, 1]); ``y`` of shape ``(n,)``, int64 class labels or
        float32 regression targets.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(DATASETS)}")
    import sklearn.datasets

    loader_name, is_classification = DATASETS[name]
    x, y = getattr(sklearn.datasets, loader_name)(return_X_y=True)
    features = np.asarray(x, dtype=np.float64)
    if name == "digits":
        features = features / _DIGITS_PIXEL_MAX
    target = np.asarray(y, dtype=np.int64 if is_classification else np.float32)
    return features.astype(np.float32), target


def load_rows(name: str, rows: NDArray[np.intp]) -> tuple[NDArray[np.float32], NDArray[Any]]:
    """Rows ``rows`` of a bundled data set (a fresh load: nothing is cached)."""
    x, y = load_dataset(name)
    return x[rows], y[rows]


@dataclass(frozen=True)
class DatasetSplit:
    """The development rows of a data set, their split, and the sealed test rows.

    Attributes:
        x: Shape ``(n_dev, n_features)``: training and validation rows only.
        y: Shape ``(n_dev,)``.
        train: Indices into ``x`` of the training rows.
        validation: Indices into ``x`` of the validation rows.
        test: The test rows ``(x_test, y_test)``, built only by its ``read``.
        is_classification: Whether ``y`` holds class labels.
    """

    x: NDArray[np.float32]
    y: NDArray[Any]
    train: NDArray[np.intp]
    validation: NDArray[np.intp]
    test: SealedTestSet[tuple[NDArray[np.float32], NDArray[Any]]]
    is_classification: bool


def split_dataset(
    name: str, *, validation_fraction: float, test_fraction: float, seed: int
) -> DatasetSplit:
    """Load ``name``, cut it (stratified for classes) and seal the test rows.

    Args:
        name: A key of :data:`DATASETS`.
        validation_fraction: Share of all rows for validation.
        test_fraction: Share of all rows held out for the final test (0: none).
        seed: Seed of the cuts; the same seed gives the same parts.
    """
    x, y = load_dataset(name)
    is_classification = DATASETS[name][1]
    parts = holdout_indices(
        y,
        validation_fraction=validation_fraction,
        test_fraction=test_fraction,
        seed=seed,
        stratify=is_classification,
    )
    test = SealedTestSet(
        functools.partial(load_rows, name, parts.test), description=f"{name} test rows"
    )
    return development_split(x, y, parts, test=test, is_classification=is_classification)


def development_split(
    x: NDArray[np.float32],
    y: NDArray[Any],
    parts: HoldoutIndices,
    *,
    test: SealedTestSet[tuple[NDArray[np.float32], NDArray[Any]]],
    is_classification: bool,
) -> DatasetSplit:
    """Keep the development rows of ``x``, ``y`` (shapes ``(n, ...)``, ``(n,)``);
    re-index the training and validation parts into them; attach ``test``."""
    dev = parts.development
    # Positions of the training and validation rows within the development rows.
    position = np.full(x.shape[0], -1, dtype=np.intp)
    position[dev] = np.arange(dev.size, dtype=np.intp)
    return DatasetSplit(
        x=x[dev],
        y=y[dev],
        train=position[parts.train],
        validation=position[parts.validation],
        test=test,
        is_classification=is_classification,
    )


@dataclass(frozen=True)
class Standardizer:
    """Per-column centring and scaling, fitted on training rows.

    Attributes:
        mean: Shape ``(n_columns,)``.
        scale: Shape ``(n_columns,)``; the standard deviation, 1 where it is 0.
    """

    mean: NDArray[np.float32]
    scale: NDArray[np.float32]

    @classmethod
    def fit(cls, values: NDArray[np.floating[Any]]) -> Standardizer:
        """Fit on ``values`` of shape ``(n_rows, n_columns)`` or ``(n_rows,)``."""
        data = np.asarray(values, dtype=np.float64)
        if data.ndim not in (1, 2) or data.shape[0] < 1:
            raise ValueError(f"`values` must be a non-empty 1-D or 2-D array (got {data.shape})")
        mean = data.mean(axis=0)
        scale = data.std(axis=0)
        scale = np.where(scale > 0.0, scale, 1.0)
        return cls(np.atleast_1d(mean).astype(np.float32), np.atleast_1d(scale).astype(np.float32))

    def transform(self, values: NDArray[np.floating[Any]]) -> NDArray[np.float32]:
        """``(values - mean) / scale``, same shape as ``values``, float32."""
        data = np.asarray(values, dtype=np.float32)
        mean, scale = (self.mean[0], self.scale[0]) if data.ndim == 1 else (self.mean, self.scale)
        out: NDArray[np.float32] = ((data - mean) / scale).astype(np.float32)
        return out
