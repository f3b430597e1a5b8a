"""One-at-a-time sweeps: curves against the analytic function, tornado, branches."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.analysis.experiments.objectives import NoisyQuadratic, quadratic_mean, searched_study

import hypersense as hs
from hypersense.analysis.experiments.local import local_sensitivity


@pytest.mark.parametrize("seed", [0, 1])
def test_curves_match_the_analytic_function_within_their_intervals(seed: int) -> None:
    # 99% t-intervals over 4 seeds at ~20 points: P(two or more misses) < 2%, and a
    # mean more than 6 standard errors off has probability < 1e-3 (t with 3 df).
    objective = NoisyQuadratic(noise_sd=0.2)
    study = searched_study(objective, n_trials=20, seed=seed)
    result = local_sensitivity(study, objective, n_points=5, n_seeds=4, seed=seed, confidence=0.99)
    ref = result.reference
    misses, n_points = 0, 0
    for curve in result.curves:
        for point in curve.points:
            x = point.value if curve.parameter == "x" else ref["x"]
            lr = point.value if curve.parameter == "lr" else ref["lr"]
            truth = quadratic_mean(x, lr)
            s = point.summary
            assert s.n == 4
            misses += not (s.low <= truth <= s.high)
            n_points += 1
            assert abs(s.mean - truth) <= 6 * s.standard_error
    assert n_points >= 18 and misses <= 1
    assert result.reference_summary.n == 4
    assert result.reference == study.best_params


@pytest.mark.parametrize("seed", [0, 1])
def test_tornado_ranks_by_range_and_its_intervals_hold_the_analytic_range(seed: int) -> None:
    objective = NoisyQuadratic(noise_sd=0.2)
    study = searched_study(objective, n_trials=20, seed=seed)
    result = local_sensitivity(study, objective, n_points=5, n_seeds=4, seed=seed)
    ref = result.reference
    bars = result.tornado
    assert [b.parameter for b in bars[:2]] == ["x", "lr"]
    for bar, name in zip(bars[:2], ["x", "lr"], strict=True):
        curve = result.curve(name)
        truths = [
            quadratic_mean(p.value, ref["lr"]) if name == "x" else quadratic_mean(ref["x"], p.value)
            for p in curve.points
        ]
        rng = bar.range_of_means
        assert rng.low <= max(truths) - min(truths) <= rng.high
        assert bar.p_value < 1e-6
        assert bar.low_mean == curve.lowest.summary.mean  # type: ignore[union-attr]
    # The dummy parameters have no effect: their sweeps' F-tests see none (5% level each).
    assert result.curve("dummy").p_value > 0.05 and result.curve("width").p_value > 0.05


def test_sweeps_hold_every_other_parameter_at_the_reference() -> None:
    objective = NoisyQuadratic(noise_sd=0.1)
    study = searched_study(objective, n_trials=8)
    result = local_sensitivity(study, objective, n_points=3, n_seeds=2, seed=0)
    companion = hs.load_study(result.companion_study_name, study.storage)
    ref = result.reference
    for trial in companion.trials:
        moved = [n for n in ref if trial.params[n] != ref[n]]
        assert len(moved) <= 1
    # Each sweep shares the reference's two repeats: (1 + 3 + 3 + 2 + 3) configurations.
    n_configurations = 1 + sum(len(c.points) - 1 for c in result.curves)
    assert len(companion.trials) == 2 * n_configurations
    assert all(sum(p.is_reference for p in c.points) == 1 for c in result.curves)


def conditional(trial: hs.Trial) -> float:
    kind = trial.suggest_categorical("kind", ["linear", "tree"])
    noise = float(np.random.default_rng(trial.seed).normal(0.0, 0.1))
    if kind == "linear":
        return trial.suggest_float("c", 0.0, 1.0) + noise
    return 2.0 + trial.suggest_int("depth", 1, 8) / 8 + noise


def test_conditional_parameters_are_swept_only_where_active() -> None:
    study = searched_study(conditional, n_trials=12, seed=3)
    assert study.best_params["kind"] == "linear"
    result = local_sensitivity(study, conditional, n_points=3, n_seeds=2, seed=0)
    assert [c.parameter for c in result.curves] == ["kind", "c"]
    assert result.skipped == {"depth": "inactive at the reference configuration"}
    # Switching to the tree branch runs the best tree trial's depth.
    best_tree = min((t for t in study.trials if t.params["kind"] == "tree"), key=lambda t: t.value)
    companion = hs.load_study(result.companion_study_name, study.storage)
    depths = {t.params["depth"] for t in companion.trials if t.params["kind"] == "tree"}
    assert depths == {best_tree.params["depth"]}
    kind = result.curve("kind")
    assert [p.value for p in kind.points] == ["linear", "tree"]


def test_window_reference_and_parameters_options() -> None:
    objective = NoisyQuadratic(noise_sd=0.1)
    study = searched_study(objective, n_trials=5)
    reference = {"x": 0.9, "lr": 0.01, "dummy": "a", "width": 2}
    result = local_sensitivity(
        study,
        objective,
        n_points=3,
        n_seeds=2,
        window=0.2,
        reference=reference,
        parameters=["x"],
        seed=0,
    )
    assert [c.parameter for c in result.curves] == ["x"]
    # x=0.9 sits at 0.95 of its unit encoding: the window [0.85, 1.05] clips to
    # [0.85, 1.0], i.e. x in [0.7, 1.0], swept at 3 points plus the reference.
    assert [p.value for p in result.curve("x").points] == pytest.approx([0.7, 0.85, 0.9, 1.0])
    assert result.reference == reference and result.window == 0.2
    with pytest.raises(KeyError, match="'lr'"):
        result.curve("lr")


def test_second_call_runs_nothing_and_results_serialise() -> None:
    objective = NoisyQuadratic(noise_sd=0.1)
    study = searched_study(objective, n_trials=5)
    first = local_sensitivity(study, objective, n_points=3, n_seeds=2, seed=0)
    calls = objective.calls
    again = local_sensitivity(study, objective, n_points=3, n_seeds=2, seed=0)
    assert objective.calls == calls
    assert again.to_dict() == first.to_dict()
    text = json.dumps(first.to_dict(), allow_nan=False)
    assert '"tornado"' in text
    curves = first.to_pandas()
    assert set(curves["parameter"]) == {"x", "lr", "dummy", "width"}
    assert {"value", "mean", "low", "high", "is_reference"} <= set(curves.columns)
    assert list(first.to_pandas("tornado")["parameter"]) == [b.parameter for b in first.tornado]
    with pytest.raises(ValueError, match="`table`"):
        first.to_pandas("bars")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_points": 1}, "n_points"),
        ({"n_seeds": 0}, "n_seeds"),
        ({"window": 0.0}, "window"),
        ({"window": 1.5}, "window"),
        ({"parameters": ["nope"]}, "nope"),
        ({"reference": {"x": 7.0}}, "'x'"),
        ({"confidence": 0.0}, "confidence"),
    ],
)
def test_bad_options_name_the_argument(kwargs: dict[str, object], match: str) -> None:
    objective = NoisyQuadratic(noise_sd=0.1)
    study = searched_study(objective, n_trials=3)
    with pytest.raises((ValueError, TypeError), match=match):
        local_sensitivity(study, objective, **kwargs)  # type: ignore[arg-type]
    assert objective.calls == 3
