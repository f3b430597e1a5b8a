"""Transfer learning on the digits: the few-shot split, the cached pretraining,
frozen blocks, two learning rates, the head's re-initialisation, the task."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import torch

import hypersense as hs
from hypersense.pruners import MedianPruner
from hypersense.space import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersense.tasks import task_class
from hypersense.tasks.splits import SealedTestSet
from hypersense.tasks.torch_data import load_dataset
from hypersense.tasks.torch_finetune import FineTuneRecipe, finetune, freeze_lowest_blocks
from hypersense.tasks.torch_models import SmallCNN
from hypersense.tasks.torch_transfer import (
    FINETUNE_CLASSES,
    DigitsTransferTask,
    PretrainSpec,
    few_shot_indices,
    pretrained_state,
)

# Small enough to pretrain in about a second.
OPTIONS = {"channels": 4, "pretrain_epochs": 3, "max_epochs": 4}
GOOD = {"n_frozen_layers": 0, "head_lr": 1e-2, "body_lr": 1e-3, "reinit_head": True}
# The smallest rates: in a few epochs the network cannot leave its pretrained state.
HOPELESS = {"n_frozen_layers": 0, "head_lr": 1e-4, "body_lr": 1e-5, "reinit_head": False}


@pytest.fixture(scope="module")
def task() -> DigitsTransferTask:
    return DigitsTransferTask(**OPTIONS)  # type: ignore[arg-type]


def _copy(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in state.items()}


def _pretrained(task: DigitsTransferTask) -> SmallCNN:
    model = SmallCNN(5, channels=4, hidden=64)
    model.load_state_dict(pretrained_state(task.pretrain_spec))
    return model


def _few_shot_tensors(task: DigitsTransferTask) -> tuple[Any, Any]:
    data = task.data()
    train = (torch.as_tensor(data.x[data.train]), torch.as_tensor(data.y[data.train]))
    val = (torch.as_tensor(data.x[data.validation]), torch.as_tensor(data.y[data.validation]))
    return train, val


def test_few_shot_split_sizes_and_disjoint_parts() -> None:
    _, y = load_dataset("digits")
    parts = few_shot_indices(y, classes=FINETUNE_CLASSES, n_shots=10, n_validation=30, seed=0)
    assert parts.train.size == 50 and parts.validation.size == 150
    n_finetune = int(np.isin(y, FINETUNE_CLASSES).sum())
    assert parts.test.size == n_finetune - 200
    for part, per_class in ((parts.train, 10), (parts.validation, 30)):
        assert np.bincount(y[part], minlength=10)[5:].tolist() == [per_class] * 5
    assert set(y[parts.test].tolist()) == set(FINETUNE_CLASSES)
    together = np.concatenate([parts.train, parts.validation, parts.test])
    assert len(set(together.tolist())) == together.size == n_finetune
    with pytest.raises(ValueError, match="too few"):
        few_shot_indices(y, classes=(5,), n_shots=100, n_validation=100, seed=0)


def test_task_data_holds_the_development_images_with_labels_shifted() -> None:
    data = DigitsTransferTask(n_shots=5, n_validation=10).data()
    assert data.x.shape == (75, 64) and data.train.size == 25 and data.validation.size == 50
    assert sorted(set(data.y.tolist())) == [0, 1, 2, 3, 4]
    x_test, y_test = data.test.read()
    assert sorted(set(y_test.tolist())) == [0, 1, 2, 3, 4] and x_test.shape[1] == 64


def test_pretraining_is_cached_and_deterministic() -> None:
    spec = PretrainSpec(channels=4, epochs=1, seed=3)
    first = pretrained_state(spec)
    assert pretrained_state(spec) is first  # computed once per process
    kept = _copy(first)
    pretrained_state.cache_clear()
    again = pretrained_state(spec)
    assert again is not first
    assert all(torch.equal(kept[k], again[k]) for k in kept)
    other = pretrained_state(PretrainSpec(channels=4, epochs=1, seed=4))
    assert not torch.equal(other["head.weight"], again["head.weight"])


def test_frozen_blocks_get_no_gradient() -> None:
    model = SmallCNN(5, channels=4)
    freeze_lowest_blocks(model, 2)
    flags = [all(p.requires_grad for p in b.parameters()) for b in model.blocks]
    assert flags == [False, False, True]
    assert all(p.requires_grad for p in model.head.parameters())
    with pytest.raises(ValueError, match="`n_frozen_layers` must be in \\[0, 3\\]"):
        freeze_lowest_blocks(model, 4)


def test_each_part_moves_with_its_own_learning_rate(task: DigitsTransferTask) -> None:
    train, val = _few_shot_tensors(task)
    start = _copy(pretrained_state(task.pretrain_spec))
    # Frozen lowest two blocks; a vanishing body rate; a real head rate.
    recipe = FineTuneRecipe(
        n_frozen_layers=2, head_lr=1e-2, body_lr=1e-12, reinit_head=False, batch_size=10
    )
    model = _pretrained(task)
    finetune(model, recipe, train=train, val=val, max_epochs=2, seed=0)
    after = model.state_dict()
    for key in ("blocks.0.0.weight", "blocks.1.0.weight"):  # frozen: untouched
        assert torch.equal(after[key], start[key])
    assert torch.allclose(after["blocks.2.0.weight"], start["blocks.2.0.weight"], atol=1e-8)
    assert not torch.allclose(after["head.weight"], start["head.weight"], atol=1e-3)


def test_reinit_head_draws_fresh_head_weights(task: DigitsTransferTask) -> None:
    train, val = _few_shot_tensors(task)
    start = pretrained_state(task.pretrain_spec)
    tiny = {"n_frozen_layers": 3, "head_lr": 1e-12, "body_lr": 1e-12, "batch_size": 10}
    kept, fresh = _pretrained(task), _pretrained(task)
    finetune(
        kept, FineTuneRecipe(**tiny, reinit_head=False), train=train, val=val, max_epochs=1, seed=0
    )
    finetune(
        fresh, FineTuneRecipe(**tiny, reinit_head=True), train=train, val=val, max_epochs=1, seed=0
    )
    assert torch.allclose(kept.head.weight, start["head.weight"], atol=1e-8)
    assert not torch.allclose(fresh.head.weight, start["head.weight"], atol=1e-2)


@pytest.fixture
def test_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    attempts: list[bool] = []
    original = SealedTestSet.read

    def spy(self: SealedTestSet[Any]) -> Any:
        attempts.append(self.is_sealed)
        return original(self)

    monkeypatch.setattr(SealedTestSet, "read", spy)
    yield attempts


def test_a_pruned_transfer_study_then_one_test_read(
    task: DigitsTransferTask, test_reads: list[bool]
) -> None:
    assert task_class("torch-digits-transfer") is DigitsTransferTask
    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=0),
        direction="maximize",
        pruner=MedianPruner(n_startup_trials=1),
    )
    study.enqueue_trial(GOOD)
    study.enqueue_trial(HOPELESS)
    study.optimize(task.objective, n_trials=2)
    good, hopeless = study.trials
    assert good.state is hs.TrialState.COMPLETE and good.value is not None
    assert good.value > 0.6  # five classes from ten images each; chance is 0.2
    assert sorted(good.intermediate_values) == [0, 1, 2, 3]
    assert good.user_attrs["val_metric"] == [good.intermediate_values[s] for s in range(4)]
    assert hopeless.state is hs.TrialState.PRUNED and hopeless.last_step == 0
    assert test_reads == []
    test_accuracy = task.evaluate_test(good.params, seed=int(good.system_attrs["seed"]))
    assert test_reads == [False] and 0.5 < test_accuracy <= 1.0


def test_default_space_and_options() -> None:
    assert dict(DigitsTransferTask.default_space()) == {
        "n_frozen_layers": IntDistribution(0, 3),
        "head_lr": FloatDistribution(1e-4, 1e-1, log=True),
        "body_lr": FloatDistribution(1e-5, 1e-2, log=True),
        "reinit_head": CategoricalDistribution((False, True)),
    }
    assert repr(DigitsTransferTask(n_shots=20)) == (
        "DigitsTransferTask(n_shots=20, n_validation=30, max_epochs=30, batch_size=10, "
        "channels=16, pretrain_epochs=10, pretrain_seed=0, split_seed=0, n_threads=1)"
    )
    for option, value in (("n_shots", 0), ("n_validation", 61), ("pretrain_epochs", 0)):
        with pytest.raises(ValueError, match=f"`{option}`"):
            DigitsTransferTask(**{option: value})
