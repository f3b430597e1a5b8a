"""What the methods tune: a search space and a way to train one configuration
epoch by epoch, reporting its validation error after each epoch.

:class:`Problem` is the contract; :class:`SyntheticCurves` replays the
synthetic learning curves of :mod:`benchmarks.multifidelity.curves`, and
:mod:`benchmarks.multifidelity.real_tasks` trains the built-in PyTorch tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from benchmarks.multifidelity.curves import LR_RANGE, curve, true_final
from benchmarks.multifidelity.records import TrialRecord
from hypersense.space.base import Distribution
from hypersense.space.numeric import FloatDistribution

__all__ = ["SIGNALS", "EpochCallback", "Problem", "SyntheticCurves", "noise_seed"]

#: ``on_epoch(epoch, signal)`` -> whether to stop training now; the signal is
#: the validation error (a real task may report its validation loss instead).
EpochCallback = Callable[[int, float], bool]
#: The per-epoch signals a real task can report (the first is the default);
#: the trial's final value is its validation error either way.
SIGNALS = ("error", "loss")


class Problem(Protocol):
    """A tuning problem whose resource is the epoch (lower error is better).

    ``train`` trains ``params`` under ``seed`` (the same configuration and seed
    give the same curve in every method), calls ``on_epoch`` after each epoch
    and stops as soon as it returns True; the record says how many epochs ran
    and, when all ``n_epochs`` did, the final error.
    """

    n_epochs: int

    def space(self) -> dict[str, Distribution]: ...

    def train(
        self, params: Mapping[str, Any], seed: int, on_epoch: EpochCallback
    ) -> TrialRecord: ...


def noise_seed(seed: int, lr: float, width: float) -> list[int]:
    """Noise of a synthetic configuration: the same in every method of a seed."""
    return [seed, int(lr * 1e15) % 2**32, int(width * 1e15) % 2**32]


class SyntheticCurves:
    """The synthetic crossing curves: ``lr`` (log) and ``width``, known final values."""

    def __init__(self, n_epochs: int) -> None:
        self.n_epochs = n_epochs

    def space(self) -> dict[str, Distribution]:
        return {"lr": FloatDistribution(*LR_RANGE, log=True), "width": FloatDistribution(0.0, 1.0)}

    def train(self, params: Mapping[str, Any], seed: int, on_epoch: EpochCallback) -> TrialRecord:
        lr, width = float(params["lr"]), float(params["width"])
        losses = curve(lr, width, self.n_epochs, noise_seed(seed, lr, width))
        final = true_final(lr, width, self.n_epochs)
        for epoch, loss in enumerate(losses):
            if on_epoch(epoch, float(loss)):
                return TrialRecord(epoch + 1, False, None, final)
        return TrialRecord(self.n_epochs, True, float(losses[-1]), final)
