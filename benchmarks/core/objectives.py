"""Objectives shared by the core benchmarks, for hypersense and Optuna alike.

Both libraries hand the objective a trial with ``suggest_float``; the same function
serves both. Module-level so spawned processes can import them.
"""

from __future__ import annotations

from typing import Any

#: Loop length that makes ``cpu_bound`` take about 0.2 s; set by ``calibrate``.
CPU_LOOPS = 2_000_000


def trivial(trial: Any) -> float:
    """One parameter, no work: measures the tool's own overhead."""
    x = trial.suggest_float("x", -10.0, 10.0)
    return x * x


def cpu_bound(trial: Any) -> float:
    """A pure-Python loop of about 0.2 s (holds the GIL, as most Python code does)."""
    x = trial.suggest_float("x", -10.0, 10.0)
    total = 0
    for i in range(CPU_LOOPS):
        total += i % 7
    return x * x + total * 0.0


def calibrate(target_s: float = 0.2) -> int:
    """Set CPU_LOOPS so that ``cpu_bound`` takes about ``target_s`` here."""
    import time

    global CPU_LOOPS
    CPU_LOOPS = 200_000

    class _T:
        def suggest_float(self, *a: Any) -> float:
            return 0.0

    start = time.perf_counter()
    cpu_bound(_T())
    per_loop = (time.perf_counter() - start) / CPU_LOOPS
    CPU_LOOPS = max(1000, int(target_s / per_loop))
    return CPU_LOOPS
