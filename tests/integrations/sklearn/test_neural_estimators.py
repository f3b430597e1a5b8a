"""Neural-network estimators from skorch (PyTorch) and scikeras (Keras 3 on its torch
backend) tune and refit through HyperSearchCV like any scikit-learn estimator."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before Keras is imported: no TensorFlow

import keras
import numpy as np
import pytest
import torch
from scikeras.wrappers import KerasClassifier
from sklearn.datasets import load_digits
from skorch import NeuralNetClassifier

from hypersense.integrations import HyperSearchCV


def _digits(n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    x, y = load_digits(return_X_y=True)
    return (x[:n] / 16.0).astype("float32"), y[:n].astype("int64")


class _MLP(torch.nn.Module):
    def __init__(self, hidden: int = 32) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # type: ignore[no-any-return]


def _keras_mlp(hidden: int = 32) -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def test_a_skorch_network_is_tuned_and_refitted() -> None:
    x, y = _digits()
    torch.manual_seed(0)
    net = NeuralNetClassifier(
        _MLP,
        max_epochs=4,
        lr=0.1,
        criterion=torch.nn.CrossEntropyLoss,
        train_split=None,
        verbose=0,
    )
    search = HyperSearchCV(net, {"lr": [0.01, 0.3], "module__hidden": [8, 48]}, cv=2)
    search.fit(x, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_params_["lr"] == 0.3  # four epochs of SGD: the larger rate learns
    assert (
        search.best_estimator_.module_.net[0].out_features == search.best_params_["module__hidden"]
    )
    assert search.score(x, y) > 0.5


# Keras' torch backend hands NumPy tensors whose __array__ predates NumPy 2's copy keyword.
@pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy:DeprecationWarning"
)
def test_a_scikeras_network_is_tuned_and_refitted() -> None:
    x, y = _digits()
    keras.utils.set_random_seed(0)
    clf = KerasClassifier(
        model=_keras_mlp,
        loss="sparse_categorical_crossentropy",
        optimizer="adam",
        epochs=4,
        hidden=32,
        verbose=0,
    )
    search = HyperSearchCV(clf, {"hidden": [4, 64], "optimizer__learning_rate": [1e-4, 1e-2]}, cv=2)
    search.fit(x, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_params_["optimizer__learning_rate"] == pytest.approx(1e-2)
    assert keras.backend.backend() == "torch"
    assert search.score(x, y) > 0.5
