"""Test functions with closed-form Sobol indices, and studies of random trials on them.

Every function takes points of the unit cube (shape ``(n, d)``) and knows its
first-order indices ``S_j = V_j / V`` and total indices ``ST_j``. Formulas:
Ishigami & Homma (1990) with the variances of Sobol' & Levitan (1999); the
G-function of Saltelli & Sobol' (1995), ``V_j = 1 / (3 (1 + a_j)^2)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

import hypersense as hs
from hypersense.samplers import RandomSampler

Function = Callable[[NDArray[np.float64]], NDArray[np.float64]]


@dataclass(frozen=True)
class KnownFunction:
    """A test function on the unit cube with its analytic indices."""

    name: str
    dim: int
    evaluate: Function
    first_order: NDArray[np.float64]
    total: NDArray[np.float64]

    @property
    def normalised_first_order(self) -> NDArray[np.float64]:
        """First-order indices divided by their sum (the normalised bars)."""
        return self.first_order / self.first_order.sum()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f"x{j}" for j in range(self.dim))


def ishigami(a: float = 7.0, b: float = 0.1) -> KnownFunction:
    """``sin x1 + a sin^2 x2 + b x3^4 sin x1`` on ``[-pi, pi]^3``."""

    def f(u: NDArray[np.float64]) -> NDArray[np.float64]:
        x = -math.pi + 2.0 * math.pi * u
        return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])

    v1 = 0.5 * (1.0 + b * math.pi**4 / 5.0) ** 2
    v2 = a**2 / 8.0
    v13 = 8.0 * b**2 * math.pi**8 / 225.0
    v = v1 + v2 + v13
    return KnownFunction(
        "ishigami",
        3,
        f,
        np.array([v1, v2, 0.0]) / v,
        np.array([v1 + v13, v2, v13]) / v,
    )


def g_function_with_dummies(
    a: tuple[float, ...] = (0.0, 1.0, 4.5, 9.0, 99.0, 99.0), n_dummies: int = 4
) -> KnownFunction:
    """Sobol's G-function ``prod (|4 u - 2| + a_j) / (1 + a_j)`` plus inputs with no effect."""
    coef = np.array(a, dtype=float)

    def f(u: NDArray[np.float64]) -> NDArray[np.float64]:
        k = coef.shape[0]
        return np.prod((np.abs(4.0 * u[:, :k] - 2.0) + coef) / (1.0 + coef), axis=1)

    vj = 1.0 / (3.0 * (1.0 + coef) ** 2)
    v = float(np.prod(1.0 + vj) - 1.0)
    total = vj * np.prod(1.0 + vj) / (1.0 + vj) / v
    zeros = np.zeros(n_dummies)
    return KnownFunction(
        "g+dummies",
        coef.shape[0] + n_dummies,
        f,
        np.concatenate([vj / v, zeros]),
        np.concatenate([total, zeros]),
    )


def additive(weights: tuple[float, ...] = (3.0, 2.0, 1.0)) -> KnownFunction:
    """``sum w_j u_j^2``: no interactions, ``V_j = w_j^2 * 4 / 45``."""
    w = np.array(weights, dtype=float)

    def f(u: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray((u**2) @ w, dtype=float)

    vj = w**2 * (1.0 / 5.0 - 1.0 / 9.0)
    s = vj / vj.sum()
    return KnownFunction("additive", w.shape[0], f, s, s)


def pure_interaction() -> KnownFunction:
    """``(u1 - 1/2)(u2 - 1/2)`` plus an inert ``u3``: no main effects at all,
    total effects 1 for the pair."""

    def f(u: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray((u[:, 0] - 0.5) * (u[:, 1] - 0.5), dtype=float)

    return KnownFunction("interaction", 3, f, np.zeros(3), np.array([1.0, 1.0, 0.0]))


def random_study(function: KnownFunction, n_trials: int, seed: int) -> hs.Study:
    """A study of ``n_trials`` uniform random trials of ``function``."""
    study = hs.create_study(sampler=RandomSampler(seed=seed), heartbeat_interval_s=None)

    def objective(trial: hs.Trial) -> float:
        u = np.array([[trial.suggest_float(name, 0.0, 1.0) for name in function.names]])
        return float(function.evaluate(u)[0])

    study.optimize(objective, n_trials=n_trials)
    return study
