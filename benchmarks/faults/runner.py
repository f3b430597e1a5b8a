"""The API runner: ``python -m benchmarks.faults.runner URL STUDY [options]``.

Opens (or creates) the study and runs ``study.optimize`` with the benchmark's
objective. After each trial hypersense reports as stored, a callback appends a
``stored`` record (``stored-<pid>.jsonl``): results the storage must never lose.

With ``--skew-s``, ``time.time`` is patched before hypersense is imported, as a
host whose clock is off by that many seconds would see it (see tests/study/test_faults.py).
A SIGTERM ends the process with hypersense's ``Terminated`` (exit status 143).
"""

from __future__ import annotations

import argparse
import sys
import time


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("study")
    parser.add_argument("--n-trials", type=int, default=None)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--max-retries", type=int, default=1)
    parser.add_argument("--heartbeat-s", type=float, default=30.0)
    parser.add_argument("--grace-s", type=float, default=None)
    parser.add_argument("--skew-s", type=float, default=0.0)
    parser.add_argument("--grid", action="store_true", help="the 3x3x3 grid, until exhausted")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = _parse(argv)
    if args.skew_s:
        real_time = time.time
        time.time = lambda: real_time() + args.skew_s  # this host's clock is off

    from benchmarks.faults.objective import GRID, grid_objective, objective, write_record

    import hypersense as hs

    sampler = (
        hs.samplers.GridSampler(GRID) if args.grid else hs.samplers.RandomSampler(seed=args.seed)
    )
    study = hs.create_study(
        args.study,
        args.url,
        sampler=sampler,
        load_if_exists=True,
        max_retries=args.max_retries,
        heartbeat_interval_s=args.heartbeat_s,
        grace_period_s=args.grace_s,
    )

    def stored(study: hs.Study, trial: hs.FrozenTrial) -> None:
        if trial.state is hs.TrialState.COMPLETE:
            write_record("stored", {"number": trial.number, "value": trial.value})

    study.optimize(
        grid_objective if args.grid else objective,
        n_trials=args.n_trials,
        n_jobs=args.n_jobs,
        callbacks=[stored],
    )


if __name__ == "__main__":
    main(sys.argv[1:])
