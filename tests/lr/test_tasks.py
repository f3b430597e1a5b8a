"""Range tests of built-in tasks: the reference configuration, the task's own
recipe, and tasks a range test cannot train."""

from __future__ import annotations

import pytest

from hypersense.lr import task_range_test
from hypersense.lr.tasks import reference_params, task_context, torch_task
from hypersense.space import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersense.tasks import make_task


def test_the_reference_configuration_is_the_middle_of_each_distribution() -> None:
    # The middle of the unit-cube encoding: an int log range encodes 15.5..256.5
    # (each integer owns its cell), whose geometric middle rounds to 63.
    space = {
        "lr": FloatDistribution(1e-4, 1e-2, log=True),
        "width": IntDistribution(16, 256, log=True),
        "dropout": FloatDistribution(0.0, 0.5),
        "act": CategoricalDistribution(("relu", "gelu", "tanh")),
    }
    assert reference_params(space, {"dropout": 0.1}) == {
        "lr": pytest.approx(1e-3), "width": 63, "dropout": 0.1, "act": "gelu",
    }  # fmt: skip
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) \['depth'\]"):
        reference_params(space, {"depth": 2})


def test_a_task_is_tested_with_its_own_optimiser_loss_and_batch_size() -> None:
    task = make_task("torch-digits-mlp", {"n_threads": 1})
    result = task_range_test(
        task, params={"width": 16, "depth": 1}, num_steps=20, seeds=(0,), start_lr=1e-4,
        end_lr=1.0,
    )  # fmt: skip
    settings = result.settings
    assert (settings.optimizer, settings.batch_size, settings.num_steps) == ("adamw", 64, 20)
    bigger = task_range_test(task, params={"width": 16}, batch_size=128, num_steps=5, seeds=(0,))
    assert bigger.settings.batch_size == 128
    context = task_context(task, {"width": 16})
    assert context["task"] == "torch-digits-mlp" and "lr" not in context["params"]
    assert context["params"]["width"] == 16


def test_tasks_that_are_no_single_pytorch_model_are_refused() -> None:
    with pytest.raises(TypeError, match="'sklearn-digits-mlp' is not one"):
        torch_task("sklearn-digits-mlp")
    with pytest.raises(TypeError, match="'torch-digits-transfer' is not one"):
        torch_task("torch-digits-transfer")
