"""Objectives of the fit-resume tests (module level: worker processes and Dask
workers import them), and the checks of their known answer.

The run trains :func:`tests.torch.helpers.mlp` (with dropout) on 96 examples in
batches of 32 (3 steps an epoch) for 6 epochs with AdamW, a plateau schedule
and early stopping, saving a checkpoint every 2 epochs: everything a resumed
run must restore to draw the same curve.
"""

from __future__ import annotations

import functools
import os
import signal
from pathlib import Path

import pytest
import torch

import hypersense as hs
from hypersense.torch import TrainingAttr, TrainingResult, fit
from hypersense.trial.frozen import SystemAttr
from tests.torch.helpers import blobs, mlp

X, Y = blobs(96, seed=3)
X_VAL, Y_VAL = blobs(48, seed=4)
RECIPE = {
    "optimizer": "adamw",
    "lr": 0.02,
    "batch_size": 32,
    "schedule": "plateau",
    "plateau_patience": 0,
    "plateau_threshold": 0.2,
    "plateau_factor": 0.5,
}
MAX_EPOCHS = 6
SEED = 7
STEPS_PER_EPOCH = 3


class StopsOnce(torch.nn.Module):
    """The MLP, which stops its process at training step ``stop_at`` (from 1) unless
    the file ``marker`` exists (it creates it first), by SIGKILL or Ctrl-C.

    Args:
        marker: The once-only marker file; None never stops.
        stop_at: The training forward pass (from 1) to stop at.
        how: ``"sigkill"`` or ``"interrupt"`` (raise KeyboardInterrupt).
    """

    def __init__(self, marker: Path | None, stop_at: int, how: str = "sigkill") -> None:
        super().__init__()
        self.net = mlp()
        self.marker, self.stop_at, self.how = marker, stop_at, how
        self.train_forwards = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            self.train_forwards += 1
            if (
                self.marker is not None
                and self.train_forwards == self.stop_at
                and not self.marker.exists()
            ):
                self.marker.touch()
                if self.how == "sigkill":
                    os.kill(os.getpid(), signal.SIGKILL)
                raise KeyboardInterrupt
        out: torch.Tensor = self.net(x)
        return out


def train(
    trial: hs.Trial | None,
    marker: Path | None = None,
    *,
    stop_at: int = 0,
    how: str = "sigkill",
    checkpoint_every: int | None = 2,
) -> tuple[TrainingResult, int]:
    """The run, with or without a trial; the result and the training steps it took."""
    built: list[StopsOnce] = []

    def make_model() -> StopsOnce:  # built by fit, under its seed
        built.append(StopsOnce(marker, stop_at, how))
        return built[-1]

    result = fit(
        make_model,
        train=(X, Y),
        val=(X_VAL, Y_VAL),
        loss=torch.nn.functional.cross_entropy,
        hparams=RECIPE,
        trial=trial,
        max_epochs=MAX_EPOCHS,
        patience=4,
        seed=SEED,
        n_threads=1,
        checkpoint_every=checkpoint_every if trial is not None else None,
    )
    return result, built[0].train_forwards


@functools.cache
def reference() -> TrainingResult:
    """The uninterrupted run (no trial, no checkpoints)."""
    return train(None)[0]


def kill_marker(checkpoint_dir: str | Path) -> Path:
    """The once-only marker of :func:`killed_in_epoch_4`: in the study's checkpoint
    directory (``checkpoint_dir`` is a trial's), which every attempt reaches."""
    return Path(checkpoint_dir).parent / "killed-once"


def killed_in_epoch_4(trial: hs.Trial) -> float:
    """SIGKILLs its worker (process or Dask worker) in the middle of epoch 4 (from 0)
    the first time it runs; its last checkpoint is the one after epoch 3."""
    assert trial.checkpoint_dir is not None
    marker = kill_marker(trial.checkpoint_dir)
    result, n_steps = train(trial, marker, stop_at=4 * STEPS_PER_EPOCH + 2)
    trial.set_user_attr("train_steps", n_steps)
    return result.best_value


def assert_curves_match(trial: hs.FrozenTrial) -> None:
    """The trial's stored curves and reports are the uninterrupted run's."""
    attrs = trial.user_attrs
    for key, expected in [
        (TrainingAttr.TRAIN_LOSS, reference().train_loss),
        (TrainingAttr.VAL_LOSS, reference().val_loss),
        (TrainingAttr.LR, reference().lr),
    ]:
        assert attrs[key] == pytest.approx(list(expected), rel=1e-6, abs=1e-9), key
    assert trial.value == pytest.approx(reference().best_value, rel=1e-6)
    assert attrs[TrainingAttr.BEST_EPOCH] == reference().best_epoch
    expected_reports = dict(enumerate(reference().val_loss))
    assert trial.intermediate_values == pytest.approx(expected_reports, rel=1e-6)


def assert_resumed_after_the_kill(study: hs.Study) -> None:
    """The study ran :func:`killed_in_epoch_4`: its first attempt was killed in
    epoch 4 and the retry resumed after epoch 3 with the uninterrupted curve."""
    store = study.checkpoint_store
    assert store is not None and kill_marker(store.trial_dir(0)).exists()  # it was killed
    lost, retry = study.trials
    assert lost.fail_kind is hs.FailKind.WORKER_LOST
    # The lost attempt reported epochs 0-3 and died in epoch 4.
    assert sorted(lost.intermediate_values) == [0, 1, 2, 3]
    assert retry.state is hs.TrialState.COMPLETE
    assert retry.system_attrs[SystemAttr.RESUMED_FROM]["trial"] == lost.number
    # It resumed after epoch 3 (the last checkpoint), not at 0: two epochs of 3 steps.
    assert retry.user_attrs[TrainingAttr.RESUMED_EPOCH] == 4
    assert retry.user_attrs["train_steps"] == 2 * STEPS_PER_EPOCH
    assert_curves_match(retry)
