"""Reading trials into arrays: completed, pruned and pending points per group."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import hypersense as hs
from hypersense.direction import StudyDirection
from hypersense.samplers.tpe.observations import RecordCache, collect_observations
from hypersense.space import FloatDistribution, IntDistribution, SearchSpace
from hypersense.trial.frozen import FrozenTrial, SystemAttr

X = FloatDistribution(0.0, 10.0)
N = IntDistribution(0, 3)


def _trial(
    number: int, state: hs.TrialState, params: dict[str, float], **kw: object
) -> FrozenTrial:
    dists = {"x": X, "n": N, "z": FloatDistribution(0.0, 1.0)}
    return FrozenTrial(
        number=number,
        state=state,
        params=params,
        distributions={k: dists[k] for k in params},
        **kw,  # type: ignore[arg-type]
    )


def _history(trials: list[FrozenTrial], direction: str = "minimize") -> hs.StudyHistory:
    return hs.StudyHistory.from_trials([StudyDirection(direction)], trials)


def test_completed_pruned_and_pending_points() -> None:
    complete = hs.TrialState.COMPLETE
    trials = [
        _trial(0, complete, {"x": 5.0, "n": 1}, values=(3.0,)),
        _trial(1, hs.TrialState.PRUNED, {"x": 2.0, "n": 0}),
        _trial(2, complete, {"x": 1.0}, values=(1.0,)),  # lacks n: not in the group
        _trial(3, hs.TrialState.FAIL, {"x": 9.0, "n": 3}),  # failed: ignored
        _trial(4, complete, {"x": 10.0, "n": 3}, values=(float("nan"),)),  # not finite
        # Running elsewhere: x drawn, n only proposed.
        _trial(5, hs.TrialState.RUNNING, {"x": 7.0}, system_attrs={SystemAttr.PROPOSAL: {"n": 2}}),
        _trial(6, hs.TrialState.RUNNING, {}),  # the trial being proposed for
    ]
    space = SearchSpace({"x": X, "n": N})
    cache = RecordCache(None)
    obs = collect_observations(
        cache.table(_history(trials)),
        space,
        cache.space_keys(space),
        n_objectives=1,
        current_number=6,
        include_pending=True,
    )
    np.testing.assert_allclose(obs.completed_points, [[0.5, 0.375]])
    np.testing.assert_allclose(obs.losses, [[3.0]])
    assert obs.violations is None
    np.testing.assert_allclose(obs.bad_points, [[0.2, 0.125], [0.7, 0.625]])
    np.testing.assert_array_equal(obs.bad_weights, [1.0, 1.0])


def test_a_pruned_record_carries_its_bad_weight_and_pending_points_weigh_one() -> None:
    trials = [
        _trial(0, hs.TrialState.PRUNED, {"x": 2.0}),
        _trial(1, hs.TrialState.RUNNING, {"x": 7.0}),
    ]
    cache = RecordCache(None)
    table = cache.table(_history(trials))
    weighted = dataclasses.replace(table.pruned[0], bad_weight=0.25)
    space = SearchSpace({"x": X})
    obs = collect_observations(
        dataclasses.replace(table, pruned=(weighted,)),
        space,
        cache.space_keys(space),
        n_objectives=1,
        current_number=2,
        include_pending=True,
    )
    np.testing.assert_allclose(obs.bad_points, [[0.2], [0.7]])
    np.testing.assert_array_equal(obs.bad_weights, [0.25, 1.0])


def test_pending_points_are_left_out_without_constant_liar() -> None:
    trials = [_trial(0, hs.TrialState.RUNNING, {"x": 7.0})]
    space = SearchSpace({"x": X})
    cache = RecordCache(None)
    obs = collect_observations(
        cache.table(_history(trials)),
        space,
        cache.space_keys(space),
        n_objectives=1,
        current_number=1,
        include_pending=False,
    )
    assert obs.bad_points.shape == (0, 1)


def test_a_changed_distribution_is_another_parameter() -> None:
    other = FloatDistribution(0.0, 20.0)
    trials = [
        _trial(0, hs.TrialState.COMPLETE, {"x": 5.0}, values=(1.0,)),
        FrozenTrial(
            number=1,
            state=hs.TrialState.COMPLETE,
            values=(2.0,),
            params={"x": 5.0},
            distributions={"x": other},
        ),
    ]
    space = SearchSpace({"x": X})
    cache = RecordCache(None)
    obs = collect_observations(
        cache.table(_history(trials)),
        space,
        cache.space_keys(space),
        n_objectives=1,
        current_number=2,
        include_pending=True,
    )
    np.testing.assert_allclose(obs.completed_points, [[0.5]])


def test_losses_are_in_minimisation_form_and_violations_are_cached() -> None:
    calls: list[int] = []

    def violation(trial: FrozenTrial) -> float:
        calls.append(trial.number)
        return float(trial.number)

    trials = [
        _trial(i, hs.TrialState.COMPLETE, {"x": float(i)}, values=(float(i),)) for i in range(3)
    ]
    space = SearchSpace({"x": X})
    cache = RecordCache(violation)
    for _ in range(2):  # a fresh history over the same trial objects: records are reused
        obs = collect_observations(
            cache.table(_history(trials, "maximize")),
            space,
            cache.space_keys(space),
            n_objectives=1,
            current_number=3,
            include_pending=True,
            violations=cache.violations,
        )
    np.testing.assert_allclose(obs.losses[:, 0], [0.0, -1.0, -2.0])
    assert obs.violations is not None
    np.testing.assert_allclose(obs.violations, [0.0, 1.0, 2.0])
    assert calls == [0, 1, 2]


@pytest.mark.parametrize("n_objectives", [1, 3])
def test_no_observations_give_empty_arrays(n_objectives: int) -> None:
    space = SearchSpace({"x": X, "n": N})
    cache = RecordCache(None)
    directions = [StudyDirection.MINIMIZE] * n_objectives
    obs = collect_observations(
        cache.table(hs.StudyHistory.from_trials(directions, [])),
        space,
        cache.space_keys(space),
        n_objectives=n_objectives,
        current_number=0,
        include_pending=True,
    )
    assert obs.completed_points.shape == (0, 2)
    assert obs.losses.shape == (0, n_objectives)
    assert obs.bad_points.shape == (0, 2)
