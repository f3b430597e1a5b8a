"""Config errors name the file, the line, the field, what was expected and what was found."""

from __future__ import annotations

from pathlib import Path

import pytest

from hypersense import ConfigError
from hypersense.config import build_run, load_config, parse_config
from tests.config.helpers import write_config, write_module


def _load_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        build_run(load_config(path))
    return str(info.value)


def test_wrong_type_names_file_line_field_expected_and_found(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        objective: math:fabs
        n_trials: ten
        """,
    )
    assert _load_error(path) == (
        f"config file '{path}', line 2, field 'n_trials': expected an integer (got 'ten')"
    )


def test_misspelled_field_suggests_the_right_one(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        objective: math:fabs
        n_trails: 5
        """,
    )
    message = _load_error(path)
    assert message.startswith(
        f"config file '{path}', line 2, field 'n_trails': unknown field "
        "(did you mean 'n_trials'?); expected one of: study_name, storage,"
    )


def test_misspelled_field_inside_a_space_entry(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        objective: math:fabs
        n_trials: 3
        space:
          lr: {type: float, low: 0.1, hihg: 1.0}
        """,
    )
    message = _load_error(path)
    assert f"config file '{path}', line 4, field 'space.lr.hihg': unknown field" in message
    assert "(did you mean 'high'?)" in message


def test_unknown_sampler_name_lists_the_choices(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        objective: math:fabs
        n_trials: 3
        sampler:
          name: rnadom
        """,
    )
    message = _load_error(path)
    assert message.startswith(
        f"config file '{path}', line 4, field 'sampler.name': unknown sampler 'rnadom'; "
        "choose one of ["
    )
    assert "'random'" in message


def test_unknown_sampler_given_as_a_bare_name(tmp_path: Path) -> None:
    path = write_config(tmp_path, "objective: math:fabs\nn_trials: 3\nsampler: bayes\n")
    assert "line 3, field 'sampler': unknown sampler 'bayes'" in _load_error(path)


def test_unknown_pruner_name(tmp_path: Path) -> None:
    path = write_config(tmp_path, "objective: math:fabs\nn_trials: 3\npruner: {name: hyperbnd}\n")
    assert "field 'pruner.name': unknown pruner 'hyperbnd'" in _load_error(path)


def test_low_above_high_names_the_parameter(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        objective: math:fabs
        n_trials: 3
        space:
          x: {type: float, low: -1.0, high: 1.0}
          lr: {type: float, low: 1.0, high: 0.1, log: true}
        """,
    )
    assert _load_error(path) == (
        f"config file '{path}', line 5, field 'space.lr': `low` must be <= `high` "
        "for parameter 'lr' (got low=1.0, high=0.1)"
    )


def test_log_range_touching_zero_names_the_parameter(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        objective: math:fabs
        n_trials: 3
        space:
          width: {type: int, low: 0, high: 8, log: true}
        """,
    )
    message = _load_error(path)
    assert "line 4, field 'space.width': `low` must be >= 1 when `log=True`" in message
    assert "for parameter 'width'" in message


def test_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match=r"config file '.*nope.yaml' not found"):
        load_config(path)


def test_objective_module_that_is_not_found(tmp_path: Path) -> None:
    path = write_config(tmp_path, "objective: no_such_module_xyz:train\nn_trials: 3\n")
    message = _load_error(path)
    assert message.startswith(
        f"config file '{path}', line 1, field 'objective': module 'no_such_module_xyz' "
        f"was not found (searched '{tmp_path.resolve()}' and sys.path)"
    )


def test_objective_module_whose_code_fails_to_import(tmp_path: Path) -> None:
    write_module(tmp_path, "broken_objective_mod", "def f(trial):\n    return (\n")
    path = write_config(tmp_path, "objective: broken_objective_mod:f\nn_trials: 3\n")
    message = _load_error(path)
    assert f"config file '{path}', line 1, field 'objective': importing module" in message
    assert "'broken_objective_mod' failed: SyntaxError" in message


def test_objective_function_missing_from_its_module(tmp_path: Path) -> None:
    write_module(tmp_path, "objective_without_fn", "def other(trial):\n    return 0.0\n")
    path = write_config(tmp_path, "objective: objective_without_fn:train\nn_trials: 3\n")
    assert "module 'objective_without_fn' has no attribute 'train'" in _load_error(path)


def test_objective_that_is_not_module_colon_function(tmp_path: Path) -> None:
    path = write_config(tmp_path, "objective: my_module.train\nn_trials: 3\n")
    assert _load_error(path) == (
        f"config file '{path}', line 1, field 'objective': expected 'module:function', "
        "e.g. 'my_objectives:train' (got 'my_module.train')"
    )


