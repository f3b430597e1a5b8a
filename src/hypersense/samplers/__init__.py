"""Samplers: what to try next. Random, grid and quasi-random here; model-based ones
(TPE, Gaussian process, CMA-ES, genetic) build on the same contract."""

from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.samplers.cma_es import CmaEsSampler
from hypersense.samplers.genetic import GeneticSampler
from hypersense.samplers.grid import GridSampler
from hypersense.samplers.nsga2 import NSGAIISampler
from hypersense.samplers.qmc import QMCSampler
from hypersense.samplers.random import RandomSampler
from hypersense.samplers.tpe import TPESampler
from hypersense.samplers.space_inference import intersection_space

__all__ = [
    "CmaEsSampler",
    "GeneticSampler",
    "GridSampler",
    "NSGAIISampler",
    "QMCSampler",
    "RandomSampler",
    "Sampler",
    "SamplingContext",
    "TPESampler",
    "intersection_space",
]
