"""Samplers: what to try next.

Random, grid and quasi-random search load with the package; the model-based
samplers (TPE, Gaussian process, CMA-ES, genetic, NSGA-II) load on first use,
so ``import hypersense`` stays light (they need scipy, and CMA-ES the ``cmaes``
package).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.samplers.grid import GridSampler
from hypersense.samplers.qmc import QMCSampler
from hypersense.samplers.random import RandomSampler
from hypersense.samplers.registry import SAMPLER_REGISTRY, SAMPLERS, make_sampler, sampler_class
from hypersense.samplers.space_inference import intersection_space

if TYPE_CHECKING:
    from hypersense.samplers.auto import AutoSampler
    from hypersense.samplers.cma_es import CmaEsSampler
    from hypersense.samplers.genetic import GeneticSampler
    from hypersense.samplers.gp import GPSampler
    from hypersense.samplers.nsga2 import NSGAIISampler
    from hypersense.samplers.tpe import TPESampler

__all__ = [
    "AutoSampler",
    "CmaEsSampler",
    "GPSampler",
    "GeneticSampler",
    "GridSampler",
    "NSGAIISampler",
    "QMCSampler",
    "RandomSampler",
    "SAMPLERS",
    "SAMPLER_REGISTRY",
    "Sampler",
    "SamplingContext",
    "TPESampler",
    "intersection_space",
    "make_sampler",
    "sampler_class",
]

_LAZY = {
    "AutoSampler": "hypersense.samplers.auto",
    "CmaEsSampler": "hypersense.samplers.cma_es",
    "GPSampler": "hypersense.samplers.gp",
    "GeneticSampler": "hypersense.samplers.genetic",
    "NSGAIISampler": "hypersense.samplers.nsga2",
    "TPESampler": "hypersense.samplers.tpe",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hypersense.samplers' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
