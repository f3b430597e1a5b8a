"""A named set of distributions and its joint encoding to the unit cube."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.errors import InvalidDistributionError
from hypersense.space.base import Distribution, ParamValue
from hypersense.space.serialization import distribution_from_dict

__all__ = ["SearchSpace"]


class SearchSpace(Mapping[str, Distribution]):
    """An ordered, immutable mapping from parameter names to distributions.

    Column ``j`` of an encoded array is parameter ``names[j]``; this is the one
    encoding shared by samplers and analysis.

    Args:
        distributions: Parameter name to distribution, in the order to keep.
    """

    __slots__ = ("_items",)

    def __init__(self, distributions: Mapping[str, Distribution] | None = None) -> None:
        items = dict(distributions or {})
        for name, dist in items.items():
            if not isinstance(name, str) or not name:
                raise InvalidDistributionError(
                    "parameter names must be non-empty strings", f"name={name!r}"
                )
            if not isinstance(dist, Distribution):
                raise InvalidDistributionError(
                    f"parameter {name!r} needs a Distribution", f"{type(dist).__name__}"
                )
        self._items = items

    def __getitem__(self, name: str) -> Distribution:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"SearchSpace({self._items!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SearchSpace):
            return list(self._items.items()) == list(other._items.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names in column order."""
        return tuple(self._items)

    def encode(self, params: Mapping[str, ParamValue]) -> NDArray[np.float64]:
        """Encode one configuration; shape ``(len(self),)``. Missing names raise KeyError."""
        return np.array([d.to_unit(params[n]) for n, d in self._items.items()], dtype=float)

    def encode_many(self, configs: list[Mapping[str, ParamValue]]) -> NDArray[np.float64]:
        """Encode many configurations; shape ``(len(configs), len(self))``.

        A parameter absent from a configuration (an inactive conditional branch)
        is encoded as NaN, so callers decide how to treat it.
        """
        out = np.full((len(configs), len(self._items)), np.nan)
        for j, (name, dist) in enumerate(self._items.items()):
            for i, cfg in enumerate(configs):
                if name in cfg:
                    out[i, j] = dist.to_unit(cfg[name])
        return out

    def decode(self, u: NDArray[np.float64]) -> dict[str, ParamValue]:
        """Decode one point of the unit cube (shape ``(len(self),)``) into values."""
        u = np.asarray(u, dtype=float).ravel()
        if u.shape[0] != len(self._items):
            raise ValueError(f"expected {len(self._items)} coordinates, got {u.shape[0]}")
        return {n: d.from_unit(float(x)) for (n, d), x in zip(self._items.items(), u, strict=True)}

    def grid(self, n_points: int = 5) -> list[dict[str, ParamValue]]:
        """Every combination of each parameter's grid values (``n_points`` for
        continuous ranges), in lexicographic order of the parameters."""
        axes = [d.grid(n_points) for d in self._items.values()]
        return [dict(zip(self._items, combo, strict=True)) for combo in itertools.product(*axes)]

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """JSON-ready description, rebuilt by :meth:`from_dict`."""
        return {n: d.to_dict() for n, d in self._items.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Any]]) -> SearchSpace:
        """Rebuild from :meth:`to_dict` output; errors name the parameter."""
        out: dict[str, Distribution] = {}
        for name, spec in data.items():
            try:
                out[name] = distribution_from_dict(spec)
            except InvalidDistributionError as exc:
                raise exc.for_parameter(name) from None
        return cls(out)
