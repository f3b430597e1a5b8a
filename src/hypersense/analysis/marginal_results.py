"""Marginal curves and surfaces of a study's surrogate, as plain frozen dataclasses.

:func:`~hypersense.analysis.marginal_effects` computes them; ``to_dict()``
gives JSON-ready values and ``to_pandas()`` one row per point of every curve
(pandas is an optional dependency, imported only there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersense._optional import import_optional
from hypersense.analysis.experiments.serialization import json_number

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MarginalCurve", "MarginalSurface", "MarginalsResult"]


@dataclass(frozen=True)
class MarginalCurve:
    """The mean objective as one parameter varies, others averaged over the space.

    Attributes:
        name: The parameter.
        values: Parameter values along the curve (floats, ints or choices).
        mean: Surrogate estimate of the averaged objective at each value.
        low: Lower end of the band at each value.
        high: Upper end of the band at each value.
    """

    name: str
    values: tuple[Any, ...]
    mean: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "name": self.name,
            "values": list(self.values),
            "mean": [json_number(v) for v in self.mean],
            "low": [json_number(v) for v in self.low],
            "high": [json_number(v) for v in self.high],
        }


@dataclass(frozen=True)
class MarginalSurface:
    """The mean objective over a grid of two parameters, others averaged.

    Attributes:
        names: The two parameters.
        values: The grid values of each parameter.
        mean: ``mean[i][j]`` at ``values[0][i]`` and ``values[1][j]``.
        low: Lower end of the band, same shape.
        high: Upper end of the band, same shape.
    """

    names: tuple[str, str]
    values: tuple[tuple[Any, ...], tuple[Any, ...]]
    mean: tuple[tuple[float, ...], ...]
    low: tuple[tuple[float, ...], ...]
    high: tuple[tuple[float, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""

        def grid(rows: tuple[tuple[float, ...], ...]) -> list[list[float | None]]:
            return [[json_number(v) for v in row] for row in rows]

        return {
            "names": list(self.names),
            "values": [list(self.values[0]), list(self.values[1])],
            "mean": grid(self.mean),
            "low": grid(self.low),
            "high": grid(self.high),
        }


@dataclass(frozen=True)
class MarginalsResult:
    """Marginal curves and surfaces of a study, as data for plots.

    Attributes:
        curves: One curve per parameter.
        surfaces: One surface per requested pair.
        surrogate: The surrogate the curves come from.
        r2: Its cross-validated R².
        confidence: Nominal coverage of the bands.
        n_trials: How many trials were analysed.
    """

    curves: tuple[MarginalCurve, ...]
    surfaces: tuple[MarginalSurface, ...]
    surrogate: str
    r2: float
    confidence: float
    n_trials: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "curves": [c.to_dict() for c in self.curves],
            "surfaces": [s.to_dict() for s in self.surfaces],
            "surrogate": self.surrogate,
            "r2": json_number(self.r2),
            "confidence": self.confidence,
            "n_trials": self.n_trials,
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per point of every curve (long format). Needs pandas."""
        pandas = import_optional("pandas", extra="pandas", purpose="MarginalsResult.to_pandas()")
        rows = [
            {"name": c.name, "value": v, "mean": m, "low": lo, "high": hi}
            for c in self.curves
            for v, m, lo, hi in zip(c.values, c.mean, c.low, c.high, strict=True)
        ]
        return pandas.DataFrame(rows)
