"""One arm of the benchmark on one task and seed, in its own process."""

from __future__ import annotations

import time
from typing import Any

from benchmarks.lr_narrowing.budget import narrowed_trials, trial_cost

__all__ = ["run_arm"]


def run_arm(task_name: str, arm: str, seed: int, n_trials: int, max_epochs: int) -> dict[str, Any]:
    """Run arm ``"full"`` or ``"narrowed"``; return its costs, range and trials.

    Returns:
        JSON-ready: the arm, task, seed, costs, the learning-rate range used,
        the range test's suggestion (narrowed arm) and per trial its number,
        learning rate, validation error and the cumulative cost after it.
    """
    import hypersense as hs
    from hypersense.lr import narrow_space, search_range, task_range_test
    from hypersense.samplers import AutoSampler
    from hypersense.tasks import make_task

    options = {"max_epochs": max_epochs, "n_threads": 1}
    task = make_task(task_name, options)
    per_trial = trial_cost(max_epochs, len(task.data().train))
    started = time.perf_counter()
    record: dict[str, Any] = {"task": task_name, "arm": arm, "seed": seed, "trial_cost": per_trial}
    spent, trials_to_run = 0, n_trials
    if arm == "narrowed":
        test = task_range_test(task, seeds=(3 * seed, 3 * seed + 1, 3 * seed + 2))
        lr_range = search_range(test)
        test_cost = test.n_steps_run * (test.settings.batch_size or 0)
        spent = test_cost
        trials_to_run = narrowed_trials(n_trials, per_trial, test_cost)
        task = make_task(task_name, options, space=narrow_space(task.space, lr_range))
        record.update(
            test_cost=test_cost,
            suggested_lr=test.suggested_lr,
            interval=list(test.interval),
            divergence_lr=test.divergence_lr,
            lr_range=[lr_range.low, lr_range.high],
            range_note=lr_range.note,
        )
    lr_dist = task.space["lr"]
    record["lr_space"] = [lr_dist.low, lr_dist.high]  # type: ignore[attr-defined]
    study = hs.create_study(direction="maximize", sampler=AutoSampler(seed=seed))
    study.optimize(task.objective, n_trials=trials_to_run)
    rows = []
    for t in study.trials:
        spent += per_trial
        error = None if t.value is None else 1.0 - t.value
        rows.append({"number": t.number, "lr": t.params["lr"], "error": error, "cost": spent})
    finished = [r["error"] for r in rows if r["error"] is not None]
    record.update(
        n_trials=len(rows),
        total_cost=spent,
        best_error=min(finished) if finished else None,
        trials=rows,
        seconds=time.perf_counter() - started,
    )
    return record
