"""Samplers by name, for configuration files and the command line.

Built-in entries are ``module:Class``, imported only when asked for, so a
config that names ``random`` never imports a model-based sampler's
dependencies. Other packages add samplers through entry points in the group
``hypersense.samplers`` (see :mod:`hypersense.registry`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypersense.registry import Registry
from hypersense.samplers.base import Sampler

__all__ = ["SAMPLERS", "SAMPLER_REGISTRY", "make_sampler", "sampler_class"]

#: Built-in sampler names to ``module:Class``.
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

#: Built-in samplers and those of installed plugins.
SAMPLER_REGISTRY: Registry[Sampler] = Registry(
    "sampler", Sampler, SAMPLERS, group="hypersense.samplers"
)


def sampler_class(name: str) -> type[Sampler]:
    """The sampler class registered as ``name``; ValueError naming the choices."""
    return SAMPLER_REGISTRY.get(name)


def make_sampler(name: str, options: Mapping[str, Any] | None = None) -> Sampler:
    """Build the sampler registered as ``name`` with keyword ``options``.

    A bad option raises a TypeError naming the sampler and the option.
    """
    return SAMPLER_REGISTRY.create(name, options)
