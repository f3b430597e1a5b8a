"""Built-in tasks by name."""

from __future__ import annotations

import subprocess
import sys

import pytest

import hypersense.tasks as tasks
from hypersense.tasks import TASKS, make_task, task_class
from hypersense.tasks.sklearn_digits import DigitsMLPTask


def test_every_registered_task_loads_and_carries_its_name() -> None:
    for name in TASKS:
        cls = task_class(name)
        assert cls.name == name
        assert len(cls.default_space()) > 0


def test_lookup_ignores_case_and_surrounding_spaces() -> None:
    assert task_class(" SKLEARN-Digits-MLP ") is DigitsMLPTask
    assert tasks.DigitsMLPTask is DigitsMLPTask


def test_unknown_task_names_the_choices() -> None:
    with pytest.raises(
        ValueError,
        match=r"unknown task 'mnist'; choose one of "
        r"\['keras-digits-mlp', 'sklearn-digits-mlp', 'torch-",
    ):
        task_class("mnist")


def test_bad_option_names_the_task() -> None:
    with pytest.raises(TypeError, match=r"bad options for task .sklearn-digits-mlp.*epochs"):
        make_task("sklearn-digits-mlp", {"epochs": 3})
    assert repr(make_task("sklearn-digits-mlp", {"max_iter": 4})).startswith(
        "DigitsMLPTask(max_iter=4,"
    )


def test_importing_the_tasks_package_does_not_import_the_model_library() -> None:
    code = (
        "import sys, hypersense.tasks\n"
        "assert 'sklearn.neural_network' not in sys.modules, 'imported too early'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
