"""Five more model-tuning problems on bundled data, for the broad suite.

Like :mod:`benchmarks.problems.model_tuning`: deterministic black boxes (fixed
split, fixed model seed), cheap enough to evaluate hundreds of times (small or
subsampled data, few folds, few epochs). Together with the five there, the
spaces mix log-scaled floats, integers (some log-scaled) and categoricals.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from benchmarks.problems.base import ParamSpec
from benchmarks.problems.model_tuning import _MODEL_SEED, _CVProblem, _scaled

__all__ = [
    "AdaBoostCancerProblem",
    "ExtraTreesDigitsProblem",
    "KernelRidgeDiabetesProblem",
    "LogisticElasticNetCancerProblem",
    "TorchMLPDigitsProblem",
]

#: Rows of digits kept for the tree ensembles (a fixed stratified subsample).
_DIGITS_ROWS = 600


def _digits(rows: int | None = None) -> tuple[NDArray[np.float64], NDArray[Any]]:
    """Digits scaled to [0, 1]; with ``rows``, a fixed stratified subsample of that size."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = x / 16.0
    if rows is not None:
        x, _, y, _ = train_test_split(x, y, train_size=rows, stratify=y, random_state=0)
    return x, y


def _breast_cancer() -> tuple[NDArray[np.float64], NDArray[Any]]:
    from sklearn.datasets import load_breast_cancer

    x, y = load_breast_cancer(return_X_y=True)
    return x, y


