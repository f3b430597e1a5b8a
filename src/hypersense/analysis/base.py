"""The contract every importance evaluator keeps.

An evaluator answers "which hyperparameters drive the objective, how much, and
how sure is that" from a study's finished trials. Lifecycle of
:meth:`ImportanceEvaluator.evaluate`, the same for every method:

1. Collect the COMPLETE trials (:func:`.data.collect_trials`) and split them
   into the whole-study scope and one scope per conditional branch
   (:func:`.data.find_scopes`).
2. Per scope: encode the trials (:func:`.data.build_design`; with
   ``top_quantile``, values worse than that quantile are capped), fit the
   candidate surrogates and keep the best by K-fold cross-validated R²
   (:mod:`.surrogates.selection`).
3. Let the method turn the chosen surrogate into per-draw indices:
   ``_estimate(choice, design, rng) -> DrawIndices``, usually from the
   surrogate's draws (point estimate plus bootstrap refits or posterior
   draws). This is the only step a method implements.
4. Summarise draws into point estimates and percentile intervals, with the
   shares of the observed variance (:mod:`.methods.summary`).

Evaluators read studies and never write to them. All randomness comes from a
``numpy.random.Generator`` seeded by ``seed``.
"""

from __future__ import annotations

import dataclasses
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import ClassVar

import numpy as np

from hypersense.analysis.data import (
    AnalysisScope,
    Design,
    TrialSource,
    build_design,
    collect_trials,
    find_scopes,
    pruned_trials_note,
    search_space_of,
)
from hypersense.analysis.methods.bootstrap import DrawIndices
from hypersense.analysis.methods.summary import summarise
from hypersense.analysis.results import ImportanceResult
from hypersense.analysis.surrogates.base import Surrogate
from hypersense.analysis.surrogates.forest import RandomForestSurrogate
from hypersense.analysis.surrogates.gp import GaussianProcessSurrogate
from hypersense.analysis.surrogates.selection import SurrogateChoice, select_surrogate
from hypersense.direction import StudyDirection
from hypersense.space.search_space import SearchSpace

__all__ = ["ImportanceEvaluator", "SurrogateSpec", "resolve_surrogates"]

_log = logging.getLogger(__name__)

#: ``"auto"`` (GP and random forest, best cross-validated R² wins), ``"gp"``,
#: ``"rf"``, a configured :class:`Surrogate`, or a sequence of them to choose from.
SurrogateSpec = str | Surrogate | Sequence[Surrogate]

_NAMED: dict[str, Callable[[], Surrogate]] = {
    "gp": GaussianProcessSurrogate,
    "rf": RandomForestSurrogate,
}


def resolve_surrogates(spec: SurrogateSpec) -> tuple[Surrogate, ...]:
    """The candidate surrogates a spec names; ValueError naming the choices."""
    if isinstance(spec, Surrogate):
        return (spec,)
    if isinstance(spec, str):
        key = spec.strip().lower()
        if key == "auto":
            return (GaussianProcessSurrogate(), RandomForestSurrogate())
        if key in _NAMED:
            return (_NAMED[key](),)
        raise ValueError(f"unknown surrogate {spec!r}; choose 'auto', 'gp' or 'rf'")
    items = tuple(spec)
    if not items or not all(isinstance(s, Surrogate) for s in items):
        raise ValueError(
            f"`surrogate` must be 'auto', 'gp', 'rf' or Surrogate objects (got {spec!r})"
        )
    return items


def _check_options(
    n_bootstrap: object,
    confidence: object,
    top_quantile: object,
    n_folds: object,
    min_trials: object,
) -> None:
    if not isinstance(n_bootstrap, int) or isinstance(n_bootstrap, bool) or n_bootstrap < 0:
        raise ValueError(f"`n_bootstrap` must be an integer >= 0 (got {n_bootstrap!r})")
    if not isinstance(confidence, float) or not 0.0 < confidence < 1.0:
        raise ValueError(f"`confidence` must be a float in (0, 1) (got {confidence!r})")
    if top_quantile is not None and (
        not isinstance(top_quantile, float) or not 0.0 < top_quantile < 1.0
    ):
        raise ValueError(f"`top_quantile` must be None or a float in (0, 1) (got {top_quantile!r})")
    if not isinstance(n_folds, int) or isinstance(n_folds, bool) or n_folds < 2:
        raise ValueError(f"`n_folds` must be an integer >= 2 (got {n_folds!r})")
    if not isinstance(min_trials, int) or isinstance(min_trials, bool) or min_trials < 4:
        raise ValueError(f"`min_trials` must be an integer >= 4 (got {min_trials!r})")


