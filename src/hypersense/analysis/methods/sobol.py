"""Sobol first-order and total indices of a surrogate, with SALib.

SALib's Sobol-sequence sampler and Saltelli/Jansen estimators are run on the
surrogate's predictions (never on the objective itself, which would need
thousands of trials), once per draw of the surrogate, so the interval reflects
the surrogate's uncertainty plus the estimator's Monte Carlo error, and, as for
fANOVA, the surrogate's misfit measured on held-out trials (:mod:`.misfit`).
SALib is an optional dependency (``pip install "hypersense[analysis]"``).
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from hypersense._optional import import_optional
from hypersense.analysis.base import ImportanceEvaluator, SurrogateSpec
from hypersense.analysis.data import Design
from hypersense.analysis.methods.bootstrap import DrawIndices
from hypersense.analysis.methods.decomposition import VarianceComponents, fraction_of_variance
from hypersense.analysis.methods.misfit import with_misfit
from hypersense.analysis.surrogates.selection import SurrogateChoice
from hypersense.analysis.surrogates.threads import single_threaded_blas

__all__ = ["SobolImportanceEvaluator", "snap_to_values"]

_PURPOSE = "Sobol importance (method='sobol')"
#: SALib bootstrap resamples behind the Monte Carlo error of the point estimate.
_MC_RESAMPLES = 200
#: SALib reports a confidence half-width at this level; it is turned back into
#: a standard deviation.
_MC_CONFIDENCE = 0.95


def _mc_sd(half_width: object) -> NDArray[np.float64]:
    """Standard deviations from SALib's confidence half-widths (at ``_MC_CONFIDENCE``)."""
    z = NormalDist().inv_cdf(0.5 + _MC_CONFIDENCE / 2)
    sd: NDArray[np.float64] = np.nan_to_num(np.asarray(half_width, dtype=float)) / z
    return sd


def snap_to_values(u: NDArray[np.float64], design: Design) -> NDArray[np.float64]:
    """Map uniform points (shape ``(m, d)``) onto each column's measure: a discrete
    column's point becomes the encoding of the value whose bin holds it."""
    out = u.copy()
    for j, (dist, quad) in enumerate(zip(design.distributions, design.quadratures, strict=True)):
        if quad.is_discrete:
            out[:, j] = dist.to_unit_array(dist.from_unit_array(u[:, j]))
    return out


class SobolImportanceEvaluator(ImportanceEvaluator):
    """Sobol indices of a surrogate, estimated with SALib on its predictions.

    Args:
        n_base_samples: SALib's base sample size ``N`` (a power of 2); each draw
            evaluates the surrogate at ``N * (d + 2)`` points.
        surrogate: See :class:`~hypersense.analysis.base.ImportanceEvaluator`.
        n_bootstrap: Draws behind each interval.
        confidence: Nominal coverage of the intervals.
        top_quantile: Cap values worse than this quantile ("where it matters").
        n_folds: Folds of the surrogate's cross-validation.
        min_trials: Scopes with fewer trials are skipped.
        seed: Seed of every random choice.
    """

    method = "sobol"

    def __init__(
        self,
        *,
        n_base_samples: int = 2048,
        surrogate: SurrogateSpec = "auto",
        n_bootstrap: int = 100,
        confidence: float = 0.95,
        top_quantile: float | None = None,
        n_folds: int = 5,
        min_trials: int = 10,
        seed: int | None = None,
    ) -> None:
        if (
            not isinstance(n_base_samples, int)
            or isinstance(n_base_samples, bool)
            or n_base_samples < 16
            or n_base_samples & (n_base_samples - 1)
        ):
            raise ValueError(
                f"`n_base_samples` must be a power of 2 >= 16 (got {n_base_samples!r})"
            )
        super().__init__(
            surrogate=surrogate,
            n_bootstrap=n_bootstrap,
            confidence=confidence,
            top_quantile=top_quantile,
            n_folds=n_folds,
            min_trials=min_trials,
            seed=seed,
        )
        self.n_base_samples = n_base_samples

    def _options(self) -> dict[str, object]:
        return {"n_base_samples": self.n_base_samples, **super()._options()}

    def _estimate(
        self, choice: SurrogateChoice, design: Design, rng: np.random.Generator
    ) -> DrawIndices:
        sampler = import_optional("SALib.sample.sobol", extra="analysis", purpose=_PURPOSE)
        analyzer = import_optional("SALib.analyze.sobol", extra="analysis", purpose=_PURPOSE)
        d = len(design.names)
        problem = {"num_vars": d, "names": list(design.names), "bounds": [[0.0, 1.0]] * d}
        u = sampler.sample(
            problem,
            self.n_base_samples,
            calc_second_order=False,
            scramble=True,
            seed=int(rng.integers(1, 2**31 - 1)),
        )
        with single_threaded_blas():
            draws = choice.fitted.draws(self.n_bootstrap, rng)
            predictions = draws.predict(snap_to_values(np.asarray(u, dtype=float), design))
        first = np.empty((draws.n_draws, d))
        total = np.empty((draws.n_draws, d))
        first_sd = total_sd = np.zeros(d)
        for s in range(draws.n_draws):
            # Draw 0 (the point estimate) also measures the estimator's Monte
            # Carlo error by SALib's bootstrap; the other draws skip it.
            with np.errstate(divide="ignore", invalid="ignore"):  # a constant draw
                indices = analyzer.analyze(
                    problem,
                    predictions[s],
                    calc_second_order=False,
                    num_resamples=_MC_RESAMPLES if s == 0 else 2,
                    conf_level=_MC_CONFIDENCE,
                    print_to_console=False,
                    seed=int(rng.integers(1, 2**31 - 1)),
                )
            first[s] = np.nan_to_num(np.asarray(indices["S1"], dtype=float))
            total[s] = np.nan_to_num(np.asarray(indices["ST"], dtype=float))
            if s == 0:
                first_sd = _mc_sd(indices["S1_conf"])
                total_sd = _mc_sd(indices["ST_conf"])
        # Every draw is estimated on the same points, so the Monte Carlo error
        # is shared by all of them and would not widen the interval; it is
        # added as independent noise of the size draw 0 measured.
        first[1:] += rng.normal(0.0, 1.0, first[1:].shape) * first_sd
        total[1:] += rng.normal(0.0, 1.0, total[1:].shape) * total_sd
        variance = np.var(predictions, axis=1)
        parts = with_misfit(
            VarianceComponents(
                mean=np.mean(predictions, axis=1),
                variance=variance,
                main=first * variance[:, None],
                total=total * variance[:, None],
                pair=None,
            ),
            choice.residuals,
            design.x,
            design.quadratures,
            rng,
        )
        first = fraction_of_variance(parts.main, parts.variance)
        return DrawIndices(
            basis=np.maximum(first, 0.0),
            main=first,
            total=fraction_of_variance(parts.total, parts.variance),
            pair=None,
            interval=choice.fitted.interval_kind,
        )
