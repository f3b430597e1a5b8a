"""The one-call entry point: ``hypersense.analysis.methods(study, ...)``."""

from __future__ import annotations

from collections.abc import Sequence

from hypersense.analysis.base import ImportanceEvaluator, SurrogateSpec
from hypersense.analysis.data import TrialSource
from hypersense.analysis.methods.fanova import FanovaImportanceEvaluator
from hypersense.analysis.methods.permutation import PermutationImportanceEvaluator
from hypersense.analysis.methods.sobol import SobolImportanceEvaluator
from hypersense.analysis.results import ImportanceResult
from hypersense.direction import StudyDirection

__all__ = ["EVALUATORS", "importance", "make_evaluator"]

#: Importance methods by name.
EVALUATORS: dict[str, type[ImportanceEvaluator]] = {
    "fanova": FanovaImportanceEvaluator,
    "sobol": SobolImportanceEvaluator,
    "permutation": PermutationImportanceEvaluator,
}


def make_evaluator(
    method: str,
    *,
    surrogate: SurrogateSpec | None = None,
    n_bootstrap: int | None = None,
    confidence: float = 0.95,
    top_quantile: float | None = None,
    seed: int | None = None,
) -> ImportanceEvaluator:
    """The evaluator registered as ``method``; None keeps the method's default."""
    key = method.strip().lower() if isinstance(method, str) else method
    if key not in EVALUATORS:
        raise ValueError(
            f"unknown importance method {method!r}; choose one of {sorted(EVALUATORS)}"
        )
    cls = EVALUATORS[key]
    options: dict[str, object] = {
        "confidence": confidence,
        "top_quantile": top_quantile,
        "seed": seed,
    }
    if surrogate is not None:
        options["surrogate"] = surrogate
    if n_bootstrap is not None:
        options["n_bootstrap"] = n_bootstrap
    return cls(**options)  # type: ignore[arg-type]


def importance(
    study: TrialSource,
    *,
    method: str = "fanova",
    surrogate: SurrogateSpec | None = None,
    top_quantile: float | None = None,
    n_bootstrap: int | None = None,
    confidence: float = 0.95,
    objective: int = 0,
    directions: Sequence[str | StudyDirection] | None = None,
    seed: int | None = None,
) -> ImportanceResult:
    """Which hyperparameters drive the objective, how much, and how sure that is.

    Args:
        study: A :class:`~hypersense.Study`, a :class:`~hypersense.StudyHistory`
            or a sequence of :class:`~hypersense.FrozenTrial`. Only read.
        method: ``"fanova"`` (variance decomposition with pairwise
            interactions), ``"sobol"`` (SALib's estimators on the surrogate;
            needs ``hypersense[analysis]``) or ``"permutation"`` (cheap, for
            very large studies; total effects).
        surrogate: ``"auto"`` (Gaussian process and random forest, the better
            cross-validated R² wins), ``"gp"``, ``"rf"``, or surrogate objects;
            None keeps the method's default.
        top_quantile: Cap values worse than this quantile of the trials
            (e.g. 0.25), to see what matters among good configurations.
        n_bootstrap: Draws behind each interval; None keeps the method's default.
        confidence: Nominal coverage of the intervals.
        objective: Index of the objective of a multi-objective study.
        directions: Directions of a bare sequence of trials.
        seed: Seed of every random choice.

    Returns:
        The importances of the parameters active in every trial, with one
        nested result per conditional branch.
    """
    evaluator = make_evaluator(
        method,
        surrogate=surrogate,
        n_bootstrap=n_bootstrap,
        confidence=confidence,
        top_quantile=top_quantile,
        seed=seed,
    )
    return evaluator.evaluate(study, objective=objective, directions=directions)
