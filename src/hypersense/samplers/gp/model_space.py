"""The GP's model space: hypersense's unit-cube encoding, made discrete-aware.

Column ``j`` of a model-space point describes parameter ``j`` of a
:class:`~hypersense.space.SearchSpace`:

* a continuous range (or a numeric grid too fine to matter, more than
  :data:`MAX_ENUMERATED_VALUES` values) is its unit-cube encoding;
* an integer or stepped float is its unit-cube encoding restricted to the
  encodings of its values (its *grid*): the model only ever sees, and the
  acquisition optimiser only ever proposes, values the parameter can take;
* a categorical is the index of its choice, which the kernel compares for
  equality only (categories are unordered).

Nothing here re-implements the encoding: grids are the distributions' own
``to_unit`` of their values, and decoding goes back through
``SearchSpace.decode``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.search_space import SearchSpace

__all__ = ["MAX_ENUMERATED_VALUES", "ModelSpace"]

#: Numeric parameters with more values than this are modelled as continuous:
#: their grid cells are narrower than anything a GP on tens of points resolves.
MAX_ENUMERATED_VALUES = 128


def _nearest(grid: NDArray[np.float64], values: NDArray[np.float64]) -> NDArray[np.int64]:
    """Index of the nearest entry of the sorted ``grid`` (shape ``(m,)``) for each value."""
    right = np.clip(np.searchsorted(grid, values), 1, len(grid) - 1)
    left = right - 1
    take_left = np.abs(values - grid[left]) <= np.abs(grid[right] - values)
    out: NDArray[np.int64] = np.where(take_left, left, right)
    return out


@dataclass(frozen=True, eq=False)
class ModelSpace:
    """How each dimension of a search space appears to the GP.

    Attributes:
        space: The search space (column order).
        is_categorical: Shape ``(d,)``.
        unit_values: Per dimension, the sorted unit-cube encodings of all its
            values (a categorical's in choice order), or None when continuous.
    """

    space: SearchSpace
    is_categorical: NDArray[np.bool_]
    unit_values: tuple[NDArray[np.float64] | None, ...]

    @classmethod
    def from_search_space(cls, space: SearchSpace) -> ModelSpace:
        """The model space of ``space``."""
        is_categorical = []
        unit_values: list[NDArray[np.float64] | None] = []
        for dist in space.values():
            categorical = isinstance(dist, CategoricalDistribution)
            n = dist.n_values
            is_categorical.append(categorical)
            if categorical or (n is not None and n <= MAX_ENUMERATED_VALUES):
                units = dist.to_unit_array(dist.grid(2))
                unit_values.append(units if categorical else np.sort(units))
            else:
                unit_values.append(None)
        return cls(space, np.array(is_categorical, dtype=bool), tuple(unit_values))

    @property
    def n_dims(self) -> int:
        """Number of dimensions ``d``."""
        return len(self.unit_values)

    @property
    def continuous_dims(self) -> NDArray[np.int64]:
        """Indices of the dimensions optimised by gradient."""
        return np.array([j for j, u in enumerate(self.unit_values) if u is None], dtype=np.int64)

    @property
    def discrete_dims(self) -> NDArray[np.int64]:
        """Indices of the dimensions searched over their values."""
        return np.array(
            [j for j, u in enumerate(self.unit_values) if u is not None], dtype=np.int64
        )

    @property
    def is_discrete(self) -> NDArray[np.bool_]:
        """Shape ``(d,)``; True where a dimension is searched over its values."""
        return np.array([u is not None for u in self.unit_values], dtype=bool)

    def grid(self, j: int) -> NDArray[np.float64]:
        """The model-space values of discrete dimension ``j`` (sorted)."""
        units = self.unit_values[j]
        if units is None:
            raise ValueError(f"dimension {j} is continuous")
        return np.arange(len(units), dtype=float) if self.is_categorical[j] else units

    def from_unit_cube(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """Model-space points for unit-cube points, each discrete coordinate moved
        to the nearest value the parameter can take.

        Args:
            u: Shape ``(b, d)``.

        Returns:
            Shape ``(b, d)``.
        """
        x = np.array(u, dtype=float, copy=True)
        for j, units in enumerate(self.unit_values):
            if units is None:
                continue
            if self.is_categorical[j]:
                # Choices are not sorted by encoding in general: compare to each.
                x[:, j] = np.argmin(np.abs(u[:, j, None] - units[None, :]), axis=1)
            else:
                x[:, j] = units[_nearest(units, u[:, j])]
        return x

    def snap(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Model-space points with every discrete coordinate on its nearest value;
        shape ``(b, d)`` in and out."""
        out = np.array(x, dtype=float, copy=True)
        for j in self.discrete_dims:
            grid = self.grid(int(j))
            out[:, j] = grid[_nearest(grid, x[:, j])]
        return out

    def to_unit_cube(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Unit-cube encodings of model-space points (inverse of :meth:`from_unit_cube`
        on values the parameters can take); shape ``(b, d)`` in and out."""
        u = np.array(x, dtype=float, copy=True)
        for j, units in enumerate(self.unit_values):
            if units is not None and self.is_categorical[j]:
                u[:, j] = units[np.clip(np.rint(x[:, j]).astype(np.int64), 0, len(units) - 1)]
        out: NDArray[np.float64] = np.clip(u, 0.0, 1.0)
        return out

    def encode(self, configs: Sequence[Mapping[str, Any]]) -> NDArray[np.float64]:
        """Model-space points of parameter configurations; shape ``(len(configs), d)``."""
        u = self.space.encode_many(list(configs))
        return self.from_unit_cube(u)

    def decode(self, x: NDArray[np.float64]) -> dict[str, Any]:
        """Parameter values of one model-space point (shape ``(d,)``)."""
        return self.space.decode(self.to_unit_cube(x[None, :])[0])

    def canonical(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """The model-space points of the configurations ``x`` decodes to; shape
        ``(b, d)`` in and out.

        Decoding rounds what the model treats as continuous but the parameter
        does not (an integer or stepped range with more than
        :data:`MAX_ENUMERATED_VALUES` values), so two model-space points can be
        one configuration; their canonical points are equal.
        """
        return self.encode([self.decode(row) for row in np.asarray(x, dtype=float)])

    def encode_partial(self, params: Mapping[str, Any]) -> dict[int, float]:
        """Model-space coordinates of the given parameters that belong to the space
        and hold one of their values: column index to value."""
        out: dict[int, float] = {}
        for j, (name, dist) in enumerate(self.space.items()):
            if name in params and dist.contains(params[name]):
                u = np.full((1, self.n_dims), 0.5)
                u[0, j] = dist.to_unit(params[name])
                out[j] = float(self.from_unit_cube(u)[0, j])
        return out
