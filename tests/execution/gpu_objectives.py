"""Objectives of the GPU tests: they report the device their worker process sees."""

from __future__ import annotations

import os
import signal

import hypersense as hs


def records_device(trial: hs.Trial) -> float:
    """Records the worker's pid and CUDA_VISIBLE_DEVICES; trial 0 kills its worker
    when told to through the user attribute set by enqueue (x = -1)."""
    x = trial.suggest_float("x", -1.0, 1.0)
    trial.set_user_attr("pid", os.getpid())
    trial.set_user_attr("device", os.environ.get("CUDA_VISIBLE_DEVICES"))
    if x == -1.0:
        os.kill(os.getpid(), signal.SIGKILL)
    return x
