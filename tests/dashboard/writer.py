"""A separate process writing to a study, driven line by line from its stdin.

Run as ``python -m tests.dashboard.writer URL STUDY``. Each command line gets
one answer line (``ok ...``) once the write is stored, so a test knows when
the database holds it:

- ``tell VALUE``: a new trial with ``x``, told ``VALUE``; answers its number.
- ``start``: a new trial left running; answers its number.
- ``report NUMBER STEP VALUE``: an intermediate value of a running trial.
- ``finish NUMBER VALUE``: tells a running trial.
"""

from __future__ import annotations

import sys

import hypersense as hs
from hypersense.trial import Trial


def main(url: str, study_name: str) -> None:
    study = hs.load_study(study_name=study_name, storage=url)
    running: dict[int, Trial] = {}
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "tell":
            trial = study.ask()
            trial.suggest_float("x", 0.0, 1.0)
            study.tell(trial, float(words[1]))
            print("ok", trial.number, flush=True)
        elif words[0] == "start":
            trial = study.ask()
            trial.suggest_float("x", 0.0, 1.0)
            running[trial.number] = trial
            print("ok", trial.number, flush=True)
        elif words[0] == "report":
            running[int(words[1])].report(float(words[3]), int(words[2]))
            print("ok", flush=True)
        elif words[0] == "finish":
            study.tell(running.pop(int(words[1])), float(words[2]))
            print("ok", flush=True)
        else:
            print("error unknown command", words[0], flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
