"""The GP's trust region: when a search counts as stalled, the box it then searches,
the trials its local GP learns from, and that proposals stay in the box."""

from __future__ import annotations

import numpy as np
import pytest

import hypersense as hs
from hypersense.samplers.gp import GPSampler
from hypersense.samplers.gp.model_space import ModelSpace
from hypersense.samplers.gp.optimize_acquisition import optimize_acquisition
from hypersense.samplers.gp.sampler import TRUST_REGION_ATTR
from hypersense.samplers.gp.trust_region import (
    INITIAL_HALF_WIDTH,
    MIN_HALF_WIDTH,
    STALL_TRIALS,
    TrustRegion,
    local_neighbours,
    stall_length,
    trust_region,
)
from hypersense.space import SearchSpace
from tests.samplers.gp.test_optimize_acquisition import Quadratic


@pytest.mark.parametrize(
    ("losses", "expected"),
    [
        ([], 0),
        ([5.0], 0),
        ([3.0, 2.0, 1.0], 0),
        ([1.0, 2.0, 3.0], 2),
        ([3.0, 1.0, 1.0, 2.0], 2),  # a tie with the best is no improvement
        ([4.0, 1.0, 5.0, 0.5, 0.7, 0.6, 0.9], 3),
    ],
)
def test_stall_length_counts_trials_since_the_best_last_improved(
    losses: list[float], expected: int
) -> None:
    assert stall_length(np.array(losses)) == expected


def _stalled_losses(n_stalled: int) -> np.ndarray:
    """Losses whose best is trial 2, then ``n_stalled`` trials that do not improve."""
    return np.array([3.0, 2.0, 1.0] + [1.5] * n_stalled)


NUMERIC = np.zeros(3, dtype=bool)
EQUAL_SCALES = np.full(3, 0.3)
MIDDLE = np.full(3, 0.5)


def test_no_region_before_the_stall_or_on_even_trials() -> None:
    assert trust_region(_stalled_losses(STALL_TRIALS - 1), MIDDLE, EQUAL_SCALES, NUMERIC, 7) is None
    assert trust_region(_stalled_losses(STALL_TRIALS), MIDDLE, EQUAL_SCALES, NUMERIC, 8) is None
    assert trust_region(np.zeros(0), MIDDLE, EQUAL_SCALES, NUMERIC, 7) is None
    region = trust_region(_stalled_losses(STALL_TRIALS), MIDDLE, EQUAL_SCALES, NUMERIC, 7)
    assert region is not None


@pytest.mark.parametrize(
    ("n_stalled", "half_width"),
    [
        (STALL_TRIALS, INITIAL_HALF_WIDTH),
        (2 * STALL_TRIALS - 1, INITIAL_HALF_WIDTH),
        (2 * STALL_TRIALS, INITIAL_HALF_WIDTH / 2),
        (3 * STALL_TRIALS, INITIAL_HALF_WIDTH / 4),
        (40 * STALL_TRIALS, MIN_HALF_WIDTH),
    ],
)
def test_the_box_halves_after_every_further_stall(n_stalled: int, half_width: float) -> None:
    region = trust_region(_stalled_losses(n_stalled), MIDDLE, EQUAL_SCALES, NUMERIC, 1)
    assert region is not None
    assert np.max(region.half_widths) == pytest.approx(half_width)
    assert region.width == pytest.approx(half_width)
    np.testing.assert_allclose(region.low, MIDDLE - half_width)
    np.testing.assert_allclose(region.high, MIDDLE + half_width)


@pytest.mark.parametrize(
    ("n_stalled", "number", "width"),
    [
        (0, 1, 0.05),  # at once, at the width the incumbent was found at
        (STALL_TRIALS - 1, 3, 0.05),
        (STALL_TRIALS, 5, 0.025),
        (2 * STALL_TRIALS, 7, 0.0125),
        (40 * STALL_TRIALS, 9, MIN_HALF_WIDTH),
        (0, 2, None),  # even trials stay global
    ],
)
def test_a_box_that_found_the_incumbent_keeps_going_at_its_width(
    n_stalled: int, number: int, width: float | None
) -> None:
    region = trust_region(
        _stalled_losses(n_stalled), MIDDLE, EQUAL_SCALES, NUMERIC, number, incumbent_width=0.05
    )
    if width is None:
        assert region is None
    else:
        assert region is not None and region.width == pytest.approx(width)
        np.testing.assert_allclose(region.high - region.low, 2 * width)