class LogisticElasticNetCancerProblem(_CVProblem):
    """Logistic regression with an elastic-net penalty (saga) on breast_cancer."""

    name = "logistic-elastic-net-breast-cancer"
    space = (
        ParamSpec("C", "float", 1e-4, 1e2, log=True),
        ParamSpec("l1_ratio", "float", 0.0, 1.0),
        ParamSpec("class_weight", "categorical", choices=("none", "balanced")),
        ParamSpec("max_iter", "int", 5, 200, log=True),
    )

    def _load(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        return _breast_cancer()

    def _make_model(self, params: Mapping[str, Any]) -> Any:
        from sklearn.linear_model import LogisticRegression

        weight = None if params["class_weight"] == "none" else "balanced"
        return _scaled(
            LogisticRegression(
                C=params["C"],
                l1_ratio=params["l1_ratio"],
                solver="saga",
                class_weight=weight,
                max_iter=int(params["max_iter"]),
                random_state=_MODEL_SEED,
            )
        )


class ExtraTreesDigitsProblem(_CVProblem):
    """Extra-trees on a 600-row subsample of digits: six parameters, two categorical."""

    name = "extra-trees-digits"
    space = (
        ParamSpec("n_estimators", "int", 5, 100, log=True),
        ParamSpec("max_depth", "int", 2, 20),
        ParamSpec("min_samples_split", "int", 2, 32, log=True),
        ParamSpec("max_features", "float", 0.02, 1.0, log=True),
        ParamSpec("bootstrap", "categorical", choices=("no", "yes")),
        ParamSpec("criterion", "categorical", choices=("gini", "entropy")),
    )

    def _load(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        return _digits(_DIGITS_ROWS)

    def _make_model(self, params: Mapping[str, Any]) -> Any:
        from sklearn.ensemble import ExtraTreesClassifier

        return ExtraTreesClassifier(
            n_estimators=int(params["n_estimators"]),
            max_depth=int(params["max_depth"]),
            min_samples_split=int(params["min_samples_split"]),
            max_features=params["max_features"],
            bootstrap=params["bootstrap"] == "yes",
            criterion=params["criterion"],
            random_state=_MODEL_SEED,
            n_jobs=1,
        )


class AdaBoostCancerProblem(_CVProblem):
    """AdaBoost of shallow trees on breast_cancer: rounds, learning rate, tree depth."""

    name = "adaboost-breast-cancer"
    space = (
        ParamSpec("n_estimators", "int", 5, 100, log=True),
        ParamSpec("learning_rate", "float", 1e-3, 3.0, log=True),
        ParamSpec("max_depth", "int", 1, 4),
    )

    def _load(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        return _breast_cancer()

    def _make_model(self, params: Mapping[str, Any]) -> Any:
        from sklearn.ensemble import AdaBoostClassifier
        from sklearn.tree import DecisionTreeClassifier

        return AdaBoostClassifier(
            estimator=DecisionTreeClassifier(max_depth=int(params["max_depth"])),
            n_estimators=int(params["n_estimators"]),
            learning_rate=params["learning_rate"],
            random_state=_MODEL_SEED,
        )


class KernelRidgeDiabetesProblem(_CVProblem):
    """Kernel ridge on diabetes (features and target standardised); error is 1 - R^2.

    ``degree`` matters only for the polynomial kernel and ``gamma`` not for the
    linear one: a conditional structure written as a flat space, as users do.
    """

    name = "kernel-ridge-diabetes"
    space = (
        ParamSpec("alpha", "float", 1e-4, 1e2, log=True),
        ParamSpec("kernel", "categorical", choices=("rbf", "laplacian", "polynomial", "linear")),
        ParamSpec("gamma", "float", 1e-4, 1.0, log=True),
        ParamSpec("degree", "int", 1, 4),
    )
    value_label = "3-fold CV 1 - R^2"
    _is_classifier = False

    def _load(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        from sklearn.datasets import load_diabetes

        x, y = load_diabetes(return_X_y=True)
        return x, y

    def _make_model(self, params: Mapping[str, Any]) -> Any:
        from sklearn.compose import TransformedTargetRegressor
        from sklearn.kernel_ridge import KernelRidge
        from sklearn.preprocessing import StandardScaler

        ridge = KernelRidge(
            alpha=params["alpha"],
            kernel=params["kernel"],
            gamma=params["gamma"],
            degree=int(params["degree"]),
        )
        return TransformedTargetRegressor(regressor=_scaled(ridge), transformer=StandardScaler())


def _error_rate(outputs: Any, targets: Any) -> Any:
    return (outputs.argmax(dim=1) != targets).float().mean()


class TorchMLPDigitsProblem(_CVProblem):
    """A PyTorch MLP on digits trained by ``hypersense.torch.fit``: architecture and recipe.

    One fixed hold-out split (the first of the three folds), 8 epochs on one
    thread, seed 0; the value is the best validation error over the epochs.
    """

    name = "torch-mlp-digits"
    space = (
        ParamSpec("width", "int", 16, 256, log=True),
        ParamSpec("depth", "int", 1, 3),
        ParamSpec("dropout", "float", 0.0, 0.5),
        ParamSpec("optimizer", "categorical", choices=("adam", "sgd", "rmsprop")),
        ParamSpec("lr", "float", 1e-4, 1.0, log=True),
        ParamSpec("weight_decay", "float", 1e-6, 1e-1, log=True),
        ParamSpec("batch_size", "int", 16, 256, log=True),
    )
    value_label = "hold-out error"
    max_epochs = 8

    def _load(self) -> tuple[NDArray[np.float64], NDArray[Any]]:
        return _digits()

    def evaluate(self, params: Mapping[str, Any]) -> float:
        import torch

        from hypersense.torch import fit

        x, y, folds = self.data()
        train, val = folds[0]
        xt = torch.tensor(x, dtype=torch.float32)
        yt = torch.tensor(y, dtype=torch.long)
        width, depth, dropout = int(params["width"]), int(params["depth"]), params["dropout"]

        def make_model() -> torch.nn.Module:
            layers: list[torch.nn.Module] = []
            inputs = xt.shape[1]
            for _ in range(depth):
                layers += [torch.nn.Linear(inputs, width), torch.nn.ReLU()]
                layers.append(torch.nn.Dropout(dropout))
                inputs = width
            layers.append(torch.nn.Linear(inputs, 10))
            return torch.nn.Sequential(*layers)

        recipe = {
            "optimizer": params["optimizer"],
            "lr": params["lr"],
            "weight_decay": params["weight_decay"],
            "batch_size": int(params["batch_size"]),
        }
        if params["optimizer"] == "sgd":
            recipe["momentum"] = 0.9
        result = fit(
            make_model,
            train=(xt[train], yt[train]),
            val=(xt[val], yt[val]),
            loss=torch.nn.functional.cross_entropy,
            hparams=recipe,
            metric=_error_rate,
            direction="minimize",
            max_epochs=self.max_epochs,
            seed=_MODEL_SEED,
            n_threads=1,
        )
        value = result.best_value
        return 1.0 if value is None or not np.isfinite(value) else float(value)
