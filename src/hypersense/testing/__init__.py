"""Conformance suites: the contracts of samplers, pruners, storages, executors
and importance evaluators as checks a plugin author runs on their own implementation.

Run a whole suite, in any test framework or none::

    from hypersense.testing import check_sampler
    report = check_sampler(lambda seed: MySampler(seed=seed))  # AssertionError on failure

or one test per check, with pytest::

    import pytest
    from hypersense.testing import SAMPLER_CHECKS

    @pytest.mark.parametrize("check", SAMPLER_CHECKS, ids=str)
    def test_my_sampler(check):
        check(lambda seed: MySampler(seed=seed))

A check that does not apply (a capability the implementation declares it
lacks) raises :class:`CheckSkipped`, a :class:`unittest.SkipTest`, which
pytest and unittest report as skipped with its reason. The checks of one kind
live in a module of that kind (:mod:`.samplers`, :mod:`.pruners`,
:mod:`.storages`, :mod:`.executors`, :mod:`.importance`); importing this
package loads them on first use, and none imports pytest or hypothesis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from hypersense.testing.base import Check, CheckReport, CheckSkipped, expect, raises, run_checks

if TYPE_CHECKING:
    from hypersense.testing.executors import EXECUTOR_CHECKS, ExecutorFactory, check_executor
    from hypersense.testing.importance import (
        IMPORTANCE_CHECKS,
        ImportanceEvaluatorFactory,
        check_importance_evaluator,
    )
    from hypersense.testing.pruners import PRUNER_CHECKS, PrunerFactory, check_pruner
    from hypersense.testing.samplers import SAMPLER_CHECKS, SamplerFactory, check_sampler
    from hypersense.testing.storages import STORAGE_CHECKS, StorageFactory, check_storage

__all__ = [
    "Check",
    "CheckReport",
    "CheckSkipped",
    "EXECUTOR_CHECKS",
    "ExecutorFactory",
    "IMPORTANCE_CHECKS",
    "ImportanceEvaluatorFactory",
    "PRUNER_CHECKS",
    "PrunerFactory",
    "SAMPLER_CHECKS",
    "STORAGE_CHECKS",
    "SamplerFactory",
    "StorageFactory",
    "check_executor",
    "check_importance_evaluator",
    "check_pruner",
    "check_sampler",
    "check_storage",
    "expect",
    "raises",
    "run_checks",
]

_LAZY = {
    "EXECUTOR_CHECKS": "hypersense.testing.executors",
    "ExecutorFactory": "hypersense.testing.executors",
    "check_executor": "hypersense.testing.executors",
    "IMPORTANCE_CHECKS": "hypersense.testing.importance",
    "ImportanceEvaluatorFactory": "hypersense.testing.importance",
    "check_importance_evaluator": "hypersense.testing.importance",
    "PRUNER_CHECKS": "hypersense.testing.pruners",
    "PrunerFactory": "hypersense.testing.pruners",
    "check_pruner": "hypersense.testing.pruners",
    "SAMPLER_CHECKS": "hypersense.testing.samplers",
    "SamplerFactory": "hypersense.testing.samplers",
    "check_sampler": "hypersense.testing.samplers",
    "STORAGE_CHECKS": "hypersense.testing.storages",
    "StorageFactory": "hypersense.testing.storages",
    "check_storage": "hypersense.testing.storages",
}


def __getattr__(name: str) -> Any:
    # The importance suite imports the analysis stack (scikit-learn); load each on first use.
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hypersense.testing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
