"""JSON round-trip of distributions and of parameter values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from hypersense.errors import InvalidDistributionError
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution

__all__ = [
    "distribution_from_dict",
    "distribution_from_json",
    "distribution_to_json",
]

_KINDS: dict[str, type[Distribution]] = {
    FloatDistribution.kind: FloatDistribution,
    IntDistribution.kind: IntDistribution,
    CategoricalDistribution.kind: CategoricalDistribution,
}


def distribution_to_json(distribution: Distribution) -> str:
    """Serialise a distribution to a compact JSON string."""
    return json.dumps(distribution.to_dict(), separators=(",", ":"))


def distribution_from_dict(data: Mapping[str, Any]) -> Distribution:
    """Rebuild a distribution from :meth:`Distribution.to_dict` output."""
    kind = data.get("type")
    if kind not in _KINDS:
        raise InvalidDistributionError(
            f"unknown distribution type; expected one of {sorted(_KINDS)}", f"type={kind!r}"
        )
    fields = {k: v for k, v in data.items() if k != "type"}
    if kind == CategoricalDistribution.kind:
        return CategoricalDistribution(tuple(fields.get("choices", ())))
    try:
        return _KINDS[kind](**fields)
    except TypeError as exc:
        raise InvalidDistributionError(f"bad fields for a {kind} distribution", str(exc)) from exc


def distribution_from_json(text: str) -> Distribution:
    """Rebuild a distribution from :func:`distribution_to_json` output."""
    return distribution_from_dict(json.loads(text))
