"""Time per ask of the default sampler against Optuna's GPSampler (the issue's speed target).

The study is filled with random trials on 5-D Rosenbrock, then the sampler
under test takes over and each ``ask`` plus its five ``suggest_float`` calls
is timed (``tell`` not counted); the same protocol as
:mod:`benchmarks.samplers.gp_benchmark`, whose timers this reuses. The
default (``AutoSampler``) is timed at 200 and 1,000 finished trials, Optuna's
GPSampler at 200 (at 1,000 it takes seconds per ask; see the GP section)::

    python -m benchmarks.sample_efficiency.ask_time \\
        --out benchmarks/results/broad_pilot_ask_time.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import warnings
from collections.abc import Sequence
from pathlib import Path

from benchmarks.samplers.gp_benchmark import time_asks_hypersense, time_asks_optuna

#: (who, finished trials, asks timed): more asks than one refit interval of either GP.
PLAN = (("hypersense:auto", 200, 24), ("optuna:gp", 200, 24), ("hypersense:auto", 1000, 64))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="JSON file for the raw times")
    args = parser.parse_args(argv)
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    rows = []
    for who, n_trials, n_timed in PLAN:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if who == "optuna:gp":
                times = time_asks_optuna(n_trials, n_timed, args.seed)
            else:
                times = time_asks_hypersense(n_trials, n_timed, args.seed, sampler="auto")
        ms = [1000 * t for t in times]
        rows.append({"method": who, "finished_trials": n_trials, "asks_ms": ms})
        print(
            f"{who:16s} after {n_trials:5d} trials: mean {statistics.fmean(ms):7.0f} ms, "
            f"median {statistics.median(ms):7.0f} ms, max {max(ms):7.0f} ms ({n_timed} asks)",
            flush=True,
        )
    if args.out:
        Path(args.out).write_text(json.dumps({"load_average": os.getloadavg(), "rows": rows}))


if __name__ == "__main__":
    main()
