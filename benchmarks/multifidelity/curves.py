"""A family of synthetic learning curves with known final values.

A configuration is a learning rate ``lr`` in ``[1e-4, 1e-1]`` (log scale) and a
``width`` fraction in ``[0, 1]``. With ``u = (log10(lr) + 4) / 3`` in ``[0, 1]``
its validation loss after epoch ``e`` (0-based) is

    final(u, w) + (START - final(u, w)) * (e + 1) ** -rate(u) + noise

with ``final = 0.05 + 0.5 u^2 + 0.25 (w - 0.5)^2`` (the loss it converges to)
and ``rate = 0.6 + 2.4 u`` (how fast it gets there). Small learning rates
converge slowly to a low loss: they look bad after one or two epochs and win
at the end — the crossing curves that fool early stopping. The *true final
value* is the noiseless loss after the last epoch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "LR_RANGE",
    "NOISE_SD",
    "START",
    "curve",
    "lr_fraction",
    "noiseless",
    "true_final",
]

LR_RANGE = (1e-4, 1e-1)
START = 1.2
NOISE_SD = 0.01


def lr_fraction(lr: float) -> float:
    """``u``: where ``lr`` lies in :data:`LR_RANGE` on a log scale, in ``[0, 1]``."""
    low, high = (math.log10(b) for b in LR_RANGE)
    return (math.log10(lr) - low) / (high - low)


def noiseless(lr: float, width: float, n_epochs: int) -> NDArray[np.float64]:
    """The loss after each epoch ``0 .. n_epochs - 1`` without noise, shape ``(n_epochs,)``."""
    u = lr_fraction(lr)
    final = 0.05 + 0.5 * u**2 + 0.25 * (width - 0.5) ** 2
    rate = 0.6 + 2.4 * u
    epochs = np.arange(1, n_epochs + 1, dtype=float)
    return final + (START - final) * epochs**-rate


def true_final(lr: float, width: float, n_epochs: int) -> float:
    """The noiseless loss after the last of ``n_epochs`` epochs."""
    return float(noiseless(lr, width, n_epochs)[-1])


def curve(
    lr: float, width: float, n_epochs: int, noise_seed: int | Sequence[int]
) -> NDArray[np.float64]:
    """The observed losses, shape ``(n_epochs,)``: noiseless plus N(0, NOISE_SD²)
    noise drawn from ``noise_seed`` (so a configuration's curve is the same in
    every method of a run)."""
    rng = np.random.default_rng(noise_seed)
    return noiseless(lr, width, n_epochs) + rng.normal(0.0, NOISE_SD, n_epochs)
