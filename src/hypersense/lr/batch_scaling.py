"""How the best learning rate scales with the batch size: ``lr ∝ batch^k``.

The pure maths of a batch-size study (no PyTorch): each batch size ``B_b``
comes with replicate estimates of its best rate (one per seed), and
:func:`fit_batch_scaling` fits ``ln lr = a + k ln B`` to the per-batch means of
``ln lr`` by least squares.

The interval for ``k`` is a t-interval whose standard error is
``s / sqrt(sum((ln B - mean)²))``, with ``s²`` the larger of two estimates of how
far a batch size's mean ``ln lr`` lies from the line:

- the residual variance of the means around the fit (``n - 2`` degrees of
  freedom; it also catches a power law that does not hold), and
- the pooled replicate variance divided by the replicates per batch size
  (``Σ (J_b - 1)`` degrees of freedom; it keeps a line through a few noisy
  points from looking exact).

The linear scaling rule (``k = 1``, Goyal et al., 2017) and the square-root
rule (``k = 0.5``, Krizhevsky, 2014; Hoffer et al., 2017) are each
*consistent with the data* when the interval holds them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "BatchScalingFit",
    "BatchSizePoint",
    "BatchSizeStudy",
    "fit_batch_scaling",
]

#: The named rules: exponent -> name.
RULES = {1.0: "linear", 0.5: "square-root"}


@dataclass(frozen=True)
class BatchSizePoint:
    """The best learning rate found for one (effective) batch size.

    Attributes:
        batch_size: Examples per optimiser step (batch size times gradient
            accumulation steps).
        lr: The geometric mean of the replicate estimates.
        low: The lowest replicate estimate (or the lower end of the range
            test's interval).
        high: The highest one.
        samples: The replicate estimates (one per seed).
    """

    batch_size: int
    lr: float
    low: float
    high: float
    samples: tuple[float, ...]

    @classmethod
    def from_samples(
        cls, batch_size: int, samples: Sequence[float], *, low: float | None = None,
        high: float | None = None,
    ) -> BatchSizePoint:  # fmt: skip
        """A point from its replicate estimates (``low``/``high`` default to their range)."""
        values = tuple(float(s) for s in samples)
        if not values or any(not (math.isfinite(v) and v > 0) for v in values):
            raise ValueError(
                f"batch size {batch_size}: need finite positive learning rates (got {values})"
            )
        lr = math.exp(float(np.mean(np.log(values))))
        return cls(
            int(batch_size),
            lr,
            min(values) if low is None else min(low, min(values)),
            max(values) if high is None else max(high, max(values)),
            values,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**self.__dict__, "samples": list(self.samples)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BatchSizePoint:
        """Rebuild from :meth:`to_dict`'s form."""
        return cls(
            int(data["batch_size"]),
            float(data["lr"]),
            float(data["low"]),
            float(data["high"]),
            tuple(float(s) for s in data["samples"]),
        )


@dataclass(frozen=True)
class BatchScalingFit:
    """``lr = exp(intercept) x batch^exponent``, with an interval for the exponent.

    Attributes:
        exponent: The fitted ``k``.
        low: Lower end of its interval.
        high: Upper end of its interval.
        intercept: The fitted ``a`` of ``ln lr = a + k ln batch``.
        confidence: Coverage of the interval.
        noise_source: Which estimate of the points' scatter set the interval:
            ``"residuals"`` or ``"replicates"``.
    """

    exponent: float
    low: float
    high: float
    intercept: float
    confidence: float
    noise_source: str

    def predict(self, batch_size: float) -> float:
        """The fitted learning rate at ``batch_size``."""
        return math.exp(self.intercept + self.exponent * math.log(batch_size))

    def consistent_with(self, exponent: float) -> bool:
        """Whether ``exponent`` lies in the interval."""
        return self.low <= exponent <= self.high

    @property
    def consistent_rules(self) -> tuple[str, ...]:
        """Names of the rules (``"linear"``, ``"square-root"``) the interval holds."""
        return tuple(name for k, name in RULES.items() if self.consistent_with(k))

    def verdict(self) -> str:
        """One sentence: the exponent, its interval, and which rules fit."""
        level = f"{self.confidence:.0%}"
        head = (
            f"lr ∝ batch^{self.exponent:.2f} ({level} interval [{self.low:.2f}, {self.high:.2f}])"
        )
        said = []
        for k, name in RULES.items():
            word = "consistent" if self.consistent_with(k) else "not consistent"
            said.append(f"{word} with the {name} rule (k = {k:g})")
        return f"{head}: {'; '.join(said)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BatchScalingFit:
        """Rebuild from :meth:`to_dict`'s form."""
        return cls(
            float(data["exponent"]),
            float(data["low"]),
            float(data["high"]),
            float(data["intercept"]),
            float(data["confidence"]),
            str(data["noise_source"]),
        )


@dataclass(frozen=True)
class BatchSizeStudy:
    """The best learning rate per batch size and the power law through them.

    Attributes:
        points: One per batch size, by increasing batch size.
        fit: The fitted ``lr ∝ batch^k``.
        method: How each best rate was found (``"range_test"``, ``"grid_search"``).
        notes: Batch sizes left out and why, and other caveats.
    """

    points: tuple[BatchSizePoint, ...]
    fit: BatchScalingFit
    method: str
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what studies store); :meth:`from_dict` rebuilds it."""
        return {
            "points": [p.to_dict() for p in self.points],
            "fit": self.fit.to_dict(),
            "method": self.method,
            "notes": list(self.notes),
            "verdict": self.fit.verdict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BatchSizeStudy:
        """Rebuild from :meth:`to_dict`'s form.

        Raises:
            ValueError: A field is missing or malformed.
        """
        try:
            return cls(
                points=tuple(BatchSizePoint.from_dict(p) for p in data["points"]),
                fit=BatchScalingFit.from_dict(data["fit"]),
                method=str(data["method"]),
                notes=tuple(str(n) for n in data.get("notes", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(
                f"not a stored batch-size study ({type(exc).__name__}: {exc})"
            ) from exc


def fit_batch_scaling(
    points: Sequence[BatchSizePoint], *, confidence: float = 0.95
) -> BatchScalingFit:
    """Fit ``ln lr = a + k ln batch`` to the points' mean log-rates; interval for ``k``.

    Args:
        points: At least three distinct batch sizes, each with its replicate
            estimates (``samples``).
        confidence: Coverage of the interval, in (0, 1).

    Raises:
        ValueError: Fewer than three distinct batch sizes, or a bad ``confidence``.
    """
    from scipy import stats  # only here: hypersense.lr loads without scipy

    if not 0.0 < confidence < 1.0:
        raise ValueError(f"`confidence` must be in (0, 1) (got {confidence!r})")
    sizes = [p.batch_size for p in points]
    if len(set(sizes)) != len(sizes) or len(sizes) < 3:
        raise ValueError(
            f"a power law needs at least three distinct batch sizes (got {sorted(sizes)})"
        )
    x = np.log(np.asarray(sizes, dtype=float))
    samples = [np.log(np.asarray(p.samples, dtype=float)) for p in points]
    y = np.array([s.mean() for s in samples])
    sxx = float(np.sum((x - x.mean()) ** 2))
    k = float(np.sum((x - x.mean()) * (y - y.mean())) / sxx)
    a = float(y.mean() - k * x.mean())
    dof_r = len(x) - 2
    residual_var = float(np.sum((y - a - k * x) ** 2)) / dof_r
    dof_w = sum(len(s) - 1 for s in samples)
    within_var = 0.0
    if dof_w > 0:
        pooled = sum(float(np.sum((s - s.mean()) ** 2)) for s in samples) / dof_w
        per_mean = len(samples) / sum(1.0 / len(s) for s in samples)  # harmonic mean of J_b
        within_var = pooled / per_mean
    if within_var > residual_var:
        variance, dof, source = within_var, dof_w, "replicates"
    else:
        variance, dof, source = residual_var, dof_r, "residuals"
    half = float(stats.t.ppf(0.5 + confidence / 2, dof)) * math.sqrt(variance / sxx)
    return BatchScalingFit(k, k - half, k + half, a, confidence, source)
