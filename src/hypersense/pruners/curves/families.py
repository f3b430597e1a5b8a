"""Parametric learning-curve families, each a grid of decreasing shapes.

Every family models a loss curve as ``y(x) = c + a * g(x; theta)`` with ``a >= 0``
and ``g`` decreasing in ``x``: monotone by construction. ``c`` and ``a`` enter
linearly and are fitted exactly for each ``theta``; the nonlinear ``theta``
runs over a fixed grid spread (log-uniformly) over shapes that make sense for
the horizon ``H`` (the resource the forecast is for). ``x`` is ``step + 1``,
so ``x >= 1``.

============ ===================================== ==========================
family       ``log g(x; theta)``                   grid
============ ===================================== ==========================
power        ``-alpha * log(x)``                   ``alpha`` in [0.05, 4]
exponential  ``-x / tau``                          ``tau`` in [0.25, 2H]
log_power    ``-log(1 + (x / s) ** p)``            ``s`` in [0.5, 2H], ``p`` in [0.3, 4]
weibull      ``-(x / s) ** d``                     ``s`` in [0.5, 2H], ``d`` in [0.25, 4]
inverse_log  ``-log(log(x + s))``                  ``s`` in [1.5, H]
============ ===================================== ==========================

``log_power`` is the Morgan-Mercer-Flodin / Hill curve, a power law that
flattens before ``s``; ``weibull`` is also the Janoschek curve
(``exp(-k * x**d)`` with ``k = s**-d``). ``inverse_log`` decays slower than any
power and stands for curves still improving at the horizon.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

__all__ = ["FAMILIES", "log_basis"]

FloatArray = NDArray[np.float64]

_N_1D = 20  # grid points of one-parameter families
_N_SCALE, _N_SHAPE = 10, 8  # grid of two-parameter families


@functools.lru_cache(maxsize=64)
def _grid(low: float, high: float, n: int) -> FloatArray:
    """``n`` log-spaced values from ``low`` to ``high`` as a column, shape ``(n, 1)``
    (cached: the same horizons come back at every decision of a study)."""
    out = np.geomspace(low, high, n)[:, None]
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=64)
def _scale_shape(
    horizon: float, low_shape: float, high_shape: float
) -> tuple[FloatArray, FloatArray]:
    """Every (scale, shape) pair of a two-parameter grid, two columns of shape ``(k, 1)``."""
    scale = np.geomspace(0.5, 2.0 * horizon, _N_SCALE)
    shape = np.geomspace(low_shape, high_shape, _N_SHAPE)
    s, p = np.meshgrid(scale, shape, indexing="ij")
    s, p = s.reshape(-1, 1), p.reshape(-1, 1)
    s.flags.writeable = p.flags.writeable = False
    return s, p


def _power(x: FloatArray, horizon: float) -> FloatArray:
    return np.asarray(-_grid(0.05, 4.0, _N_1D) * np.log(x)[None, :])


def _exponential(x: FloatArray, horizon: float) -> FloatArray:
    return np.asarray(-x[None, :] / _grid(0.25, 2.0 * horizon, _N_1D))


def _log_power(x: FloatArray, horizon: float) -> FloatArray:
    s, p = _scale_shape(horizon, 0.3, 4.0)
    return np.asarray(-np.log1p((x[None, :] / s) ** p))


def _weibull(x: FloatArray, horizon: float) -> FloatArray:
    s, d = _scale_shape(horizon, 0.25, 4.0)
    return np.asarray(-((x[None, :] / s) ** d))


def _inverse_log(x: FloatArray, horizon: float) -> FloatArray:
    shift = _grid(1.5, max(horizon, 2.0), _N_1D // 2)
    return np.asarray(-np.log(np.log(x[None, :] + shift)))


#: Name -> ``log g``: ``(x of shape (m,), horizon) -> shape (k, m)``, one row per grid point.
FAMILIES: dict[str, Callable[[FloatArray, float], FloatArray]] = {
    "power": _power,
    "exponential": _exponential,
    "log_power": _log_power,
    "weibull": _weibull,
    "inverse_log": _inverse_log,
}


def log_basis(name: str, x: FloatArray, horizon: float) -> FloatArray:
    """``log g`` of family ``name`` on every grid point and every ``x`` (shape
    ``(m,)``, all >= 1): shape ``(k, m)``, rows decreasing along ``x``."""
    return FAMILIES[name](np.asarray(x, dtype=float), float(horizon))
