"""Reading the searched study: ranking, space, fill values, reference, strata."""

from __future__ import annotations

import pytest

import hypersense as hs
from hypersense.analysis.experiments.reference import (
    distinct_configurations,
    fill_values,
    ranked_trials,
    resolve_reference,
    searched_space,
    stratified_ranks,
)
from hypersense.space import CategoricalDistribution, FloatDistribution, IntDistribution


def _enqueue_all(study: hs.Study, configs: list[dict[str, object]]) -> None:
    for config in configs:
        study.enqueue_trial(config)


def _study_with(configs: list[dict[str, object]], values: list[float], **kw: str) -> hs.Study:
    study = hs.create_study(**kw)  # type: ignore[arg-type]
    _enqueue_all(study, configs)
    values_iter = iter(values)

    def objective(trial: hs.Trial) -> float:
        trial.suggest_categorical("kind", ["linear", "tree"])
        if trial.params["kind"] == "linear":
            trial.suggest_float("c", 0.01, 1.0, log=True)
        else:
            trial.suggest_int("depth", 1, 8)
        return next(values_iter)

    study.optimize(objective, n_trials=len(configs))
    return study


CONFIGS: list[dict[str, object]] = [
    {"kind": "tree", "depth": 7},
    {"kind": "linear", "c": 0.5},
    {"kind": "tree", "depth": 3},
    {"kind": "linear", "c": 0.5},
    {"kind": "linear", "c": 0.1},
]
VALUES = [3.0, 1.0, 2.0, 1.0, 5.0]


def test_ranked_trials_best_first_and_earliest_on_ties() -> None:
    study = _study_with(CONFIGS, VALUES)
    assert [t.number for t in ranked_trials(study)] == [1, 3, 2, 0, 4]
    maximized = _study_with(CONFIGS, VALUES, direction="maximize")
    assert [t.number for t in ranked_trials(maximized)] == [4, 0, 2, 1, 3]


def test_ranked_trials_rejects_empty_and_multi_objective_studies() -> None:
    with pytest.raises(ValueError, match="no COMPLETE trial"):
        ranked_trials(hs.create_study(study_name="empty"))
    with pytest.raises(ValueError, match="single-objective"):
        ranked_trials(hs.create_study(directions=["minimize", "maximize"]))


def test_space_fill_values_and_distinct_configurations() -> None:
    ranked = ranked_trials(_study_with(CONFIGS, VALUES))
    space = searched_space(ranked)
    assert space.names == ("kind", "c", "depth")
    assert space["c"] == FloatDistribution(0.01, 1.0, log=True)
    assert space["depth"] == IntDistribution(1, 8)
    assert space["kind"] == CategoricalDistribution(("linear", "tree"))
    # depth comes from the best tree trial (value 2.0), c from the best linear one.
    assert fill_values(space, ranked) == {"kind": "linear", "c": 0.5, "depth": 3}
    assert [t.number for t in distinct_configurations(ranked)] == [1, 2, 0, 4]


def test_reference_defaults_to_the_best_trial_and_checks_user_values() -> None:
    ranked = ranked_trials(_study_with(CONFIGS, VALUES))
    space = searched_space(ranked)
    assert resolve_reference(space, ranked, None) == {"kind": "linear", "c": 0.5}
    given = resolve_reference(space, ranked, {"kind": "tree", "depth": 5})
    assert given == {"kind": "tree", "depth": 5}
    with pytest.raises(ValueError, match="'nope'"):
        resolve_reference(space, ranked, {"nope": 1})
    with pytest.raises(ValueError, match="'depth'"):
        resolve_reference(space, ranked, {"depth": 99})
    with pytest.raises(TypeError, match="`reference`"):
        resolve_reference(space, ranked, [("depth", 2)])  # type: ignore[arg-type]


def test_stratified_ranks_known_answers() -> None:
    # 100 others split in 4 strata of 25: midpoints at 12.5, 37.5, 62.5, 87.5.
    assert stratified_ranks(101, 4) == [0, 13, 38, 63, 88]
    assert stratified_ranks(3, 4) == [0, 1, 2]
    assert stratified_ranks(1, 3) == [0]
