"""Table building, the summary, the targets and the Markdown report on made-up runs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from benchmarks.sample_efficiency.recording import RunRecord
from benchmarks.sample_efficiency.report import render_report
from benchmarks.sample_efficiency.results import ResultsStore
from benchmarks.sample_efficiency.summary import build_summary, checkpoints_for
from benchmarks.sample_efficiency.table import build_table
from benchmarks.sample_efficiency.targets import check_targets

_BUDGET = 30
_SEEDS = range(6)
# Final loss of each method on each problem (per seed it varies a little).
_LEVELS = {
    "optuna:random": {"synth": 10.0, "tune": 0.30},
    "optuna:tpe": {"synth": 6.0, "tune": 0.20},
    "hypersense:auto": {"synth": 1.0, "tune": 0.10},
}


def _run(method: str, problem: str, seed: int) -> RunRecord:
    level = _LEVELS[method][problem]
    # Decreasing values that reach `level + small seed noise` at the end.
    values = list(np.linspace(3 * level, level * (1 + 0.01 * seed), _BUDGET))
    group = "synthetic" if problem == "synth" else "model-tuning"
    optimum = 0.0 if problem == "synth" else None
    return RunRecord(
        method,
        problem,
        group,
        seed,
        optimum,
        values=[float(v) for v in values],
        params=[{"x": float(v)} for v in values],
        tool_time_s=[0.002] * _BUDGET,
        eval_time_s=[0.01] * _BUDGET,
    )


@pytest.fixture
def store(tmp_path) -> ResultsStore:  # type: ignore[no-untyped-def]
    store = ResultsStore(tmp_path / "r.json")
    for method in _LEVELS:
        for problem in ("synth", "tune"):
            for seed in _SEEDS:
                store.add_run(_run(method, problem, seed))
    # A method with a single run: shown per problem, not scored.
    store.add_run(replace(_run("optuna:tpe", "synth", 0), method="hypersense:qmc"))
    store.skipped["hypersense:gp"] = "ValueError: sampler 'gp' is not available in this version"
    return store


def test_table_shapes_and_regret() -> None:
    table = build_table([_run("optuna:random", "synth", 0), _run("optuna:tpe", "tune", 1)])
    assert table.best.shape == (2, 2, 2, _BUDGET)
    assert not table.is_complete("optuna:random")
    assert table.best_at(_BUDGET)[0, 0, 0] == pytest.approx(10.0)


def test_checkpoints_fit_the_budget() -> None:
    assert checkpoints_for(50) == (10, 25, 50)
    assert checkpoints_for(15) == (10, 15)
    assert checkpoints_for(60, [10, 25, 50]) == (10, 25, 50, 60)


def test_summary_scores_targets_and_report(store: ResultsStore) -> None:
    table = build_table(store.runs.values(), method_order=list(_LEVELS))
    summary = build_summary(
        table,
        reference="optuna:random",
        candidate="hypersense:auto",
        checkpoints=(10, 25, 30),
        n_boot=200,
    )
    # At the end: synth medians 10.x, 6.x, 1.x with best found 1.0 -> ~0, ~45, ~99.
    assert summary.score_of("optuna:random", 30) == 0.0
    assert summary.score_of("hypersense:auto", 30) > summary.score_of("optuna:tpe", 30) > 30
    wins = {c.peer: c.result for c in summary.comparisons[-1]}
    assert wins["optuna:tpe"].wins == 12 and wins["optuna:tpe"].p_value < 0.001
    checks = check_targets(summary)
    assert [c.passed for c in checks] == [True, True, True, True, True]
    text = render_report(store, summary)
    for heading in ("## Normalised score", "## Paired comparison", "## Targets", "### synth"):
        assert heading in text
    assert "hypersense:gp" in text and "PASS" in text and "FAIL" not in text
    assert summary.incomplete == ("hypersense:qmc",) and "Incomplete methods" in text


def test_a_worse_candidate_fails_its_targets(store: ResultsStore) -> None:
    table = build_table(store.runs.values())
    summary = build_summary(
        table,
        reference="optuna:random",
        candidate="optuna:random",
        checkpoints=(10, 25, 30),
        n_boot=50,
    )
    checks = check_targets(summary)
    assert checks[0].passed is False and "optuna:tpe" in checks[0].detail


def test_reference_must_be_complete(store: ResultsStore) -> None:
    table = build_table(store.runs.values())
    with pytest.raises(ValueError, match="reference"):
        build_summary(table, reference="hypersense:gp", candidate=None, checkpoints=(30,))


def test_report_command_keeps_only_the_selected_methods(store: ResultsStore, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from benchmarks.sample_efficiency.cli import main

    store.save()
    out = tmp_path / "r.md"
    main(["report", str(store.path), "--methods", "optuna:*,hypersense:auto", "--out", str(out)])
    text = out.read_text()
    assert "`hypersense:auto`" in text and "`optuna:tpe`" in text
    assert "hypersense:qmc" not in text and "hypersense:gp" not in text
