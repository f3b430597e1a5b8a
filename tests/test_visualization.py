"""Optuna-named figures and importances, drawn from the report's own figure data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest

import hypersense as hs
from hypersense.report.build import build_report
from hypersense.samplers import RandomSampler


def _objective(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", -3, 3)
    y = trial.suggest_float("y", -3, 3)
    z = trial.suggest_categorical("z", ["a", "b"])
    for step in range(3):
        trial.report(x * x + step, step)
    return 5 * x * x + 2 * x * y + 0.1 * y + (0.05 if z == "a" else 0.0)


@pytest.fixture(scope="module")
def study() -> hs.Study:
    study = hs.create_study(sampler=RandomSampler(seed=0))
    study.optimize(_objective, n_trials=40)
    return study


@pytest.mark.parametrize(
    ("plot", "report_name"),
    [
        (hs.visualization.plot_optimization_history, "history"),
        (hs.visualization.plot_intermediate_values, "learning_curves"),
        (hs.visualization.plot_parallel_coordinate, "parallel_coordinates"),
        (hs.visualization.plot_slice, "marginals"),
        (hs.visualization.plot_timeline, "timeline"),
    ],
)
def test_each_figure_is_the_reports(study: hs.Study, plot: object, report_name: str) -> None:
    figure = plot(study)  # type: ignore[operator]
    assert isinstance(figure, go.Figure) and figure.data
    spec = build_report(study, analysis="none").figure_spec(report_name)
    assert spec is not None
    drawn = json.loads(figure.to_json())["data"]
    assert [t.get("y") for t in drawn] == [
        json.loads(go.Figure({"data": spec["data"]}).to_json())["data"][i].get("y")
        for i in range(len(drawn))
    ]


def test_analysis_figures_and_params_filters(study: hs.Study) -> None:
    importances = hs.visualization.plot_param_importances(study)
    assert isinstance(importances, go.Figure)
    contour = hs.visualization.plot_contour(study, params=["x", "y"])
    assert isinstance(contour, go.Figure) and contour.data
    sliced = hs.visualization.plot_slice(study, params=["y", "x"])
    titles = [a.text for a in sliced.layout.annotations] if sliced.layout.annotations else []
    assert not titles or titles[0].startswith("y")
    axes = hs.visualization.plot_parallel_coordinate(study, params=["x"])
    assert axes.data
    with pytest.raises(ValueError, match=r"\['w'\]"):
        hs.visualization.plot_slice(study, params=["w"])


def test_a_study_without_data_says_why() -> None:
    empty = hs.create_study()
    with pytest.raises(ValueError, match="no COMPLETE trial"):
        hs.visualization.plot_optimization_history(empty)
    with pytest.raises(ValueError, match="several objectives"):
        hs.visualization.plot_pareto_front(empty)


def test_get_param_importances_has_optunas_shape(study: hs.Study) -> None:
    scores = hs.importance.get_param_importances(study)
    assert next(iter(scores)) == "x" and set(scores) == {"x", "y", "z"}
    assert sum(scores.values()) == pytest.approx(1.0)
    assert list(scores.values()) == sorted(scores.values(), reverse=True)
    assert hs.importance.get_param_importances(study) == scores  # seeded: stable
    only = hs.importance.get_param_importances(study, params=["y", "x"])
    assert list(only) == ["x", "y"]


def test_the_figures_need_plotly_named_with_its_extra(tmp_path: Path) -> None:
    # plotly blocked in a fresh process, as tests/test_optional_dependencies.py does.
    code = (
        "import sys\n"
        "sys.modules['plotly'] = None\n"
        "import hypersense as hs\n"
        "study = hs.create_study()\n"
        "study.optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=3)\n"
        "try:\n"
        "    hs.visualization.plot_optimization_history(study)\n"
        "except hs.MissingDependencyError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert 'pip install "hypersense[plot]"' in done.stdout
