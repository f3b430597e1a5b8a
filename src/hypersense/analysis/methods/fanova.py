"""Functional ANOVA over a surrogate: main effects and pairwise interactions.

The surrogate's function (and each of its draws) is decomposed exactly
(:mod:`.decomposition`) into the variance of each parameter's main effect,
of each pair's pure interaction, and of each parameter's total effect, all as
fractions of the function's variance over the encoded search space. The
normalised importance is the share of a parameter's main effect in the sum of
main effects; total effects show what a parameter does through interactions
(a pure interaction has total effects and no main effects).

Intervals come from the draws with every main effect moved by the surrogate's
misfit measured on held-out trials (:mod:`.misfit`), so they cover what the
draws alone miss: effects the surrogate smoothed away and its small systematic
error when the draws are narrow.
"""

from __future__ import annotations

import numpy as np

from hypersense.analysis.base import ImportanceEvaluator, SurrogateSpec
from hypersense.analysis.data import Design
from hypersense.analysis.methods.bootstrap import DrawIndices
from hypersense.analysis.methods.decomposition import decompose, fraction_of_variance
from hypersense.analysis.methods.misfit import with_misfit
from hypersense.analysis.surrogates.selection import SurrogateChoice
from hypersense.analysis.surrogates.threads import single_threaded_blas

__all__ = ["FanovaImportanceEvaluator", "fraction_of_variance"]


class FanovaImportanceEvaluator(ImportanceEvaluator):
    """Variance decomposition (fANOVA) of a surrogate fitted to the trials.

    Args:
        pairs: Whether to measure pairwise interactions (``d (d - 1) / 2``
            extra terms; cheap for a few dozen parameters).
        surrogate: See :class:`~hypersense.analysis.base.ImportanceEvaluator`.
        n_bootstrap: Draws behind each interval.
        confidence: Nominal coverage of the intervals.
        top_quantile: Cap values worse than this quantile ("where it matters").
        n_folds: Folds of the surrogate's cross-validation.
        min_trials: Scopes with fewer trials are skipped.
        seed: Seed of every random choice.
    """

    method = "fanova"

    def __init__(
        self,
        *,
        pairs: bool = True,
        surrogate: SurrogateSpec = "auto",
        n_bootstrap: int = 100,
        confidence: float = 0.95,
        top_quantile: float | None = None,
        n_folds: int = 5,
        min_trials: int = 10,
        seed: int | None = None,
    ) -> None:
        if not isinstance(pairs, bool):
            raise ValueError(f"`pairs` must be True or False (got {pairs!r})")
        super().__init__(
            surrogate=surrogate,
            n_bootstrap=n_bootstrap,
            confidence=confidence,
            top_quantile=top_quantile,
            n_folds=n_folds,
            min_trials=min_trials,
            seed=seed,
        )
        self.pairs = pairs

    def _options(self) -> dict[str, object]:
        return {"pairs": self.pairs, **super()._options()}

    @property
    def uses_pairs(self) -> bool:
        return self.pairs

    def _estimate(
        self, choice: SurrogateChoice, design: Design, rng: np.random.Generator
    ) -> DrawIndices:
        with single_threaded_blas():
            draws = choice.fitted.draws(self.n_bootstrap, rng)
            parts = decompose(draws.expansions(design.quadratures), draws.n_draws, pairs=self.pairs)
        parts = with_misfit(parts, choice.residuals, design.x, design.quadratures, rng)
        main = fraction_of_variance(np.maximum(parts.main, 0.0), parts.variance)
        return DrawIndices(
            basis=main,
            main=main,
            total=fraction_of_variance(np.maximum(parts.total, 0.0), parts.variance),
            pair=None if parts.pair is None else fraction_of_variance(parts.pair, parts.variance),
            interval=choice.fitted.interval_kind,
        )
