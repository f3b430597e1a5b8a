"""Objectives of the checkpoint and fail-kind tests (module level: worker processes
started by spawn or forkserver import them)."""

from __future__ import annotations

import math
import os
import signal
import time
from pathlib import Path

import hypersense as hs


def dies_once(trial: hs.Trial) -> float:
    """Checkpoints epoch 1, then SIGKILLs its worker; a retry resumes from epoch 1."""
    x = trial.suggest_float("x", -10.0, 10.0)
    state = trial.load_checkpoint()
    if state is None:
        trial.save_checkpoint({"epoch": 1})
        os.kill(os.getpid(), signal.SIGKILL)
    trial.set_user_attr("resumed_epoch", state["epoch"])
    return x + state["epoch"]


def saves_a_file(trial: hs.Trial) -> float:
    """Saves a file it wrote as its checkpoint, then reads the stored copy back."""
    x = trial.suggest_float("x", 0.0, 1.0)
    written = Path(os.environ["HS_TEST_TMP"]) / f"weights-{trial.number}.txt"
    written.write_text(f"{x}", encoding="utf-8")
    trial.save_checkpoint(written)
    copy = trial.load_checkpoint()
    return float(Path(copy).read_text(encoding="utf-8"))


def sleeps_unless_negative(trial: hs.Trial) -> float:
    """Sleeps 120 s (in one call: only a killed process stops it) unless x < 0."""
    x = trial.suggest_float("x", -10.0, 10.0)
    if x >= 0:
        time.sleep(120)
    return x


def reports_forever_unless_negative(trial: hs.Trial) -> float:
    """Reports every 10 ms for 120 s unless x < 0: stoppable at its next call."""
    x = trial.suggest_float("x", -10.0, 10.0)
    deadline = time.monotonic() + (120 if x >= 0 else 0)
    step = 0
    while time.monotonic() < deadline:
        trial.report(x, step)
        step += 1
        time.sleep(0.01)
    return x


def fails_in_kinds(trial: hs.Trial) -> float:
    """x = 0 raises, x = 1 returns NaN, x = 2 completes."""
    x = trial.suggest_int("x", 0, 2)
    if x == 0:
        raise ValueError("boom")
    return math.nan if x == 1 else float(x)
