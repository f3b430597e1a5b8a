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
    "threshold": "hypersense.pruners.threshold:ThresholdPruner",
    "patient": "hypersense.pruners.patient:PatientPruner",
    "wilcoxon": "hypersense.pruners.wilcoxon:WilcoxonPruner",
    "successive_halving": "hypersense.pruners.successive_halving:SuccessiveHalvingPruner",
    "asha": "hypersense.pruners.successive_halving:SuccessiveHalvingPruner",
    "hyperband": "hypersense.pruners.hyperband:HyperbandPruner",
    "curve_extrapolation": "hypersense.pruners.curve_extrapolation:CurveExtrapolationPruner",
    "objective": "hypersense.pruners.objective:ObjectivePruner",
    "pareto": "hypersense.pruners.pareto:ParetoPruner",
    "cross_validation": "hypersense.pruners.cross_validation:CrossValidationPruner",
}

#: Built-in pruners and those of installed plugins.
PRUNER_REGISTRY: Registry[Pruner] = Registry("pruner", Pruner, PRUNERS, group="hypersense.pruners")


def pruner_class(name: str) -> type[Pruner]:
    """The pruner class registered as ``name``; ValueError naming the choices."""
    return PRUNER_REGISTRY.get(name)


#: Options that name another pruner (of ``patient``, ``objective`` and ``cross_validation``).
_NESTED = ("wrapped_pruner", "fold_pruner", "epoch_pruner")


def make_pruner(name: str, options: Mapping[str, Any] | None = None) -> Pruner:
    """Build the pruner registered as ``name`` with keyword ``options``.

    An option naming another pruner (``wrapped_pruner`` of ``patient`` and
    ``objective``, ``fold_pruner`` and ``epoch_pruner`` of
    ``cross_validation``) may be a pruner name or ``{name: ..., options:
    {...}}``, as a config file writes it.
    """
    opts = dict(options or {})
    for key in _NESTED:
        inner = opts.get(key)
        if isinstance(inner, str):
            opts[key] = make_pruner(inner)
        elif isinstance(inner, Mapping):
            extra = set(inner) - {"name", "options"}
            if "name" not in inner or extra or not isinstance(inner.get("options", {}), Mapping):
                raise ValueError(
                    f"`{key}` must be a pruner name or {{name: ..., options: {{...}}}} "
                    f"(got {inner!r})"
                )
            opts[key] = make_pruner(inner["name"], inner.get("options"))
    return PRUNER_REGISTRY.create(name, opts)
