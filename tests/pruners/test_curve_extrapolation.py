"""Curve extrapolation: a slow starter that will win is kept, a hopeless curve is
pruned, and the forecast is stored on the trial."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import hypersense as hs
from hypersense.pruners import CurveExtrapolationPruner, MedianPruner, PruneDecision
from hypersense.report.data import build_learning_curves_data
from tests.pruners.trials import MAX, MIN_MAX, complete, history, running

CONTINUE, PRUNE = PruneDecision.CONTINUE, PruneDecision.PRUNE
N_STEPS = 100
X = np.arange(1, N_STEPS + 1, dtype=float)
NOISE = np.random.default_rng(0).normal(0.0, 0.01, (3, N_STEPS))
FAST = 0.6 + 1.0 * np.exp(-X / 3.0) + NOISE[0]  # ends near 0.6
SLOW = 0.2 + 2.0 * np.exp(-X / 30.0) + NOISE[1]  # behind until step ~30, ends near 0.27
BAD = 0.9 + 1.0 * np.exp(-X / 5.0) + NOISE[2]  # ends near 0.9
DONE = [complete(0, list(FAST))]


def pruner(**options: object) -> CurveExtrapolationPruner:
    return CurveExtrapolationPruner(**{"max_resource": N_STEPS, **options})  # type: ignore[arg-type]


def test_a_slow_starter_that_will_win_is_kept_where_the_median_rule_prunes() -> None:
    seen = running(1, list(SLOW[:20]))
    assert SLOW[19] > FAST[19]  # behind at step 19
    assert MedianPruner(n_startup_trials=1).decide(history(DONE), seen) is PRUNE
    verdict = pruner().judge(history(DONE), seen)
    assert verdict.decision is CONTINUE
    note = verdict.system_attrs["curve_forecast"]
    assert note["step"] == 19 and note["target_step"] == 99
    low, high = note["interval_90"]
    assert low <= SLOW[-1] <= high
    assert note["probability_beats_best"] > 0.5


def test_a_hopeless_curve_is_pruned() -> None:
    verdict = pruner().judge(history(DONE), running(1, list(BAD[:20])))
    assert verdict.decision is PRUNE
    note = verdict.system_attrs["curve_forecast"]
    assert note["probability_beats_best"] < 0.05
    assert note["interval_90"][0] > FAST[-1]


def test_maximize_reports_the_forecast_in_the_objectives_units() -> None:
    done = [complete(0, list(-FAST))]
    verdict = pruner().judge(history(done, MAX), running(1, list(-SLOW[:20])))
    assert verdict.decision is CONTINUE
    low, high = verdict.system_attrs["curve_forecast"]["interval_90"]
    assert low <= -SLOW[-1] <= high and low < high
    assert pruner().decide(history(done, MAX), running(1, list(-BAD[:20]))) is PRUNE


def test_forecast_without_a_completed_trial_and_no_pruning() -> None:
    verdict = pruner().judge(history([]), running(1, list(BAD[:20])))
    assert verdict.decision is CONTINUE
    assert verdict.system_attrs["curve_forecast"]["probability_beats_best"] is None
    assert pruner(n_startup_trials=2).decide(history(DONE), running(1, list(BAD[:20]))) is CONTINUE


def test_warmup_interval_end_and_divergence() -> None:
    h = history(DONE)
    assert pruner(n_warmup_steps=25).judge(h, running(1, list(BAD[:20]))).system_attrs == {}
    # Warm-up 5, every 2 steps: forecasts at steps 5, 7, ..., 19, not at 20.
    assert pruner(interval_steps=2).judge(h, running(1, list(BAD[:20]))).decision is PRUNE
    assert pruner(interval_steps=2).judge(h, running(1, list(BAD[:21]))).system_attrs == {}
    assert (
        pruner().judge(h, running(1, list(BAD))).decision is CONTINUE
    )  # full run: nothing to forecast
    diverged = running(1, [*BAD[:10], math.nan])
    assert pruner().decide(h, diverged) is PRUNE


def test_auto_max_resource_is_the_first_completed_trials_length() -> None:
    auto = CurveExtrapolationPruner()
    assert auto.judge(history([]), running(1, list(BAD[:20]))).system_attrs == {}
    verdict = auto.judge(history(DONE), running(1, list(BAD[:20])))
    assert verdict.system_attrs["curve_forecast"]["target_step"] == 99


def test_the_forecast_is_stored_on_the_trial_in_a_study() -> None:
    study = hs.create_study(pruner=pruner())
    first = study.ask()
    for step, value in enumerate(FAST):
        first.report(float(value), step)
    study.tell(first, float(FAST[-1]))
    second = study.ask()
    pruned_at = None
    for step in range(N_STEPS):
        second.report(float(BAD[step]), step)
        if second.should_prune():
            pruned_at = step
            break
    study.tell(second, state=hs.TrialState.PRUNED)
    stored = study.trials[1].system_attrs["curve_forecast"]
    assert pruned_at is not None and pruned_at <= 30
    assert stored["step"] == pruned_at
    assert stored["probability_beats_best"] < 0.05
    assert stored["interval_90"][0] > FAST[-1]
    # The report's learning curves draw the pruned trial's forecast band.
    curves = build_learning_curves_data(study)
    assert curves is not None
    (mark,) = curves.forecasts
    assert (mark.number, mark.step, mark.target_step) == (1, pruned_at, N_STEPS - 1)
    assert mark.value == BAD[pruned_at]
    assert (mark.low, mark.predicted, mark.high) == (
        stored["interval_90"][0],
        stored["predicted"],
        stored["interval_90"][1],
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 0.0}, "`threshold` must be a number in (0, 1) (got 0.0)"),
        ({"threshold": 1.0}, "`threshold` must be a number in (0, 1) (got 1.0)"),
        ({"threshold": 1.5}, "`threshold` must be a number in (0, 1) (got 1.5)"),
        ({"max_resource": 0}, '`max_resource` must be an integer >= 1 or "auto" (got 0)'),
        ({"n_warmup_steps": -1}, "`n_warmup_steps` must be an integer >= 0 (got -1)"),
        ({"interval_steps": 0}, "`interval_steps` must be an integer >= 1 (got 0)"),
        ({"families": "power"}, "`families` must be a non-empty list of"),
        ({"families": []}, "`families` must be a non-empty list of"),
        ({"families": ["power", "gompertz"]}, "(got ['power', 'gompertz'])"),
    ],
)
def test_bad_options_are_named(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        CurveExtrapolationPruner(**options)  # type: ignore[arg-type]


def test_several_objectives_are_refused() -> None:
    with pytest.raises(ValueError, match="CurveExtrapolationPruner supports single-objective"):
        pruner().decide(history([], MIN_MAX), running(0, list(BAD[:20])))


def test_repr_is_faithful() -> None:
    assert repr(CurveExtrapolationPruner(families=("power", "weibull"))) == (
        "CurveExtrapolationPruner(max_resource='auto', threshold=0.05, n_startup_trials=1, "
        "n_warmup_steps=5, interval_steps=1, families=('power', 'weibull'))"
    )


def test_the_best_is_read_on_the_reported_curve_not_on_another_objective() -> None:
    # The trials report one quantity and return another, on another scale (-1):
    # the forecast is compared with the best reported value at the last step.
    done = [complete(0, list(FAST), value=-1.0)]
    verdict = pruner().judge(history(done), running(1, list(SLOW[:20])))
    assert verdict.decision is CONTINUE
    assert verdict.system_attrs["curve_forecast"]["probability_beats_best"] > 0.5
    assert pruner().decide(history(done), running(1, list(BAD[:20]))) is PRUNE
    # A completed trial that did not report the forecast's step counts by its value.
    short = [complete(0, list(FAST[:50]), value=-1.0)]
    assert pruner().decide(history(short), running(1, list(SLOW[:20]))) is PRUNE
