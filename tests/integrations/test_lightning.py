"""LightningPruningCallback with a real ``lightning.Trainer`` on CPU: one process,
and two ranks under ``ddp_spawn`` (gloo)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import lightning.pytorch as pl
import pytest

import hypersense as hs
from hypersense.integrations.lightning import (
    LightningPruningCallback,
    MonitorNotFoundError,
    PyTorchLightningPruningCallback,
    UnsupportedStrategyError,
)
from hypersense.pruners import ThresholdPruner
from hypersense.samplers import GridSampler
from tests.integrations.lightning_module import DigitsClassifier, digits_loaders

N_EPOCHS = 4
# Lightning's advice for real runs (more loader workers, logging intervals) is noise
# for a model this small.
pytestmark = [
    pytest.mark.filterwarnings("ignore:.*does not have many workers:UserWarning"),
    pytest.mark.filterwarnings("ignore:.*log_every_n_steps:UserWarning"),
    pytest.mark.filterwarnings("ignore:.*isinstance.treespec, LeafSpec.:FutureWarning"),
]


def _trainer(callback: LightningPruningCallback, **options: Any) -> Any:
    return pl.Trainer(
        max_epochs=N_EPOCHS,
        accelerator="cpu",
        devices=1,
        callbacks=[callback],
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        **options,
    )


def _objective(trial: hs.Trial) -> float:
    """An Optuna-style Lightning objective: the callback is its only pruning code."""
    pl.seed_everything(0, verbose=False)
    model = DigitsClassifier(lr=trial.suggest_float("lr", 1e-3, 1e3, log=True))
    train, val = digits_loaders()
    trainer = _trainer(LightningPruningCallback(trial, monitor="val_loss"))
    trainer.fit(model, train, val)
    return float(trainer.callback_metrics["val_loss"])


def test_every_epoch_is_reported_and_a_diverging_run_is_pruned() -> None:
    study = hs.create_study(
        sampler=GridSampler({"lr": [0.5, 500.0]}, seed=0), pruner=ThresholdPruner(upper=20.0)
    )
    study.optimize(_objective, n_trials=2)
    good, diverging = sorted(study.trials, key=lambda t: t.params["lr"])
    assert good.state is hs.TrialState.COMPLETE
    assert sorted(good.intermediate_values) == list(range(N_EPOCHS))
    assert good.intermediate_values[N_EPOCHS - 1] == pytest.approx(good.value)
    # A rate of 500 throws the loss past the threshold at once: PRUNED after epoch 0.
    assert diverging.state is hs.TrialState.PRUNED
    assert list(diverging.intermediate_values) == [0]
    first = diverging.intermediate_values[0]
    assert math.isnan(first) or first > 20.0


def test_a_pruned_fit_ends_normally_then_raises_trial_pruned() -> None:
    trial = hs.create_study(pruner=ThresholdPruner(upper=20.0)).ask()
    callback = PyTorchLightningPruningCallback(trial, monitor="val_loss")  # Optuna's name
    trainer = _trainer(callback)
    train, val = digits_loaders()
    with pytest.raises(hs.TrialPruned, match=r"pruned after epoch 0 \(val_loss = "):
        trainer.fit(DigitsClassifier(lr=500.0), train, val)
    assert trainer.should_stop and trainer.current_epoch == 1  # stopped after epoch 0
    assert callback.pruned
    callback_again = LightningPruningCallback(trial, monitor="val_acc")
    assert not callback_again.pruned
    callback_again.check_pruned()  # nothing to raise


def test_a_monitor_never_logged_names_the_logged_metrics() -> None:
    trial = hs.create_study().ask()
    train, val = digits_loaders()
    with pytest.raises(MonitorNotFoundError, match=r"'val_accuracy' is not in .*'val_acc'"):
        _trainer(LightningPruningCallback(trial, monitor="val_accuracy")).fit(
            DigitsClassifier(lr=0.5), train, val
        )


def test_ranks_started_by_re_running_the_script_are_refused() -> None:
    trial = hs.create_study().ask()
    callback = LightningPruningCallback(trial, monitor="val_loss")
    trainer = pl.Trainer(
        accelerator="cpu",
        devices=2,
        strategy="ddp",
        callbacks=[callback],
        logger=False,
        enable_progress_bar=False,
    )
    # Lightning's "ddp" re-launches the script for rank 1; the check runs before
    # any rank trains, in this process, before a second process is started.
    with pytest.raises(UnsupportedStrategyError, match="ddp_spawn"):
        callback._check_strategy(trainer)


@pytest.mark.slow
def test_two_ranks_under_ddp_spawn_report_each_epoch_and_prune_together(tmp_path: Path) -> None:
    # One spawned run (starting two rank processes costs seconds): epoch 0 is
    # reported and kept (warm-up), epoch 1 is reported and pruned, epoch 2 never runs.
    # A SQLite file: the relay's thread writes the reports while fit blocks this one.
    study = hs.create_study(
        storage=f"sqlite:///{tmp_path / 'ddp.db'}",
        pruner=ThresholdPruner(lower=0.99, n_warmup_steps=1),
    )
    study.enqueue_trial({"lr": 0.5})
    trial = study.ask()
    model = DigitsClassifier(lr=trial.suggest_float("lr", 1e-3, 1e3, log=True))
    callback = LightningPruningCallback(trial, monitor="val_acc")
    train, val = digits_loaders()
    trainer = pl.Trainer(
        max_epochs=3,
        accelerator="cpu",
        devices=2,
        strategy="ddp_spawn",
        callbacks=[callback],
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    trainer.fit(model, train, val)  # returns: the ranks cannot raise into this process
    assert callback.pruned
    with pytest.raises(hs.TrialPruned, match=r"pruned after epoch 1 \(val_acc = 0\."):
        callback.check_pruned()
    study.tell(trial, state=hs.TrialState.PRUNED)
    (frozen,) = study.trials
    assert sorted(frozen.intermediate_values) == [0, 1]  # rank 0 reported, once per epoch
    assert 0.0 < frozen.intermediate_values[1] < 0.99
