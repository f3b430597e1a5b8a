"""Objectives the Dask tests send to the workers (importable there, as this package is)."""

from __future__ import annotations

import os
import signal
import time

import hypersense as hs


def square(trial: hs.Trial) -> float:
    """x**2, recording the worker's pid and the Dask task's resource restrictions."""
    from distributed import get_worker

    worker = get_worker()
    task = worker.state.tasks[worker.get_current_task()]
    trial.set_user_attr("pid", os.getpid())
    trial.set_user_attr("restrictions", dict(task.resource_restrictions or {}))
    x = trial.suggest_float("x", -10.0, 10.0)
    return x**2


def reports_x(trial: hs.Trial) -> float:
    """Reports x at steps 0..2, asking the pruner after each report."""
    x = trial.suggest_float("x", 0.0, 100.0)
    for step in range(3):
        trial.report(x, step)
        if trial.should_prune():
            raise hs.TrialPruned
    return x


def dies_once(trial: hs.Trial) -> float:
    """Saves a checkpoint, then SIGKILLs its own Dask worker; a retry resumes."""
    x = trial.suggest_float("x", -10.0, 10.0)
    state = trial.load_checkpoint()
    if state is None:
        trial.save_checkpoint({"epoch": 1, "x": x})
        os.kill(os.getpid(), signal.SIGKILL)
    trial.set_user_attr("resumed_epoch", state["epoch"])
    return x + state["epoch"]


def hangs(trial: hs.Trial) -> float:
    """Never returns (within the test) unless x < 0."""
    x = trial.suggest_float("x", -10.0, 10.0)
    if x >= 0:
        time.sleep(120)
    return x


def hangs_a_while_on_its_worker(trial: hs.Trial) -> float:
    """Records its Dask worker's address; sleeps 20 s if x >= 0, else 0.5 s."""
    from distributed import get_worker

    trial.set_user_attr("worker", get_worker().address)
    x = trial.suggest_float("x", -10.0, 10.0)
    time.sleep(20 if x >= 0 else 0.5)
    return x


def breaks_its_channel_once(trial: hs.Trial) -> float:
    """Trial 0 closes its worker's client (the way to the coordinator) mid-objective."""
    from distributed import get_client

    x = trial.suggest_float("x", -10.0, 10.0)
    if trial.number == 0:
        get_client().close()
    trial.report(x, 0)  # trial 0 cannot reach the coordinator any more
    return x


def checkpoints_then_hangs(trial: hs.Trial) -> float:
    """Saves a checkpoint and hangs until its cluster goes; a retry resumes from it."""
    x = trial.suggest_float("x", -10.0, 10.0)
    state = trial.load_checkpoint()
    if state is None:
        trial.save_checkpoint({"step": 1})
        time.sleep(120)
        raise RuntimeError("the test should have stopped this trial's scheduler")
    trial.set_user_attr("resumed_step", state["step"])
    return x + state["step"]
