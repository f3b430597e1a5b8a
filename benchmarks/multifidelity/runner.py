"""Runs every method on every seed of every task, optionally in worker processes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

import hypersense
from benchmarks.multifidelity.methods import METHODS, RunSize
from benchmarks.multifidelity.problems import SIGNALS, Problem, SyntheticCurves
from benchmarks.multifidelity.records import RunRecord
from benchmarks.stopping import stop_workers_on_exit

__all__ = ["ERROR", "SYNTHETIC", "TASK_NAMES", "code_fingerprint", "problem", "run_all", "run_job"]

SYNTHETIC = "synthetic"
TASK_NAMES = (SYNTHETIC, "digits-mlp", "digits-cnn", "tabular")
_PROBLEMS: dict[tuple[str, int, str], Problem] = {}  # one per task and process
#: The per-epoch signal the methods see by default (the synthetic curves have no other).
ERROR = SIGNALS[0]


def problem(task: str, n_epochs: int, signal: str = ERROR) -> Problem:
    """The task's problem, built once per process (the real ones load data);
    ``signal`` is what a real task reports after each epoch (error or loss)."""
    key = (task, n_epochs, signal)
    if key not in _PROBLEMS:
        if task == SYNTHETIC:
            if signal != ERROR:
                raise ValueError(f"the synthetic curves report their error only (got {signal!r})")
            _PROBLEMS[key] = SyntheticCurves(n_epochs)
        else:
            from benchmarks.multifidelity.real_tasks import TorchTaskProblem

            _PROBLEMS[key] = TorchTaskProblem(task, n_epochs, signal)
    return _PROBLEMS[key]


def run_job(
    task: str, method: str, seed: int, size: RunSize, n_epochs: int, signal: str = ERROR
) -> RunRecord:
    """One method on one seed of one task."""
    run = METHODS[method](problem(task, n_epochs, signal), seed, size)
    return dataclasses.replace(run, method=method)


Job = tuple[str, str, int]  # task, method, seed
#: The benchmark's modules that decide a run's records (tables and figures do not).
_RESULT_MODULES = ("curves", "methods", "problems", "real_tasks", "records")


def code_fingerprint() -> str:
    """A digest of hypersense's sources and of the modules that produce the runs:
    a journal written by other code is not reused (e.g. after a merge)."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    sources = sorted(Path(hypersense.__file__).parent.rglob("*.py"))
    sources += [here / f"{name}.py" for name in _RESULT_MODULES]
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _load_journal(
    path: Path | None, size: RunSize, n_epochs: int, signal: str
) -> dict[Job, RunRecord]:
    """Runs already recorded in the journal ``path`` for these sizes and signal
    (a line without one was written before the option: the error)."""
    done: dict[Job, RunRecord] = {}
    if path is None or not path.exists():
        return done
    code = code_fingerprint()
    for line in path.read_text().splitlines():
        entry = json.loads(line)
        recorded = RunSize(entry["configs"], entry.get("epoch_budget", 0))
        key = (recorded, entry["epochs"], entry.get("signal", ERROR), entry.get("code"))
        if key != (size, n_epochs, signal, code):
            continue
        record = entry["record"]
        done[(entry["task"], record["method"], record["seed"])] = RunRecord.from_dict(record)
    return done


def run_all(
    tasks: Sequence[str],
    seeds: int,
    size: RunSize,
    n_epochs: int,
    n_jobs: int,
    journal: Path | None = None,
    *,
    signal: str = ERROR,
    methods: Sequence[str] | None = None,
) -> dict[str, dict[str, list[RunRecord]]]:
    """``methods`` (default: every one) on every seed of every task, in
    ``n_jobs`` processes (1: here), the real tasks reporting ``signal``.

    Each finished run is appended to ``journal`` (JSON lines) at once; runs
    already there (same size and epochs, same code) are not run again, so an
    interrupted benchmark resumes where it stopped.
    """
    done = _load_journal(journal, size, n_epochs, signal)
    chosen = list(METHODS) if methods is None else list(methods)
    unknown = [m for m in chosen if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown methods {unknown}; choose from {list(METHODS)}")
    # Seed after seed, the longest task first: a cut leaves whole seeds.
    jobs = [(t, m, s) for s in range(seeds) for t in tasks for m in chosen]
    todo = [j for j in jobs if j not in done]
    start, code = time.perf_counter(), code_fingerprint()

    def note(job: Job, run: RunRecord) -> None:
        done[job] = run
        if journal is not None:
            entry = {
                "task": job[0],
                "configs": size.n_configs,
                "epoch_budget": size.epoch_budget,
                "epochs": n_epochs,
                "signal": signal,
                "code": code,
            }
            with journal.open("a") as f:
                f.write(json.dumps({**entry, "record": dataclasses.asdict(run)}) + "\n")
        print(
            f"[{time.perf_counter() - start:7.0f} s] {sum(j in done for j in jobs)}/{len(jobs)} "
            f"{job[0]} seed {job[2]} {job[1]}: {run.epochs} epochs, {run.wall_s:.1f} s wall, "
            f"{run.cpu_s:.1f} s CPU",
            file=sys.stderr,
            flush=True,
        )

    if n_jobs == 1:
        with stop_workers_on_exit():  # SIGTERM: Terminated, the journal keeps what finished
            for job in todo:
                note(job, run_job(*job, size, n_epochs, signal))
    else:
        # In this order, an exception (Ctrl-C, SIGTERM) kills the workers before the
        # pool's exit would wait for their current runs to end.
        with (
            ProcessPoolExecutor(n_jobs, mp_context=get_context("spawn")) as pool,
            stop_workers_on_exit(),
        ):
            futures = {pool.submit(run_job, *job, size, n_epochs, signal): job for job in todo}
            for future in as_completed(futures):
                note(futures[future], future.result())
    return {t: {m: [done[(t, m, s)] for s in range(seeds)] for m in chosen} for t in tasks}
