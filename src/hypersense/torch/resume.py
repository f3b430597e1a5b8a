"""Checkpoints of :func:`~hypersense.torch.fit`: a run saved every N epochs, then resumed.

With ``fit(..., checkpoint_every=N)`` and a trial, the whole state of the run
becomes the trial's checkpoint (``trial.save_checkpoint``) after every N-th
epoch that training goes on from: weights, optimiser, loss scaler, best
weights, early stopping, plateau schedule, the curves so far, the next epoch,
and the states of the random generators (Python's, NumPy's and torch's global
ones, CUDA's on a CUDA run, and the mini-batch order's).

A retried trial (``max_retries``) gets that state from ``trial.load_checkpoint()``
and :func:`fit` goes on from the next epoch: on the same device, data and
software, the rest of its curve is the one the uninterrupted run would have
drawn. The retry is a new trial whose record starts empty, so the restored
epochs' values are reported to it first (each step once; the pruner is asked
again only after the next trained epoch); a checkpoint the trial saved itself
is resumed without reporting again.

Only fit's own checkpoint of the same run is resumed: same recipe, same
horizon (``max_epochs``) and as many batches per epoch. Anything else in the
trial's checkpoint is a :class:`~hypersense.errors.CheckpointError`.
"""

from __future__ import annotations

import logging
import numbers
import random
from typing import Any

import numpy as np
import torch

from hypersense.errors import CheckpointError
from hypersense.torch.data import Batches
from hypersense.torch.recipe import TrainingRecipe
from hypersense.torch.run import TrainingRun, count_batches
from hypersense.trial.trial import Trial

__all__ = [
    "FIT_CHECKPOINT_FORMAT",
    "FitCheckpointer",
    "batch_generators",
    "check_checkpoint_every",
    "fit_checkpointer",
]

_log = logging.getLogger(__name__)

#: The ``format`` entry of a checkpoint saved by fit.
FIT_CHECKPOINT_FORMAT = "hypersense.torch.fit/1"


class FitCheckpointer:
    """Saves a run's state as its trial's checkpoint every ``every`` epochs, and
    resumes a run from the checkpoint its trial finds.

    Args:
        trial: The trial whose checkpoint it is (it must have a checkpoint store).
        every: Save after every ``every``-th epoch (epochs ``every - 1``,
            ``2 * every - 1``, ... from 0), >= 1.
        fingerprint: What identifies the run (recipe, horizon, batches per
            epoch): a checkpoint with another one is not resumed.
        cuda: Whether the run is on CUDA (its generators' states are saved too).

    Raises:
        CheckpointError: The trial has no checkpoint directory.
    """

    def __init__(
        self, trial: Trial, *, every: int, fingerprint: dict[str, Any], cuda: bool
    ) -> None:
        if trial.checkpoint_dir is None:
            raise CheckpointError(
                f"`checkpoint_every` needs a checkpoint directory, and trial {trial.number}'s "
                "study has none: give it one (create_study(..., checkpoint_dir=...); a SQLite "
                "study has one beside its file)"
            )
        self._trial = trial
        self._every = every
        self._fingerprint = fingerprint
        self._cuda = cuda

    def __repr__(self) -> str:
        return f"FitCheckpointer(trial={self._trial.number}, every={self._every})"

    def is_due(self, epoch: int) -> bool:
        """Whether to save after ``epoch`` (from 0)."""
        return (epoch + 1) % self._every == 0

    def save(self, run: TrainingRun, epoch: int) -> None:
        """Make the run's state after ``epoch`` the trial's checkpoint."""
        state = {
            "format": FIT_CHECKPOINT_FORMAT,
            "trial": self._trial.number,
            "fingerprint": self._fingerprint,
            "run": run.state_dict(),
            "rngs": _rng_states(batch_generators(run.batches), cuda=self._cuda),
        }
        self._trial.save_checkpoint(state)
        _log.debug("trial %d: checkpoint after epoch %d", self._trial.number, epoch)

    def resume(self, run: TrainingRun) -> None:
        """Put the run in the state of the trial's checkpoint, if it has one.

        Raises:
            CheckpointError: The checkpoint is not fit's, or of another run.
        """
        state = self._trial.load_checkpoint()
        if state is None:
            return
        self._check(state)
        run.load_state_dict(state["run"])
        _set_rng_states(state["rngs"], batch_generators(run.batches), cuda=self._cuda)
        _log.info(
            "trial %d resumes training at epoch %d from the checkpoint of trial %d",
            self._trial.number,
            run.next_epoch,
            state["trial"],
        )
        if state["trial"] != self._trial.number:
            curves = state["run"]["curves"]
            monitored = curves["val_metric"] or curves["val_loss"]
            for epoch, value in enumerate(monitored):
                self._trial.report(float(value), epoch)

    def _check(self, state: Any) -> None:
        if not isinstance(state, dict) or state.get("format") != FIT_CHECKPOINT_FORMAT:
            raise CheckpointError(
                f"trial {self._trial.number}'s checkpoint was not saved by "
                "hypersense.torch.fit, so `checkpoint_every` cannot resume from it; save your "
                "own checkpoints or let fit save them, not both"
            )
        saved = state["fingerprint"]
        differing = sorted(k for k in self._fingerprint if saved.get(k) != self._fingerprint[k])
        if differing:
            raise CheckpointError(
                f"trial {self._trial.number}'s checkpoint (saved by trial {state['trial']}) is "
                f"of another training run: its {', '.join(differing)} differ"
            )


