"""``hypersense report``, ``plot`` and ``show`` on a stored study, and static export."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hypersense as hs
from hypersense.cli.app import app
from hypersense.pruners.percentile import MedianPruner
from hypersense.report import build_report, write_figure
from tests.report.studies import rich_snapshot, snapshot

RUNNER = CliRunner()


def objective(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", 1e-3, 1.0, log=True)
    value = math.inf
    for step in range(6):
        value = (math.log10(x) + 1.5) ** 2 + 1.0 / (step + 1)
        trial.report(value, step)
        if trial.should_prune():
            raise hs.TrialPruned()
    return value


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'study.db'}"
    study = hs.create_study(
        "cli",
        url,
        pruner=MedianPruner(n_startup_trials=3),
        sampler=hs.samplers.RandomSampler(seed=0),
    )
    study.optimize(objective, n_trials=15)
    study.close()
    return url


def test_report_writes_the_page(stored: str, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = RUNNER.invoke(app, ["report", "cli", "--storage", stored, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote the report of study 'cli'" in result.output and "learning_curves" in result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_show_prints_states_savings_and_the_best_trial(stored: str) -> None:
    result = RUNNER.invoke(app, ["show", "cli", "--storage", stored])
    assert result.exit_code == 0, result.output
    assert "Study 'cli'" in result.output and "Best trial" in result.output
    assert "pruning savings" in result.output and "complete" in result.output
    assert "saved" in result.output


def test_plot_writes_an_svg(stored: str, tmp_path: Path) -> None:
    out = tmp_path / "history.svg"
    result = RUNNER.invoke(app, ["plot", "cli", "history", "--storage", stored, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").lstrip().startswith("<svg")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["plot", "cli", "nope", "-o", "x.png"], 2, "unknown figure 'nope'"),
        (["plot", "cli", "pareto", "-o", "x.png"], 1, "no data for figure 'pareto'"),
        (["show", "missing"], 2, "no study named 'missing'"),
        (["report", "missing"], 2, "no study named 'missing'"),
    ],
)
def test_errors_name_the_problem(stored: str, args: list[str], code: int, message: str) -> None:
    result = RUNNER.invoke(app, [*args, "--storage", stored])
    assert result.exit_code == code
    assert message in result.output


def test_write_figure_makes_a_png(tmp_path: Path) -> None:
    path = write_figure(build_report(rich_snapshot()), "learning_curves", tmp_path / "c.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_write_figure_refuses_unknown_suffixes_and_figures_without_data(tmp_path: Path) -> None:
    report = build_report(snapshot([]))
    with pytest.raises(ValueError, match=r"use a file ending in \.png, \.svg, \.pdf"):
        write_figure(report, "history", tmp_path / "h.gif")
    with pytest.raises(ValueError, match="figure 'history' has no data in study 'hand'"):
        write_figure(report, "history", tmp_path / "h.png")
