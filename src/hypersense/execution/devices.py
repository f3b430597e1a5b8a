"""GPUs for worker processes: which device each worker sees, and a start method
that is safe once CUDA is initialised in the coordinator."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

__all__ = [
    "check_gpus",
    "cuda_is_initialised",
    "device_environment",
    "safe_start_method",
    "visible_gpus",
]


def check_gpus(gpus: Sequence[int | str] | None) -> tuple[str, ...] | None:
    """``gpus`` as CUDA device ids (``0``, ``"1"``, ``"GPU-<uuid>"``), validated.

    Raises:
        ValueError: Not a non-empty sequence of non-negative ints or non-empty
            strings without commas.
    """
    if gpus is None:
        return None
    if isinstance(gpus, (str, bytes)) or not isinstance(gpus, Sequence) or not gpus:
        raise ValueError(f"`gpus` must be a non-empty list of device ids or None (got {gpus!r})")
    ids = []
    for gpu in gpus:
        is_index = isinstance(gpu, int) and not isinstance(gpu, bool) and gpu >= 0
        is_name = isinstance(gpu, str) and gpu.strip() != "" and "," not in gpu
        if not (is_index or is_name):
            raise ValueError(
                f"`gpus` must hold device indices >= 0 or device names (got {gpu!r} in {gpus!r})"
            )
        ids.append(str(gpu).strip())
    return tuple(ids)


def device_environment(slot: int, gpus: Sequence[str] | None) -> dict[str, str]:
    """The environment of worker ``slot``: its GPU, round-robin over ``gpus``.

    Each worker sees one device (as ``cuda:0``) through ``CUDA_VISIBLE_DEVICES``;
    with more workers than GPUs, workers share devices in turn. No ``gpus``:
    the worker keeps the coordinator's environment (empty mapping).
    """
    if not gpus:
        return {}
    return {"CUDA_VISIBLE_DEVICES": gpus[slot % len(gpus)]}


def _loaded_torch() -> Any:
    """torch if this process imported it (never imported here: it is slow)."""
    return sys.modules.get("torch")


def cuda_is_initialised() -> bool:
    """Whether this process initialised CUDA (forking it would break CUDA in the child)."""
    torch = _loaded_torch()
    return bool(torch is not None and torch.cuda.is_initialized())


def visible_gpus() -> tuple[str, ...]:
    """The CUDA devices this process may use, by the ids workers should be given.

    Empty without CUDA (or when torch was never imported: then nothing in this
    process uses a GPU). ``CUDA_VISIBLE_DEVICES`` is honoured: its entries are
    handed out, not the renumbered indices torch shows.
    """
    torch = _loaded_torch()
    if torch is None or not torch.cuda.is_available():
        return ()
    listed = os.environ.get("CUDA_VISIBLE_DEVICES")
    if listed is not None:
        return tuple(part.strip() for part in listed.split(",") if part.strip())
    return tuple(str(index) for index in range(torch.cuda.device_count()))


def safe_start_method(requested: str | None, *, default: str, cuda_initialised: bool) -> str:
    """The start method of worker processes.

    ``requested`` wins. Otherwise ``default``, except that ``fork`` becomes
    ``forkserver`` once the coordinator initialised CUDA: a forked child
    cannot use CUDA then.
    """
    if requested is not None:
        return requested
    if default == "fork" and cuda_initialised:
        return "forkserver"
    return default
