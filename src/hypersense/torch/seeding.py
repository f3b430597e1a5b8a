"""Seeds for reproducible training: Python's, NumPy's and PyTorch's generators.

A model's initial weights, dropout masks and any random draw in the user's own
code come from the global generators of ``random``, ``numpy.random`` and
``torch``; :func:`seeded_global_rngs` seeds all of them for the length of a
training run and puts their previous states back afterwards, so training does
not leave global state behind. Mini-batch order comes from a separate
``torch.Generator`` (:func:`derive_seeds` gives it its own stream). DataLoader
worker processes need nothing more: PyTorch seeds each worker's Python, NumPy
and torch generators from the loader's base seed and the worker's id, and the
base seed comes from the loader's (seeded) generator.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator

import numpy as np
import torch

__all__ = [
    "derive_seeds",
    "seed_global_rngs",
    "seeded_global_rngs",
]


def derive_seeds(seed: int, n: int) -> list[int]:
    """``n`` independent 63-bit seeds drawn from ``seed`` (NumPy's SeedSequence).

    Seeding two generators with the same integer would give them correlated
    streams (the mini-batch order would echo the weight initialisation).
    """
    words = np.random.SeedSequence(seed).generate_state(n, dtype=np.uint64)
    return [int(w) >> 1 for w in words]


def seed_global_rngs(seed: int) -> None:
    """Seed the global generators of Python, NumPy and PyTorch (CPU and CUDA).

    The global NumPy generator is seeded only for the user's own code (a model
    factory drawing with ``np.random``); hypersense never draws from it.
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device


@contextlib.contextmanager
def seeded_global_rngs(seed: int | None) -> Iterator[None]:
    """Seed the global generators for a block and restore their states after it.

    With ``seed=None`` nothing is seeded or restored.
    """
    if seed is None:
        yield
        return
    python_state = random.getstate()
    numpy_state = np.random.get_state()
    torch_state = torch.random.get_rng_state()
    # Only a CUDA this process already initialised: reading the states would
    # initialise it, and workers forked after that could not use it.
    initialised = torch.cuda.is_initialized()  # type: ignore[no-untyped-call]
    cuda_states = torch.cuda.get_rng_state_all() if initialised else None
    seed_global_rngs(seed)
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        torch.random.set_rng_state(torch_state)
        if cuda_states is not None:
            torch.cuda.set_rng_state_all(cuda_states)
