"""``python -m benchmarks.multifidelity.diagnose``: why a pruner cuts good
configurations on a problem, read from whole learning curves.

It trains ``--configs`` random configurations of a problem to the end (no
pruning; configurations drawn from their own stream, seed ``1000 + seed``, the
training seed being ``seed`` as in the benchmark) and prints, per seed:

- how well each step ranks the configurations as the final step does
  (Kendall's tau-b, :func:`hypersense.fidelity.rank_agreement`), and where the
  configuration with the best final error stands at that step;
- the jitter of the curves (:func:`hypersense.pruners.rungs.curve_jitter`) up
  to each rung and over the last half of training;
- successive halving replayed on these curves in ``--orders`` random arrival
  orders, with the plain rule and with the default noise tolerance: where
  the best configuration is cut, and the epochs spent.

Usage::

    python -m benchmarks.multifidelity.diagnose --task digits-mlp --seeds 2 \\
        --json benchmarks/results/multifidelity-diagnosis-digits-mlp.json
"""

from __future__ import annotations

import argparse
import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from benchmarks.multifidelity.problems import EpochCallback, Problem
from benchmarks.multifidelity.runner import problem
from hypersense.fidelity import rank_agreement
from hypersense.pruners.rungs import curve_jitter, is_promotable

__all__ = ["collect_curves", "replay_successive_halving"]


def collect_curves(prob: Problem, seed: int, n_configs: int) -> NDArray[np.float64]:
    """Validation errors of ``n_configs`` random configurations trained to the
    end under training seed ``seed``; shape ``(n_configs, n_epochs)`` (a row of
    NaN after a diverged epoch)."""
    rng = np.random.default_rng(1000 + seed)
    space = prob.space()
    curves = np.full((n_configs, prob.n_epochs), np.nan)
    for i in range(n_configs):
        params = {name: dist.from_unit(rng.uniform()) for name, dist in space.items()}
        errors, keep_training = _recorder()
        prob.train(params, seed, keep_training)
        curves[i, : len(errors)] = errors
    return curves


def _recorder() -> tuple[list[float], EpochCallback]:
    """A list and an epoch callback that appends each error to it and never stops."""
    errors: list[float] = []

    def keep_training(_epoch: int, error: float) -> bool:
        errors.append(error)
        return False

    return errors, keep_training


def replay_successive_halving(
    curves: NDArray[np.float64], rungs: Sequence[int], eta: int, noise_tolerance: float
) -> list[int]:
    """Epochs each configuration trains under asynchronous successive halving
    when they arrive in row order and each runs to its end or its stop before
    the next starts; shape of ``curves`` ``(n, n_epochs)``."""
    seen: list[NDArray[np.float64]] = []
    epochs: list[int] = []
    for curve in curves:
        stop = len(curve)
        for rung in rungs:
            others = [float(c[rung]) for c in seen if len(c) > rung]
            own_curves = [*(c[: rung + 1] for c in seen), curve[: rung + 1]]
            margin = noise_tolerance * math.sqrt(2.0) * curve_jitter(own_curves)
            own = float(curve[rung]) if math.isfinite(curve[rung]) else math.inf
            if not is_promotable(own, others, eta, margin=margin):
                stop = rung + 1
                break
        seen.append(curve[:stop])
        epochs.append(stop)
    return epochs


def diagnose(curves: NDArray[np.float64], n_orders: int, eta: int = 3) -> dict[str, object]:
    """The statistics of one seed's curves (see the module)."""
    done = curves[np.all(np.isfinite(curves), axis=1)]
    final, n_epochs = done[:, -1], done.shape[1]
    best = int(np.argmin(final))
    rungs = [r for r in (1, 3, 9, 27, 81) if r < n_epochs]
    steps = sorted({0, *rungs, n_epochs // 2, n_epochs - 1})
    out: dict[str, object] = {
        "n": len(done),
        "finals_sorted": np.sort(final).round(4).tolist(),
        "tau_vs_final": {s: round(rank_agreement(done[:, s], final), 3) for s in steps},
        "rank_of_best": {s: int(np.argsort(np.argsort(done[:, s]))[best]) for s in steps},
        "jitter_up_to_rung": {r: round(curve_jitter(done[:, : r + 1]), 4) for r in rungs},
        "jitter_last_half": round(curve_jitter(done[:, n_epochs // 2 :]), 4),
    }
    for label, z in (("plain", 0.0), ("noise_tolerance_1", 1.0)):
        where: Counter[str] = Counter()
        spent = []
        for order_seed in range(n_orders):
            order = np.random.default_rng(order_seed).permutation(len(done))
            epochs = replay_successive_halving(done[order], rungs, eta, z)
            stopped = epochs[list(order).index(best)]
            where["kept" if stopped == n_epochs else f"cut at step {stopped - 1}"] += 1
            spent.append(sum(epochs) / (len(done) * n_epochs))
        out[label] = {"best": dict(where), "epochs_share": round(float(np.mean(spent)), 3)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", default="digits-mlp")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--configs", type=int, default=27)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--orders", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    prob = problem(args.task, args.epochs)
    results = {}
    for seed in range(args.seeds):
        curves = collect_curves(prob, seed, args.configs)
        results[seed] = {"curves": curves.tolist(), **diagnose(curves, args.orders)}
        shown = {k: v for k, v in results[seed].items() if k not in ("curves",)}
        print(f"{args.task} seed {seed}: {json.dumps(shown)}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
