"""Building a config: spaces (declared, merged with a task's, fixed values),
samplers and their seeds, objectives, exception classes, names and storage."""

from __future__ import annotations

from pathlib import Path

import pytest

import hypersense as hs
from hypersense.config import DEFAULT_STORAGE, build_run, load_config, parse_config
from hypersense.config.objective import SpaceObjective
from hypersense.samplers import AutoSampler, GridSampler
from hypersense.space import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersense.storage import InMemoryStorage
from hypersense.tasks.sklearn_digits import DigitsMLPTask
from tests.config.helpers import write_config, write_module


def test_declared_space_in_order_with_fixed_values_and_list_shorthand(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        objective: math:fabs
        n_trials: 2
        space:
          lr: {type: float, low: 1e-4, high: 1.0e-1, log: true}
          units: {type: int, low: 8, high: 64, step: 8}
          act: {type: categorical, choices: [relu, tanh]}
          opt: [adam, sgd]
          scale: 2.0
          layers: 3
          name: wide
          flag: true
        """,
    )
    spec = build_run(load_config(path))
    assert spec.space is not None
    assert dict(spec.space) == {
        "lr": FloatDistribution(1e-4, 1e-1, log=True),  # 1e-4 is a float, not a string
        "units": IntDistribution(8, 64, step=8),
        "act": CategoricalDistribution(("relu", "tanh")),
        "opt": CategoricalDistribution(("adam", "sgd")),
        "scale": FloatDistribution(2.0, 2.0),
        "layers": IntDistribution(3, 3),
        "name": CategoricalDistribution(("wide",)),
        "flag": CategoricalDistribution((True,)),
    }
    assert list(spec.space) == ["lr", "units", "act", "opt", "scale", "layers", "name", "flag"]
    assert isinstance(spec.objective, SpaceObjective)


def test_task_space_keeps_the_task_order_and_takes_the_overrides(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        task: sklearn-digits-mlp
        n_trials: 2
        space:
          batch_size: 64
          alpha: 0
          n_layers: 2.0
          hidden_width: {type: int, low: 16, high: 32}
        """,
    )
    spec = build_run(load_config(path))
    assert isinstance(spec.task, DigitsMLPTask)
    default = DigitsMLPTask.default_space()
    assert dict(spec.task.space) == {
        "hidden_width": IntDistribution(16, 32),
        "n_layers": IntDistribution(2, 2),  # the task's kind: an int range
        "alpha": FloatDistribution(0.0, 0.0),  # the task's kind: a float range
        "learning_rate_init": default["learning_rate_init"],
        "batch_size": CategoricalDistribution((64,)),
    }
    assert list(spec.task.space) == list(default)
    assert spec.directions == (hs.StudyDirection.MAXIMIZE,)
    assert spec.objective == spec.task.objective


def test_seed_reaches_the_sampler_and_names_default_to_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, "objective: math:fabs\nn_trials: 2\nseed: 7\n", "my-study.yaml")
    spec = build_run(load_config(path))
    assert isinstance(spec.sampler, AutoSampler) and spec.sampler.seed == 7  # the default
    assert spec.study_name == "my-study"
    assert spec.storage == DEFAULT_STORAGE and not spec.storage_from_config
    assert spec.directions == (hs.StudyDirection.MINIMIZE,)


def test_storage_from_the_caller_wins_over_the_config(tmp_path: Path) -> None:
    path = write_config(tmp_path, "objective: math:fabs\nn_trials: 2\nstorage: sqlite:///a.db\n")
    config = load_config(path)
    assert build_run(config).storage == "sqlite:///a.db"
    assert build_run(config).storage_from_config
    memory = InMemoryStorage()
    assert build_run(config, storage=memory).storage is memory
    assert not build_run(config, storage="sqlite:///b.db").storage_from_config


def test_grid_sampler_gets_the_declared_space(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        objective: math:fabs
        n_trials: 10
        sampler: grid
        space:
          x: [1, 2, 3]
          y: {type: int, low: 0, high: 1}
        """,
    )
    spec = build_run(load_config(path))
    assert isinstance(spec.sampler, GridSampler) and spec.sampler.n_grid_points == 6
    no_space = write_config(
        tmp_path, "objective: math:fabs\nn_trials: 3\nsampler: grid\n", "g.yaml"
    )
    with pytest.raises(hs.ConfigError, match="field 'sampler': sampler 'grid' needs the search"):
        build_run(load_config(no_space))


def test_pruner_options_and_multi_objective_directions(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        objective: math:fabs
        n_trials: 2
        directions: [minimize, MAXIMIZE]
        pruner: {name: median, options: {n_startup_trials: 3}}
        """,
    )
    spec = build_run(load_config(path))
    assert spec.directions == (hs.StudyDirection.MINIMIZE, hs.StudyDirection.MAXIMIZE)
    assert repr(spec.pruner) == (
        "MedianPruner(n_startup_trials=3, n_warmup_steps=0, interval_steps=1, n_min_trials=1)"
    )


def test_catch_resolves_builtin_and_dotted_exception_classes(tmp_path: Path) -> None:
    write_module(tmp_path, "build_test_errors", "class Flaky(RuntimeError):\n    pass\n")
    path = write_config(
        tmp_path,
        "objective: math:fabs\nn_trials: 2\ncatch: [ValueError, build_test_errors.Flaky]\n",
    )
    spec = build_run(load_config(path))
    assert spec.catch[0] is ValueError
    assert spec.catch[1].__name__ == "Flaky" and issubclass(spec.catch[1], RuntimeError)
    not_exception = write_config(
        tmp_path, "objective: math:fabs\nn_trials: 2\ncatch: [len]\n", "n.yaml"
    )
    with pytest.raises(hs.ConfigError, match=r"field 'catch\[0\]': 'len' is not an exception"):
        build_run(load_config(not_exception))


def test_space_objective_suggests_then_calls_the_function(tmp_path: Path) -> None:
    module = write_module(
        tmp_path,
        "build_test_objective",
        """
        def objective(trial):
            extra = trial.suggest_int("extra", 0, 0)
            return trial.params["x"] + extra
        """,
    )
    path = write_config(
        tmp_path,
        f"objective: {module}:objective\nn_trials: 2\nspace:\n  x: 1.5\n",
    )
    spec = build_run(load_config(path))
    trial = hs.FixedTrial({"x": 1.5, "extra": 0})
    assert spec.objective(trial) == 1.5
    assert trial.params == {"x": 1.5, "extra": 0}  # declared first, then define-by-run
    assert "SpaceObjective(function=<function objective" in repr(spec.objective)


def test_a_config_without_file_needs_a_study_name() -> None:
    config = parse_config({"objective": "math:fabs", "n_trials": 1})
    with pytest.raises(hs.ConfigError, match="config, field 'study_name': a config without"):
        build_run(config)
    named = parse_config({"objective": "math:fabs", "n_trials": 1, "study_name": "s"})
    assert build_run(named).study_name == "s"
