"""The one search-space description, translated to each tool's vocabulary.

hypersense and Optuna share the define-by-run ``suggest_float / suggest_int /
suggest_categorical`` signatures, so one function serves both. scikit-optimize
wants a list of dimensions and hands back a list of (numpy) values; SMAC3 a
ConfigSpace ``ConfigurationSpace``, and hands back configurations.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from benchmarks.problems.base import ParamSpec

__all__ = [
    "SuggestingTrial",
    "configspace_space",
    "params_from_configspace",
    "params_from_skopt",
    "skopt_dimensions",
    "suggest_params",
]


class SuggestingTrial(Protocol):
    """The define-by-run calls hypersense's and Optuna's trials both offer."""

    def suggest_float(self, name: str, low: float, high: float, *, log: bool = ...) -> float: ...

    def suggest_int(self, name: str, low: int, high: int, *, log: bool = ...) -> int: ...

    def suggest_categorical(self, name: str, choices: Sequence[Any]) -> Any: ...


def suggest_params(trial: SuggestingTrial, space: Sequence[ParamSpec]) -> dict[str, Any]:
    """Ask ``trial`` for every parameter of ``space``, in order; returns the params dict."""
    params: dict[str, Any] = {}
    for spec in space:
        if spec.kind == "float":
            params[spec.name] = float(
                trial.suggest_float(spec.name, spec.low, spec.high, log=spec.log)
            )
        elif spec.kind == "int":
            params[spec.name] = int(
                trial.suggest_int(spec.name, int(spec.low), int(spec.high), log=spec.log)
            )
        else:
            params[spec.name] = trial.suggest_categorical(spec.name, list(spec.choices))
    return params


def skopt_dimensions(space: Sequence[ParamSpec]) -> list[Any]:
    """scikit-optimize ``Real`` / ``Integer`` / ``Categorical`` dimensions for ``space``."""
    from skopt.space import Categorical, Integer, Real

    dims: list[Any] = []
    for spec in space:
        prior = "log-uniform" if spec.log else "uniform"
        if spec.kind == "float":
            dims.append(Real(spec.low, spec.high, prior=prior, name=spec.name))
        elif spec.kind == "int":
            dims.append(Integer(int(spec.low), int(spec.high), prior=prior, name=spec.name))
        else:
            dims.append(Categorical(list(spec.choices), name=spec.name))
    return dims


def params_from_skopt(space: Sequence[ParamSpec], point: Sequence[Any]) -> dict[str, Any]:
    """The params dict of a scikit-optimize point, with numpy scalars made Python values."""
    if len(point) != len(space):
        raise ValueError(f"expected {len(space)} values, got {len(point)}")
    params: dict[str, Any] = {}
    for spec, value in zip(space, point, strict=True):
        if spec.kind == "float":
            params[spec.name] = float(value)
        elif spec.kind == "int":
            params[spec.name] = int(value)
        else:
            params[spec.name] = str(value)
    return params


def configspace_space(space: Sequence[ParamSpec], seed: int) -> Any:
    """A ConfigSpace ``ConfigurationSpace`` (SMAC3's space) for ``space``."""
    from ConfigSpace import Categorical, ConfigurationSpace, Float, Integer

    hyperparameters: list[Any] = []
    for spec in space:
        if spec.kind == "float":
            hyperparameters.append(Float(spec.name, (spec.low, spec.high), log=spec.log))
        elif spec.kind == "int":
            bounds = (int(spec.low), int(spec.high))
            hyperparameters.append(Integer(spec.name, bounds, log=spec.log))
        else:
            hyperparameters.append(Categorical(spec.name, list(spec.choices)))
    config_space = ConfigurationSpace(seed=seed)
    config_space.add(hyperparameters)
    return config_space


def params_from_configspace(space: Sequence[ParamSpec], config: Any) -> dict[str, Any]:
    """The params dict of a ConfigSpace configuration, as Python values."""
    params: dict[str, Any] = {}
    for spec in space:
        value = config[spec.name]
        if spec.kind == "float":
            params[spec.name] = min(max(float(value), spec.low), spec.high)
        elif spec.kind == "int":
            params[spec.name] = int(value)
        else:
            params[spec.name] = str(value)
    return params
