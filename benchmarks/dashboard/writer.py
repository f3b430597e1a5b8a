"""A separate process telling trials, for the update latency: run as
``python -m benchmarks.dashboard.writer hypersense|optuna URL STUDY``; each
``tell VALUE`` line gets ``NUMBER UNIX_TIME`` back, the time read just before
the trial was asked for."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


def _teller(tool: str, url: str, study_name: str) -> Callable[[float], int]:
    if tool == "hypersense":
        import hypersense as hs

        study = hs.load_study(study_name=study_name, storage=url)
    else:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study = optuna.load_study(study_name=study_name, storage=url)  # type: ignore[assignment]

    def tell(value: float) -> int:
        trial = study.ask()
        trial.suggest_float("dropout", 0.0, 0.5)
        study.tell(trial, value)
        return int(trial.number)

    return tell


def main(tool: str, url: str, study_name: str) -> None:
    tell = _teller(tool, url, study_name)
    print("ready", flush=True)
    for line in sys.stdin:
        started = time.time()
        number = tell(float(line.split()[1]))
        print(number, started, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
