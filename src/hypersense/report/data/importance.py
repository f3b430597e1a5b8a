"""Global importance, marginal (partial-dependence) curves and interactions.

What the global importance analysis computes is shown through three data
classes of this module, so the figures do not depend on that analysis's own
result types: :class:`ImportanceData` (bars with confidence intervals, the
noise floor and the surrogate's R²), :class:`MarginalData` (one curve with a
band per parameter, over the trials' own values) and :class:`InteractionData`
(surfaces of the strongest pairs). Adapters from the analysis result live in
:mod:`hypersense.report.data.importance_adapter`; without any analysis, the
marginal figure still shows each parameter's observed values (a slice plot).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersense.report.data.parallel import axis_kind, category_labels
from hypersense.report.data.snapshot import StudySnapshot, as_snapshot
from hypersense.space.categorical import CategoricalDistribution

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = [
    "ImportanceData",
    "InteractionData",
    "InteractionSurface",
    "MarginalCurve",
    "MarginalData",
    "ParameterImportance",
    "build_marginal_data",
    "categories_of",
]


@dataclass(frozen=True)
class ParameterImportance:
    """One parameter's importance with its interval (NaN ends when unknown)."""

    name: str
    importance: float
    low: float = math.nan
    high: float = math.nan


@dataclass(frozen=True)
class ImportanceData:
    """Importance bars, most important first.

    Attributes:
        method: How importances were computed (e.g. ``"fANOVA"``).
        parameters: One per parameter, by decreasing importance.
        noise_floor: The importance a parameter would have if its main effect
            explained as much of the observed variance as seed noise does
            (from a ``:noise`` companion study), or None: bars below it are not
            distinguishable from noise.
        r2: Out-of-sample R² of the surrogate model the importances come
            from, or None; a low R² means the importances explain little.
        confidence: Coverage of the intervals, or None.
        n_trials: Trials the analysis used.
        surrogate_reason: Why the analysis chose its surrogate, in one
            sentence (empty when not known).
        notes: The analysis' caveats (a weak fit, ...), for the reader.
        n_pruned_left_out: PRUNED trials the analysis left out (their values
            were reached on a smaller budget than the complete trials').
    """

    method: str
    parameters: tuple[ParameterImportance, ...]
    noise_floor: float | None = None
    r2: float | None = None
    confidence: float | None = None
    n_trials: int = 0
    surrogate_reason: str = ""
    notes: tuple[str, ...] = ()
    n_pruned_left_out: int = 0

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.parameters, key=_by_importance))
        object.__setattr__(self, "parameters", ordered)

    def above_noise(self) -> tuple[str, ...]:
        """Parameters whose interval's lower end (or estimate, without one) is
        above the noise floor; all of them without a floor."""
        if self.noise_floor is None:
            return tuple(p.name for p in self.parameters)
        floor = self.noise_floor
        return tuple(
            p.name
            for p in self.parameters
            if (p.low if math.isfinite(p.low) else p.importance) > floor
        )


def _by_importance(p: ParameterImportance) -> float:
    return -p.importance if math.isfinite(p.importance) else math.inf


@dataclass(frozen=True)
class MarginalCurve:
    """How the objective changes with one parameter, others averaged out.

    Attributes:
        parameter: The parameter.
        kind: ``"linear"``, ``"log"`` or ``"categorical"`` (its x axis).
        grid: Where the curve is evaluated, shape ``(g,)``: numbers, or choice
            labels for a categorical; empty when there is no model.
        mean: The predicted objective at each grid point, shape ``(g,)``.
        low: Lower end of its band, shape ``(g,)`` (NaN when unknown).
        high: Upper end of its band, shape ``(g,)``.
        observed_x: The parameter's value in each COMPLETE trial that drew it
            (choice labels for a categorical), shape ``(m,)``.
        observed_y: Those trials' objective values, shape ``(m,)``.
        categories: A categorical's labels in the order to draw them (numbers
            numerically, others as declared); empty for numeric parameters.
    """

    parameter: str
    kind: str
    grid: tuple[Any, ...] = ()
    mean: tuple[float, ...] = ()
    low: tuple[float, ...] = ()
    high: tuple[float, ...] = ()
    observed_x: tuple[Any, ...] = ()
    observed_y: tuple[float, ...] = ()
    categories: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not len(self.grid) == len(self.mean) == len(self.low) == len(self.high):
            raise ValueError(
                f"marginal curve of {self.parameter!r}: grid, mean, low and high must have one "
                f"length (got {len(self.grid)}, {len(self.mean)}, {len(self.low)}, "
                f"{len(self.high)})"
            )
        if len(self.observed_x) != len(self.observed_y):
            raise ValueError(
                f"marginal curve of {self.parameter!r}: observed_x and observed_y must have one "
                f"length (got {len(self.observed_x)}, {len(self.observed_y)})"
            )

    @property
    def has_model(self) -> bool:
        """Whether the curve has model predictions (not only observed points)."""
        return bool(self.grid)


