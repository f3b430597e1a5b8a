"""Every executor keeps the contract of hypersense.execution.base (see contract.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hypersense.execution import InlineExecutor, ProcessExecutor
from tests.execution.contract import ExecutorContract

CONTRACTS = {
    "inline": ExecutorContract(lambda n: InlineExecutor(), n_workers=1, in_processes=False),
    **{
        method: ExecutorContract(lambda n, m=method: ProcessExecutor(n, start_method=m))
        for method in ("fork", "spawn", "forkserver")
    },
}

CASES = [
    pytest.param(check, id=f"{name}-{check.__name__.removeprefix('check_')}")
    for name, contract in CONTRACTS.items()
    for check in contract.checks()
]


@pytest.mark.parametrize("check", CASES)
def test_executor_keeps_the_contract(check: Callable[[Path], None], tmp_path: Path) -> None:
    check(tmp_path)
