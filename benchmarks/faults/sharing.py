"""Faults 5 and 7: runners sharing a study while nothing dies. Clocks five minutes
apart must not fail each other's healthy trials; four processes on one grid must
evaluate each point once."""

from __future__ import annotations

import dataclasses

from benchmarks.faults.harness import Assessment, RunSettings, Setup, assess
from benchmarks.faults.witness import Witness

from benchmarks.faults import processes

#: Settings of each fault (the README states them).
SKEW = RunSettings(n_trials=14, target=27, heartbeat_s=0.5, grace_s=2.0)
SKEW_S = 300.0
LONG_S = 2.5  # a trial longer than the grace period, kept alive by heartbeats alone
GRID = RunSettings(target=27, grid=True)


def clock_skew(setup: Setup) -> Assessment:
    """Fault 5: two runners on "other hosts" (UTS namespaces), one clock +5 min, one
    -5 min. Each holds one trial for 2.5 s (> grace 2 s) while the other keeps
    starting trials, and so checking for stale ones every 0.5 s: the ahead runner its
    2nd trial, the behind runner its 13th."""
    plans = [
        ("ahead", SKEW_S, 1, SKEW),
        ("behind", -SKEW_S, 12, dataclasses.replace(SKEW, n_trials=13)),
    ]
    with Witness(setup.reader_url, setup.study) as witness:
        runners = []
        for name, skew_s, long_at, settings in plans:
            command = processes.other_host(f"skew-{name}", setup.command(settings, skew_s=skew_s))
            env = {"HS_FAULTS_LONG_AT": str(long_at), "HS_FAULTS_LONG_S": str(LONG_S)}
            runners.append(setup.start(f"runner {name}", command, env=env))
        exits = [r.finish() for r in runners]
    return assess(
        setup,
        witness,
        after_fault=witness.snapshot(),
        next_run=False,
        detect_since=None,
        exits=exits,
    )


def grid(setup: Setup) -> Assessment:
    """Fault 7: four processes started together on one 3x3x3 grid, until it is done."""
    with Witness(setup.reader_url, setup.study) as witness:
        runners = [setup.start(f"runner {i}", setup.command(GRID)) for i in range(4)]
        exits = [r.finish() for r in runners]
    result = assess(
        setup,
        witness,
        after_fault=witness.snapshot(),
        next_run=False,
        detect_since=None,
        grid=True,
        exits=exits,
    )
    points = {repr(sorted(e.params.items())) for e in setup.records().evaluations}
    result.times["missing_points"] = float(27 - len(points))
    return result
