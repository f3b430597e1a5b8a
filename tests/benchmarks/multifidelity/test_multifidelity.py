"""The multi-fidelity benchmark: curves, baseline, real-task harness, scoring (known answers)."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from benchmarks.multifidelity.__main__ import coverage
from benchmarks.multifidelity.curves import curve, lr_fraction, noiseless, true_final
from benchmarks.multifidelity.figures import best_so_far_on_grid
from benchmarks.multifidelity.methods import (
    BASELINE,
    ETA,
    METHODS,
    N_EPOCHS,
    OPTUNA_HYPERBAND,
    RunSize,
    top_k_baseline,
)
from benchmarks.multifidelity.problems import SyntheticCurves
from benchmarks.multifidelity.real_tasks import TorchTaskProblem
from benchmarks.multifidelity.records import RunRecord, TrialRecord
from benchmarks.multifidelity.runner import problem, run_all
from benchmarks.multifidelity.signals import load_runs, signal_tables
from benchmarks.multifidelity.tables import anytime_table, methods_table, paired_table


def test_small_learning_rates_look_bad_early_and_win_late() -> None:
    assert lr_fraction(1e-4) == 0.0 and lr_fraction(1e-1) == pytest.approx(1.0)
    slow, fast = noiseless(3e-4, 0.5, N_EPOCHS), noiseless(3e-2, 0.5, N_EPOCHS)
    assert slow[1] > fast[1] and slow[-1] < fast[-1]  # the curves cross
    assert np.all(np.diff(slow) < 0) and true_final(3e-4, 0.5, N_EPOCHS) == slow[-1]
    noisy = curve(3e-4, 0.5, N_EPOCHS, noise_seed=1)
    assert np.array_equal(noisy, curve(3e-4, 0.5, N_EPOCHS, noise_seed=1))
    assert 0 < np.std(noisy - slow) < 0.03


def _run(method: str, *trials: TrialRecord) -> RunRecord:
    return RunRecord(method, 0, trials, 1.0)


def test_scoring_of_a_run() -> None:
    run = _run(
        "m",
        TrialRecord(27, True, 0.30, 0.31),
        TrialRecord(2, False, None, 0.05),
        TrialRecord(27, True, 0.20, 0.22),
    )
    assert run.epochs == 56
    assert run.chosen_true_final() == 0.22
    assert run.epochs_to_reach(0.25) == 56 and run.epochs_to_reach(0.31) == 27
    assert math.isinf(run.epochs_to_reach(0.1))
    assert run.best_so_far() == [(27, 0.31), (56, 0.22)]
    assert best_so_far_on_grid(run, [0, 27, 30, 56]) == [math.inf, 0.31, 0.31, 0.22]


def test_a_real_task_run_knows_only_the_finished_errors() -> None:
    # An error of zero is a real choice (a perfect validation score), not a missing one.
    run = _run("m", TrialRecord(3, False, None, None), TrialRecord(27, True, 0.0, 0.0))
    assert run.chosen_true_final() == 0.0 and run.epochs_to_reach(0.0) == 30
    assert math.isinf(_run("m", TrialRecord(3, False, None, None)).chosen_true_final())


def test_paired_table_counts_seeds() -> None:
    done = TrialRecord(10, True, 0.2, 0.2)
    runs = {
        BASELINE: [_run(BASELINE, done), _run(BASELINE, done)],
        "peer": [_run("peer", TrialRecord(1, False, None, None), done), _run("peer", done)],
        "ours": [_run("ours", done), _run("ours", TrialRecord(5, True, 0.1, 0.1))],
    }
    rows = paired_table(runs, "peer").splitlines()
    # Seed 0: 10 epochs against 11; seed 1: 5 against 10 and a lower error.
    assert rows[-1] == "| ours | 2 / 0 / 0 / 0 | 1 / 1 / 0 |"
    assert "| ours | 1 | 8 | 75% |" in methods_table(runs)


def test_the_one_epoch_top_k_baseline() -> None:
    run = top_k_baseline(SyntheticCurves(N_EPOCHS), 0, RunSize(27))
    k = 27 // ETA**2
    assert sum(t.finished for t in run.trials) == k
    assert run.epochs == 27 + k * (N_EPOCHS - 1)
    assert all(t.finished for t in run.trials[-k:])  # the kept ones run last
    # With an epoch budget it repeats whole rounds of fresh configurations until
    # the budget is spent, and its first round is the run above.
    longer = top_k_baseline(SyntheticCurves(N_EPOCHS), 0, RunSize(27, 27 * N_EPOCHS))
    per_round = 27 + k * (N_EPOCHS - 1)
    assert longer.epochs == per_round * math.ceil(27 * N_EPOCHS / per_round)
    assert longer.first().trials == run.trials and len(longer.trials) % 27 == 0


def test_a_run_with_an_epoch_budget_goes_on_and_its_first_trials_are_the_short_run() -> None:
    problem = SyntheticCurves(N_EPOCHS)
    budget = 9 * N_EPOCHS
    for name in (BASELINE, "ASHA (TPE)", "model-based Hyperband (TPE)", "median (TPE)"):
        short = METHODS[name](problem, 3, RunSize(9))
        long = METHODS[name](problem, 3, RunSize(9, budget))
        # It stops at the first trial that crosses the budget, not before.
        assert long.epochs >= budget and long.epochs - long.trials[-1].epochs < budget
        assert long.first().trials == short.trials
        assert 0 < long.first().cpu_s <= long.cpu_s
        if name == BASELINE:  # no pruning spends the budget in exactly 9 trials
            assert len(long.trials) == 9
        else:  # a pruner's cheaper trials leave room for more configurations
            assert len(long.trials) > 9


def test_methods_run_and_coverage_is_a_share() -> None:
    problem = SyntheticCurves(N_EPOCHS)
    for name in (BASELINE, "Hyperband (random)", "Optuna HyperbandPruner (TPE)"):
        run = METHODS[name](problem, 0, RunSize(9))
        assert len(run.trials) == 9 and 9 <= run.epochs <= 9 * N_EPOCHS
    shares = coverage(0, 5, (5,))
    assert set(shares) == {5} and 0.0 <= shares[5] <= 1.0


def test_a_real_task_trains_until_told_to_stop() -> None:
    problem = TorchTaskProblem("tabular", n_epochs=3)
    params = {name: dist.from_unit(0.5) for name, dist in problem.space().items()}
    seen: list[tuple[int, float]] = []
    stopped = problem.train(params, 0, lambda epoch, error: seen.append((epoch, error)) is None)
    assert stopped == TrialRecord(1, False, None, None) and [e for e, _ in seen] == [0]
    full = problem.train(params, 0, lambda epoch, error: False)
    assert full.finished and full.epochs == 3 and full.observed_final == full.true_final
    assert full.observed_final is not None and full.observed_final > 0  # an RMSE
    run = METHODS["ASHA (TPE)"](problem, 0, RunSize(4))
    assert len(run.trials) == 4 and 4 <= run.epochs <= 12


def test_what_a_run_had_found_after_some_epochs() -> None:
    run = _run(
        "m",
        TrialRecord(10, True, 0.30, 0.30),
        TrialRecord(3, False, None, None),
        TrialRecord(10, True, 0.20, 0.20),
    )
    assert run.within(9).trials == () and math.isinf(run.within(9).chosen_true_final())
    assert run.within(22).chosen_true_final() == 0.30  # the third trial ends at 23
    assert run.within(23).chosen_true_final() == 0.20 and run.within(99) == run
    peer = _run("peer", TrialRecord(10, True, 0.25, 0.25), TrialRecord(10, True, 0.1, 0.1))
    base = _run(BASELINE, TrialRecord(20, True, 0.2, 0.2))
    rows = anytime_table({BASELINE: [base], "m": [run], "peer": [peer]}, "peer", (0.5, 1.0))
    # After 10 epochs: 0.30 against 0.25 (higher); after 20: still 0.30 against 0.10.
    assert "| m | 0.3000 | 0.3000 | 0 / 0 / 1 | 0 / 0 / 1 |" in rows.splitlines()
    assert "| peer | 0.2500 | 0.1000 | — | — |" in rows.splitlines()


def _signals_seen(signal: str) -> tuple[list[float], TrialRecord]:
    """What a method sees of one 3-epoch tabular training, and its record."""
    task = TorchTaskProblem("tabular", n_epochs=3, signal=signal)
    params = {name: dist.from_unit(0.5) for name, dist in task.space().items()}
    seen: list[float] = []
    record = task.train(params, 0, lambda _epoch, value: seen.append(value) is None and False)
    return seen, record


def test_the_loss_signal_changes_what_the_methods_see_not_the_training_or_the_value() -> None:
    by_signal = {signal: _signals_seen(signal) for signal in ("error", "loss")}
    (errors, by_error), (losses, by_loss) = by_signal["error"], by_signal["loss"]
    # Same training, same final value (the validation RMSE); the loss signal is the
    # mean squared error of the standardised target, so RMSE / sqrt(MSE) is the
    # target's scale at every epoch.
    assert by_loss == by_error and by_loss.observed_final == errors[-1]
    scales = np.array(errors) / np.sqrt(losses)
    assert len(losses) == 3 and np.allclose(scales, scales[0], rtol=1e-5)
    assert scales[0] > 1.0  # the target (diabetes progression) spreads over tens
    with pytest.raises(ValueError, match="signal"):
        TorchTaskProblem("tabular", n_epochs=3, signal="accuracy")
    with pytest.raises(ValueError, match="synthetic"):
        problem("synthetic", N_EPOCHS, "loss")


def test_the_journal_keeps_the_runs_of_each_signal_apart(tmp_path: Path) -> None:
    journal = tmp_path / "runs.jsonl"

    def run(signal: str) -> RunRecord:
        runs = run_all(["tabular"], 1, RunSize(2), 2, 1, journal, signal=signal, methods=[BASELINE])
        assert list(runs["tabular"]) == [BASELINE]
        return runs["tabular"][BASELINE][0]

    loss_run = run("loss")
    assert [json.loads(line)["signal"] for line in journal.read_text().splitlines()] == ["loss"]
    assert run("loss") == loss_run  # reused, not trained again
    assert len(journal.read_text().splitlines()) == 1
    run("error")  # another signal is another run
    assert [json.loads(line)["signal"] for line in journal.read_text().splitlines()] == [
        "loss",
        "error",
    ]
    with pytest.raises(ValueError, match="unknown methods"):
        run_all(["tabular"], 1, RunSize(2), 2, 1, None, methods=["no such method"])


def test_the_progress_counts_this_runs_jobs_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = tmp_path / "runs.jsonl"
    run_all(["tabular"], 1, RunSize(2), 2, 1, journal, methods=[BASELINE])
    capsys.readouterr()
    # The journal's run of another method is not one of this run's jobs.
    run_all(["tabular"], 1, RunSize(2), 2, 1, journal, methods=["ASHA (TPE)"])
    assert "] 1/1 tabular seed 0 ASHA (TPE):" in capsys.readouterr().err


def test_two_signals_side_by_side(tmp_path: Path) -> None:
    done, better = TrialRecord(10, True, 0.2, 0.2), TrialRecord(10, True, 0.1, 0.1)
    cut = TrialRecord(1, False, None, None)

    def write(name: str, ours: tuple[TrialRecord, ...], seeds: int) -> Path:
        runs = {
            BASELINE: [_run(BASELINE, done, done)] * seeds,
            "ours": [_run("ours", *ours)] * seeds,
            OPTUNA_HYPERBAND: [_run(OPTUNA_HYPERBAND, cut, done)] * seeds,
        }
        records = {m: [dataclasses.asdict(r) for r in rs] for m, rs in runs.items()}
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"runs": {"digits-mlp": records}}))
        return path

    error = load_runs(write("error", (cut, done), 2))
    loss = load_runs(write("loss", (better,), 3))  # one seed more: left out
    assert loss["digits-mlp"]["ours"][0].trials == (better,)
    rows = signal_tables({"error": error, "loss": loss}).splitlines()
    assert rows[0] == "#### digits-mlp: 2 seeds (0..1), equal epochs"
    # Error signal: 11 epochs of 20 (55%), as many as Optuna's; loss: 10 (50%), fewer.
    assert (
        "| ours | 2/2 | 55.0% | 0.2000 | 0 / 2 / 0 / 0 | 2/2 | 50.0% | 0.1000 | 2 / 0 / 0 / 0 |"
        in rows
    )
    assert "| ours | 2 / 0 / 0 / 0 | 2 / 0 / 0 |" in rows
