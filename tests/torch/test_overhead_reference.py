"""The overhead benchmark compares like with like: its hand-written loop and fit()
train the same model on the same batches and give the very same curve."""

from __future__ import annotations

import dataclasses

import pytest
from benchmarks.torch_overhead.hand_loop import hand_written_run
from benchmarks.torch_overhead.measure import LR, fit_run
from benchmarks.torch_overhead.workloads import WORKLOADS


@pytest.mark.parametrize("loader", [False, True], ids=["tensors", "dataloader"])
def test_hand_written_loop_and_fit_give_identical_validation_curves(loader: bool) -> None:
    work = dataclasses.replace(WORKLOADS[1], n_train=512, n_val=128, loader=loader)
    data = work.data()
    hand = hand_written_run(work, data, epochs=2, lr=LR, seed=5)
    fitted = fit_run(work, data, epochs=2, seed=5)
    assert hand == fitted
