"""Where and how PyTorch runs a training: device, CPU threads, deterministic kernels.

Each setting is process-wide in PyTorch; the context managers here change it
for one training run and put the previous value back afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

__all__ = ["deterministic_algorithms", "resolve_device", "torch_threads"]


def resolve_device(device: str | torch.device | None) -> torch.device:
    """``device`` as a torch.device; None picks CUDA when available, else the CPU."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"`device` is not a device PyTorch knows (got {device!r})") from exc


@contextlib.contextmanager
def torch_threads(n_threads: int | None) -> Iterator[None]:
    """Limit PyTorch's intra-op CPU threads for a block (None: leave them alone).

    One thread per trial keeps parallel trials (or other work on the machine)
    from fighting over the cores, which slows small models by an order of
    magnitude.
    """
    if n_threads is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@contextlib.contextmanager
def deterministic_algorithms(enabled: bool) -> Iterator[None]:
    """Make PyTorch pick deterministic kernels (and cuDNN skip autotuning) for a block.

    With ``enabled=False`` nothing changes. On CUDA, some kernels also need the
    environment variable ``CUBLAS_WORKSPACE_CONFIG=:4096:8`` set before the
    process starts; PyTorch raises an error that says so when it is missing.
    """
    if not enabled:
        yield
        return
    previous = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    cudnn_benchmark = torch.backends.cudnn.benchmark
    cudnn_deterministic = torch.backends.cudnn.deterministic
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous, warn_only=warn_only)
        torch.backends.cudnn.benchmark = cudnn_benchmark
        torch.backends.cudnn.deterministic = cudnn_deterministic
