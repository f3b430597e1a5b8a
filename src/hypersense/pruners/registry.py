"""Pruners by name, for configuration files and the command line."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from hypersense.pruners.base import Pruner

__all__ = ["PRUNERS", "make_pruner", "pruner_class"]

PRUNERS: dict[str, str] = {
    "none": "hypersense.pruners.nop:NopPruner",
    "nop": "hypersense.pruners.nop:NopPruner",
    "median": "hypersense.pruners.percentile:MedianPruner",
    "percentile": "hypersense.pruners.percentile:PercentilePruner",
}


def pruner_class(name: str) -> type[Pruner]:
    """The pruner class registered as ``name``; ValueError naming the choices."""
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in PRUNERS:
        raise ValueError(f"unknown pruner {name!r}; choose one of {sorted(PRUNERS)}")
    module_name, _, class_name = PRUNERS[key].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("hypersense"):
            raise ValueError(f"pruner {name!r} is not available in this version") from exc
        raise
    cls = getattr(module, class_name)
    assert isinstance(cls, type) and issubclass(cls, Pruner)
    return cls


def make_pruner(name: str, options: Mapping[str, Any] | None = None) -> Pruner:
    """Build the pruner registered as ``name`` with keyword ``options``."""
    cls = pruner_class(name)
    try:
        return cls(**dict(options or {}))
    except TypeError as exc:
        raise TypeError(f"bad options for pruner {name!r}: {exc}") from exc