def check_checkpoint_every(every: int | None, trial: Trial | None) -> None:
    """Refuse a ``checkpoint_every`` that is not None or an integer >= 1, or given
    without a trial."""
    if every is None:
        return
    if not isinstance(every, numbers.Integral) or isinstance(every, bool) or every < 1:
        raise ValueError(f"`checkpoint_every` must be None or an integer >= 1 (got {every!r})")
    if trial is None:
        raise ValueError(
            "`checkpoint_every` saves the trial's checkpoint: give `hparams` or `trial` a Trial"
        )


def fit_checkpointer(
    trial: Trial | None,
    every: int | None,
    *,
    recipe: TrainingRecipe,
    max_epochs: int,
    batches: Batches,
    device: torch.device,
) -> FitCheckpointer | None:
    """What saves and resumes a fit's checkpoints; None without ``every`` (checked
    by :func:`check_checkpoint_every`)."""
    if every is None or trial is None:
        return None
    fingerprint = {
        "recipe": recipe.to_dict(),
        "horizon_epochs": max_epochs,
        "steps_per_epoch": count_batches(batches),
    }
    return FitCheckpointer(
        trial, every=int(every), fingerprint=fingerprint, cuda=device.type == "cuda"
    )


def batch_generators(batches: Batches) -> list[torch.Generator]:
    """The generators that order ``batches``: a TensorBatches' own, a DataLoader's
    and its sampler's (each once); none when they draw from torch's global one."""
    found: list[torch.Generator] = []
    candidates = (
        getattr(batches, "generator", None),
        getattr(getattr(batches, "sampler", None), "generator", None),
        getattr(getattr(batches, "batch_sampler", None), "generator", None),
    )
    for candidate in candidates:
        if isinstance(candidate, torch.Generator) and all(candidate is not g for g in found):
            found.append(candidate)
    return found


def _rng_states(generators: list[torch.Generator], *, cuda: bool) -> dict[str, Any]:
    return {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.random.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if cuda else None,
        "batches": [g.get_state() for g in generators],
    }


def _set_rng_states(
    states: dict[str, Any], generators: list[torch.Generator], *, cuda: bool
) -> None:
    random.setstate(states["python"])
    np.random.set_state(states["numpy"])
    torch.random.set_rng_state(states["torch"])
    if cuda and states["cuda"] is not None:
        torch.cuda.set_rng_state_all(states["cuda"])
    if len(states["batches"]) != len(generators):
        raise CheckpointError(
            f"the checkpoint holds {len(states['batches'])} mini-batch generator states, "
            f"the training data has {len(generators)} generators"
        )
    for generator, saved in zip(generators, states["batches"], strict=True):
        generator.set_state(saved)