def test_a_kept_box_is_never_wider_than_the_first_box() -> None:
    region = trust_region(_stalled_losses(0), MIDDLE, EQUAL_SCALES, NUMERIC, 1, incumbent_width=0.4)
    assert region is not None and region.width == pytest.approx(INITIAL_HALF_WIDTH)


def test_the_box_follows_the_length_scales_and_the_unit_range() -> None:
    # Length scales 0.1, 0.2, 0.4 and 3.2: geometric mean 0.4; relative 1/4,
    # 1/2, 1 and 8, clipped to 4. A categorical dimension is not restricted.
    scales = np.array([0.1, 0.2, 0.4, 3.2, 1.0])
    categorical = np.array([False, False, False, False, True])
    incumbent = np.array([0.5, 0.5, 0.95, 0.5, 2.0])
    region = trust_region(np.array([1.0] + [2.0] * STALL_TRIALS), incumbent, scales, categorical, 3)
    assert region is not None
    np.testing.assert_allclose(region.half_widths[:4], [0.025, 0.05, 0.1, 0.4])
    np.testing.assert_allclose(region.low[:4], [0.475, 0.45, 0.85, 0.1])
    np.testing.assert_allclose(region.high[:4], [0.525, 0.55, 1.0, 0.9])  # clipped at 1
    assert region.low[4] == -np.inf and region.high[4] == np.inf
    assert np.max(region.half_widths[~categorical]) == pytest.approx(0.4)
    inside = region.contains(np.array([incumbent, [0.5, 0.5, 0.8, 0.5, 0.0]]))
    np.testing.assert_array_equal(inside, [True, False])


def test_the_local_gp_learns_from_the_nearest_trials_in_box_units() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((60, 2))
    region = TrustRegion(
        centre=np.array([0.5, 0.5]),
        low=np.array([0.4, 0.0]),
        high=np.array([0.6, 1.0]),
        half_widths=np.array([0.1, 0.5]),
        width=0.1,
    )
    near = local_neighbours(x, region)
    distance = np.max(np.abs(x - 0.5) / np.array([0.1, 0.5]), axis=1)
    assert near.size == 20
    np.testing.assert_array_equal(near, np.sort(np.argsort(distance)[:20]))
    np.testing.assert_array_equal(local_neighbours(x[:15], region), np.arange(15))
    wide = rng.random((100, 10))  # four per dimension in 10-D
    box = TrustRegion(np.full(10, 0.5), np.full(10, 0.4), np.full(10, 0.6), np.full(10, 0.1), 0.1)
    assert local_neighbours(wide, box).size == 40


def test_proposals_stay_in_the_box_at_its_best_point() -> None:
    space = SearchSpace(
        {
            "a": hs.FloatDistribution(0.0, 1.0),
            "n": hs.IntDistribution(0, 9),  # grid (k + 0.5) / 10
            "c": hs.CategoricalDistribution(("x", "y", "z")),
            "b": hs.FloatDistribution(0.0, 1.0),
        }
    )
    ms = ModelSpace.from_search_space(space)
    # The maximiser (0.9, 0.95, "z", 0.1) lies outside the box; a separable
    # concave quadratic is best at the maximiser clipped into the box, the
    # integer at the grid value in the box nearest to it.
    acq = Quadratic(
        np.array([0.9, 0.95, 0.0, 0.1]),
        np.array([1.0, 1.0, 0.0, 2.0]),
        {2: np.array([0.0, 0.1, 0.5])},
    )
    region = TrustRegion(
        centre=np.array([0.5, 0.45, 0.0, 0.5]),
        low=np.array([0.4, 0.3, -np.inf, 0.3]),
        high=np.array([0.6, 0.6, np.inf, 0.7]),
        half_widths=np.array([0.1, 0.15, 0.1, 0.2]),
        width=0.1,
    )
    optimum = optimize_acquisition(
        acq,
        ms,
        lengthscales=np.full(4, 0.3),
        incumbents=np.array([[0.5, 0.45, 0.0, 0.5]]),
        rng=np.random.default_rng(1),
        region=region,
    )
    np.testing.assert_allclose(optimum.point, [0.6, 0.55, 2.0, 0.3], atol=1e-6)


