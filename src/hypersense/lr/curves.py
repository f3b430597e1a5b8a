"""The numerical pieces of a range test: the LR ramp, the smoothed loss, divergence.

Pure functions on numpy arrays (no PyTorch), shared by the range test, the
suggestion rules and the report, so each formula exists once:

- :func:`lr_ramp`: ``num_steps`` rates from ``start_lr`` to ``end_lr``, evenly
  spaced on a log scale (``"exp"``) or a linear one (``"linear"``).
- :class:`LossSmoother` / :func:`smooth_losses`: the bias-corrected
  exponential moving average ``a_i = beta·a_{i-1} + (1-beta)·x_i``, divided by
  ``1 - beta^(i+1)`` so the first entries are not pulled towards 0. It is
  causal (the stop test needs it while the ramp runs) and so it lags: by about
  ``beta / (1 - beta)`` steps, 9 for the default 0.9 (fast.ai's and
  Lightning's 0.98 lag 49 steps: four decades of a 100-step ramp over eight).
- :func:`loss_trend`: the same average run forwards and then backwards, whose
  lags cancel: what the suggestion rules read once the ramp is over, so a
  suggestion is not pushed towards higher rates by the smoothing.
- :func:`has_diverged`: the smoothed loss exceeds ``diverge_factor`` times its
  running minimum (read as ``min + (factor - 1)·|min|``, which is the same for
  a positive minimum and stays meaningful for losses that can be negative).
- :func:`noise_scale`: a robust standard deviation of the step-to-step noise
  of raw losses, for telling a real drop from noise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "RAMP_MODES",
    "LossSmoother",
    "has_diverged",
    "loss_trend",
    "lr_ramp",
    "noise_scale",
    "smooth_losses",
]

#: How the rate grows from step to step.
RAMP_MODES = ("exp", "linear")


def lr_ramp(start_lr: float, end_lr: float, num_steps: int, mode: str) -> NDArray[np.float64]:
    """The learning rate of each step of a range test, shape ``(num_steps,)``.

    ``"exp"`` multiplies the rate by the same factor each step (even spacing
    of ``log lr``), ``"linear"`` adds the same amount. The first entry is
    ``start_lr`` and the last ``end_lr``.
    """
    if mode not in RAMP_MODES:
        raise ValueError(f"`mode` must be one of {list(RAMP_MODES)} (got {mode!r})")
    fraction = np.arange(num_steps, dtype=float) / max(num_steps - 1, 1)
    if mode == "exp":
        out: NDArray[np.float64] = start_lr * (end_lr / start_lr) ** fraction
    else:
        out = start_lr + (end_lr - start_lr) * fraction
    out[-1] = end_lr  # exact, whatever the rounding of the powers
    return out


class LossSmoother:
    """The bias-corrected exponential moving average of losses, one at a time.

    A non-finite loss leaves the average where it was (it still counts as a
    step for :func:`smooth_losses`' output, which repeats the average).

    Args:
        beta: Weight of the past, in [0, 1); 0 means no smoothing.
    """

    def __init__(self, *, beta: float) -> None:
        if not (isinstance(beta, (int, float)) and 0.0 <= beta < 1.0):
            raise ValueError(f"`beta` must be in [0, 1) (got {beta!r})")
        self._beta = float(beta)
        self._average = 0.0
        self._weight = 0.0

    def __repr__(self) -> str:
        return f"LossSmoother(beta={self._beta!r})"

    def update(self, loss: float) -> float:
        """Add ``loss``; return the smoothed value (NaN before any finite loss)."""
        if math.isfinite(loss):
            self._average = self._beta * self._average + (1.0 - self._beta) * loss
            self._weight = self._beta * self._weight + (1.0 - self._beta)
        return self._average / self._weight if self._weight > 0 else math.nan


def smooth_losses(losses: Sequence[float] | ArrayLike, beta: float = 0.9) -> NDArray[np.float64]:
    """The smoothed losses of :class:`LossSmoother`, shape ``(n,)`` like ``losses``."""
    smoother = LossSmoother(beta=beta)
    values = np.asarray(losses, dtype=float).ravel()
    return np.array([smoother.update(float(x)) for x in values], dtype=float)


def loss_trend(losses: Sequence[float] | ArrayLike, beta: float = 0.9) -> NDArray[np.float64]:
    """The losses smoothed without lag, shape ``(n,)`` like ``losses``.

    :func:`smooth_losses` forwards, then again over the result backwards: the
    two passes' delays cancel (the combined weights are symmetric around each
    step), and the bias correction keeps both ends unbiased.
    """
    forward = smooth_losses(losses, beta)
    return smooth_losses(forward[::-1], beta)[::-1].copy()


def has_diverged(smoothed: float, running_min: float, diverge_factor: float) -> bool:
    """Whether ``smoothed`` lies above ``diverge_factor`` times ``running_min``.

    A non-finite ``smoothed`` has diverged. The threshold is
    ``running_min + (diverge_factor - 1)·|running_min|``: ``diverge_factor x
    running_min`` for a positive minimum.
    """
    if not math.isfinite(smoothed):
        return True
    if not math.isfinite(running_min):
        return False
    return smoothed > running_min + (diverge_factor - 1.0) * abs(running_min)


def noise_scale(losses: ArrayLike) -> float:
    """A robust estimate of the standard deviation of one loss's noise.

    From successive differences (which cancel a slowly moving trend): the
    median absolute deviation of ``diff(losses)``, scaled by 1.4826 (normal
    consistency) and divided by √2 (a difference carries two noises).
    Non-finite entries are dropped; fewer than 3 finite losses give 0.

    Args:
        losses: Shape ``(n,)``, raw losses in step order.
    """
    values = np.asarray(losses, dtype=float).ravel()
    values = values[np.isfinite(values)]
    if values.size < 3:
        return 0.0
    steps = np.diff(values)
    mad = float(np.median(np.abs(steps - np.median(steps))))
    return 1.4826 * mad / math.sqrt(2.0)
