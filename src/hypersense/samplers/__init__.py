"""Samplers: what to try next. Random, grid and quasi-random here; model-based ones
(TPE, Gaussian process, CMA-ES, genetic) build on the same contract."""

from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.samplers.grid import GridSampler
from hypersense.samplers.qmc import QMCSampler
from hypersense.samplers.random import RandomSampler
from hypersense.samplers.space_inference import intersection_space

__all__ = [
    "GridSampler",
    "QMCSampler",
    "RandomSampler",
    "Sampler",
    "SamplingContext",
    "intersection_space",
]
