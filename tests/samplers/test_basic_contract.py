"""The sampler contract over the random, quasi-random and grid samplers."""

from __future__ import annotations

from hypersense.samplers import QMCSampler, RandomSampler, Sampler
from tests.samplers.contract import SamplerContract


class TestRandomSamplerContract(SamplerContract):
    supports_multi_objective = True

    def make_sampler(self, seed: int | None) -> Sampler:
        return RandomSampler(seed=seed)


class TestSobolSamplerContract(SamplerContract):
    supports_multi_objective = True

    def make_sampler(self, seed: int | None) -> Sampler:
        return QMCSampler(seed=seed)


class TestHaltonSamplerContract(SamplerContract):
    def make_sampler(self, seed: int | None) -> Sampler:
        return QMCSampler(qmc_type="halton", seed=seed)
