"""The contract every importance surrogate keeps.

A surrogate is a regression model of the objective over the encoded unit cube
that importance is computed on. Lifecycle, driven by an importance evaluator:

1. ``Surrogate.fit(x, y, categorical, rng)`` fits the model to one scope's
   trials and returns a :class:`FittedSurrogate`.
2. The evaluator scores candidates by K-fold cross-validated R²
   (:mod:`.selection`), calling ``fitted.refit(x_fold, y_fold, rng)``, which
   fits the same kind of model to other rows (warm-started where that helps).
3. ``fitted.draws(n_draws, rng)`` returns :class:`FunctionDraws`: draw 0 is the
   point estimate, draws 1..n are plausible alternatives that carry the
   surrogate's uncertainty (bootstrap refits on resampled trials for a forest,
   posterior functions for a Gaussian process). Every importance and its
   interval is computed from these draws alike.
4. Importance methods read draws through ``predict`` (Sobol, permutation) or
   through ``expansions`` (exact variance decomposition, fANOVA).

Surrogates never see a study, only arrays.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.quadrature import Quadrature

__all__ = ["FittedSurrogate", "FunctionDraws", "SeparableExpansion", "Surrogate"]


class SeparableExpansion(ABC):
    """Functions written as sums of products of one-dimensional factors.

    Row ``r`` is the function

        f_r(x) = offset + sum_t weights[r, t] * prod_j phi_tj(x_j)

    over T terms shared by all rows. A Gaussian process's posterior functions
    (kernel bumps) and a regression tree (indicators of leaf boxes) both have
    this form, and every integral the variance decomposition needs factorises
    into one-dimensional integrals of the factors, which the expansion gives
    under each column's measure (its :class:`Quadrature`).

    Attributes:
        offset: Constant added to every row.
        weights: Shape ``(R, T)``.
        draws: Shape ``(R,)``: the draw each row belongs to. A draw made of
            several rows (the trees of a forest) is their average.
    """

    def __init__(
        self, offset: float, weights: NDArray[np.float64], draws: NDArray[np.int64]
    ) -> None:
        self.offset = float(offset)
        self.weights = weights
        self.draws = draws

    @abstractmethod
    def column_means(self) -> list[NDArray[np.float64]]:
        """Per column, ``integral phi_tj`` under the column's measure; shape ``(T,)`` each."""

    @abstractmethod
    def column_grams(self) -> list[NDArray[np.float64]]:
        """Per column, ``integral phi_tj phi_t'j``; shape ``(T, T)`` each."""

    @abstractmethod
    def column_values(self, column: int, points: NDArray[np.float64]) -> NDArray[np.float64]:
        """``phi_tj`` of column ``j`` at encoded ``points`` (shape ``(G,)``); shape ``(T, G)``."""


class FunctionDraws(ABC):
    """Draws of the surrogate function; draw 0 is the point estimate."""

    @property
    @abstractmethod
    def n_draws(self) -> int:
        """Number of draws, the point estimate included."""

    @abstractmethod
    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Every draw at ``x`` (shape ``(m, d)``); shape ``(n_draws, m)``."""

    @abstractmethod
    def expansions(self, quadratures: Sequence[Quadrature]) -> Iterator[SeparableExpansion]:
        """The draws as separable expansions integrating under ``quadratures``
        (one rule per column; a continuous column's rule stands for the uniform
        measure on [0, 1], which an expansion may integrate exactly instead).
        Each draw's rows are spread over the yielded expansions; a draw is the
        average of its rows."""


class FittedSurrogate(ABC):
    """A surrogate fitted to one set of trials."""

    @abstractmethod
    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Point prediction at ``x`` (shape ``(m, d)``); shape ``(m,)``."""

    @abstractmethod
    def refit(
        self, x: NDArray[np.float64], y: NDArray[np.float64], rng: np.random.Generator
    ) -> FittedSurrogate:
        """The same kind of model fitted to other rows (a fold, a resample)."""

    @abstractmethod
    def draws(self, n_draws: int, rng: np.random.Generator) -> FunctionDraws:
        """The point estimate and ``n_draws`` draws that carry the uncertainty."""

    @property
    @abstractmethod
    def interval_kind(self) -> str:
        """How draws are made: ``"bootstrap"`` or ``"gp-posterior"``."""


class Surrogate(ABC):
    """A configured, unfitted surrogate; its options are keyword-only."""

    #: Short name reported in results (``"gp"``, ``"rf"``).
    name: ClassVar[str]

    @abstractmethod
    def fit(
        self,
        x: NDArray[np.float64],
        y: NDArray[np.float64],
        categorical: NDArray[np.bool_],
        rng: np.random.Generator,
    ) -> FittedSurrogate:
        """Fit to encoded inputs ``x`` (shape ``(n, d)``) and values ``y`` (``(n,)``);
        ``categorical`` (shape ``(d,)``) marks unordered columns."""

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({params})"

    def _params(self) -> dict[str, object]:
        """Constructor arguments, for ``repr``."""
        return {}
