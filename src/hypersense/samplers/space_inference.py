"""Inferring, from past trials, which parameters a sampler can model jointly."""

from __future__ import annotations

from collections.abc import Sequence

from hypersense.space.base import Distribution
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import FrozenTrial

__all__ = ["intersection_space"]


def intersection_space(
    trials: Sequence[FrozenTrial], *, include_single: bool = False
) -> SearchSpace:
    """Parameters present, with the same distribution, in every given trial.

    In a define-by-run space this is the unconditional core: what every trial
    drew. Conditional parameters fall out and are sampled independently.
    Parameters with a single possible value are left out unless
    ``include_single``. Order follows the first trial's suggestion order.
    """
    if not trials:
        return SearchSpace()
    common: dict[str, Distribution] = dict(trials[0].distributions)
    for trial in trials[1:]:
        for name in list(common):
            if trial.distributions.get(name) != common[name]:
                del common[name]
        if not common:
            break
    if not include_single:
        common = {n: d for n, d in common.items() if not d.is_single}
    return SearchSpace(common)
