"""build_report: every figure appears once its data exists; degenerate studies degrade."""

from __future__ import annotations

import pytest

import hypersense as hs
from hypersense.lr import RangeTestResult
from hypersense.report import FIGURES, build_report, figure_kind
from hypersense.report.data import lr_range_test_data
from tests.report.studies import (
    importance_data,
    interaction_data,
    lr_range_test,
    marginal_data,
    pareto_snapshot,
    rich_snapshot,
    snapshot,
    trial,
    with_companions,
)

SINGLE_OBJECTIVE = {k.name for k in FIGURES} - {"pareto"}


def full_report():  # type: ignore[no-untyped-def]
    return build_report(
        with_companions(rich_snapshot()),
        importance=importance_data(),
        marginals=marginal_data(),
        interactions=interaction_data(),
    )


def test_a_rich_study_with_analyses_has_every_single_objective_figure() -> None:
    report = full_report()
    assert set(report.available()) == SINGLE_OBJECTIVE
    assert report.pruning is not None and report.noise is not None
    assert report.reevaluation is not None and report.reevaluation.winners_curse is not None


def test_a_multi_objective_study_has_a_pareto_front_and_no_history() -> None:
    report = build_report(pareto_snapshot())
    assert "pareto" in report.available() and "history" not in report.available()
    assert len(report.overview.best) > 1


@pytest.mark.parametrize(
    ("trials", "expected"),
    [
        ([], set()),
        ([trial(0, None, state=hs.TrialState.FAIL)], {"state_counts", "timeline"}),
        (
            [trial(0, 1.0)],
            {"history", "parallel_coordinates", "state_counts", "timeline", "marginals"},
        ),
    ],
    ids=["empty", "one-failed-trial", "one-trial"],
)
def test_degenerate_studies_give_what_they_have(trials, expected) -> None:  # type: ignore[no-untyped-def]
    assert set(build_report(snapshot(trials)).available()) == expected


def test_analysis_results_given_win_and_are_type_checked() -> None:
    result = RangeTestResult.from_dict(lr_range_test())
    given = lr_range_test_data(result, context={"task": "given"})
    report = build_report(rich_snapshot(), lr_range_test=given)
    assert report.figures["lr_range_test"].tested == "given"
    # A result of hypersense.lr.range_test is taken as it is.
    report = build_report(rich_snapshot(), lr_range_test=result)
    assert report.figures["lr_range_test"].suggested_lr == result.suggested_lr
    with pytest.raises(TypeError, match="`importance` must be a ImportanceData or None"):
        build_report(rich_snapshot(), importance={"lr": 1.0})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`max_curves` must be an integer >= 5 \\(got 1\\)"):
        build_report(rich_snapshot(), max_curves=1)


def test_a_malformed_attribute_costs_one_figure_with_a_warning(caplog) -> None:  # type: ignore[no-untyped-def]
    bad = snapshot([trial(0, 1.0, user_attrs={"weight_histograms": {"fc": 3}})])
    with caplog.at_level("WARNING", logger="hypersense.report"):
        report = build_report(bad)
    assert "weight_distribution" not in report.available()
    assert "history" in report.available()
    assert "'weight_distribution' left out" in caplog.text


def test_a_live_study_is_read_with_its_trials() -> None:
    study = hs.create_study(study_name="live")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    report = build_report(study)
    assert report.overview.study_name == "live" and report.overview.n_trials == 3


def test_unknown_figure_names_list_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown figure 'nope'; known figures: history, "):
        figure_kind("nope")
    with pytest.raises(ValueError, match="unknown figure"):
        full_report().figure_spec("nope")
