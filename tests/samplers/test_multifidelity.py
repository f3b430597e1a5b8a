"""Model-based multi-fidelity (BOHB-style): TPE, the GP and AutoSampler model
the highest budget level with enough observations, and share one start-up
across Hyperband's brackets."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hypersense as hs
from hypersense.fidelity import MODEL_BUDGET_ATTR
from hypersense.history import StudyHistory
from hypersense.pruners import HyperbandPruner
from hypersense.samplers import AutoSampler, TPESampler
from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.samplers.gp import GPSampler
from hypersense.space import FloatDistribution

X = FloatDistribution(0.0, 1.0)
TAGS = {"bracket": "0", "rungs": "1,3"}


def _trial(
    number: int, x: float, curve: list[float], state: hs.TrialState, *, tagged: bool
) -> hs.FrozenTrial:
    return hs.FrozenTrial(
        number=number,
        state=state,
        values=(curve[-1],) if state is hs.TrialState.COMPLETE else None,
        params={"x": x},
        distributions={"x": X},
        intermediate_values=dict(enumerate(curve)),
        system_attrs={"tags": TAGS} if tagged else {},
    )


def crossing_history(*, n_complete: int, tagged: bool = True) -> StudyHistory:
    """30 trials spread over x in [0, 1]. At the rungs (steps 1 and 3) the
    curves are best near x = 0.8; the final values are best near x = 0.2 (a
    crossing: those curves start badly and win late). Trials far from 0.8 were
    pruned at step 1, the others at step 3; ``n_complete`` more trials, spread
    over [0, 1], ran to the end (step 5)."""
    trials = []
    for i in range(30):
        x = (i + 0.5) / 30
        early = (x - 0.8) ** 2
        curve = [1.0 + early, 0.5 + early]  # steps 0, 1
        if abs(x - 0.8) < 0.4:
            curve += [0.4 + early, 0.3 + early]  # steps 2, 3
        trials.append(_trial(i, x, curve, hs.TrialState.PRUNED, tagged=tagged))
    for k in range(n_complete):
        x = (k + 0.5) / n_complete
        early = (x - 0.8) ** 2
        curve = [1.0 + early, 0.5 + early, 0.4 + early, 0.3 + early, 0.1, (x - 0.2) ** 2]
        trials.append(_trial(30 + k, x, curve, hs.TrialState.COMPLETE, tagged=tagged))
    return StudyHistory.from_trials((hs.StudyDirection.MINIMIZE,), trials)


def proposals(sampler: Sampler, history: StudyHistory, n: int = 40) -> tuple[list[float], set]:
    """``n`` proposals of x, and the ``model_budget`` attributes they stored."""
    xs, levels = [], set()
    start = len(history.trials())
    for k in range(n):
        context = SamplingContext(number=start + k, rng=np.random.default_rng(k))
        space = sampler.infer_relative_space(history, context)
        proposal = sampler.sample_relative(history, context, space)
        xs.append(float(proposal["x"]))
        levels.add(context.system_attrs.get(MODEL_BUDGET_ATTR))
    return xs, levels


SAMPLERS = {
    "tpe": lambda: TPESampler(n_startup_trials=10, seed=0),
    "gp": lambda: GPSampler(n_startup_trials=10, seed=0),
}


@pytest.mark.parametrize("name", SAMPLERS)
def test_a_rung_is_modelled_while_too_few_trials_finished(name: str) -> None:
    """3 complete trials are fewer than 10: the model is fitted at rung 3, where
    21 trials (18 of them pruned) have values, and proposes near 0.8."""
    xs, levels = proposals(SAMPLERS[name](), crossing_history(n_complete=3))
    assert levels == {3}
    assert np.median(np.abs(np.array(xs) - 0.8)) < 0.15


def test_tpe_models_pruned_trials_on_their_values_at_the_rung() -> None:
    """At rung 3 TPE's modelled records are the 18 pruned trials that reached
    step 3 (x > 0.4) and the 3 complete ones, each with its value at step 3.
    The 12 trials pruned at rung 1 are left out, not counted as bad: the 3
    complete trials rank in reverse at rung 1 and at the end (tau = -1)."""
    history = crossing_history(n_complete=3)
    table, level = TPESampler(n_startup_trials=10, seed=0)._table(history)
    assert level is not None and level.step == 3
    reached = [i for i in range(30) if abs((i + 0.5) / 30 - 0.8) < 0.4]
    assert reached == list(range(12, 30))
    assert [r.number for r in table.completed] == [*reached, 30, 31, 32]
    expected = [0.3 + ((i + 0.5) / 30 - 0.8) ** 2 for i in reached]
    expected += [0.3 + ((k + 0.5) / 3 - 0.8) ** 2 for k in range(3)]
    np.testing.assert_allclose([r.losses[0] for r in table.completed], expected)
    assert table.pruned == ()


@pytest.mark.parametrize("name", SAMPLERS)
def test_the_full_budget_is_modelled_once_enough_trials_completed(name: str) -> None:
    xs, levels = proposals(SAMPLERS[name](), crossing_history(n_complete=12))
    assert levels == {"full"}
    assert np.median(np.abs(np.array(xs) - 0.2)) < 0.15


def pruned_early_history(*, n_pruned: int) -> StudyHistory:
    """12 complete trials spread over [0, 1] whose final values are best near
    x = 0.2, and ``n_pruned`` trials at x in [0.1, 0.3] pruned at rung 1 (they
    started slowly: the crossing). Trial 12 diverged (NaN) at step 0."""
    trials = []
    for k in range(12):
        x = (k + 0.5) / 12
        early = (x - 0.8) ** 2
        curve = [1.0 + early, 0.5 + early, 0.4 + early, 0.3 + early, 0.1, (x - 0.2) ** 2]
        trials.append(_trial(k, x, curve, hs.TrialState.COMPLETE, tagged=True))
    trials.append(_trial(12, 0.9, [math.nan], hs.TrialState.PRUNED, tagged=True))
    for i in range(n_pruned):
        x = 0.1 + 0.2 * (i + 0.5) / n_pruned
        trials.append(_trial(13 + i, x, [2.0, 1.5], hs.TrialState.PRUNED, tagged=True))
    return StudyHistory.from_trials((hs.StudyDirection.MINIMIZE,), trials)


def test_tpe_leaves_out_trials_stopped_at_a_rung_that_ranks_in_reverse() -> None:
    """At the full budget the 12 complete trials are modelled on their final
    values. Their values at rung 1 rank them against their final values
    (Kendall's tau < 0: the curves cross), so the 30 trials pruned at rung 1
    get weight 0 and are not bad points there (only the diverged trial 12 is):
    they do not push TPE away from x = 0.2, where the final values are best."""
    sampler = TPESampler(n_startup_trials=10, seed=0)
    history = pruned_early_history(n_pruned=30)
    table, level = sampler._table(history)
    assert level is not None and level.label == "full"
    assert [r.number for r in table.completed] == list(range(12))
    assert [r.losses for r in table.completed] == [((x - 0.2) ** 2,) for x in X12]
    assert [r.number for r in table.pruned] == [12]
    xs, levels = proposals(sampler, history)
    assert levels == {"full"}
    assert np.median(np.abs(np.array(xs) - 0.2)) < 0.1


X12 = [(k + 0.5) / 12 for k in range(12)]


def test_tpe_keeps_trials_stopped_at_a_rung_that_ranks_like_the_end_as_bad() -> None:
    """The same layout with final values that rank like rung 1 (no crossing):
    the 30 trials pruned at rung 1 are bad points of weight 1 (tau = 1), as
    they should be when losing early means losing at the end."""
    trials = list(pruned_early_history(n_pruned=30).trials())
    same_ranks = []
    for t in trials:
        if t.state is hs.TrialState.COMPLETE:
            final = t.intermediate_values[1] - 0.4  # rung-1 order, below every rung value
            values = {**t.intermediate_values, 5: final}
            t = _trial(t.number, t.params["x"], list(values.values()), t.state, tagged=True)
        same_ranks.append(t)
    history = StudyHistory.from_trials((hs.StudyDirection.MINIMIZE,), same_ranks)
    table, level = TPESampler(n_startup_trials=10, seed=0)._table(history)
    assert level is not None and level.label == "full"
    np.testing.assert_array_equal(level.below_weights, np.ones(30))
    assert [r.number for r in table.pruned] == list(range(12, 43))
    assert [r.bad_weight for r in table.pruned] == [1.0] * 31


def test_without_rung_tags_tpe_models_final_values_as_before() -> None:
    """The same records without the pruner's tags: TPE models the 3 completed
    trials' final values (pruned ones are only bad points) and stores no level."""
    xs, levels = proposals(TPESampler(seed=0), crossing_history(n_complete=3, tagged=False))
    assert levels == {None}
    assert np.median(np.abs(np.array(xs) - 0.2)) < 0.15


# ------------------------------------------------- one start-up, not one per bracket


def curve_objective(trial: hs.Trial) -> float:
    """A learning curve of 27 steps whose level depends on x and y."""
    x = trial.suggest_float("x", -2.0, 2.0)
    y = trial.suggest_float("y", -2.0, 2.0)
    final = x**2 + (y - 0.5) ** 2
    value = final
    for step in range(27):
        value = final + 2.0 / (1 + step)
        trial.report(value, step)
        if trial.should_prune():
            raise hs.TrialPruned()
    return value


@pytest.mark.parametrize(
    ("name", "make", "n_trials", "n_startup"),
    [
        ("tpe", lambda: TPESampler(n_startup_trials=10, seed=1), 80, 10),
        ("gp", lambda: GPSampler(n_startup_trials=10, seed=1), 30, 10),
        # The default's GP starts after d + 1 = 3, at least 4, trials (2 parameters).
        ("auto", lambda: AutoSampler(seed=1), 30, 4),
    ],
)
def test_hyperband_brackets_share_one_start_up(
    name: str, make: object, n_trials: int, n_startup: int
) -> None:
    """Hyperband with R = 27, eta = 3 has 4 brackets. Optuna's TPE with its
    HyperbandPruner models each bracket on its own trials and so spends its 10
    random start-up trials in every bracket (40); here exactly the first
    ``n_startup`` trials are random and every later one, in every bracket, is
    model-based."""
    assert callable(make)
    study = hs.create_study(
        sampler=make(),
        pruner=HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3),
        heartbeat_interval_s=None,
    )
    study.optimize(curve_objective, n_trials=n_trials)
    random = [t.number for t in study.trials if MODEL_BUDGET_ATTR not in t.system_attrs]
    assert random == list(range(n_startup))
    modelled = [t for t in study.trials if MODEL_BUDGET_ATTR in t.system_attrs]
    assert {t.tags["bracket"] for t in modelled} == {"0", "1", "2", "3"}
    assert any(t.state is hs.TrialState.PRUNED for t in study.trials)
