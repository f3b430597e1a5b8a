"""Timing both loops side by side, interleaved, and summarising per-epoch costs."""

from __future__ import annotations

import statistics
import time
from typing import Any

import torch

from benchmarks.torch_overhead.hand_loop import hand_written_run
from benchmarks.torch_overhead.workloads import Workload, accuracy
from hypersense.torch import fit

LR = 1e-3


def fit_run(
    work: Workload, data: tuple[torch.Tensor, ...], *, epochs: int, seed: int
) -> list[float]:
    """The same training through ``hypersense.torch.fit`` (its defaults otherwise)."""
    x_train, y_train, x_val, y_val = data
    train: Any = (x_train, y_train)
    if work.loader:
        # A loader without a generator: fit seeds the global one, which it then shuffles from.
        train = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(x_train, y_train),
            batch_size=work.batch_size,
            shuffle=True,
        )
    result = fit(
        work.model,
        train=train,
        val=(x_val, y_val),
        loss=torch.nn.functional.cross_entropy,
        hparams={"optimizer": "adam", "lr": LR, "batch_size": work.batch_size},
        max_epochs=epochs,
        metric=accuracy,
        direction="maximize",
        seed=seed,
    )
    return list(result.val_loss)


def _timed(run: Any, epochs: int) -> tuple[float, float, list[float]]:
    """Wall and CPU seconds per epoch of ``run()``, and its validation curve."""
    wall, cpu = time.perf_counter(), time.process_time()
    curve = run()
    return (time.perf_counter() - wall) / epochs, (time.process_time() - cpu) / epochs, curve


def measure(work: Workload, *, epochs: int, repeats: int, seed: int = 0) -> dict[str, Any]:
    """Seconds per epoch of both loops over ``repeats`` pairs of runs.

    The two runs of a pair follow each other (which goes first alternates), so
    a change in machine load hits both alike; the ratio fit/hand is taken per
    pair, then its median and quartiles (the spread shows how noisy the
    machine was). CPU time (one thread) leaves out the waits for a core that
    wall time counts.
    """
    data = work.data()
    fit_run(work, data, epochs=1, seed=seed)  # warm-up: first-call costs of both
    hand_written_run(work, data, epochs=1, lr=LR, seed=seed)
    runs = {
        "hand": lambda: hand_written_run(work, data, epochs=epochs, lr=LR, seed=seed),
        "fit": lambda: fit_run(work, data, epochs=epochs, seed=seed),
    }
    times: dict[str, list[float]] = {f"{k}_{c}": [] for k in runs for c in ("wall", "cpu")}
    gaps = []
    for pair in range(repeats):
        order = ("hand", "fit") if pair % 2 == 0 else ("fit", "hand")
        curves = {}
        for key in order:
            wall, cpu, curves[key] = _timed(runs[key], epochs)
            times[f"{key}_wall"].append(wall)
            times[f"{key}_cpu"].append(cpu)
        gaps.append(max(abs(a - b) for a, b in zip(curves["hand"], curves["fit"], strict=True)))
    row: dict[str, Any] = {
        "workload": work.name,
        "epochs": epochs,
        "repeats": repeats,
        "steps_per_epoch": -(-work.n_train // work.batch_size),
        "max_val_loss_difference": max(gaps),
    }
    for clock in ("wall", "cpu"):
        hand_s, fit_s = times[f"hand_{clock}"], times[f"fit_{clock}"]
        ratios = [f / h for f, h in zip(fit_s, hand_s, strict=True)]
        row[f"hand_{clock}_s_per_epoch"] = statistics.median(hand_s)
        row[f"fit_{clock}_s_per_epoch"] = statistics.median(fit_s)
        row[f"median_{clock}_ratio"] = statistics.median(ratios)
        quartiles = statistics.quantiles(ratios, n=4)
        row[f"{clock}_ratio_quartiles"] = [quartiles[0], quartiles[2]]
        row[f"{clock}_ratios"] = ratios
    return row
