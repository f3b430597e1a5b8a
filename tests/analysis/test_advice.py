"""Advice: the rules' numerics on exact curves, each rule on hand-made evidence,
and known answers on real studies (fix, narrow, scale, branches, weak fits).

Studies are uniform random trials with fixed sampler and analysis seeds; the
margins of the known answers are wide enough for the surrogate's small errors
(the benchmark of the importance analysis measures those errors over seeds).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import float_distributions, int_distributions

import hypersense as hs
from hypersense.analysis import Estimate, MarginalCurve, ParameterImportance, importance
from hypersense.analysis.advice import advise
from hypersense.analysis.advice.changes import ChangeScale, DropChoices, FixValue, NarrowRange
from hypersense.analysis.advice.parameters import ParameterEvidence, judge_parameter
from hypersense.analysis.advice.ranges import narrowed_distribution, rescaled_distribution
from hypersense.analysis.advice.results import Advice, Verdict
from hypersense.analysis.advice.rules import (
    AdviceRules,
    better_scale,
    kept_interval,
    near_optimum,
    scale_concentrations,
    variation_concentration,
)
from hypersense.samplers import RandomSampler
from hypersense.space import CategoricalDistribution, FloatDistribution, IntDistribution

RULES = AdviceRules()


# ------------------------------------------------------------------ numerics
def test_variation_concentration_of_known_curves() -> None:
    assert variation_concentration(np.linspace(0.0, 1.0, 101)) == pytest.approx(0.1)
    assert variation_concentration(np.zeros(11)) == 0.0
    step = np.where(np.arange(101) < 50, 0.0, 1.0)
    assert variation_concentration(step) == pytest.approx(1.0)


def test_log_curve_fits_a_log_axis_and_a_line_a_linear_one() -> None:
    grid = 1e-4 * 1e4 ** np.linspace(0.0, 1.0, 32)
    linear, log = scale_concentrations(grid, np.log10(grid), low=1e-4, high=1.0)
    # On a linear axis over four decades, the first tenth holds log10(0.1 / 1e-4) = 3
    # of the 4 units the curve changes by.
    assert linear == pytest.approx(0.75, abs=0.01) and log == pytest.approx(0.1, abs=0.01)
    assert better_scale(linear, log, threshold=0.3) == "log"
    linear, log = scale_concentrations(grid, grid, low=1e-4, high=1.0)
    assert better_scale(linear, log, threshold=0.3) == "linear"
    # Over one decade neither axis squeezes a line enough to decide.
    short = 0.1 * 10 ** np.linspace(0.0, 1.0, 32)
    linear, log = scale_concentrations(short, short, low=0.1, high=1.0)
    assert better_scale(linear, log, threshold=0.3) is None


def test_near_optimum_keeps_overlapping_bands_and_close_means() -> None:
    mean = np.array([4.0, 1.0, 0.0, 0.15, 3.0])
    band = np.array([0.1, 0.1, 0.1, 0.06, 0.1])
    keep = near_optimum(mean, mean - band, mean + band, minimize=True, tolerance=0.0)
    assert keep.tolist() == [False, False, True, True, False]  # 0.15 - 0.06 <= 0 + 0.1
    keep = near_optimum(mean, mean - band, mean + band, minimize=True, tolerance=1.0)
    assert keep.tolist() == [False, True, True, True, False]
    keep = near_optimum(-mean, -mean - band, -mean + band, minimize=False, tolerance=0.0)
    assert keep.tolist() == [False, False, True, True, False]
    nan = np.full(5, np.nan)
    assert near_optimum(mean, nan, nan, minimize=True, tolerance=0.0).tolist() == [
        False,
        False,
        True,
        False,
        False,
    ]


def test_kept_interval_widens_clips_and_includes_the_best_trial() -> None:
    u = np.linspace(0.0, 1.0, 11)
    keep = np.zeros(11, dtype=bool)
    keep[4:7] = True  # 0.4, 0.5, 0.6
    assert kept_interval(u, keep, also=None, margin=0.05) == pytest.approx((0.35, 0.65))
    assert kept_interval(u, keep, also=0.9, margin=0.05) == pytest.approx((0.35, 0.95))
    assert kept_interval(u, u < 0.1, also=None, margin=0.2) == pytest.approx((0.0, 0.2))


def test_rules_are_validated_by_name() -> None:
    with pytest.raises(ValueError, match=r"`fix_below` must be in \[0.0, 1.0\] \(got 2\)"):
        AdviceRules(fix_below=2)
    with pytest.raises(ValueError, match="`margin` must be a number"):
        AdviceRules(margin="wide")  # type: ignore[arg-type]
    assert "min_r2=0.5" in repr(AdviceRules())
    assert AdviceRules(min_cut=0).to_dict()["min_cut"] == 0.0


# ------------------------------------------------------------------- ranges
def test_narrowed_ranges_round_outward_and_keep_their_grid() -> None:
    assert narrowed_distribution(FloatDistribution(-1.0, 1.0), 0.2, 0.7) == FloatDistribution(
        -0.6, 0.4
    )
    log = narrowed_distribution(FloatDistribution(1e-4, 1.0, log=True), 0.23, 0.71)
    assert log == FloatDistribution(0.00083, 0.07, log=True)
    assert narrowed_distribution(IntDistribution(1, 100, step=3), 0.23, 0.71) == IntDistribution(
        22, 73, step=3
    )
    stepped = narrowed_distribution(FloatDistribution(0.0, 1.0, step=0.1), 0.23, 0.71)
    assert (stepped.low, stepped.high) == (0.2, 0.7)  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="cannot be searched on a log scale"):
        rescaled_distribution(FloatDistribution(0.0, 1.0), log=True)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(float_distributions(), int_distributions()),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
)
def test_a_narrowed_range_stays_inside_and_covers_its_ends(dist, a: float, b: float) -> None:  # type: ignore[no-untyped-def]
    lo, hi = min(a, b), max(a, b)
    out = narrowed_distribution(dist, lo, hi)
    assert type(out) is type(dist) and out.log == dist.log and out.step == dist.step
    assert dist.low <= out.low <= out.high <= dist.high
    # Rounding outward may snap an end within a billionth of the rounding unit.
    slack = 1e-9 * max(dist.high - dist.low, 1e-300)
    assert out.low <= dist.from_unit(lo) + slack and dist.from_unit(hi) - slack <= out.high


# -------------------------------------------------------- rules, one by one
def entry(name: str, total: tuple[float, float, float] = (0.5, 0.4, 0.6)) -> ParameterImportance:
    effect = Estimate(*total)
    return ParameterImportance(
        name, total[0], total[1], total[2], "fanova", "gp", 0.9, effect, effect
    )


def curve(name: str, values: list[object], mean: list[float], band: float = 0.01) -> MarginalCurve:
    m = np.asarray(mean, dtype=float)
    return MarginalCurve(name, tuple(values), tuple(m), tuple(m - band), tuple(m + band))


def evidence(**changes: object) -> ParameterEvidence:
    values = [float(v) for v in np.linspace(0.0, 1.0, 21)]
    base = ParameterEvidence(
        importance=entry("p"),
        distribution=FloatDistribution(0.0, 1.0),
        curve=curve("p", values, [10.0 * (v - 0.5) ** 2 for v in values]),
        best_value=0.5,
        minimize=True,
    )
    import dataclasses

    return dataclasses.replace(base, **changes)


def test_a_weak_fit_gets_no_advice() -> None:
    advice = judge_parameter(evidence(), RULES, r2=0.3)
    assert advice.verdict is Verdict.CANNOT_TELL and not advice.changes
    assert "R2=0.30" in advice.reason


def test_a_small_total_effect_is_fixed_at_the_best_trials_value() -> None:
    advice = judge_parameter(
        evidence(importance=entry("p", (0.002, 0.0, 0.009)), best_value=0.123456), RULES, r2=0.9
    )
    assert advice.verdict is Verdict.NEGLIGIBLE
    assert advice.changes == (FixValue(0.1235, advice.changes[0].reason),)  # type: ignore[union-attr]
    assert advice.suggested == FloatDistribution(0.1235, 0.1235)
    assert "at most 0.90%" in advice.reason


def test_an_undecided_interval_cannot_tell() -> None:
    advice = judge_parameter(evidence(importance=entry("p", (0.02, 0.005, 0.05))), RULES, r2=0.9)
    assert advice.verdict is Verdict.CANNOT_TELL and "reaches below 1%" in advice.reason


def test_noise_floor_rules() -> None:
    # The swing is 2.5 (10 * 0.5^2); its band allows 2.52.
    assert judge_parameter(evidence(noise_floor=3.0), RULES, r2=0.9).verdict is Verdict.NEGLIGIBLE
    within = judge_parameter(evidence(noise_floor=2.51), RULES, r2=0.9)
    assert within.verdict is Verdict.CANNOT_TELL and "within the noise floor" in within.reason
    tested = judge_parameter(evidence(noise_floor=3.0, beats_noise=True), RULES, r2=0.9)
    assert tested.verdict is Verdict.MATTERS


def test_a_bowl_is_narrowed_around_its_optimum() -> None:
    advice = judge_parameter(evidence(), RULES, r2=0.9)
    assert advice.verdict is Verdict.MATTERS
    (narrow,) = advice.changes
    # Kept: 10 (v - 0.5)^2 <= 0.25 (a tenth of the swing), |v - 0.5| <= 0.158, so the
    # grid points 0.35..0.65, widened by 0.05.
    assert isinstance(narrow, NarrowRange) and (narrow.low, narrow.high) == (0.3, 0.7)
    assert advice.suggested == FloatDistribution(0.3, 0.7)


def test_an_optimum_at_the_edge_says_better_values_may_lie_beyond() -> None:
    values = [float(v) for v in np.linspace(0.0, 1.0, 21)]
    advice = judge_parameter(
        evidence(curve=curve("p", values, [5.0 * v for v in values]), best_value=0.0), RULES, r2=0.9
    )
    (narrow,) = advice.changes
    assert isinstance(narrow, NarrowRange) and narrow.low == 0.0 and narrow.high < 0.25
    assert "may lie below it" in narrow.reason


def test_scale_is_switched_to_the_axis_the_marginal_fits() -> None:
    grid = [float(v) for v in 1e-3 * 1e3 ** np.linspace(0.0, 1.0, 32)]
    linear_effect = evidence(
        distribution=FloatDistribution(1e-3, 1.0, log=True),
        curve=curve("p", grid, grid),
        best_value=1e-3,
        importance=entry("p"),
        minimize=False,
    )
    advice = judge_parameter(linear_effect, AdviceRules(min_cut=0.0), r2=0.9)
    assert advice.scale == "linear"
    assert any(isinstance(c, ChangeScale) and not c.log for c in advice.changes)
    assert not advice.suggested.log  # type: ignore[attr-defined]
    flat_grid = [float(v) for v in np.linspace(1e-4, 1.0, 32)]
    log_effect = evidence(
        distribution=FloatDistribution(1e-4, 1.0),
        curve=curve("p", flat_grid, [-math.log10(v) for v in flat_grid]),
        best_value=1.0,
    )
    advice = judge_parameter(log_effect, RULES, r2=0.9)
    assert advice.scale == "log" and advice.suggested.log  # type: ignore[attr-defined]


def test_clearly_worse_choices_are_dropped_but_never_the_best_trials() -> None:
    dist = CategoricalDistribution(("sgd", "adam", "rms", "lbfgs"))
    cat = curve("opt", list(dist.choices), [1.0, 0.0, 0.05, 2.0], band=0.1)
    advice = judge_parameter(
        evidence(distribution=dist, curve=cat, best_value="lbfgs"), RULES, r2=0.9
    )
    (drop,) = advice.changes
    assert isinstance(drop, DropChoices) and drop.dropped == ("sgd",)
    assert drop.kept == ("adam", "rms", "lbfgs")
    assert advice.suggested == CategoricalDistribution(("adam", "rms", "lbfgs"))
    two = CategoricalDistribution(("sgd", "adam"))
    advice = judge_parameter(
        evidence(
            distribution=two, curve=curve("opt", ["sgd", "adam"], [1.0, 0.0]), best_value="adam"
        ),
        RULES,
        r2=0.9,
    )
    assert advice.is_fixed and advice.fixed_value == "adam"


# ------------------------------------------------------------ known answers
def known_objective(trial: hs.Trial) -> float:
    """x matters everywhere, y barely, z only outside [0.35, 0.65], lr linearly in log10."""
    x = trial.suggest_float("x", -1.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    z = trial.suggest_float("z", 0.0, 1.0)
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    band = max(abs(z - 0.5) - 0.15, 0.0)
    return 4.0 * x**2 + 0.001 * y + 20.0 * band**2 + 0.5 * math.log10(lr)


@pytest.fixture(scope="module")
def known_advice() -> Advice:
    study = hs.create_study(sampler=RandomSampler(seed=0), heartbeat_interval_s=None)
    study.optimize(known_objective, n_trials=50)
    return advise(study, n_bootstrap=20, seed=0)


def test_known_answers_fix_y_narrow_z_and_keep_lr_on_a_log_scale(known_advice: Advice) -> None:
    assert [p.name for p in known_advice.parameters][:1] == ["x"]
    assert known_advice["x"].verdict is Verdict.MATTERS
    y = known_advice["y"]
    assert y.verdict is Verdict.NEGLIGIBLE and y.is_fixed and 0.0 <= y.fixed_value <= 1.0
    z = known_advice["z"]
    (narrow,) = z.changes
    assert isinstance(narrow, NarrowRange)
    assert 0.1 <= narrow.low <= 0.35 and 0.65 <= narrow.high <= 0.9
    lr = known_advice["lr"]
    assert lr.verdict is Verdict.MATTERS and lr.scale == "log"
    assert not any(isinstance(c, ChangeScale) for c in lr.changes)
    assert known_advice.fits[0].is_reliable and known_advice.noise_floor is None


def test_advice_serialises_and_reads_as_steps(known_advice: Advice) -> None:
    data = json.loads(json.dumps(known_advice.to_dict(), allow_nan=False))
    assert {p["name"] for p in data["parameters"]} == {"x", "y", "z", "lr"}
    assert data["rules"]["fix_below"] == 0.01 and data["steps"] == list(known_advice.steps())
    assert any(s.startswith("Fix 'y' at ") for s in known_advice.steps())
    frame = known_advice.to_pandas()
    assert list(frame["name"]) == [p.name for p in known_advice.parameters]
    with pytest.raises(KeyError, match="no advice on parameter 'w'"):
        known_advice["w"]


def test_a_noise_objective_gets_no_advice_and_says_why() -> None:
    def noise(trial: hs.Trial) -> float:
        trial.suggest_float("a", 0.0, 1.0)
        trial.suggest_float("b", 0.0, 1.0)
        return float(np.random.default_rng(trial.number).normal())

    study = hs.create_study(sampler=RandomSampler(seed=1), heartbeat_interval_s=None)
    study.optimize(noise, n_trials=30)
    result = importance(study, surrogate="gp", n_bootstrap=5, seed=0)
    advice = advise(study, importance=result, seed=0)
    assert not advice.fits[0].is_reliable
    assert all(p.verdict is Verdict.CANNOT_TELL and not p.changes for p in advice.parameters)
    assert advice.steps()[0].startswith("No advice for the whole study")


def test_conditional_parameters_are_advised_within_their_branch() -> None:
    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", -1.0, 1.0)
        if trial.suggest_categorical("kind", ["a", "b"]) == "a":
            return x**2 + 3.0 * (trial.suggest_float("w", 0.0, 1.0) - 0.8) ** 2
        trial.suggest_int("q", 1, 100, log=True)
        return x**2 + 0.3

    study = hs.create_study(sampler=RandomSampler(seed=2), heartbeat_interval_s=None)
    study.optimize(objective, n_trials=60)
    result = importance(study, surrogate="gp", n_bootstrap=10, seed=0)
    advice = advise(study, importance=result, n_bootstrap=10, seed=0)
    w, q = advice["w"], advice["q"]
    assert dict(w.condition) == {"kind": "a"} and dict(q.condition) == {"kind": "b"}
    assert w.verdict is Verdict.MATTERS
    (narrow,) = w.changes
    assert isinstance(narrow, NarrowRange) and narrow.low <= 0.8 <= narrow.high
    assert q.verdict is Verdict.NEGLIGIBLE and q.is_fixed
    assert dict(advice["x"].condition) == {}
    assert any(s.startswith("[kind='a'] Narrow 'w'") for s in advice.steps())


def test_options_are_checked() -> None:
    study = hs.create_study(heartbeat_interval_s=None)
    with pytest.raises(TypeError, match="`rules` must be an AdviceRules"):
        advise(study, rules={"min_r2": 0.5})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"`noise_floor` must be a number >= 0 or None \(got -1\)"):
        advise(study, noise_floor=-1)
    with pytest.raises(ValueError, match="cannot analyse this study"):
        advise(study)
