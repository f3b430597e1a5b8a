"""n_jobs → executor: -1 means the CPUs this process may use, not the machine's."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from hypersense.execution import InlineExecutor, ProcessExecutor
from hypersense.execution.executor_choice import make_executor, resolve_n_jobs

_RESOLVE_ON_ONE_CPU = """
import os
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
from hypersense.execution.executor_choice import make_executor, resolve_n_jobs
print(resolve_n_jobs(-1), type(make_executor(-1)).__name__)
"""


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity on this OS")
def test_minus_one_follows_the_cpu_affinity() -> None:
    assert resolve_n_jobs(-1) == len(os.sched_getaffinity(0))
    done = subprocess.run(
        [sys.executable, "-c", _RESOLVE_ON_ONE_CPU],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stdout.split() == ["1", "InlineExecutor"]


def test_positive_counts_are_kept_and_others_refused() -> None:
    assert resolve_n_jobs(3) == 3
    assert isinstance(make_executor(1), InlineExecutor)
    assert make_executor(2).n_workers == 2 and isinstance(make_executor(2), ProcessExecutor)
    for bad in (0, -2, 1.5, True, "2"):
        with pytest.raises(ValueError, match="`n_jobs` must be a positive integer or -1"):
            resolve_n_jobs(bad)  # type: ignore[arg-type]
