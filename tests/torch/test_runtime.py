"""Device choice, thread limits and deterministic kernels, each restored after use."""

from __future__ import annotations

import pytest
import torch

from hypersense.torch.runtime import deterministic_algorithms, resolve_device, torch_threads


def test_cuda_is_chosen_when_present_and_the_cpu_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device(None) == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device(None) == torch.device("cuda")
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(torch.device("meta")) == torch.device("meta")


def test_thread_limit_and_deterministic_kernels_are_undone_after_the_block() -> None:
    threads = torch.get_num_threads()
    with torch_threads(threads + 1), deterministic_algorithms(True):
        assert torch.get_num_threads() == threads + 1
        assert torch.are_deterministic_algorithms_enabled()
    assert torch.get_num_threads() == threads
    assert not torch.are_deterministic_algorithms_enabled()
    with torch_threads(None), deterministic_algorithms(False):
        assert torch.get_num_threads() == threads
        assert not torch.are_deterministic_algorithms_enabled()