@dataclass(frozen=True)
class MarginalData:
    """Marginal curves, one per parameter.

    Attributes:
        objective_name: What the y axes show.
        curves: In the order of importance when known, else of the space.
        band: What the bands mean, in words (e.g. "95% interval over trees").
    """

    objective_name: str
    curves: tuple[MarginalCurve, ...]
    band: str = ""

    @property
    def has_model(self) -> bool:
        """Whether any curve carries model predictions."""
        return any(c.has_model for c in self.curves)


@dataclass(frozen=True)
class InteractionSurface:
    """The predicted objective over a grid of two parameters.

    Attributes:
        x_name: The first parameter (x axis).
        y_name: The second parameter (y axis).
        x_kind: Its axis kind (``"linear"``, ``"log"``, ``"categorical"``).
        y_kind: Likewise for ``y_name``.
        x_grid: Grid along x, shape ``(gx,)``.
        y_grid: Grid along y, shape ``(gy,)``.
        z: Predictions, ``gy`` rows of ``gx`` values.
        strength: How strong the interaction is (e.g. its variance share).
    """

    x_name: str
    y_name: str
    x_kind: str
    y_kind: str
    x_grid: tuple[Any, ...]
    y_grid: tuple[Any, ...]
    z: tuple[tuple[float, ...], ...]
    strength: float

    def __post_init__(self) -> None:
        if len(self.z) != len(self.y_grid) or any(len(r) != len(self.x_grid) for r in self.z):
            raise ValueError(
                f"interaction {self.x_name!r} x {self.y_name!r}: `z` must have "
                f"{len(self.y_grid)} rows of {len(self.x_grid)} values"
            )


@dataclass(frozen=True)
class InteractionData:
    """The strongest pairwise interactions, strongest first.

    Attributes:
        objective_name: What the surfaces' colours show.
        surfaces: One per pair.
        measure: What ``strength`` measures, in words.
    """

    objective_name: str
    surfaces: tuple[InteractionSurface, ...]
    measure: str = ""


def _label(value: Any) -> str:
    return str(value)


def observed_slice(
    snap: StudySnapshot, parameter: str, objective: int = 0
) -> tuple[tuple[Any, ...], tuple[float, ...]]:
    """Values of ``parameter`` and of the objective in COMPLETE trials that drew it."""
    xs: list[Any] = []
    ys: list[float] = []
    categorical = axis_kind(snap.search_space()[parameter]) == "categorical"
    for t in snap.completed():
        if parameter in t.params:
            v = t.params[parameter]
            xs.append(_label(v) if categorical else float(v))
            ys.append(t.objective_value(objective))
    return tuple(xs), tuple(ys)


def build_marginal_data(
    study: Study | StudySnapshot,
    *,
    order: Sequence[str] | None = None,
    objective: int = 0,
) -> MarginalData | None:
    """Observed slices (no model) of every parameter that varies; None without a
    COMPLETE trial. ``order`` puts the named parameters first (e.g. by importance)."""
    snap = as_snapshot(study)
    space = {n: d for n, d in snap.search_space().items() if not d.is_single}
    if not snap.completed() or not space:
        return None
    names = [n for n in (order or ()) if n in space]
    names += [n for n in space if n not in names]
    curves = []
    for name in names:
        xs, ys = observed_slice(snap, name, objective)
        curves.append(
            MarginalCurve(
                name,
                axis_kind(space[name]),
                observed_x=xs,
                observed_y=ys,
                categories=categories_of(space[name]),
            )
        )
    return MarginalData(snap.objective_names()[objective], tuple(curves))


def categories_of(dist: Any) -> tuple[str, ...]:
    """A categorical's labels in drawing order; empty for other distributions."""
    return category_labels(dist.choices) if isinstance(dist, CategoricalDistribution) else ()
