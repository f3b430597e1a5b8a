"""Exhaustive grid search."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hypersense.errors import InvalidDistributionError, SamplerExhaustedError
from hypersense.history import StudyHistory
from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.space.base import Distribution, ParamValue
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import SystemAttr

__all__ = ["GridSampler"]


class GridSampler(Sampler):
    """Tries every combination of the given values once.

    Each trial takes the first grid point no other trial has taken (finished,
    running or failed), and ``optimize`` stops once the grid is done. The point's
    index is stored on the trial (system attribute ``grid_id``) and claimed
    atomically in the storage, so each point is evaluated once even by many
    independent processes sharing the study; a retried trial repeats its point.
    Asking for a trial once every point is taken raises
    :class:`~hypersense.errors.SamplerExhaustedError` (the trial is stored as
    FAIL, ``not_run``).

    Args:
        search_space: Parameter name to either a list of values or a
            Distribution (whose grid has ``n_points`` values when continuous).
        n_points: Points per continuous distribution.
        shuffle: Visit the grid in a random (seeded) order instead of
            lexicographic order, so that an interrupted grid is an unbiased
            sample of the full one.
        seed: Seed of the shuffle.
    """

    def __init__(
        self,
        search_space: Mapping[str, Sequence[Any] | Distribution],
        *,
        n_points: int = 5,
        shuffle: bool = False,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed=seed)
        if not isinstance(search_space, Mapping) or not search_space:
            raise ValueError("`search_space` must be a non-empty mapping of name -> values")
        axes: dict[str, tuple[Any, ...]] = {}
        for name, spec in search_space.items():
            if isinstance(spec, Distribution):
                axes[name] = tuple(spec.grid(n_points))
            elif isinstance(spec, (str, bytes)) or not isinstance(spec, Sequence):
                raise InvalidDistributionError(
                    "grid values must be a list of values or a Distribution", f"{spec!r}"
                ).for_parameter(name)
            else:
                try:
                    CategoricalDistribution(tuple(spec))  # rejects empty and duplicates
                except InvalidDistributionError as exc:
                    raise exc.for_parameter(name) from None
                axes[name] = tuple(spec)
        self._search_space = dict(search_space)
        self._n_points = n_points
        self._shuffle = shuffle
        self._axes = axes
        self._n_grid = 1
        for values in axes.values():
            self._n_grid *= len(values)
        order = list(range(self._n_grid))
        if shuffle:
            rng = np.random.default_rng(np.random.SeedSequence(self._entropy, spawn_key=(2**31,)))
            order = [int(i) for i in rng.permutation(self._n_grid)]
        self._order = order

    @property
    def n_grid_points(self) -> int:
        """How many combinations the grid has."""
        return self._n_grid

    def grid_point(self, grid_id: int) -> dict[str, Any]:
        """Parameter values of grid point ``grid_id`` (lexicographic index)."""
        out = {}
        rest = grid_id
        for name, values in reversed(list(self._axes.items())):
            rest, k = divmod(rest, len(values))
            out[name] = values[k]
        return dict(reversed(list(out.items())))

    def _used_ids(self, history: StudyHistory) -> set[int]:
        used = set()
        for t in history.trials():
            gid = t.system_attrs.get(SystemAttr.GRID_ID)
            if isinstance(gid, int):
                used.add(gid)
        return used

    def sample_relative(
        self, history: StudyHistory, context: SamplingContext, space: SearchSpace
    ) -> dict[str, ParamValue]:
        repeat = self._fixed_grid_id(context.fixed_params)
        if repeat is not None:
            # A retry or an enqueued grid point: it repeats that point on purpose.
            context.system_attrs[SystemAttr.GRID_ID] = repeat
            return {}
        used = self._used_ids(history)
        gid = next((g for g in self._order if g not in used), None)
        if gid is None:
            # Every point is taken (``ask`` past the end, or other processes took the
            # last ones since ``optimize`` looked): repeating one would waste a run.
            raise SamplerExhaustedError(
                f"the grid is done: all {self._n_grid} points were taken by earlier trials"
            )
        # Claimed, not just stored: the storage gives each point to one trial even
        # when independent processes propose at the same moment.
        context.claims[SystemAttr.GRID_ID] = gid
        return {}

    def _fixed_grid_id(self, fixed: Mapping[str, Any]) -> int | None:
        """The index of the grid point ``fixed`` gives in full, if it does."""
        if not all(name in fixed for name in self._axes):
            return None
        gid = 0
        for name, values in self._axes.items():
            matches = [k for k, v in enumerate(values) if v == fixed[name]]
            if not matches:
                return None
            gid = gid * len(values) + matches[0]
        return gid

    def sample_independent(
        self,
        history: StudyHistory,
        context: SamplingContext,
        name: str,
        distribution: Distribution,
    ) -> ParamValue:
        if name not in self._axes:
            raise ValueError(
                f"parameter {name!r} is not in the GridSampler's search space {sorted(self._axes)}"
            )
        gid = context.claims.get(SystemAttr.GRID_ID, context.system_attrs.get(SystemAttr.GRID_ID))
        if not isinstance(gid, int):
            raise RuntimeError(f"trial {context.number} has no grid point (GridSampler not asked)")
        value = self.grid_point(gid)[name]
        if not distribution.contains(value):
            raise ValueError(
                f"grid value {value!r} of parameter {name!r} is not in the objective's "
                f"distribution {distribution!r}"
            )
        return value

    def is_exhausted(self, history: StudyHistory) -> bool:
        return len(self._used_ids(history)) >= self._n_grid

    def __repr__(self) -> str:
        return (
            f"GridSampler({self._search_space!r}, n_points={self._n_points!r}, "
            f"shuffle={self._shuffle!r}, seed={self._seed!r})"
        )
