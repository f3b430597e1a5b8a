"""KerasPruningCallback with real Keras 3 fits (torch backend) on scikit-learn's digits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.datasets import load_digits

import hypersense as hs
from hypersense.integrations.keras import KerasPruningCallback, MonitorNotFoundError
from hypersense.integrations.keras._backend import import_keras
from hypersense.pruners import ThresholdPruner
from hypersense.samplers import GridSampler

keras = import_keras()  # on the torch backend unless KERAS_BACKEND says otherwise

N_EPOCHS = 4


def _digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return x[:400], y[:400], x[400:600], y[400:600]


X, Y, X_VAL, Y_VAL = _digits()


def _model(lr: float) -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((64,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(10)]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=lr),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def _objective(trial: hs.Trial) -> float:
    """An Optuna-style Keras objective: the callback is its only pruning code."""
    model = _model(trial.suggest_float("lr", 1e-3, 100.0, log=True))
    history = model.fit(
        X,
        Y,
        validation_data=(X_VAL, Y_VAL),
        epochs=N_EPOCHS,
        batch_size=64,
        verbose=0,
        callbacks=[KerasPruningCallback(trial, monitor="val_loss")],
    )
    curve = [float(v) for v in history.history["val_loss"]]  # 0-d tensors on torch
    trial.set_user_attr("val_loss", curve)
    return curve[-1]


def test_every_epoch_is_reported_and_a_diverging_run_is_pruned() -> None:
    study = hs.create_study(
        sampler=GridSampler({"lr": [0.1, 60.0]}, seed=0),
        pruner=ThresholdPruner(upper=10.0),
    )
    study.optimize(_objective, n_trials=2)
    good, diverging = sorted(study.trials, key=lambda t: t.params["lr"])
    # The sane run trains every epoch, each epoch's val_loss reported at its index.
    assert good.state is hs.TrialState.COMPLETE
    curve = good.user_attrs["val_loss"]
    assert len(curve) == N_EPOCHS
    assert dict(good.intermediate_values) == pytest.approx(dict(enumerate(curve)))
    # A rate of 60 blows the loss past the threshold in the first epoch: the trial
    # ends PRUNED (model.fit raised TrialPruned) after one report, not four.
    assert diverging.state is hs.TrialState.PRUNED
    assert list(diverging.intermediate_values) == [0]
    first = diverging.intermediate_values[0]
    assert math.isnan(first) or first > 10.0


def test_a_pruned_fit_stops_the_keras_way_and_raises_trial_pruned() -> None:
    study = hs.create_study(pruner=ThresholdPruner(upper=10.0))
    trial = study.ask()
    callback = KerasPruningCallback(trial, "val_loss")
    ends: list[str] = []
    recorder = keras.callbacks.LambdaCallback(on_train_end=lambda logs: ends.append("end"))
    model = _model(60.0)
    with pytest.raises(hs.TrialPruned, match=r"pruned after epoch 0 \(val_loss = "):
        model.fit(
            X,
            Y,
            validation_data=(X_VAL, Y_VAL),
            epochs=N_EPOCHS,
            verbose=0,
            callbacks=[recorder, callback],
        )
    assert model.stop_training is True
    assert ends == ["end"]  # a callback listed before it still saw the end of training
    assert callback.pruned and callback.pruned_epoch == 0


def test_only_validated_epochs_are_reported_with_validation_freq() -> None:
    study = hs.create_study()
    trial = study.ask()
    _model(0.1).fit(
        X,
        Y,
        validation_data=(X_VAL, Y_VAL),
        validation_freq=2,
        epochs=N_EPOCHS,
        verbose=0,
        callbacks=[KerasPruningCallback(trial, "val_accuracy")],
    )
    study.tell(trial, 0.0)
    assert sorted(study.trials[0].intermediate_values) == [1, 3]


def test_an_interval_reports_every_nth_epoch_as_optunas_callback() -> None:
    study = hs.create_study()
    trial = study.ask()
    _model(0.1).fit(
        X,
        Y,
        validation_data=(X_VAL, Y_VAL),
        epochs=N_EPOCHS + 1,
        verbose=0,
        callbacks=[KerasPruningCallback(trial, "val_loss", interval=2)],
    )
    study.tell(trial, 0.0)
    assert sorted(study.trials[0].intermediate_values) == [1, 3]


def test_a_monitor_keras_does_not_log_names_the_logged_metrics() -> None:
    trial = hs.create_study().ask()
    with pytest.raises(MonitorNotFoundError, match=r"'val_acc' is not in .*'val_accuracy'"):
        _model(0.1).fit(
            X,
            Y,
            validation_data=(X_VAL, Y_VAL),
            epochs=1,
            verbose=0,
            callbacks=[KerasPruningCallback(trial, "val_acc")],
        )


def test_a_validation_monitor_without_validation_data_is_an_error() -> None:
    trial = hs.create_study().ask()
    with pytest.raises(MonitorNotFoundError, match="none of the 1 epoch"):
        _model(0.1).fit(
            X, Y, epochs=1, verbose=0, callbacks=[KerasPruningCallback(trial, "val_loss")]
        )


def test_bad_arguments_name_the_culprit() -> None:
    trial = hs.create_study().ask()
    with pytest.raises(TypeError, match=r"needs the hypersense Trial.*got builtins.str"):
        KerasPruningCallback("trial", "val_loss")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-empty"):
        KerasPruningCallback(trial, "")
    with pytest.raises(ValueError, match=r"`interval` must be an integer >= 1 \(got 0\)"):
        KerasPruningCallback(trial, "loss", interval=0)
    assert repr(KerasPruningCallback(trial)).endswith("monitor='val_loss', interval=1)")
