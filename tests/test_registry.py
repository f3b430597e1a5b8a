"""The generic registry behind samplers, pruners, executors and tasks by name.

Plugins from installed packages are tested for real in tests/plugins.
"""

from __future__ import annotations

import pytest

from hypersense.execution import DaskExecutor, InlineExecutor, ProcessExecutor
from hypersense.execution.registry import EXECUTORS, create_executor, executor_class
from hypersense.pruners import MedianPruner, NopPruner
from hypersense.pruners.registry import make_pruner, pruner_class
from hypersense.registry import Registry
from hypersense.samplers import RandomSampler, Sampler
from hypersense.samplers.registry import SAMPLER_REGISTRY, SAMPLERS, make_sampler, sampler_class


def test_every_built_in_name_loads_a_subclass_of_its_kind() -> None:
    assert all(issubclass(sampler_class(n), Sampler) for n in SAMPLERS)
    assert pruner_class("none") is NopPruner is pruner_class("nop")
    assert {n: executor_class(n) for n in EXECUTORS} == {
        "dask": DaskExecutor,
        "inline": InlineExecutor,
        "process": ProcessExecutor,
    }
    assert set(SAMPLERS) <= set(SAMPLER_REGISTRY.names())


def test_names_ignore_case_and_surrounding_spaces() -> None:
    assert sampler_class("  RaNdOm ") is RandomSampler
    assert type(make_pruner("MEDIAN", {"n_startup_trials": 2})) is MedianPruner
    assert type(create_executor(" INLINE")) is InlineExecutor


@pytest.mark.parametrize("name", ["bogus", "", 3])
def test_unknown_names_list_the_choices(name: object) -> None:
    with pytest.raises(
        ValueError, match=r"unknown pruner .*; choose one of \['asha', .*'median', 'no"
    ):
        pruner_class(name)  # type: ignore[arg-type]


def test_bad_options_name_the_kind_the_name_and_the_option() -> None:
    with pytest.raises(TypeError, match=r"bad options for sampler 'random': .*'gamma'"):
        make_sampler("random", {"gamma": 0.1})
    with pytest.raises(TypeError, match=r"bad options for executor 'inline': .*takes no arguments"):
        create_executor("inline", {"n_workers": 2})


def test_a_built_in_missing_from_this_version_is_a_value_error() -> None:
    registry: Registry[Sampler] = Registry(
        "sampler", Sampler, {"later": "hypersense.samplers.later:LaterSampler"}, group="none"
    )
    with pytest.raises(ValueError, match="sampler 'later' is not available in this version"):
        registry.get("later")


def test_a_built_in_of_the_wrong_kind_is_a_type_error() -> None:
    registry: Registry[Sampler] = Registry(
        "sampler", Sampler, {"median": "hypersense.pruners:MedianPruner"}, group="none"
    )
    with pytest.raises(TypeError, match="MedianPruner is not a Sampler subclass"):
        registry.get("median")


def test_built_in_names_must_be_lower_case() -> None:
    with pytest.raises(ValueError, match=r"must be lower-case.*'Random'"):
        Registry("sampler", Sampler, {"Random": "x:Y"}, group="none")
