"""Training and validation data in the three forms users hold it, as mini-batches.

- A tuple of tensors (or NumPy arrays) of equal length, e.g. ``(x, y)``: batched
  by :class:`TensorBatches`, which indexes the tensors directly (no per-example
  Python work, unlike a DataLoader over a TensorDataset).
- A ``torch.utils.data.Dataset``: wrapped in a DataLoader with a seeded
  generator, which fixes the shuffle and the seeds of its worker processes.
- A ``DataLoader``: used as given (its batch size, sampler and workers). A
  loader without its own generator shuffles from torch's global generator,
  which the training helper seeds.

A batch is a tuple whose last element is the target and whose other elements
are the model's inputs: ``model(*batch[:-1])``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any, Protocol, TypeAlias

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

__all__ = ["Batches", "DataSource", "TensorBatches", "make_batches"]

#: What the training helper accepts as training or validation data.
DataSource: TypeAlias = (
    "DataLoader[Any] | Dataset[Any] | Sequence[torch.Tensor | np.ndarray[Any, Any]]"
)


class Batches(Protocol):
    """An iterable of mini-batches with a known number of batches per pass."""

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class TensorBatches:
    """Mini-batches of equal-length in-memory tensors, optionally shuffled each pass.

    Args:
        tensors: Tensors sharing their first dimension (the examples).
        batch_size: Examples per batch; the last batch may be smaller.
        shuffle: Draw a new order of the examples at every pass.
        generator: Source of the orders (CPU); None draws from torch's global one.
    """

    def __init__(
        self,
        tensors: Sequence[torch.Tensor],
        *,
        batch_size: int,
        shuffle: bool,
        generator: torch.Generator | None = None,
    ) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"`batch_size` must be an integer >= 1 (got {batch_size!r})")
        self._tensors = _check_lengths(tuple(tensors), "tensors")
        self._batch_size = batch_size
        self._shuffle = shuffle
        self._generator = generator
        self._n = int(self._tensors[0].shape[0])

    def __repr__(self) -> str:
        shapes = [tuple(t.shape) for t in self._tensors]
        return (
            f"TensorBatches(shapes={shapes}, batch_size={self._batch_size}, "
            f"shuffle={self._shuffle})"
        )

    def __len__(self) -> int:
        return math.ceil(self._n / self._batch_size)

    @property
    def batch_size(self) -> int:
        """Examples per batch."""
        return self._batch_size

    @property
    def generator(self) -> torch.Generator | None:
        """The generator of the shuffles (None: torch's global one)."""
        return self._generator

    def __iter__(self) -> Iterator[tuple[torch.Tensor, ...]]:
        size, tensors = self._batch_size, self._tensors
        if not self._shuffle:  # slices are views: nothing is copied
            for start in range(0, self._n, size):
                yield tuple(t[start : start + size] for t in tensors)
            return
        order = torch.randperm(self._n, generator=self._generator)
        order = order.to(tensors[0].device)
        for start in range(0, self._n, size):
            index = order[start : start + size]
            yield tuple(t[index] for t in tensors)


def _as_tensor(value: object, name: str, index: int) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, np.ndarray):
        tensor = torch.from_numpy(value)
        # float64 arrays (NumPy's default) would not match a float32 model.
        return tensor.to(torch.get_default_dtype()) if tensor.is_floating_point() else tensor
    raise TypeError(
        f"`{name}` must be a DataLoader, a Dataset or a tuple of tensors/arrays; "
        f"element {index} is a {type(value).__name__}"
    )


def _check_lengths(tensors: tuple[torch.Tensor, ...], name: str) -> tuple[torch.Tensor, ...]:
    if not tensors:
        raise ValueError(f"`{name}` is an empty tuple; give at least (inputs, targets)")
    lengths = [int(t.shape[0]) if t.dim() > 0 else -1 for t in tensors]
    if len(set(lengths)) != 1 or lengths[0] <= 0:
        raise ValueError(
            f"the tensors of `{name}` must share a non-empty first dimension "
            f"(got lengths {lengths})"
        )
    return tensors


def make_batches(
    data: DataSource,
    *,
    name: str,
    batch_size: int,
    shuffle: bool,
    seed: int | None,
    num_workers: int = 0,
    pin_memory: bool = False,
) -> Batches:
    """Turn ``data`` into mini-batches (a DataLoader given is returned as it is).

    Args:
        data: A DataLoader, a Dataset, or a tuple of equal-length tensors/arrays.
        name: The argument's name, for error messages (``"train"``, ``"val"``).
        batch_size: Examples per batch (ignored for a DataLoader).
        shuffle: Shuffle the examples at every pass (ignored for a DataLoader).
        seed: Seed of the shuffle's generator; None draws from torch's global one.
        num_workers: Worker processes of a DataLoader built around a Dataset.
        pin_memory: Page-lock batches of a built DataLoader (for CUDA).
    """
    if isinstance(data, DataLoader):
        return data
    generator = None
    if seed is not None:
        generator = torch.Generator().manual_seed(seed)
    if isinstance(data, Dataset):
        return DataLoader(
            data,
            batch_size=batch_size,
            shuffle=shuffle,
            num_workers=num_workers,
            generator=generator,
            persistent_workers=num_workers > 0,
            pin_memory=pin_memory,
        )
    if isinstance(data, (str, bytes)) or not isinstance(data, Sequence):
        raise TypeError(
            f"`{name}` must be a DataLoader, a Dataset or a tuple of tensors/arrays "
            f"(got {type(data).__name__})"
        )
    tensors = _check_lengths(tuple(_as_tensor(v, name, i) for i, v in enumerate(data)), name)
    return TensorBatches(tensors, batch_size=batch_size, shuffle=shuffle, generator=generator)
