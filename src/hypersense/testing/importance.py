"""The conformance suite of importance evaluators: what every
:class:`~hypersense.analysis.ImportanceEvaluator` keeps.

``factory(seed)`` must build a fresh evaluator seeded with ``seed`` (keep
``n_bootstrap`` small, the checks evaluate a few dozen times)::

    from hypersense.testing import check_importance_evaluator
    check_importance_evaluator(lambda seed: MyEvaluator(n_bootstrap=8, seed=seed))

The checks analyse small studies of known objectives in memory; the
importances must rank the parameters as those objectives are built.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import pickle
from collections.abc import Callable

import hypersense as hs
from hypersense.analysis.base import ImportanceEvaluator
from hypersense.analysis.results import ImportanceResult
from hypersense.history import StudyHistory
from hypersense.samplers.random import RandomSampler
from hypersense.testing.base import (
    Check,
    CheckReport,
    CheckSkipped,
    expect,
    run_checks,
    subject_name,
)

__all__ = [
    "IMPORTANCE_CHECKS",
    "ImportanceEvaluatorFactory",
    "check_every_parameter_gets_a_normalised_importance_with_an_interval",
    "check_importance_evaluator",
    "check_multi_objective_studies_analyse_the_chosen_objective",
    "check_ranks_the_known_important_parameters_first",
    "check_results_are_json_ready_and_convert_to_pandas",
    "check_same_seed_same_result_and_the_study_is_not_touched",
    "check_study_history_and_trials_give_the_same_answer",
    "check_too_few_trials_is_an_error",
]

#: Builds a fresh evaluator from a seed.
ImportanceEvaluatorFactory = Callable[[int | None], ImportanceEvaluator]

#: The parameters of :func:`_known_objective`, most important first: ``lr``
#: and ``x`` move the objective by about 1 and 3, ``act`` by 0.5, ``n`` by 0.4.
KNOWN_RANKING = ("lr", "x")


def _known_objective(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    n = trial.suggest_int("n", 1, 5)
    act = trial.suggest_categorical("act", ["relu", "tanh"])
    return 3.0 * x**2 + math.log10(lr) ** 2 / 4.0 + 0.1 * n + (0.5 if act == "tanh" else 0.0)


@functools.lru_cache(maxsize=1)
def _known_trials() -> tuple[hs.FrozenTrial, ...]:
    study = hs.create_study(sampler=RandomSampler(seed=0), heartbeat_interval_s=None)
    study.optimize(_known_objective, n_trials=60)
    return tuple(study.trials)


def _known_study() -> hs.Study:
    """A fresh in-memory study of 60 random trials of the known objective."""
    study = hs.create_study(sampler=RandomSampler(seed=0), heartbeat_interval_s=None)
    for trial in _known_trials():
        study.enqueue_trial(dict(trial.params))
    study.optimize(_known_objective, n_trials=60)
    return study


def _evaluate(factory: ImportanceEvaluatorFactory) -> ImportanceResult:
    return factory(0).evaluate(list(_known_trials()), directions=["minimize"])


def check_every_parameter_gets_a_normalised_importance_with_an_interval(
    factory: ImportanceEvaluatorFactory,
) -> None:
    """Every parameter gets an importance in [0, 1] inside its interval; they
    sum to 1 and come most important first."""
    evaluator = factory(0)
    result = evaluator.evaluate(list(_known_trials()), directions=["minimize"])
    expect(
        result.method == type(evaluator).method,
        f"result.method is {result.method!r}, the evaluator's method {type(evaluator).method!r}",
    )
    names = {p.name for p in result.parameters}
    expect(names == {"x", "lr", "n", "act"}, f"analysed the parameters {sorted(names)}")
    total = sum(p.importance for p in result.parameters)
    expect(math.isclose(total, 1.0, rel_tol=1e-6), f"importances sum to {total}, not 1")
    for p in result.parameters:
        expect(
            0.0 <= p.ci_low <= p.ci_high <= 1.0 + 1e-9,
            f"{p.name}: interval [{p.ci_low}, {p.ci_high}] is not inside [0, 1]",
        )
        expect(
            p.surrogate == result.surrogate and p.r2 == result.r2,
            f"{p.name}: surrogate {p.surrogate!r} (R² {p.r2}) differs from the result's",
        )
    importances = [p.importance for p in result.parameters]
    expect(importances == sorted(importances, reverse=True), f"not sorted: {importances}")


def check_ranks_the_known_important_parameters_first(factory: ImportanceEvaluatorFactory) -> None:
    """On an objective built so, ``lr`` and ``x`` come first (in that order)."""
    ranking = tuple(p.name for p in _evaluate(factory).parameters)
    expect(ranking[:2] == KNOWN_RANKING, f"ranked {ranking}; expected {KNOWN_RANKING} first")


def check_same_seed_same_result_and_the_study_is_not_touched(
    factory: ImportanceEvaluatorFactory,
) -> None:
    """The same seed gives the same result, and evaluating leaves the study unchanged."""
    study = _known_study()
    before = pickle.dumps(study.trials)
    first = factory(0).evaluate(study).to_dict()
    second = factory(0).evaluate(study).to_dict()
    expect(first == second, "two evaluators of seed 0 gave different results")
    expect(pickle.dumps(study.trials) == before, "the study's trials changed")


def check_results_are_json_ready_and_convert_to_pandas(
    factory: ImportanceEvaluatorFactory,
) -> None:
    """``to_dict()`` is strict JSON; ``to_pandas()`` has one row per parameter."""
    result = _evaluate(factory)
    text = json.dumps(result.to_dict(), allow_nan=False)
    expect(json.loads(text)["method"] == result.method, "to_dict() lost the method")
    if importlib.util.find_spec("pandas") is None:
        raise CheckSkipped("pandas is not installed; to_dict() passed, to_pandas() is untested")
    frame = result.to_pandas()
    expect(
        list(frame["name"]) == [p.name for p in result.parameters],
        f"to_pandas() rows {list(frame['name'])} differ from the parameters",
    )
    wanted = {"importance", "ci_low", "ci_high", "r2", "surrogate"}
    expect(wanted <= set(frame.columns), f"to_pandas() lacks {sorted(wanted - set(frame.columns))}")


def check_study_history_and_trials_give_the_same_answer(
    factory: ImportanceEvaluatorFactory,
) -> None:
    """A study, its history and its list of trials are analysed alike."""
    study = _known_study()
    from_study = factory(0).evaluate(study).to_dict()
    history = StudyHistory.from_trials(study.directions, study.trials)
    expect(factory(0).evaluate(history).to_dict() == from_study, "the history differs")
    from_trials = factory(0).evaluate(study.trials, directions=["minimize"]).to_dict()
    expect(from_trials == from_study, "the list of trials differs")


def _two_objectives(trial: hs.Trial) -> tuple[float, float]:
    a = trial.suggest_float("a", 0.0, 1.0)
    b = trial.suggest_float("b", 0.0, 1.0)
    return a + 0.1 * b, b + 0.1 * a


def check_multi_objective_studies_analyse_the_chosen_objective(
    factory: ImportanceEvaluatorFactory,
) -> None:
    """With two objectives, ``objective=`` picks which one is analysed."""
    study = hs.create_study(
        directions=["minimize", "maximize"],
        sampler=RandomSampler(seed=1),
        heartbeat_interval_s=None,
    )
    study.optimize(_two_objectives, n_trials=30)
    first = factory(0).evaluate(study, objective=0)
    second = factory(0).evaluate(study, objective=1)
    expect(first.parameters[0].name == "a", "objective 0 is driven by 'a'")
    expect(second.parameters[0].name == "b", "objective 1 is driven by 'b'")
    expect(
        (first.objective, second.objective, second.direction) == (0, 1, "maximize"),
        f"results say objectives {first.objective}, {second.objective} ({second.direction})",
    )
    try:
        factory(0).evaluate(study, objective=2)
    except ValueError:
        return
    raise AssertionError("objective=2 of a two-objective study did not raise ValueError")


def check_too_few_trials_is_an_error(factory: ImportanceEvaluatorFactory) -> None:
    """A study with fewer than ``min_trials`` complete trials raises a ValueError saying so."""
    evaluator = factory(0)
    trials = list(_known_trials())[: max(0, evaluator.min_trials - 1)]
    try:
        evaluator.evaluate(trials, directions=["minimize"])
    except ValueError as exc:
        expect("min_trials" in str(exc), f"the error does not name min_trials: {exc}")
        return
    raise AssertionError(f"{len(trials)} trials (min_trials={evaluator.min_trials}) did not raise")


#: Every importance check, in the order :func:`check_importance_evaluator` runs them.
IMPORTANCE_CHECKS: tuple[Check[ImportanceEvaluatorFactory], ...] = tuple(
    Check(f)
    for f in (
        check_every_parameter_gets_a_normalised_importance_with_an_interval,
        check_ranks_the_known_important_parameters_first,
        check_same_seed_same_result_and_the_study_is_not_touched,
        check_results_are_json_ready_and_convert_to_pandas,
        check_study_history_and_trials_give_the_same_answer,
        check_multi_objective_studies_analyse_the_chosen_objective,
        check_too_few_trials_is_an_error,
    )
)


def check_importance_evaluator(factory: ImportanceEvaluatorFactory) -> CheckReport:
    """Run every importance check on ``factory``.

    Returns:
        Which checks passed and which were skipped, and why.

    Raises:
        AssertionError: Naming every failed check and what it found.
    """
    return run_checks(IMPORTANCE_CHECKS, factory, subject=subject_name(factory(0)))
