"""Pruners by name, for configuration files and the command line.

Other packages add pruners through entry points in the group
``hypersense.pruners`` (see :mod:`hypersense.registry`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypersense.pruners.base import Pruner
from hypersense.registry import Registry

__all__ = ["PRUNERS", "PRUNER_REGISTRY", "make_pruner", "pruner_class"]

#: Built-in pruner names to ``module:Class``.
PRUNERS: dict[str, str] = {
    "none": "hypersense.pruners.nop:NopPruner",
    "nop": "hypersense.pruners.nop:NopPruner",
    "median": "hypersense.pruners.percentile:MedianPruner",
    "percentile": "hypersense.pruners.percentile:PercentilePruner",
}

#: Built-in pruners and those of installed plugins.
PRUNER_REGISTRY: Registry[Pruner] = Registry("pruner", Pruner, PRUNERS, group="hypersense.pruners")


def pruner_class(name: str) -> type[Pruner]:
    """The pruner class registered as ``name``; ValueError naming the choices."""
    return PRUNER_REGISTRY.get(name)


def make_pruner(name: str, options: Mapping[str, Any] | None = None) -> Pruner:
    """Build the pruner registered as ``name`` with keyword ``options``."""
    return PRUNER_REGISTRY.create(name, options)
