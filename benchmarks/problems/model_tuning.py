"""Five scikit-learn tuning problems on data sets that ship with scikit-learn.

Each value is the 3-fold cross-validation error of one configuration on a
fixed split (``KFold``/``StratifiedKFold`` with shuffle and seed 0), with the
estimator's own seed fixed too, so a configuration always gets the same value:
the problems are deterministic black boxes and differences between methods are
differences in where they looked. Evaluations are kept cheap (small data,
small ``max_iter``); their cost is measured and reported by the runner.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from benchmarks.problems.base import ParamSpec, Problem

__all__ = [
    "CV_FOLDS",
    "ElasticNetDiabetesProblem",
    "HistGradientBoostingCancerProblem",
    "MLPDigitsProblem",
    "RandomForestWineProblem",
    "SVCCancerProblem",
    "cv_error",
    "model_tuning_problems",
]

CV_FOLDS = 3
_SPLIT_SEED = 0
_MODEL_SEED = 0

Folds = list[tuple[NDArray[np.intp], NDArray[np.intp]]]


def cv_error(
    make_model: Callable[[], Any],
    x: NDArray[np.float64],
    y: NDArray[Any],
    folds: Folds,
) -> float:
    """Mean validation error over ``folds`` of a freshly built model per fold.

    The error is ``1 - model.score``: ``1 - accuracy`` for a classifier,
    ``1 - R^2`` for a regressor (scale-free, so numbers read alike across problems).
    Fitting is limited to one BLAS/OpenMP thread, so an evaluation's cost does not
    depend on the machine's core count or load (oversubscribed OpenMP made
    histogram gradient boosting ~15x slower on a busy 2-core machine).
    Convergence warnings (from deliberately small ``max_iter``) are silenced.
    """
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    errors = []
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for train, test in folds:
            model = make_model()
            model.fit(x[train], y[train])
            errors.append(1.0 - float(model.score(x[test], y[test])))
    return float(np.mean(errors))


class _CVProblem(Problem):
    """A model-tuning problem: loads its data and fixed split once, on first use."""

    group = "model-tuning"
    value_label = "3-fold CV error"
    _is_classifier = True

    def __init__(self) -> None:
        self._data: tuple[NDArray[np.float64], NDArray[Any], Folds] | None = None

    def _load(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        raise NotImplementedError

    def _make_model(self, params: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def data(self) -> tuple[NDArray[np.float64], NDArray[Any], Folds]:
        """Features, targets and the fixed folds (train, test index arrays)."""
        if self._data is None:
            from sklearn.model_selection import KFold, StratifiedKFold

            x, y = self._load()
            splitter = (StratifiedKFold if self._is_classifier else KFold)(
                n_splits=CV_FOLDS, shuffle=True, random_state=_SPLIT_SEED
            )
            folds = [(tr, te) for tr, te in splitter.split(x, y)]
            self._data = (x, y, folds)
        return self._data

    def evaluate(self, params: Mapping[str, Any]) -> float:
        x, y, folds = self.data()
        return cv_error(lambda: self._make_model(params), x, y, folds)


def _scaled(model: Any) -> Any:
    """``model`` behind a StandardScaler fitted on each training fold."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), model)