def test_bad_sampler_option_value_names_the_option(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        objective: math:fabs
        n_trials: 3
        sampler:
          name: random
          options:
            seed: -1
        """,
    )
    message = _load_error(path)
    assert message.startswith(f"config file '{path}', line 6, field 'sampler.options.seed':")
    assert "`seed` must be a non-negative integer or None (got -1)" in message


def test_unknown_sampler_option_names_the_option(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        "objective: math:fabs\nn_trials: 3\nsampler:\n  name: random\n  options: {colour: red}\n",
    )
    assert "line 5, field 'sampler.options.colour': bad options for sampler" in _load_error(path)


def test_seed_given_twice(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        "objective: math:fabs\nn_trials: 3\nseed: 1\nsampler: {name: random, options: {seed: 2}}\n",
    )
    assert "line 3, field 'seed': the seed is given twice" in _load_error(path)


def test_neither_objective_nor_task(tmp_path: Path) -> None:
    path = write_config(tmp_path, "n_trials: 3\n")
    assert f"config file '{path}', field 'objective': expected an `objective`" in _load_error(path)


def test_both_objective_and_task(tmp_path: Path) -> None:
    path = write_config(tmp_path, "objective: math:fabs\ntask: sklearn-digits-mlp\nn_trials: 3\n")
    assert "line 2, field 'task': give either `objective` or `task`, not both" in _load_error(path)


def test_run_needs_a_limit(tmp_path: Path) -> None:
    path = write_config(tmp_path, "objective: math:fabs\n")
    assert "field 'n_trials': expected `n_trials` or `timeout_s`" in _load_error(path)


def test_unknown_parameter_type(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        "objective: math:fabs\nn_trials: 3\nspace:\n  lr: {type: double, low: 0, high: 1}\n",
    )
    assert "line 4, field 'space.lr.type': expected `type` to be 'float', 'int' or" in (
        _load_error(path)
    )


def test_unknown_task_and_task_parameter(tmp_path: Path) -> None:
    path = write_config(tmp_path, "task: mnist-cnn\nn_trials: 3\n")
    assert "line 1, field 'task': unknown task 'mnist-cnn'; choose one of" in _load_error(path)
    path = write_config(
        tmp_path, "task: sklearn-digits-mlp\nn_trials: 3\nspace:\n  dropout: 0.1\n", "t2.yaml"
    )
    message = _load_error(path)
    assert "line 4, field 'space.dropout': task 'sklearn-digits-mlp' has no parameter" in message
    assert "its parameters are: hidden_width, n_layers, alpha" in message


def test_task_option_and_direction_conflicts(tmp_path: Path) -> None:
    path = write_config(
        tmp_path, "task: sklearn-digits-mlp\nn_trials: 3\ntask_options:\n  max_iter: 0\n"
    )
    assert "line 4, field 'task_options.max_iter': bad options for task" in _load_error(path)
    path = write_config(
        tmp_path, "task: sklearn-digits-mlp\nn_trials: 3\ndirection: minimize\n", "d.yaml"
    )
    assert "line 3, field 'direction': task 'sklearn-digits-mlp' should maximize accuracy" in (
        _load_error(path)
    )


def test_fixed_value_of_the_wrong_kind_for_a_task_parameter(tmp_path: Path) -> None:
    path = write_config(
        tmp_path, "task: sklearn-digits-mlp\nn_trials: 3\nspace:\n  n_layers: 2.5\n"
    )
    assert "field 'space.n_layers': a fixed value of an int parameter must be an integer" in (
        _load_error(path)
    )


def test_unknown_exception_class_in_catch(tmp_path: Path) -> None:
    path = write_config(
        tmp_path, "objective: math:fabs\nn_trials: 3\ncatch:\n  - ValueError\n  - Oops\n"
    )
    assert "line 5, field 'catch[1]': 'Oops' is not a builtin exception" in _load_error(path)


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, "objective: math:fabs\nspace: [unclosed\nn_trials: 3\n")
    with pytest.raises(ConfigError, match=f"config file '{path}', line \\d+: invalid YAML"):
        load_config(path)


def test_a_key_given_twice_is_an_error(tmp_path: Path) -> None:
    path = write_config(tmp_path, "objective: math:fabs\nn_trials: 3\nn_trials: 4\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (
        f"config file '{path}', line 3: field 'n_trials' is given twice (first on line 2)"
    )


def test_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write_config(tmp_path, "- just\n- a list\n")
    with pytest.raises(ConfigError, match="expected a mapping of fields at the top level"):
        load_config(path)


def test_every_error_is_reported_in_file_order(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        objective: math:fabs
        n_trials: 0
        n_jobs: 0
        bogus: 1
        """,
    )
    lines = _load_error(path).splitlines()
    assert [line.split(", field ")[1].split(":")[0] for line in lines] == [
        "'n_trials'",
        "'n_jobs'",
        "'bogus'",
    ]
    assert lines[0].endswith("expected a number >= 1 (got 0)")


def test_config_built_in_python_names_the_field_without_a_file() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"objective": "m:f", "n_trials": 2.5})
    assert str(info.value) == "config, field 'n_trials': expected an integer (got 2.5)"
