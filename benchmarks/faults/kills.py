"""Faults 1-3 and the cross-host case: processes killed or terminated mid-trial.

Each function runs one repetition and returns its :class:`Assessment`. A victim is
chosen from the objectives' records: a trial in flight with at least 50 ms left, so
that the signal lands inside it rather than between two trials.
"""

from __future__ import annotations

import dataclasses
import signal
import time

from benchmarks.faults.harness import Assessment, RunSettings, Setup, assess, n_returned
from benchmarks.faults.metrics import Exit
from benchmarks.faults.records import Evaluation, Records
from benchmarks.faults.witness import Witness

from benchmarks.faults import processes

_MIN_LEFT_S = 0.05

#: Settings of each fault (the README states them).
WORKER = RunSettings(n_trials=10, target=10, n_jobs=2)
COORDINATOR = RunSettings(n_trials=12, target=12, n_jobs=2)
INDEPENDENT = RunSettings(n_trials=18, target=54, heartbeat_s=1.0)
CROSS_HOST = RunSettings(n_trials=40, target=40, heartbeat_s=0.5, grace_s=2.0)


def expected_exit(sig: signal.Signals) -> int:
    """The exit status a signalled runner must end with: killed, or 143 after SIGTERM."""
    return -int(sig) if sig is signal.SIGKILL else 143


def _in_flight(records: Records, coordinator: int, *, in_worker: bool) -> list[Evaluation]:
    return [
        e
        for e in records.evaluations
        if not e.returned
        and e.coordinator == coordinator
        and (e.pid != coordinator) == in_worker
        and e.time_left_s() >= _MIN_LEFT_S
        and processes.is_alive(e.pid)
    ]


def next_run(setup: Setup, settings: RunSettings) -> Exit:
    """The next run of the same study: the CLI's same command, or the API runner
    with ``n_trials=2`` (more than the retries a fault here can queue)."""
    again = dataclasses.replace(settings, n_trials=2)
    return setup.start("next run", setup.command(again)).finish()


def worker_kill(setup: Setup, sig: signal.Signals) -> Assessment:
    """Fault 1: ``sig`` to a worker of ``n_jobs=2`` inside a trial; the coordinator goes on."""
    with Witness(setup.reader_url, setup.study) as witness:
        runner = setup.start("coordinator", setup.command(WORKER))

        def victim(records: Records) -> Evaluation | None:
            busy = _in_flight(records, runner.pid, in_worker=True)
            return busy[-1] if n_returned(records) >= 3 and busy else None

        hit: Evaluation = setup.wait_records(victim, "a worker inside a trial")
        t0 = time.time()
        runner.signal(sig, hit.pid)
        witness.wait_for(lambda: witness.seen_at(hit.number, "FAIL") is not None, 30)
        exits = [runner.finish()]
        after = witness.snapshot()
        exits.append(next_run(setup, WORKER))
    return assess(setup, witness, after_fault=after, next_run=True, detect_since=t0, exits=exits)


def coordinator_kill(setup: Setup, sig: signal.Signals) -> Assessment:
    """Fault 2: ``sig`` to the coordinator of ``n_jobs=2`` while both workers are in a
    trial, then the next run. Detection: from the signal (SIGTERM: the coordinator
    stores them itself) or from the start of the next run (SIGKILL)."""
    with Witness(setup.reader_url, setup.study) as witness:
        runner = setup.start("coordinator", setup.command(COORDINATOR), expected=expected_exit(sig))

        def both_busy(records: Records) -> bool:
            busy = _in_flight(records, runner.pid, in_worker=True)
            return n_returned(records) >= 3 and len({e.pid for e in busy}) >= 2

        setup.wait_records(both_busy, "both workers inside a trial")
        workers = processes.children(runner.pid)
        t0 = time.time()
        runner.signal(sig)
        gone_s = processes.wait_until_gone(workers, 15.0)
        exits = [runner.finish()]
        after = witness.snapshot()
        t1 = time.time()
        exits.append(next_run(setup, COORDINATOR))
    since = t0 if sig is signal.SIGTERM else t1
    result = assess(
        setup, witness, after_fault=after, next_run=True, detect_since=since, exits=exits
    )
    result.times["workers_gone_s"] = gone_s
    result.times["n_workers"] = float(len(workers))
    return result


def independent_kill(setup: Setup, sig: signal.Signals) -> Assessment:
    """Fault 3: ``sig`` to one of three independent runners inside a trial; the other
    two go on (their periodic check runs every heartbeat interval, 1 s)."""
    with Witness(setup.reader_url, setup.study) as witness:
        runners = [setup.start(f"runner {i}", setup.command(INDEPENDENT)) for i in range(3)]
        victim = runners[0]
        victim.expected = expected_exit(sig)

        def ready(records: Records) -> bool:
            mine = _in_flight(records, victim.pid, in_worker=False)
            return n_returned(records) >= 6 and bool(mine)

        setup.wait_records(ready, "the victim inside a trial")
        t0 = time.time()
        victim.signal(sig)
        exits = [r.finish() for r in runners]
        after = witness.snapshot()
        exits.append(next_run(setup, INDEPENDENT))
    return assess(setup, witness, after_fault=after, next_run=True, detect_since=t0, exits=exits)


def cross_host_kill(setup: Setup) -> Assessment:
    """A runner in its own UTS namespace (another host to the study) is SIGKILLed inside
    a trial; a runner on this host finds it by its stale heartbeat (0.5 s; grace 2 s)."""
    with Witness(setup.reader_url, setup.study) as witness:
        elsewhere = processes.other_host("elsewhere", setup.command(CROSS_HOST))
        victim = setup.start("victim", elsewhere, expected=-int(signal.SIGKILL))
        judge_settings = dataclasses.replace(CROSS_HOST, n_trials=30)
        judge = setup.start("judge", setup.command(judge_settings))

        def ready(records: Records) -> bool:
            mine = _in_flight(records, victim.pid, in_worker=False)
            return n_returned(records, victim.pid) >= 3 and bool(mine)

        setup.wait_records(ready, "the victim inside a trial")
        t0 = time.time()
        victim.signal(signal.SIGKILL)
        exits = [victim.finish(), judge.finish()]
        after = witness.snapshot()
        exits.append(next_run(setup, CROSS_HOST))
    return assess(setup, witness, after_fault=after, next_run=True, detect_since=t0, exits=exits)
