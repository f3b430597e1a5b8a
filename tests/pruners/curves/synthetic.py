"""Synthetic learning curves with planted final values."""

from __future__ import annotations

import numpy as np

KINDS = ("power", "exponential", "weibull", "mmf", "two_phase")


def planted_curve(kind: str, rng: np.random.Generator, n_steps: int) -> np.ndarray:
    """A noisy decreasing curve of ``n_steps`` values, shape ``(n_steps,)``.

    "two_phase" (a fast then a slow exponential) is in none of the fitted families.
    """
    x = np.arange(1, n_steps + 1, dtype=float)
    floor, height = rng.uniform(0.0, 1.0), rng.uniform(0.5, 3.0)
    if kind == "power":
        shape = x ** -rng.uniform(0.2, 1.5)
    elif kind == "exponential":
        shape = np.exp(-(x - 1) / rng.uniform(2, n_steps))
    elif kind == "weibull":
        scale, d = rng.uniform(2, n_steps), rng.uniform(0.5, 2.0)
        shape = np.exp(-((x / scale) ** d) + (1 / scale) ** d)
    elif kind == "mmf":
        scale, p = rng.uniform(2, n_steps), rng.uniform(0.5, 3.0)
        shape = (1 + (1 / scale) ** p) / (1 + (x / scale) ** p)
    else:
        fast, slow, w = (
            rng.uniform(1, 5),
            rng.uniform(n_steps / 4, 2 * n_steps),
            rng.uniform(0.3, 0.7),
        )
        shape = w * np.exp(-(x - 1) / fast) + (1 - w) * np.exp(-(x - 1) / slow)
    noise = rng.uniform(0.005, 0.05) * height
    return np.asarray(floor + height * shape + rng.normal(0.0, noise, n_steps))


def crossing_pair(rng: np.random.Generator, n_steps: int) -> tuple[np.ndarray, np.ndarray, int]:
    """A fast learner with a high floor and a slow one with a low floor, and a step
    before which the slow one is worse and after which it ends better."""
    x = np.arange(1, n_steps + 1, dtype=float)
    fast = rng.uniform(0.5, 0.8) + rng.uniform(0.8, 1.2) * np.exp(-(x - 1) / rng.uniform(2, 5))
    slow_scale = rng.uniform(n_steps / 5, n_steps / 3)
    slow = rng.uniform(0.1, 0.3) + rng.uniform(1.5, 2.5) * np.exp(-(x - 1) / slow_scale)
    noise = rng.normal(0.0, 0.01, (2, n_steps))
    fast, slow = fast + noise[0], slow + noise[1]
    worse_until = int(np.argmax(slow < fast))  # first step where the slow one is ahead
    return fast, slow, worse_until
