"""Observations at a budget level, on hand-made multi-fidelity histories."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hypersense as hs
from hypersense.fidelity import (
    budget_levels,
    observations_at_budget,
    rank_agreement,
    rungs_of,
    value_at_step,
)
from tests.pruners.trials import MAX, MIN, MIN_MAX, complete, history, running

B0 = {"bracket": "0", "rungs": "1,3"}
B1 = {"bracket": "1", "rungs": "3"}


def pruned(number: int, curve: list[float], tags: dict[str, str] = B0) -> hs.FrozenTrial:
    return running(number, curve, tags=tags, state=hs.TrialState.PRUNED)


def test_rungs_tags_are_read_and_bad_ones_ignored() -> None:
    assert rungs_of(complete(0, [1.0], tags={"rungs": "9,1,3"})) == (1, 3, 9)
    assert rungs_of(complete(0, [1.0], tags={"rungs": ""})) == ()
    assert rungs_of(complete(0, [1.0], tags={"rungs": "one,3"})) == ()
    assert rungs_of(complete(0, [1.0])) == ()
    trials = [complete(0, [1.0], tags=B0), complete(1, [1.0], tags=B1)]
    assert budget_levels(trials) == (1, 3)


def test_the_value_at_a_step_is_the_first_report_at_or_past_it() -> None:
    values = {0: 5.0, 2: 4.0, 6: 3.0}
    assert value_at_step(values, 2) == 4.0
    assert value_at_step(values, 3) == 3.0
    assert value_at_step(values, 7) is None


def _study() -> list[hs.FrozenTrial]:
    """Two brackets. Levels 1 and 3 and the full budget (steps 0..4)."""
    return [
        complete(0, [9.0, 8.0, 7.0, 6.0, 5.0], tags=B0),  # full: 5
        pruned(1, [9.0, 9.5]),  # stopped at 1
        pruned(2, [9.0, 8.5, 8.4, 8.3]),  # stopped at 3
        complete(3, [9.0, 7.0, 6.0, 5.0, 4.0], tags=B1),  # full: 4
        pruned(4, [9.0, 8.9, 8.8, 8.7], tags=B1),  # stopped at 3
        running(5, [0.0, 0.0, 0.0, 0.0], tags=B0),  # running: never counted
    ]


def test_the_highest_level_with_enough_observations_is_chosen() -> None:
    h = history(_study())
    full = observations_at_budget(h, min_observations=2)
    assert full is not None and full.step is None and full.label == "full"
    assert [t.number for t in full.trials] == [0, 3]
    np.testing.assert_array_equal(full.losses, [5.0, 4.0])
    assert {t.number for t in full.stopped_below} == {1, 2, 4}
    # Two complete trials: too few to measure rank agreement, so full weight.
    np.testing.assert_array_equal(full.below_weights, [1.0, 1.0, 1.0])
    assert full.diverged == ()
    assert full.levels == (1, 3, None)

    rung3 = observations_at_budget(h, min_observations=3)
    assert rung3 is not None and rung3.step == 3
    # Pruned trials 2 and 4 reached step 3; trial 1 stopped before it.
    assert [t.number for t in rung3.trials] == [0, 2, 3, 4]
    np.testing.assert_array_equal(rung3.losses, [6.0, 8.3, 5.0, 8.7])
    assert [t.number for t in rung3.stopped_below] == [1]

    rung1 = observations_at_budget(h, min_observations=5)
    assert rung1 is not None and rung1.step == 1 and len(rung1.trials) == 5

    # No level has 6: the one with the most observations.
    most = observations_at_budget(h, min_observations=6)
    assert most is not None and most.step == 1


def test_maximised_values_become_losses_and_diverged_ones_are_not_observed() -> None:
    trials = [
        complete(0, [1.0, 2.0, 3.0], tags={"rungs": "1"}),
        pruned(1, [1.0, math.nan], tags={"rungs": "1"}),
        pruned(2, [1.0, 0.5], tags={"rungs": "1"}),
    ]
    obs = observations_at_budget(history(trials, MAX), min_observations=1)
    assert obs is not None and obs.step is None
    np.testing.assert_array_equal(obs.losses, [-3.0])
    # At the full budget trial 2 stopped below (finite last value); trial 1
    # diverged before it and stays diverged.
    assert [t.number for t in obs.stopped_below] == [2]
    assert [t.number for t in obs.diverged] == [1]
    rung = observations_at_budget(history(trials, MAX), min_observations=2)
    assert rung is not None and rung.step == 1
    assert [t.number for t in rung.trials] == [0, 2]
    np.testing.assert_array_equal(rung.losses, [-2.0, -0.5])
    assert rung.stopped_below == ()
    assert [t.number for t in rung.diverged] == [1]


def test_rank_agreement_is_kendalls_tau() -> None:
    assert rank_agreement(np.array([1.0, 2.0, 3.0, 4.0]), np.array([10.0, 20.0, 30.0, 40.0])) == 1
    assert rank_agreement(np.array([1.0, 2.0, 3.0, 4.0]), np.array([4.0, 3.0, 2.0, 1.0])) == -1
    # 6 pairs, 5 concordant and 1 discordant.
    assert rank_agreement(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 4.0, 3.0])) == (
        pytest.approx(4 / 6)
    )
    # Tau-b with a tie on one side: (2 - 0) / sqrt(2 * 3).
    assert rank_agreement(np.array([1.0, 1.0, 2.0]), np.array([1.0, 2.0, 3.0])) == (
        pytest.approx(2 / math.sqrt(6))
    )
    assert math.isnan(rank_agreement(np.array([1.0, 2.0]), np.array([1.0, 2.0])))
    assert math.isnan(rank_agreement(np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, 3.0])))


@pytest.mark.parametrize(
    ("finals", "weight"),
    [
        ([1.0, 2.0, 3.0, 4.0], 1.0),  # ranks persist: losing at rung 1 is losing
        ([1.0, 2.0, 4.0, 3.0], 4 / 6),
        ([4.0, 3.0, 2.0, 1.0], 0.0),  # ranks reverse (crossing curves): no evidence
    ],
)
def test_trials_stopped_below_weigh_as_their_rung_ranks_like_the_final_values(
    finals: list[float], weight: float
) -> None:
    """Four complete trials whose values at rung 1 are 1..4 and whose final
    values are ``finals``; trial 4 lost at rung 1, trial 5 was stopped at
    step 0, before any rung (no evidence: weight 1)."""
    tags = {"rungs": "1"}
    trials = [complete(i, [9.0, i + 1.0, finals[i]], tags=tags) for i in range(4)]
    trials += [pruned(4, [9.0, 5.0], tags=tags), pruned(5, [9.0], tags=tags)]
    obs = observations_at_budget(history(trials), min_observations=4)
    assert obs is not None and obs.step is None
    assert [t.number for t in obs.stopped_below] == [4, 5]
    np.testing.assert_allclose(obs.below_weights, [weight, 1.0])


@pytest.mark.parametrize(
    ("trials", "directions"),
    [
        ([complete(0, [1.0, 2.0]), pruned(1, [3.0], tags={})], MIN),  # no rungs tag
        (_study(), MIN_MAX),  # several objectives
    ],
    ids=["no-rungs", "multi-objective"],
)
def test_studies_without_a_budget_structure_give_none(
    trials: list[hs.FrozenTrial], directions: tuple[hs.StudyDirection, ...]
) -> None:
    assert observations_at_budget(history(trials, directions), min_observations=1) is None
