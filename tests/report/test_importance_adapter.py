"""From analysis results to the importance figures: adapters on hand-made
results (known answers), the analysis build_report runs itself, and ``show``."""

from __future__ import annotations

import logging
import math
import random

import pytest
from typer.testing import CliRunner

import hypersense as hs
from hypersense.analysis import (
    Estimate,
    ImportanceResult,
    InteractionImportance,
    MarginalCurve,
    MarginalsResult,
    MarginalSurface,
    ParameterImportance,
    VarianceShares,
)
from hypersense.cli.app import app
from hypersense.report import build_report
from hypersense.report.data import StudySnapshot, as_snapshot
from hypersense.report.data.importance_adapter import (
    build_analysis_figures,
    importance_data_from_result,
    importance_noise_floor,
    interaction_data_from_result,
    marginal_data_from_result,
)
from hypersense.samplers import RandomSampler
from tests.report.studies import rich_snapshot, snapshot, trial, with_companions

RUNNER = CliRunner()


def parameter(name: str, value: float, low: float, high: float) -> ParameterImportance:
    main = Estimate(value * 0.8, low * 0.8, high * 0.8)
    return ParameterImportance(name, value, low, high, "fanova", "gp", 0.9, main, main)


def result(*, noise: float | None = None, observed: float = 2.0) -> ImportanceResult:
    shares = VarianceShares(0.9, 0.8, 0.1, 0.05, 0.1, noise, observed)
    return ImportanceResult(
        method="fanova",
        surrogate="gp",
        r2=0.9,
        surrogate_r2={"gp": 0.9, "rf": 0.7},
        parameters=(
            parameter("layers", 0.2, 0.1, 0.3),
            parameter("lr", 0.7, 0.6, 0.8),
            parameter("optimizer", 0.1, 0.0, 0.2),
        ),
        interactions=(
            InteractionImportance(("lr", "layers"), Estimate(0.04, 0.02, 0.06)),
            InteractionImportance(("lr", "optimizer"), Estimate(0.01, 0.0, 0.02)),
        ),
        shares=shares,
        n_trials=40,
        objective=0,
        direction="minimize",
        top_quantile=None,
        confidence=0.95,
        interval="gp-posterior",
        n_draws=50,
    )


