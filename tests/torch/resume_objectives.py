"""Objectives of the fit-resume tests (module level: worker processes import them).

The run trains :func:`tests.torch.helpers.mlp` (with dropout) on 96 examples in
batches of 32 (3 steps an epoch) for 6 epochs with AdamW, a plateau schedule
and early stopping, saving a checkpoint every 2 epochs: everything a resumed
run must restore to draw the same curve.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import torch

import hypersense as hs
from hypersense.torch import TrainingResult, fit
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


def reference() -> TrainingResult:
    """The uninterrupted run (no trial, no checkpoints)."""
    return train(None)[0]


def killed_in_epoch_4(trial: hs.Trial) -> float:
    """SIGKILLs its worker in the middle of epoch 4 (from 0) the first time it runs;
    its last checkpoint is the one after epoch 3."""
    marker = Path(os.environ["HS_TEST_TMP"]) / "killed"
    result, n_steps = train(trial, marker, stop_at=4 * STEPS_PER_EPOCH + 2)
    trial.set_user_attr("train_steps", n_steps)
    return result.best_value
