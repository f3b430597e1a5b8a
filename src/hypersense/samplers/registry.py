"""Samplers by name, for configuration files and the command line.

Each entry is ``module:Class``, imported only when asked for, so a config that
names ``random`` never imports a model-based sampler's dependencies.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from hypersense.samplers.base import Sampler

__all__ = ["SAMPLERS", "make_sampler", "sampler_class"]

SAMPLERS: dict[str, str] = {
    "random": "hypersense.samplers.random:RandomSampler",
    "grid": "hypersense.samplers.grid:GridSampler",
    "qmc": "hypersense.samplers.qmc:QMCSampler",
    "tpe": "hypersense.samplers.tpe:TPESampler",
    "gp": "hypersense.samplers.gp:GPSampler",
    "cmaes": "hypersense.samplers.cma_es:CmaEsSampler",
    "genetic": "hypersense.samplers.genetic:GeneticSampler",
    "nsga2": "hypersense.samplers.nsga2:NSGAIISampler",
    "auto": "hypersense.samplers.auto:AutoSampler",
}


def sampler_class(name: str) -> type[Sampler]:
    """The sampler class registered as ``name``; ValueError naming the choices."""
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in SAMPLERS:
        raise ValueError(f"unknown sampler {name!r}; choose one of {sorted(SAMPLERS)}")
    module_name, _, class_name = SAMPLERS[key].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("hypersense"):
            raise ValueError(f"sampler {name!r} is not available in this version") from exc
        raise
    cls = getattr(module, class_name)
    assert isinstance(cls, type) and issubclass(cls, Sampler)
    return cls


def make_sampler(name: str, options: Mapping[str, Any] | None = None) -> Sampler:
    """Build the sampler registered as ``name`` with keyword ``options``.

    A bad option raises a TypeError naming the sampler and the option.
    """
    cls = sampler_class(name)
    try:
        return cls(**dict(options or {}))
    except TypeError as exc:
        raise TypeError(f"bad options for sampler {name!r}: {exc}") from exc