def marginals() -> MarginalsResult:
    curves = (
        MarginalCurve("lr", (1e-4, 1e-2, 1.0), (4.0, 0.0, 4.0), (3.5, -0.5, 3.5), (4.5, 0.5, 4.5)),
        MarginalCurve("optimizer", ("sgd", "adam"), (1.0, 0.5), (0.8, 0.3), (1.2, 0.7)),
    )
    surface = MarginalSurface(
        ("lr", "layers"),
        ((1e-4, 1.0), (1, 2, 4)),
        mean=((1.0, 2.0, 3.0), (4.0, 5.0, 6.0)),
        low=((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
        high=((9.0, 9.0, 9.0), (9.0, 9.0, 9.0)),
    )
    return MarginalsResult(curves, (surface,), "gp", 0.9, 0.95, 40)


def test_bars_keep_the_intervals_the_fit_and_the_order() -> None:
    data = importance_data_from_result(result())
    assert data.method == "fANOVA on gp"
    assert [p.name for p in data.parameters] == ["lr", "layers", "optimizer"]
    assert (data.parameters[0].low, data.parameters[0].high) == (0.6, 0.8)
    assert (data.r2, data.confidence, data.n_trials, data.noise_floor) == (0.9, 0.95, 40, None)


def test_noise_floor_is_the_importance_of_an_effect_as_large_as_the_noise() -> None:
    # Repeated configurations: noise is 2% of the observed variance, main effects 80%.
    assert importance_data_from_result(result(noise=0.02)).noise_floor == pytest.approx(0.025)
    # A :noise companion wins: its seed sd is 0.05, so 0.0025 / 2.0 of the variance.
    snap = with_companions(rich_snapshot())
    floor = importance_data_from_result(result(noise=0.02), snap=snap).noise_floor
    assert floor == pytest.approx(0.0025 / 2.0 / 0.8)
    assert importance_noise_floor(result(), None) is None


def test_marginal_curves_get_axis_kinds_labels_and_observed_points() -> None:
    snap = rich_snapshot()
    data = marginal_data_from_result(marginals(), snap, order=["optimizer", "lr"])
    assert [c.parameter for c in data.curves] == ["optimizer", "lr", "layers"]
    optimizer, lr, layers = data.curves
    assert (optimizer.kind, optimizer.grid) == ("categorical", ("sgd", "adam"))
    assert (lr.kind, lr.grid, lr.mean) == ("log", (1e-4, 1e-2, 1.0), (4.0, 0.0, 4.0))
    assert len(lr.observed_x) == len(snap.completed())
    assert not layers.has_model and layers.observed_x  # no curve: its observed slice
    assert data.band.startswith("95% band over draws of the gp surrogate")


def test_surfaces_are_transposed_to_one_row_per_y_value() -> None:
    data = interaction_data_from_result(result(), marginals(), rich_snapshot())
    assert data is not None
    (surface,) = data.surfaces
    assert (surface.x_name, surface.y_name, surface.x_kind, surface.y_kind) == (
        "lr",
        "layers",
        "log",
        "linear",
    )
    assert surface.x_grid == (1e-4, 1.0) and surface.y_grid == (1.0, 2.0, 4.0)
    assert surface.z == ((1.0, 4.0), (2.0, 5.0), (3.0, 6.0))
    assert surface.strength == 0.04


def _study(n_trials: int, *, interact: bool = True) -> StudySnapshot:
    def objective(t: hs.Trial) -> float:
        x = t.suggest_float("x", 0.0, 1.0)
        lr = t.suggest_float("lr", 1e-4, 1.0, log=True)
        pair = 2.0 * x * math.log10(lr) / 4.0 if interact else 0.0
        return (x - 0.3) ** 2 + 0.1 * math.log10(lr) ** 2 + pair

    study = hs.create_study(sampler=RandomSampler(seed=0), heartbeat_interval_s=None)
    study.optimize(objective, n_trials=n_trials)
    return as_snapshot(study)


@pytest.fixture(scope="module")
def studied() -> StudySnapshot:
    return _study(24)


def test_the_report_computes_the_figures_of_a_study_with_enough_trials(
    studied: StudySnapshot,
) -> None:
    report = build_report(studied)
    bars = report.figures["importance"]
    assert {p.name for p in bars.parameters} == {"x", "lr"} and bars.r2 > 0.9
    curves = report.figures["marginals"]
    assert curves.has_model and {c.parameter for c in curves.curves} == {"x", "lr"}
    surfaces = report.figures["interactions"]
    assert surfaces is not None and surfaces.surfaces[0].x_name in ("x", "lr")
    for name in ("importance", "marginals", "interactions"):
        assert report.figure_spec(name) is not None


def test_levels_and_the_trial_minimum(studied: StudySnapshot) -> None:
    only_bars = build_analysis_figures(studied, level="importance", n_bootstrap=5)
    assert only_bars.importance is not None and only_bars.marginals is None
    assert build_analysis_figures(studied, level="none").importance is None
    assert build_analysis_figures(studied, min_trials=25).importance is None
    report = build_report(studied, analysis="none")
    assert report.figures["importance"] is None and not report.figures["marginals"].has_model
    with pytest.raises(ValueError, match=r"`analysis` must be one of \['full', 'importance'"):
        build_report(studied, analysis="all")
    with pytest.raises(ValueError, match="`analysis_min_trials` must be an integer >= 4"):
        build_report(studied, analysis_min_trials=1)


def test_a_study_the_analysis_cannot_handle_still_gets_its_report(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Every trial has a different set of parameters: none is active in all of them.
    trials = [
        trial(i, float(i), params={("lr", "layers")[i % 2]: 0.01 if i % 2 == 0 else 2})
        for i in range(24)
    ]
    with caplog.at_level(logging.INFO, logger="hypersense.report"):
        report = build_report(snapshot(trials))
    assert report.figures["importance"] is None and "history" in report.available()
    assert "no importance figures" in caplog.text


def test_show_prints_top_importances_unless_told_not_to(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'show.db'}"
    study = hs.create_study("shown", url, sampler=RandomSampler(seed=1))
    study.optimize(lambda t: (t.suggest_float("x", 0.0, 1.0) - 0.3) ** 2, n_trials=20)
    result = RUNNER.invoke(app, ["show", "shown", "--storage", url])
    assert result.exit_code == 0, result.output
    assert "Top importances: fANOVA on " in result.output
    assert "cross-validated R²" in result.output and "surrogate: " in result.output
    quiet = RUNNER.invoke(app, ["show", "shown", "--storage", url, "--no-analysis"])
    assert quiet.exit_code == 0 and "Top importances" not in quiet.output


def test_one_surrogate_one_r2_for_bars_curves_and_the_stated_reason(
    studied: StudySnapshot,
) -> None:
    from hypersense.analysis import importance, marginal_effects
    from hypersense.history import StudyHistory

    report = build_report(studied)
    bars, curves = report.figures["importance"], report.figures["marginals"]
    assert bars.surrogate_reason  # why this surrogate, in words
    # The curves' band states the bars' own fit, to the digit.
    assert f"cross-validated R² {bars.r2:.2f}" in curves.band
    history = StudyHistory.from_trials(studied.directions, studied.trials)
    result = importance(history, n_bootstrap=5, seed=3)
    reused = marginal_effects(history, importance=result, n_bootstrap=5, seed=4)
    assert reused.surrogate == result.surrogate and reused.r2 == result.r2
    assert result.fitted is not None and result.to_dict()["surrogate_reason"]
    spec = report.figure_spec("importance")
    assert spec is not None and "Surrogate: " in spec["layout"]["title"]["text"]


def test_the_interactions_figure_says_why_it_is_empty(studied: StudySnapshot) -> None:
    few = build_report(studied, analysis_min_trials=30)
    assert few.why_missing("interactions") == (
        "the analysis needs at least 30 COMPLETE trials; the study has 24"
    )
    assert (
        build_report(studied, analysis="none").why_missing("importance").startswith("not computed")
    )
    # x and lr act additively here: no pair reaches 1%, and that is what the page says.
    additive = _study(24, interact=False)
    report = build_report(additive)
    assert report.figures["interactions"] is None
    assert report.why_missing("interactions").startswith(
        "no pairwise interaction reaches 1% of the modelled variance (the strongest, "
    )


def test_show_warns_like_analyze_when_the_surrogate_fits_badly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'noise.db'}"
    study = hs.create_study("noisy", url, sampler=RandomSampler(seed=2))
    rng = random.Random(5)  # values unrelated to x: no surrogate can predict them
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0) * 0 + rng.random(), n_trials=24)
    shown = RUNNER.invoke(app, ["show", "noisy", "--storage", url], terminal_width=200)
    analyzed = RUNNER.invoke(app, ["analyze", "noisy", "--storage", url], terminal_width=200)
    assert shown.exit_code == 0 and analyzed.exit_code == 0, shown.output + analyzed.output
    warning = next(line for line in analyzed.output.splitlines() if "mean little" in line)
    assert warning.strip() in shown.output