class ImportanceEvaluator(ABC):
    """Global importance of a study's hyperparameters, with intervals.

    Args:
        surrogate: The model importance is computed on: ``"auto"`` (a Gaussian
            process and a random forest, the better cross-validated R² wins),
            ``"gp"``, ``"rf"``, or configured surrogate objects.
        n_bootstrap: Draws behind each interval (bootstrap refits for a forest,
            posterior draws for a Gaussian process); 0 gives no intervals.
        confidence: Nominal coverage of the intervals.
        top_quantile: When set (e.g. 0.25), values worse than this quantile of
            the trials are capped at it, so the analysis says what matters
            among good configurations ("importance where it matters").
        n_folds: Folds of the cross-validation that picks and scores the surrogate.
        min_trials: Scopes (the study or a branch) with fewer trials are skipped
            with a note.
        seed: Seed of every random choice (folds, resamples, draws).
    """

    #: The method's name in results.
    method: ClassVar[str]

    def __init__(
        self,
        *,
        surrogate: SurrogateSpec = "auto",
        n_bootstrap: int = 100,
        confidence: float = 0.95,
        top_quantile: float | None = None,
        n_folds: int = 5,
        min_trials: int = 10,
        seed: int | None = None,
    ) -> None:
        _check_options(n_bootstrap, confidence, top_quantile, n_folds, min_trials)
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
            raise ValueError(f"`seed` must be a non-negative integer or None (got {seed!r})")
        self._surrogates = resolve_surrogates(surrogate)
        self.surrogate = surrogate
        self.n_bootstrap = n_bootstrap
        self.confidence = confidence
        self.top_quantile = top_quantile
        self.n_folds = n_folds
        self.min_trials = min_trials
        self.seed = seed

    def _options(self) -> dict[str, object]:
        """Constructor arguments, for ``repr``; methods add their own."""
        return {
            "surrogate": self.surrogate,
            "n_bootstrap": self.n_bootstrap,
            "confidence": self.confidence,
            "top_quantile": self.top_quantile,
            "n_folds": self.n_folds,
            "min_trials": self.min_trials,
            "seed": self.seed,
        }

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._options().items())
        return f"{type(self).__name__}({args})"

    @property
    def uses_pairs(self) -> bool:
        """Whether the method measures pairwise interactions."""
        return False

    def evaluate(
        self,
        study: TrialSource,
        *,
        objective: int = 0,
        directions: Sequence[str | StudyDirection] | None = None,
    ) -> ImportanceResult:
        """Importance of ``study``'s parameters, with branches for conditional ones.

        Args:
            study: A :class:`~hypersense.Study`, a :class:`~hypersense.StudyHistory`
                or a sequence of :class:`~hypersense.FrozenTrial`.
            objective: Index of the objective of a multi-objective study.
            directions: Directions of a bare sequence of trials.

        Raises:
            ValueError: When the study has fewer than ``min_trials`` complete
                trials or no parameter with more than one value.
        """
        trials, direction = collect_trials(study, directions=directions, objective=objective)
        space = search_space_of(trials)
        root, branches = find_scopes(trials, space)
        rng = np.random.default_rng(self.seed)
        problem = self._skip_reason(root)
        if problem is not None:
            raise ValueError(f"cannot analyse this study: {problem}")
        pruned = pruned_trials_note(study)
        notes: list[str] = [] if pruned is None else [pruned]
        branch_results = []
        for scope in branches:
            reason = self._skip_reason(scope)
            if reason is not None:
                notes.append(f"branch {dict(scope.condition) or scope.branch_parameters}: {reason}")
                continue
            branch_results.append(self._analyse(scope, space, objective, direction, rng, ()))
        result = self._analyse(root, space, objective, direction, rng, tuple(notes))
        return _with_branches(result, tuple(branch_results))

    def _skip_reason(self, scope: AnalysisScope) -> str | None:
        if len(scope.trials) < self.min_trials:
            return f"{len(scope.trials)} complete trials, fewer than min_trials={self.min_trials}"
        if not scope.parameters:
            return "no parameter with more than one value is active in all its trials"
        return None

    def _analyse(
        self,
        scope: AnalysisScope,
        space: SearchSpace,
        objective: int,
        direction: StudyDirection,
        rng: np.random.Generator,
        notes: tuple[str, ...],
    ) -> ImportanceResult:
        design = build_design(
            scope, space, objective=objective, direction=direction, top_quantile=self.top_quantile
        )
        choice = dataclasses.replace(self._choose_surrogate(design, rng), columns=design.names)
        indices = self._estimate(choice, design, rng)
        return summarise(
            indices,
            design,
            choice,
            method=self.method,
            confidence=self.confidence,
            top_quantile=self.top_quantile,
            objective=objective,
            direction=direction,
            condition=scope.condition,
            notes=notes,
        )

    def _choose_surrogate(self, design: Design, rng: np.random.Generator) -> SurrogateChoice:
        return select_surrogate(
            self._surrogates, design.x, design.y, design.categorical, rng, n_folds=self.n_folds
        )

    @abstractmethod
    def _estimate(
        self, choice: SurrogateChoice, design: Design, rng: np.random.Generator
    ) -> DrawIndices:
        """Per-draw indices of this method for the chosen, fitted surrogate."""


def _with_branches(
    result: ImportanceResult, branches: tuple[ImportanceResult, ...]
) -> ImportanceResult:
    return dataclasses.replace(result, branches=branches)