def _bowl(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", -1.0, 1.0)
    y = trial.suggest_float("y", -1.0, 1.0)
    return (x - 0.2) ** 2 + 3.0 * (y + 0.4) ** 2


def _study_stalled_from_the_start(sampler: GPSampler, n_trials: int) -> hs.Study:
    """The optimum is enqueued as trial 0, so no later trial improves on it."""
    study = hs.create_study(sampler=sampler, heartbeat_interval_s=None)
    study.enqueue_trial({"x": 0.2, "y": -0.4})
    study.optimize(_bowl, n_trials=n_trials)
    return study


def test_a_stalled_search_proposes_every_other_trial_in_a_box_around_the_best() -> None:
    study = _study_stalled_from_the_start(GPSampler(seed=3, n_startup_trials=4), 26)
    best = np.array([0.6, 0.3])  # (0.2, -0.4) in the unit square
    for trial in study.trials:
        width = trial.system_attrs.get(TRUST_REGION_ATTR)
        stalled = trial.number - 1  # trials finished since trial 0 set the best
        if trial.number % 2 == 1 and stalled >= STALL_TRIALS:
            halvings = (stalled - STALL_TRIALS) // STALL_TRIALS
            assert width == pytest.approx(INITIAL_HALF_WIDTH * 0.5**halvings)
            unit = np.array([(trial.params["x"] + 1) / 2, (trial.params["y"] + 1) / 2])
            # Spread over the dimensions by the length scales, by at most 4 times.
            assert np.all(np.abs(unit - best) <= 4 * width + 1e-9)
        else:
            assert width is None
    assert sum(TRUST_REGION_ATTR in t.system_attrs for t in study.trials) == 8


def _attractive_sector(trial: hs.Trial) -> float:
    """An asymmetric bowl (steep on one side of the optimum in each coordinate, as
    BBOB's f6): the global GP stalls near it, boxes around the best keep improving."""
    x = trial.suggest_float("x", -1.0, 1.0)
    y = trial.suggest_float("y", -1.0, 1.0)
    z = np.array([x - 0.3, y + 0.2])
    return float(np.sum((np.where(z > 0, 10.0, 1.0) * z) ** 2) ** 0.45)


def test_an_improvement_inside_the_box_keeps_the_box_and_one_outside_ends_it() -> None:
    study = hs.create_study(
        sampler=GPSampler(seed=1, n_startup_trials=4), heartbeat_interval_s=None
    )
    study.optimize(_attractive_sector, n_trials=60)
    trials = study.trials
    kept = 0
    for trial in trials[1:]:
        before = trials[: trial.number]
        values = np.array([t.value for t in before])
        best = before[int(np.argmin(values))]
        found_in = best.system_attrs.get(TRUST_REGION_ATTR)
        stalled = len(before) - 1 - best.number
        width = trial.system_attrs.get(TRUST_REGION_ATTR)
        if trial.number % 2 == 0:
            assert width is None
        elif found_in is not None:
            kept += stalled < STALL_TRIALS
            halvings = stalled // STALL_TRIALS
            assert width == pytest.approx(max(found_in * 0.5**halvings, MIN_HALF_WIDTH))
        elif stalled >= STALL_TRIALS:
            halvings = (stalled - STALL_TRIALS) // STALL_TRIALS
            assert width == pytest.approx(max(INITIAL_HALF_WIDTH * 0.5**halvings, MIN_HALF_WIDTH))
        else:
            assert width is None
    assert kept >= 2  # the rule was exercised: boxes went on before a new stall


def test_the_trust_region_can_be_turned_off_and_ignores_several_objectives() -> None:
    study = _study_stalled_from_the_start(
        GPSampler(seed=3, n_startup_trials=4, trust_region=False), 26
    )
    assert not any(TRUST_REGION_ATTR in t.system_attrs for t in study.trials)
    both = hs.create_study(
        directions=["minimize", "minimize"],
        sampler=GPSampler(seed=3, n_startup_trials=4),
        heartbeat_interval_s=None,
    )
    both.enqueue_trial({"x": 0.2, "y": -0.4})
    both.optimize(lambda t: (_bowl(t), 1.0), n_trials=20)
    assert not any(TRUST_REGION_ATTR in t.system_attrs for t in both.trials)
