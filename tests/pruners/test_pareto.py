"""ParetoPruner on hand-made vectors and in real two-objective studies; pruners
of one direction refuse studies of several with an error naming them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pytest

import hypersense as hs
from hypersense.pruners import (
    CurveExtrapolationPruner,
    HyperbandPruner,
    MedianPruner,
    ObjectivePruner,
    ParetoPruner,
    PatientPruner,
    PercentilePruner,
    PruneDecision,
    Pruner,
    SuccessiveHalvingPruner,
    ThresholdPruner,
    WilcoxonPruner,
    make_pruner,
)
from hypersense.pruners.pareto import dominated_beyond
from hypersense.samplers import RandomSampler
from hypersense.storage import InMemoryStorage
from hypersense.trial.frozen import SystemAttr
from tests.pruners.trials import MIN_MAX, history

CONTINUE, PRUNE = PruneDecision.CONTINUE, PruneDecision.PRUNE
MIN_MIN = (hs.StudyDirection.MINIMIZE, hs.StudyDirection.MINIMIZE)


def vectors_attr(vectors: Mapping[int, Sequence[float]]) -> dict[str, object]:
    return {SystemAttr.INTERMEDIATE_VECTORS: {str(k): list(v) for k, v in vectors.items()}}


def done(number: int, vectors: Mapping[int, Sequence[float]]) -> hs.FrozenTrial:
    last = vectors[max(vectors)]
    return hs.FrozenTrial(
        number=number,
        state=hs.TrialState.COMPLETE,
        values=tuple(last),
        intermediate_values={k: v[0] for k, v in vectors.items()},
        system_attrs=vectors_attr(vectors),
    )


def live(number: int, vectors: Mapping[int, Sequence[float]]) -> hs.FrozenTrial:
    return hs.FrozenTrial(
        number=number,
        state=hs.TrialState.RUNNING,
        intermediate_values={k: v[0] for k, v in vectors.items()},
        system_attrs=vectors_attr(vectors),
    )


# Step 1 front (both minimised): (1, 5), (3, 3), (5, 1); (4, 4) is dominated by (3, 3).
FRONT = [
    done(0, {0: [9, 9], 1: [1, 5]}),
    done(1, {0: [9, 9], 1: [3, 3]}),
    done(2, {0: [9, 9], 1: [5, 1]}),
    done(3, {0: [9, 9], 1: [4, 4]}),
]


def test_dominated_beyond_is_plain_dominance_with_a_zero_margin() -> None:
    front = np.array([[1.0, 5.0], [3.0, 3.0]])
    zero = np.zeros(2)
    assert dominated_beyond(np.array([3.5, 3.0]), front, zero)
    assert not dominated_beyond(np.array([3.0, 3.0]), front, zero)  # equal is not dominated
    assert not dominated_beyond(np.array([2.0, 4.0]), front, zero)
    assert dominated_beyond(np.array([4.0, 4.0]), front, np.array([1.0, 1.0]))
    assert not dominated_beyond(np.array([4.0, 4.0]), front, np.array([1.0, 1.5]))
    assert not dominated_beyond(np.array([4.0, 4.0]), np.empty((0, 2)), zero)


def test_prunes_what_the_front_dominates_at_the_same_step() -> None:
    pruner = ParetoPruner(n_startup_trials=2)
    h = history(FRONT, MIN_MIN)
    assert pruner.decide(h, live(9, {0: [9, 9], 1: [4, 3.5]})) is PRUNE  # (3, 3) is better
    assert pruner.decide(h, live(9, {0: [9, 9], 1: [2, 4]})) is CONTINUE  # on the front
    assert pruner.decide(h, live(9, {0: [9, 9]})) is CONTINUE  # step 0: a tie is no dominance
    assert pruner.decide(h, live(9, {0: [9, 9.5]})) is PRUNE
    assert pruner.decide(h, live(9, {0: [8, 10]})) is CONTINUE
    assert pruner.decide(h, live(9, {0: [10, 10], 1: [2, 2]})) is CONTINUE  # last step counts


def test_margin_in_each_objectives_units() -> None:
    h = history(FRONT, MIN_MIN)
    trial = live(9, {1: [4.0, 3.5]})  # (3, 3) is better by (1, 0.5)
    assert ParetoPruner(margin=0.5, n_startup_trials=0).decide(h, trial) is PRUNE
    assert ParetoPruner(margin=1.0, n_startup_trials=0).decide(h, trial) is CONTINUE
    assert ParetoPruner(margin=[1.0, 0.5], n_startup_trials=0).decide(h, trial) is PRUNE
    assert ParetoPruner(margin=[0.5, 1.0], n_startup_trials=0).decide(h, trial) is CONTINUE


def test_directions_are_respected() -> None:
    # Objective 1 maximised: (1, 5) is now the best point in both objectives.
    h = history(FRONT, MIN_MAX)
    pruner = ParetoPruner(n_startup_trials=0)
    assert pruner.decide(h, live(9, {1: [2.0, 4.0]})) is PRUNE
    assert pruner.decide(h, live(9, {1: [0.5, 1.0]})) is CONTINUE
    assert pruner.decide(h, live(9, {1: [2.0, 6.0]})) is CONTINUE


def test_start_up_warm_up_interval_and_minimum_trials() -> None:
    h = history(FRONT, MIN_MIN)
    dominated = live(9, {1: [6.0, 6.0]})
    assert ParetoPruner(n_startup_trials=5).decide(h, dominated) is CONTINUE
    assert ParetoPruner(n_startup_trials=4).decide(h, dominated) is PRUNE
    assert ParetoPruner(n_startup_trials=0, n_warmup_steps=2).decide(h, dominated) is CONTINUE
    assert ParetoPruner(n_startup_trials=0, interval_steps=2).decide(h, dominated) is CONTINUE
    assert ParetoPruner(n_startup_trials=0, n_min_trials=5).decide(h, dominated) is CONTINUE


def test_divergence_and_other_trials_non_finite_vectors() -> None:
    pruner = ParetoPruner(n_startup_trials=0)
    assert pruner.decide(history(FRONT, MIN_MIN), live(9, {1: [np.nan, 0.0]})) is PRUNE
    diverged = [done(0, {1: [np.inf, 0.0]}), done(1, {1: [np.nan, np.nan]})]
    assert pruner.decide(history(diverged, MIN_MIN), live(9, {1: [9.0, 9.0]})) is CONTINUE


def test_trials_reporting_numbers_are_not_judged() -> None:
    scalar = hs.FrozenTrial(number=9, state=hs.TrialState.RUNNING, intermediate_values={1: 99.0})
    assert ParetoPruner(n_startup_trials=0).decide(history(FRONT, MIN_MIN), scalar) is CONTINUE


def test_bad_options_name_the_option() -> None:
    for bad in (-0.1, [0.1, -1.0], "wide", [], True):
        with pytest.raises(ValueError, match="`margin`"):
            ParetoPruner(margin=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`interval_steps`"):
        ParetoPruner(interval_steps=0)
    with pytest.raises(ValueError, match="`n_min_trials`"):
        ParetoPruner(n_min_trials=0)
    with pytest.raises(
        ValueError, match=re.escape("`margin` has 3 values but the study has 2 objectives")
    ):
        ParetoPruner(margin=[1.0, 1.0, 1.0]).decide(history(FRONT, MIN_MIN), live(9, {1: [1, 1]}))


def test_from_a_config_name_and_repr() -> None:
    pruner = make_pruner("pareto", {"margin": [0.1, 2.0], "n_startup_trials": 3})
    assert repr(pruner) == (
        "ParetoPruner(margin=(0.1, 2.0), n_startup_trials=3, n_warmup_steps=0, "
        "interval_steps=1, n_min_trials=1)"
    )


def two_objective(trial: hs.Trial) -> tuple[float, float]:
    """Loss falls with epochs and with width; latency, known from the start, grows
    with width. Widths above 4 are slow and inaccurate: the fast width 1 dominates
    them from the first epoch; the fast widths are a trade-off."""
    width = trial.suggest_int("width", 1, 8)
    slow = width > 4
    loss = latency = 0.0
    for epoch in range(5):
        loss = (2.0 if slow else 1.0) * (1.0 + 1.0 / width) / (epoch + 1)
        latency = (20.0 if slow else 0.0) + width
        trial.report((loss, latency), epoch)
        if trial.should_prune():
            raise hs.TrialPruned
    return loss, latency


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_in_a_two_objective_study(sqlite_url: str, n_jobs: int) -> None:
    study = hs.create_study(
        storage=sqlite_url,
        directions=["minimize", "minimize"],
        sampler=RandomSampler(seed=3),
        pruner=ParetoPruner(n_startup_trials=2),
    )
    study.optimize(two_objective, n_trials=16, n_jobs=n_jobs)
    trials = study.trials
    pruned = [t for t in trials if t.state is hs.TrialState.PRUNED]
    assert pruned and all(t.params["width"] > 4 for t in pruned)
    for t in trials:
        assert set(t.intermediate_vectors) == set(t.intermediate_values)
        assert all(v[0] == t.intermediate_values[s] for s, v in t.intermediate_vectors.items())
    fast = [t for t in trials if t.params["width"] <= 4]
    assert all(t.state is hs.TrialState.COMPLETE for t in fast)


def test_a_vector_of_the_wrong_length_is_refused() -> None:
    study = hs.create_study(directions=["minimize", "minimize"])

    def objective(trial: hs.Trial) -> tuple[float, float]:
        trial.report((1.0, 2.0, 3.0), 0)
        return 1.0, 2.0

    with pytest.raises(ValueError, match="trial 0 reported 3 values at step 0"):
        study.optimize(objective, n_trials=1, catch=())
    with pytest.raises(TypeError, match="must be a number, or a tuple"):
        hs.create_study().optimize(lambda t: t.report("x", 0) or 0.0, n_trials=1)  # type: ignore[arg-type,func-returns-value]


SINGLE_DIRECTION: list[Pruner] = [
    MedianPruner(),
    PercentilePruner(25.0),
    PatientPruner(None, patience=2),
    WilcoxonPruner(),
    SuccessiveHalvingPruner(),
    HyperbandPruner(),
    CurveExtrapolationPruner(max_resource=10),
]


@pytest.mark.parametrize("pruner", SINGLE_DIRECTION, ids=lambda p: type(p).__name__)
def test_single_direction_pruners_refuse_several_directions(pruner: Pruner) -> None:
    name = type(pruner).__name__
    message = re.escape(f"{name} supports single-objective studies only (this study has 2 ")
    storage = InMemoryStorage()
    with pytest.raises(ValueError, match=message):
        hs.create_study("s", storage, directions=["minimize", "maximize"], pruner=pruner)
    assert storage.list_studies() == []  # refused before anything was stored
    hs.create_study("s", storage, directions=["minimize", "maximize"])
    with pytest.raises(ValueError, match=message):
        hs.load_study("s", storage, pruner=pruner)
    with pytest.raises(ValueError, match=message):
        hs.create_study("s", storage, load_if_exists=True, pruner=pruner)


@pytest.mark.parametrize(
    "pruner",
    [
        ParetoPruner(),
        ThresholdPruner(upper=1.0),
        ObjectivePruner(MedianPruner(), objective_index=1),
    ],
    ids=lambda p: type(p).__name__,
)
def test_pruners_of_several_directions_are_accepted(pruner: Pruner) -> None:
    study = hs.create_study(directions=["minimize", "maximize"], pruner=pruner)
    assert study.pruner is pruner
