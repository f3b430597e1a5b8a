"""Mini-batches from tensors, arrays, datasets and loaders; worker seeding."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from hypersense.torch.data import TensorBatches, make_batches


def test_tensor_batches_cover_every_example_once_per_pass_in_a_new_order() -> None:
    x = torch.arange(10)
    batches = TensorBatches(
        (x, x * 2), batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(0)
    )
    assert len(batches) == 3
    orders = []
    for _ in range(2):
        parts = list(batches)
        assert [len(b[0]) for b in parts] == [4, 4, 2]
        assert all(torch.equal(b[1], b[0] * 2) for b in parts)  # rows stay aligned
        order = torch.cat([b[0] for b in parts])
        assert sorted(order.tolist()) == list(range(10))
        orders.append(order.tolist())
    assert orders[0] != orders[1]


def test_unshuffled_tensor_batches_are_in_order() -> None:
    x = torch.arange(7)
    parts = list(TensorBatches((x, x), batch_size=3, shuffle=False))
    assert [p[0].tolist() for p in parts] == [[0, 1, 2], [3, 4, 5], [6]]


def test_same_seed_same_order() -> None:
    x = torch.arange(50)
    a = make_batches((x, x), name="train", batch_size=8, shuffle=True, seed=3)
    b = make_batches((x, x), name="train", batch_size=8, shuffle=True, seed=3)
    assert [t[0].tolist() for t in a] == [t[0].tolist() for t in b]


def test_float64_arrays_become_the_default_float_dtype_and_integers_stay() -> None:
    x = np.ones((6, 2))
    y = np.arange(6)
    (xb, yb) = next(iter(make_batches((x, y), name="train", batch_size=6, shuffle=False, seed=0)))
    assert xb.dtype == torch.get_default_dtype() and yb.dtype == torch.int64


def test_a_dataloader_is_used_as_given() -> None:
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(4)))
    assert make_batches(loader, name="train", batch_size=99, shuffle=True, seed=0) is loader


@pytest.mark.parametrize(
    ("data", "error", "match"),
    [
        ((torch.zeros(3), torch.zeros(4)), ValueError, r"lengths \[3, 4\]"),
        ((), ValueError, "empty tuple"),
        ((torch.zeros(3), [1, 2, 3]), TypeError, "element 1 is a list"),
        ("xy", TypeError, "got str"),
        (42, TypeError, "got int"),
        ((torch.tensor(1.0), torch.tensor(2.0)), ValueError, "non-empty first dimension"),
    ],
)
def test_bad_data_is_named(data: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        make_batches(data, name="train", batch_size=2, shuffle=False, seed=0)  # type: ignore[arg-type]


def test_tensor_batches_check_their_arguments() -> None:
    with pytest.raises(ValueError, match="`batch_size` must be an integer >= 1"):
        TensorBatches((torch.zeros(3),), batch_size=0, shuffle=False)
    with pytest.raises(ValueError, match=r"lengths \[3, 2\]"):
        TensorBatches((torch.zeros(3), torch.zeros(2)), batch_size=1, shuffle=False)


class RandomDraws(torch.utils.data.Dataset):  # type: ignore[type-arg]
    """Each read returns a NumPy draw and a Python draw, as augmentations would make."""

    def __len__(self) -> int:
        return 4

    def __getitem__(self, i: int) -> tuple[float, float]:
        import random

        return float(np.random.random()), random.random()


# Two workers on purpose, even on one CPU (a container, `taskset -c 0`), where PyTorch warns
# that they may be slow: this is about what each worker draws, not speed.
@pytest.mark.filterwarnings("ignore:This DataLoader will create:UserWarning")
def test_worker_processes_draw_different_and_reproducible_numbers() -> None:
    def draws() -> list[list[float]]:  # workers' seeds derive from the loader's generator
        loader = make_batches(
            RandomDraws(), name="train", batch_size=1, shuffle=False, seed=1, num_workers=2
        )
        return [[float(b[0]), float(b[1])] for b in loader]

    first = draws()
    # Items 0 and 1 are read by workers 0 and 1, forked from one process: each needs
    # its own NumPy and Python seeds (PyTorch derives them from the base seed).
    assert first[0] != first[1]
    assert first == draws()
