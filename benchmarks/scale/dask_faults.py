"""Faults on a Dask cluster, each injected ``n`` times into a running study.

Per fault kind: a fresh cluster of real processes (:class:`ProcessCluster`, three
single-thread workers), a fresh SQLite study with ``max_retries=3`` and a checkpoint
directory, and one coordinator (this process) running ``optimize`` with a
``DaskExecutor`` until the :class:`Injector` is done. If ``optimize`` raises (the
executor gives up on a lost scheduler), the error is recorded and ``optimize`` is run
again on the same study, as a user would.
"""

from __future__ import annotations

import collections
import os
import statistics
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

import hypersense as hs
from benchmarks.faults import metrics
from benchmarks.faults.records import read_records
from benchmarks.faults.witness import StoredTrial
from benchmarks.scale import fault_objective
from benchmarks.scale.cluster import ProcessCluster
from benchmarks.scale.fault_events import Ends
from benchmarks.scale.injector import RETRIED, Injector

KINDS = ("sigkill", "retire", "hang", "scheduler")
N_WORKERS = 3


def _optimize_until(study: hs.Study, injector: Injector, ends: Ends, kind: str) -> list[str]:
    """Run ``optimize`` until the injector is done; the errors that ended a run early."""
    errors: list[str] = []

    def stop_when_done(study: hs.Study, trial: hs.FrozenTrial) -> None:
        if injector.done.is_set():
            study.stop()

    while not injector.done.is_set():
        executor = hs.DaskExecutor(injector.cluster.address, reconnect_timeout_s=60.0)
        try:
            study.optimize(
                fault_objective.objective,
                executor=executor,
                callbacks=[ends, stop_when_done],
                trial_timeout_s=injector.trial_timeout_s if kind == "hang" else None,
            )
        except Exception as exc:
            where = traceback.extract_tb(exc.__traceback__)
            frames = " <- ".join(
                f"{Path(f.filename).name}:{f.lineno} {f.name}"
                for f in reversed(where)
                if "hypersense" in f.filename
            )
            errors.append(f"{time.time():.1f} {type(exc).__name__}: {exc} [at {frames}]")
            time.sleep(1.0)
    return errors


def _final(study: hs.Study) -> dict[int, StoredTrial]:
    return {
        t.number: StoredTrial(
            t.number,
            t.state.name,
            t.value if t.state is hs.TrialState.COMPLETE else None,
            params=dict(t.params),
        )
        for t in study.trials
    }


def run_kind(kind: str, n: int, tmp: Path, *, trial_timeout_s: float = 5.0) -> dict[str, Any]:
    """Inject ``n`` faults of ``kind``; the promises, counted."""
    import distributed

    log_dir = tmp / kind
    log_dir.mkdir(parents=True)
    os.environ["HS_FAULTS_LOG_DIR"] = str(log_dir)
    cluster = ProcessCluster(log_dir, f"scale-{kind}-{uuid.uuid4().hex[:8]}", N_WORKERS)
    start = time.time()
    try:
        with distributed.Client(cluster.address, set_as_default=False, timeout=60) as client:
            cluster.wait_for_workers(client)
            url = f"sqlite:///{log_dir / 'study.db'}"
            study = hs.create_study(
                "scale-faults",
                url,
                sampler=hs.samplers.RandomSampler(seed=0),
                max_retries=3,
                checkpoint_dir=log_dir / "checkpoints",
            )
            ends = Ends()
            injector = Injector(
                kind,
                n,
                cluster=cluster,
                client=client,
                ends=ends,
                trial_timeout_s=trial_timeout_s,
                give_up_at=start + 15 * 60,
                url=url,
                study_name="scale-faults",
            )
            injector.start()
            errors = _optimize_until(study, injector, ends, kind)
            injector.join()
            final = _final(study)
            kinds = collections.Counter(
                f"{t.state.name}/{t.fail_kind.value if t.fail_kind else '-'}" for t in study.trials
            )
            study.close()
    finally:
        killed = cluster.close()
    summary = _summary(kind, injector, ends, final, log_dir, errors, time.time() - start, killed)
    return {**summary, "final_states": dict(kinds)}


def _summary(
    kind: str,
    injector: Injector,
    ends: Ends,
    final: dict[int, StoredTrial],
    log_dir: Path,
    errors: list[str],
    wall_s: float,
    killed: list[int],
) -> dict[str, Any]:
    injections = injector.injections
    signalled = {p for i in injections for p in i.signalled_pids}
    evaluations = read_records(log_dir).evaluations
    lost = metrics.lost_results(final, seen_stored=ends.completed(), evaluations=[], signalled=())
    # Objectives that returned in a worker nobody signalled, and whose trial is not
    # COMPLETE: work thrown away (a lost scheduler fails its trials at once).
    discarded = metrics.lost_results(
        final, seen_stored={}, evaluations=evaluations, signalled=signalled
    )
    victims = [v for i in injections for v in i.victims]
    detect = [d for i in injections for d in i.detected_s.values() if d is not None]
    states = collections.Counter(s for i in injections for s in i.victim_states.values())
    return {
        "kind": kind,
        "injected": len(injections),
        "missed": len(injector.missed),
        "victims": len(victims),
        "victim_states": dict(states),
        "finished_lost": len(lost),
        "finished_lost_numbers": lost,
        "returned_but_not_stored": len(discarded),
        "left_running": sum(t.state == "RUNNING" for t in final.values()),
        "left_waiting": sum(t.state == "WAITING" for t in final.values()),
        "undetected": sum(d is None for i in injections for d in i.detected_s.values()),
        "detect_s_median": statistics.median(detect) if detect else None,
        "detect_s_max": max(detect) if detect else None,
        "retried": kind in RETRIED,
        "retries_complete": sum(len(i.retries_complete) for i in injections),
        "resumed_from_checkpoint": sum(len(i.resumed) for i in injections),
        "trials": len(final),
        "complete": sum(t.state == "COMPLETE" for t in final.values()),
        "optimize_errors": errors,
        "injector_error": injector.error,
        "processes_left_and_killed": len(killed),
        "wall_s": wall_s,
        "restarted_workers": injector.cluster.restarted_workers,
        "injections": [i.as_json() for i in [*injections, *injector.missed]],
    }
