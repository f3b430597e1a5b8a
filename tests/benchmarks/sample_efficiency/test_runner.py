"""Recording, the results file, resumable planning and one real run (hypersense random)."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.problems.synthetic import BraninProblem
from benchmarks.sample_efficiency.methods import METHODS, select_methods
from benchmarks.sample_efficiency.recording import EvaluationLog, RunRecord
from benchmarks.sample_efficiency.results import ResultsStore
from benchmarks.sample_efficiency.runner import RunTask, plan_tasks, run_one


def _record(method: str = "optuna:random", seed: int = 0, budget: int = 3) -> RunRecord:
    return RunRecord(
        method=method,
        problem="branin",
        group="synthetic",
        seed=seed,
        optimum=0.397887,
        values=[3.0, 2.0, 1.0][:budget] + [1.0] * max(0, budget - 3),
        params=[{"x1": float(i), "x2": 0.0} for i in range(budget)],
        tool_time_s=[0.001] * budget,
        eval_time_s=[0.0001] * budget,
    )


def test_evaluation_log_memoises_repeats_but_counts_them() -> None:
    record = RunRecord("m", "branin", "synthetic", 0, 0.397887)
    log = EvaluationLog(BraninProblem(), record)
    first = log.evaluate({"x1": 1.0, "x2": 2.0})
    assert log.evaluate({"x2": 2.0, "x1": 1.0}) == first
    assert record.values == [first, first] and record.memo_hits == 1
    assert len(record.tool_time_s) == len(record.eval_time_s) == 2


def test_evaluation_log_rejects_points_outside_the_space() -> None:
    log = EvaluationLog(BraninProblem(), RunRecord("m", "branin", "synthetic", 0, None))
    with pytest.raises(ValueError, match="x2"):
        log.evaluate({"x1": 1.0, "x2": 99.0})


def test_results_round_trip_through_the_file(tmp_path: Path) -> None:
    store = ResultsStore.open(tmp_path / "r.json")
    store.add_run(_record())
    store.skipped["hypersense:gp"] = "not available"
    store.save()
    loaded = ResultsStore.open(tmp_path / "r.json")
    assert loaded.runs == store.runs and loaded.skipped == store.skipped


def test_planning_resumes_and_reruns_short_or_overwritten_runs(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path / "r.json")
    store.add_run(_record(seed=0, budget=3))
    store.add_run(_record(seed=1, budget=2))
    tasks = plan_tasks(store, ["optuna:random"], ["branin"], [0, 1, 2], 3)
    assert [t.seed for t in tasks] == [1, 2]
    again = plan_tasks(store, ["optuna:random"], ["branin"], [0, 1, 2], 3, overwrite=True)
    assert [t.seed for t in again] == [0, 1, 2]


def test_plan_is_seed_major() -> None:
    store = ResultsStore(Path("unused.json"))
    tasks = plan_tasks(store, ["a", "b"], ["p", "q"], [0, 1], 5)
    assert [(t.seed, t.problem, t.method) for t in tasks[:4]] == [
        (0, "p", "a"),
        (0, "p", "b"),
        (0, "q", "a"),
        (0, "q", "b"),
    ]


def test_one_hypersense_run_end_to_end() -> None:
    record = run_one(RunTask("hypersense:random", "branin", 4, 6))
    again = run_one(RunTask("hypersense:random", "branin", 4, 6))
    assert record.budget == 6 and record.optimum == BraninProblem.optimum
    assert record.values == again.values  # same seed, same proposals
    assert min(record.values) >= BraninProblem.optimum
    assert record.tool_version.startswith("hypersense ")


def test_batch_run_proposes_four_pending_trials_at_a_time() -> None:
    record = run_one(RunTask("hypersense:auto-batch4", "branin", 1, 10))
    assert record.budget == 10 and min(record.values) >= BraninProblem.optimum


def test_the_default_starts_at_the_centre_and_its_old_variant_does_not() -> None:
    centre = {"x1": 2.5, "x2": 7.5}  # Branin's box: [-5, 10] x [0, 15]
    shipped = run_one(RunTask("hypersense:auto", "branin", 3, 2))
    before = run_one(RunTask("hypersense:auto-uniform-first", "branin", 3, 2))
    assert shipped.params[0] == pytest.approx(centre)
    assert before.params[0] != pytest.approx(centre)
    assert shipped.values[1:] == before.values[1:]  # the start-up after trial 0 is the same


def test_method_catalog_and_selection() -> None:
    named = {"hypersense:auto", "hypersense:auto-tpe-from-100", "optuna:tpe", "skopt:gp"}
    assert named <= set(METHODS)
    assert select_methods(["optuna:*"]) == [
        "optuna:random",
        "optuna:tpe",
        "optuna:gp",
        "optuna:cmaes",
        "optuna:tpe-batch4",
    ]
    with pytest.raises(ValueError, match="nope:x"):
        select_methods(["nope:x"])


def test_a_missing_hypersense_sampler_is_reported_not_raised() -> None:
    assert METHODS["hypersense:random"].unavailable_reason() is None
    from benchmarks.sample_efficiency.methods import _hypersense_unavailable

    reason = _hypersense_unavailable("no-such-sampler")()
    assert reason is not None and "no-such-sampler" in reason


def test_run_benchmark_skips_unavailable_methods_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from benchmarks.sample_efficiency.runner import run_benchmark

    missing = replace(METHODS["hypersense:random"], name="hypersense:missing")
    missing = replace(missing, unavailable_reason=lambda: "not here")
    monkeypatch.setitem(METHODS, "hypersense:missing", missing)
    store = ResultsStore(tmp_path / "r.json")
    said: list[str] = []
    methods = ["hypersense:random", "hypersense:missing"]
    run_benchmark(store, methods, ["branin"], [0, 1], 4, jobs=1, say=said.append)
    assert sorted(store.runs) == ["hypersense:random|branin|0", "hypersense:random|branin|1"]
    assert store.skipped == {"hypersense:missing": "not here"}
    assert ResultsStore.open(tmp_path / "r.json").runs == store.runs
    said.clear()
    run_benchmark(store, methods, ["branin"], [0, 1], 4, jobs=1, say=said.append)
    assert any(line.startswith("0 runs to do") for line in said)
