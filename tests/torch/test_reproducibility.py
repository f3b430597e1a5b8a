"""Same seed, same curves; different seed, different curves; global state left alone."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
import torch

import hypersense as hs
from hypersense.torch import RecipeSpace, TrainingResult, fit
from hypersense.torch.seeding import derive_seeds
from tests.torch.helpers import accuracy, blobs, mlp

X, Y = blobs(120, seed=7)
RECIPE = {"lr": 0.05, "batch_size": 16, "schedule": "cosine"}


def curves(result: TrainingResult) -> tuple[Any, ...]:
    return (result.train_loss, result.val_loss, result.val_metric, result.lr, result.best_epoch)


def train_on(train: Any, seed: int | None, **kwargs: Any) -> TrainingResult:
    return fit(
        mlp,
        train=train,
        val=(X[90:], Y[90:]),
        loss=torch.nn.functional.cross_entropy,
        hparams=RECIPE,
        max_epochs=3,
        metric=accuracy,
        direction="maximize",
        seed=seed,
        **kwargs,
    )


def test_same_seed_gives_identical_curves_twice() -> None:
    first = train_on((X[:90], Y[:90]), seed=11)
    second = train_on((X[:90], Y[:90]), seed=11)
    assert curves(first) == curves(second)
    for a, b in zip(first.model.parameters(), second.model.parameters(), strict=True):
        assert torch.equal(a, b)


def test_another_seed_gives_other_curves() -> None:
    assert (
        train_on((X[:90], Y[:90]), seed=11).train_loss
        != train_on((X[:90], Y[:90]), seed=12).train_loss
    )


class NoisyDataset(torch.utils.data.Dataset):  # type: ignore[type-arg]
    """Adds NumPy noise to each example when read, as a data augmentation would."""

    def __len__(self) -> int:
        return 90

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        noise = torch.from_numpy(np.random.normal(0, 0.5, 4).astype(np.float32))
        return X[i] + noise, Y[i]


# Two workers on purpose, even on one CPU, where PyTorch warns they may be slow.
@pytest.mark.filterwarnings("ignore:This DataLoader will create:UserWarning")
def test_dataset_with_worker_processes_is_reproducible() -> None:
    first = train_on(NoisyDataset(), seed=3, num_workers=2, deterministic=True)
    second = train_on(NoisyDataset(), seed=3, num_workers=2, deterministic=True)
    assert curves(first) == curves(second)
    assert train_on(NoisyDataset(), seed=4, num_workers=2).train_loss != first.train_loss


def test_deterministic_kernels_are_switched_off_again_after_training() -> None:
    assert not torch.are_deterministic_algorithms_enabled()
    train_on((X[:90], Y[:90]), seed=1, deterministic=True)
    assert not torch.are_deterministic_algorithms_enabled()


def test_a_trial_seed_is_the_default_seed() -> None:
    space = RecipeSpace(tuned={}, fixed=RECIPE)
    common = {
        "train": (X[:90], Y[:90]),
        "val": (X[90:], Y[90:]),
        "loss": torch.nn.functional.cross_entropy,
        "max_epochs": 2,
    }
    with_trial = fit(mlp, hparams=hs.FixedTrial({}, seed=21), space=space, **common)
    with_seed = fit(mlp, hparams=RECIPE, seed=21, **common)
    assert with_trial.train_loss == with_seed.train_loss


def test_global_generators_and_threads_are_restored_after_training() -> None:
    random.seed(5)
    np.random.seed(5)
    torch.manual_seed(5)
    expected = (random.random(), np.random.random(), torch.rand(1).item())
    random.seed(5)
    np.random.seed(5)
    torch.manual_seed(5)
    threads = torch.get_num_threads()
    train_on((X[:90], Y[:90]), seed=8, n_threads=threads + 1)
    assert (random.random(), np.random.random(), torch.rand(1).item()) == expected
    assert torch.get_num_threads() == threads


def test_derived_seeds_are_distinct_and_stable() -> None:
    seeds = derive_seeds(0, 2)
    assert seeds == derive_seeds(0, 2)
    assert seeds[0] != seeds[1] and all(0 <= s < 2**63 for s in seeds)
    assert derive_seeds(1, 2) != seeds
