"""Output standardisation, and a power warp when the losses are heavy-tailed.

A GP with a stationary kernel assumes outputs that look Gaussian. Losses of
model tuning often do not: a few diverged runs sit orders of magnitude above
the rest, and after standardisation every good configuration looks the same.
Like HEBO (Cowen-Rivers et al., 2022) we then apply a Yeo-Johnson power
transform (``scipy.stats.yeojohnson``), with its exponent fitted by maximum
likelihood, which compresses the long tail and spreads the good region. The
transform is monotone, so the best loss stays the best in the warped scale and
expected improvement keeps its meaning. Light-tailed outputs are only
standardised. Whether a heavy tail is warped at all is decided by the model's
evidence (:func:`hypersense.samplers.gp.fitting.fit_surrogate`), since a tail
can also be structure the GP models well on the plain scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["OutputWarp", "fit_output_warp", "is_heavy_tailed"]

_MIN_STD = 1e-12
_MAX_ABS_SKEW = 1.0
_FAR_OUT_FENCE = 3.0  # Tukey's "far out" fence, in interquartile ranges
_LAMBDA_BOUNDS = (-2.0, 1.0)
_MIN_POINTS_TO_WARP = 5


@dataclass(frozen=True)
class OutputWarp:
    """A monotone increasing map from losses to the GP's output scale.

    ``warp(y) = (YJ_lambda((y - shift) / scale) - center) / spread``, where
    ``YJ`` is the identity when ``yeo_johnson_lambda`` is None.

    Attributes:
        shift: The mean of the losses (no power warp) or their minimum (power warp).
        scale: Their standard deviation, or the distance from the minimum to the
            median (floored): a robust scale the outliers cannot inflate.
        yeo_johnson_lambda: Exponent of the power warp, or None.
        center: Mean after the power warp.
        spread: Standard deviation after the power warp (floored).
    """

    shift: float
    scale: float
    yeo_johnson_lambda: float | None = None
    center: float = 0.0
    spread: float = 1.0

    def __call__(self, losses: NDArray[np.float64]) -> NDArray[np.float64]:
        """Warp losses (any shape)."""
        z = (np.asarray(losses, dtype=float) - self.shift) / self.scale
        if self.yeo_johnson_lambda is not None:
            import scipy.stats  # heavy: only when a power warp is in use

            z = scipy.stats.yeojohnson(z, lmbda=self.yeo_johnson_lambda)
        out: NDArray[np.float64] = (z - self.center) / self.spread
        return out

    def log_jacobian(self, losses: NDArray[np.float64]) -> float:
        """``sum log |d warp / d y|`` over ``losses`` (shape ``(n,)``).

        Added to a model's log density of the warped values, it gives the
        density of the original losses, so models fitted to differently warped
        outputs can be compared (Snelson, Rasmussen & Ghahramani, 2004).
        """
        y = np.asarray(losses, dtype=float)
        total = -y.size * float(np.log(self.scale * self.spread))
        lam = self.yeo_johnson_lambda
        if lam is not None:
            z = (y - self.shift) / self.scale
            # Yeo-Johnson's derivative (scipy has none): (1 + z)^(lam - 1) for
            # z >= 0, (1 - z)^(1 - lam) below.
            slope = np.where(
                z >= 0, (lam - 1.0) * np.log1p(np.abs(z)), (1.0 - lam) * np.log1p(np.abs(z))
            )
            total += float(np.sum(slope))
        return total


def is_heavy_tailed(z: NDArray[np.float64]) -> bool:
    """Whether standardised values ``z`` (shape ``(n,)``) have a heavy tail:
    sample skewness beyond +-1, or a value beyond Tukey's far-out fences."""
    if z.shape[0] < _MIN_POINTS_TO_WARP or float(np.ptp(z)) == 0.0:
        return False
    q25, q75 = np.quantile(z, [0.25, 0.75])
    iqr = q75 - q25
    far_out = bool(np.any(z > q75 + _FAR_OUT_FENCE * iqr) or np.any(z < q25 - _FAR_OUT_FENCE * iqr))
    skew = float(np.mean(z**3))  # z is standardised
    return far_out or abs(skew) > _MAX_ABS_SKEW


def _max_likelihood_lambda(z: NDArray[np.float64]) -> float:
    """The Yeo-Johnson exponent on a grid of step 1/4 in ``[-2, 1]`` that makes
    ``z`` (shape ``(n,)``) look most Gaussian (highest profile likelihood).

    A grid instead of ``scipy.stats.yeojohnson_normmax``'s continuous search:
    the warp needs the exponent's rough size within ``[-2, 1]`` (only concave
    warps, see :func:`fit_output_warp`), not its third digit. The profile
    likelihood is written out rather than taken from
    ``scipy.stats.yeojohnson_llf`` (the same formula), whose argument handling
    costs 0.4 ms a call: 13 calls per fit, two fits per proposal, made a GP
    step on heavy-tailed losses a quarter slower.
    """
    import scipy.stats  # heavy: only when the losses are heavy-tailed

    grid = np.linspace(*_LAMBDA_BOUNDS, 13)
    # Profile log-likelihood of a Gaussian fitted to the warped values, plus
    # the log Jacobian (lam - 1) sum sign(z) log(1 + |z|) of the warp.
    log_slope = float(np.sum(np.sign(z) * np.log1p(np.abs(z))))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        llf = np.array(
            [
                -z.size / 2 * np.log(np.var(scipy.stats.yeojohnson(z, lmbda=lam)))
                + (lam - 1) * log_slope
                for lam in grid
            ]
        )
    llf[~np.isfinite(llf)] = -np.inf
    return float(grid[int(np.argmax(llf))])


def fit_output_warp(losses: NDArray[np.float64], *, allow_power: bool = True) -> OutputWarp:
    """Standardise ``losses`` (shape ``(n,)``) and, if heavy-tailed, power-warp them.

    The power warp measures losses from their minimum in units of the
    minimum-to-median distance, so the good half of the observations spans
    ``[0, 1]`` whatever the outliers do, then applies Yeo-Johnson with the
    maximum-likelihood exponent, capped at 1: only concave warps, which
    compress high (bad) losses, are used; a convex one would squash the
    differences among the best losses, which are the ones that matter.

    Args:
        losses: Observed losses (minimisation form), finite.
        allow_power: Consider the power warp at all.
    """
    y = np.asarray(losses, dtype=float)
    mean = float(np.mean(y)) if y.size else 0.0
    std = max(float(np.std(y)) if y.size else 1.0, _MIN_STD)
    plain = OutputWarp(mean, std)
    if not allow_power or not is_heavy_tailed((y - mean) / std):
        return plain
    low = float(np.min(y))
    scale = max(float(np.median(y)) - low, 1e-3 * std)
    z = (y - low) / scale
    lam = _max_likelihood_lambda(z)
    if lam >= 1.0:
        return plain
    warped = OutputWarp(low, scale, yeo_johnson_lambda=lam)(y)
    return OutputWarp(
        low,
        scale,
        yeo_johnson_lambda=lam,
        center=float(np.mean(warped)),
        spread=max(float(np.std(warped)), _MIN_STD),
    )
