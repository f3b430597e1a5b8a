"""The public executor conformance suite (hypersense.testing) over every built-in executor."""

from __future__ import annotations

import pytest

from hypersense.execution import DaskExecutor, InlineExecutor, ProcessExecutor
from hypersense.execution.registry import EXECUTORS
from hypersense.testing import EXECUTOR_CHECKS, Check
from hypersense.testing.executors import ExecutorFactory

# name -> (factory, in_processes, n_workers)
CONFIGURATIONS: dict[str, tuple[ExecutorFactory, bool, int]] = {
    "inline": (lambda n: InlineExecutor(), False, 1),
    **{
        method: (lambda n, m=method: ProcessExecutor(n, start_method=m), True, 2)
        for method in ("fork", "spawn", "forkserver")
    },
    # Each check starts (and closes) its own LocalCluster of n single-thread processes.
    "dask": (lambda n: DaskExecutor(n_workers=n), True, 2),
}


@pytest.mark.parametrize("check", EXECUTOR_CHECKS, ids=str)
@pytest.mark.parametrize("configuration", list(CONFIGURATIONS))
def test_conformance(configuration: str, check: Check[ExecutorFactory]) -> None:
    factory, in_processes, n_workers = CONFIGURATIONS[configuration]
    check(factory, n_workers=n_workers, in_processes=in_processes)


def test_every_built_in_executor_is_in_the_suite() -> None:
    built = {type(factory(n)) for factory, _, n in CONFIGURATIONS.values()}
    assert {InlineExecutor, ProcessExecutor, DaskExecutor} == built
    assert set(EXECUTORS) == {"dask", "inline", "process"}
