"""Small data sets and a scripted estimator shared by the HyperSearchCV tests."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_breast_cancer, load_iris


@cache
def iris() -> tuple[np.ndarray, np.ndarray]:
    """All 150 iris flowers (3 classes)."""
    x, y = load_iris(return_X_y=True)
    return x, y


@cache
def cancer_subset() -> tuple[np.ndarray, np.ndarray]:
    """Every third breast-cancer sample (190 samples, 2 classes), to keep fits fast."""
    x, y = load_breast_cancer(return_X_y=True)
    return x[::3], y[::3]


class MajorityClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Predicts the most frequent training class; fails to fit when ``fail`` is
    True, and records how many sample weights its last ``fit`` received."""

    def __init__(self, fail: bool = False, shift: float = 0.0) -> None:
        self.fail = fail
        self.shift = shift

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> MajorityClassifier:
        if self.fail:
            raise RuntimeError("asked to fail")
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[int(np.argmax(counts))]
        self.n_weights_ = None if sample_weight is None else len(sample_weight)
        self.n_rows_ = len(X)
        return self

    def predict(self, X: Any) -> Any:
        return np.full(len(X), self.majority_)
