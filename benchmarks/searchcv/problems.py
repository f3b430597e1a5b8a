"""The two tuning problems: an RBF support-vector classifier on breast cancer and on digits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

__all__ = ["PROBLEMS", "Problem", "Split", "log_grid"]

_SPLIT_SEED = 0
_TEST_FRACTION = 0.25
N_FOLDS = 5


@dataclass(frozen=True)
class Split:
    """Search data and held-out test data (stratified, fixed seed)."""

    x_search: NDArray[np.float64]
    y_search: NDArray[np.int64]
    x_test: NDArray[np.float64]
    y_test: NDArray[np.int64]


@dataclass(frozen=True)
class Problem:
    """A data set, an estimator and the log-scaled ranges of its two hyperparameters."""

    name: str
    loader: Any
    ranges: dict[str, tuple[float, float]]

    def split(self) -> Split:
        x, y = self.loader(return_X_y=True)
        x_s, x_t, y_s, y_t = train_test_split(
            x, y, test_size=_TEST_FRACTION, stratify=y, random_state=_SPLIT_SEED
        )
        return Split(x_s, y_s, x_t, y_t)

    def estimator(self) -> Pipeline:
        return Pipeline([("scale", StandardScaler()), ("svc", SVC())])

    def distributions(self) -> dict[str, Any]:
        """scipy log-uniform distributions over the ranges (RandomizedSearchCV, HyperSearchCV)."""
        return {name: stats.loguniform(lo, hi) for name, (lo, hi) in self.ranges.items()}

    def grid(self, n_candidates: int) -> dict[str, list[float]]:
        """A square log-spaced grid with ``n_candidates`` points (a perfect square)."""
        side = round(n_candidates**0.5)
        if side * side != n_candidates:
            raise ValueError(
                f"a square grid needs a square number of candidates (got {n_candidates})"
            )
        return {name: log_grid(lo, hi, side) for name, (lo, hi) in self.ranges.items()}

    def cv(self) -> StratifiedKFold:
        """The folds every method uses (unshuffled, as GridSearchCV's default cv=5)."""
        return StratifiedKFold(N_FOLDS)


def log_grid(low: float, high: float, n: int) -> list[float]:
    """``n`` points evenly spaced on a log scale from ``low`` to ``high``."""
    return [float(v) for v in np.geomspace(low, high, n)]


PROBLEMS = (
    Problem(
        "breast_cancer_svc",
        load_breast_cancer,
        {"svc__C": (1e-2, 1e3), "svc__gamma": (1e-5, 1e0)},
    ),
    Problem(
        "digits_svc",
        load_digits,
        {"svc__C": (1e-2, 1e3), "svc__gamma": (1e-5, 1e0)},
    ),
)
