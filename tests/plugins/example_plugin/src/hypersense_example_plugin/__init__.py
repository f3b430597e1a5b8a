"""An example hypersense plugin: a sampler, a pruner and a task, found by name
through the entry points its pyproject.toml declares."""

from hypersense_example_plugin.pruner import ThresholdPruner
from hypersense_example_plugin.sampler import LocalSearchSampler
from hypersense_example_plugin.task import ShiftedQuadraticTask

__all__ = ["LocalSearchSampler", "ShiftedQuadraticTask", "ThresholdPruner"]