class SVCCancerProblem(_CVProblem):
    """RBF support-vector classifier on breast_cancer: C and gamma, both log-scaled."""

    name = "svc-breast-cancer"
    space = (
        ParamSpec("C", "float", 1e-2, 1e3, log=True),
        ParamSpec("gamma", "float", 1e-5, 1e1, log=True),
    )

    def _load(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        from sklearn.datasets import load_breast_cancer

        x, y = load_breast_cancer(return_X_y=True)
        return x, y

    def _make_model(self, params: Mapping[str, Any]) -> Any:
        from sklearn.svm import SVC

        return _scaled(SVC(C=params["C"], gamma=params["gamma"]))


class MLPDigitsProblem(_CVProblem):
    """Multi-layer perceptron on digits: width, depth, alpha, learning rate, batch size.

    Training is capped at 20 epochs of Adam to keep one evaluation near a second.
    """

    name = "mlp-digits"
    space = (
        ParamSpec("width", "int", 16, 256, log=True),
        ParamSpec("depth", "int", 1, 3),
        ParamSpec("alpha", "float", 1e-6, 1e-1, log=True),
        ParamSpec("learning_rate_init", "float", 1e-4, 1e-1, log=True),
        ParamSpec("batch_size", "int", 16, 256, log=True),
    )
    max_iter = 20

    def _load(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        from sklearn.datasets import load_digits

        x, y = load_digits(return_X_y=True)
        return x / 16.0, y  # pixel intensities 0..16 -> [0, 1]

    def _make_model(self, params: Mapping[str, Any]) -> Any:
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(
            hidden_layer_sizes=(int(params["width"]),) * int(params["depth"]),
            alpha=params["alpha"],
            learning_rate_init=params["learning_rate_init"],
            batch_size=int(params["batch_size"]),
            max_iter=self.max_iter,
            random_state=_MODEL_SEED,
        )


class RandomForestWineProblem(_CVProblem):
    """Random forest on wine: size, depth, leaf size, feature fraction, split criterion."""

    name = "random-forest-wine"
    space = (
        ParamSpec("n_estimators", "int", 10, 200, log=True),
        ParamSpec("max_depth", "int", 1, 12),
        ParamSpec("min_samples_leaf", "int", 1, 20, log=True),
        ParamSpec("max_features", "float", 0.05, 1.0),
        ParamSpec("criterion", "categorical", choices=("gini", "entropy")),
    )

    def _load(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        from sklearn.datasets import load_wine

        x, y = load_wine(return_X_y=True)
        return x, y

    def _make_model(self, params: Mapping[str, Any]) -> Any:
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(
            n_estimators=int(params["n_estimators"]),
            max_depth=int(params["max_depth"]),
            min_samples_leaf=int(params["min_samples_leaf"]),
            max_features=params["max_features"],
            criterion=params["criterion"],
            random_state=_MODEL_SEED,
            n_jobs=1,
        )


class HistGradientBoostingCancerProblem(_CVProblem):
    """Histogram gradient boosting on breast_cancer (no early stopping)."""

    name = "hist-gradient-boosting-breast-cancer"
    space = (
        ParamSpec("learning_rate", "float", 1e-3, 1.0, log=True),
        ParamSpec("max_iter", "int", 10, 200, log=True),
        ParamSpec("max_leaf_nodes", "int", 4, 64, log=True),
        ParamSpec("min_samples_leaf", "int", 2, 64, log=True),
        ParamSpec("l2_regularization", "float", 1e-6, 10.0, log=True),
    )

    def _load(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        from sklearn.datasets import load_breast_cancer

        x, y = load_breast_cancer(return_X_y=True)
        return x, y

    def _make_model(self, params: Mapping[str, Any]) -> Any:
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(
            learning_rate=params["learning_rate"],
            max_iter=int(params["max_iter"]),
            max_leaf_nodes=int(params["max_leaf_nodes"]),
            min_samples_leaf=int(params["min_samples_leaf"]),
            l2_regularization=params["l2_regularization"],
            early_stopping=False,
            random_state=_MODEL_SEED,
        )


class ElasticNetDiabetesProblem(_CVProblem):
    """Elastic net on diabetes: penalty strength (log) and L1 ratio; error is 1 - R^2."""

    name = "elastic-net-diabetes"
    space = (
        ParamSpec("alpha", "float", 1e-5, 10.0, log=True),
        ParamSpec("l1_ratio", "float", 0.0, 1.0),
    )
    value_label = "3-fold CV 1 - R^2"
    _is_classifier = False

    def _load(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        from sklearn.datasets import load_diabetes

        x, y = load_diabetes(return_X_y=True)
        return x, y

    def _make_model(self, params: Mapping[str, Any]) -> Any:
        from sklearn.linear_model import ElasticNet

        return ElasticNet(alpha=params["alpha"], l1_ratio=params["l1_ratio"], max_iter=5000)


def model_tuning_problems() -> list[Problem]:
    """The five scikit-learn problems of the public suite."""
    return [
        SVCCancerProblem(),
        MLPDigitsProblem(),
        RandomForestWineProblem(),
        HistGradientBoostingCancerProblem(),
        ElasticNetDiabetesProblem(),
    ]
