"""Checks ``HyperSearchCV.fit`` makes before any fold runs, each naming the argument."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from hypersense.execution.executor_choice import resolve_n_jobs
from hypersense.pruners.base import Pruner
from hypersense.samplers.base import Sampler
from hypersense.storage.base import Storage

__all__ = ["check_parameter_names", "check_search_options", "check_target", "seed_from"]


def check_search_options(
    *,
    estimator: Any,
    sampler: Any,
    pruner: Any,
    storage: Any,
    n_jobs: Any,
    return_train_score: Any,
    error_score: Any,
) -> int:
    """Validate the options of a search; return its number of worker processes."""
    if not hasattr(estimator, "fit"):
        raise TypeError(
            f"`estimator` must be a scikit-learn estimator with a `fit` method (got {estimator!r})"
        )
    if sampler is not None and not isinstance(sampler, Sampler):
        raise TypeError(f"`sampler` must be a hypersense Sampler or None (got {sampler!r})")
    if pruner is not None and not isinstance(pruner, Pruner):
        raise TypeError(f"`pruner` must be a hypersense Pruner or None (got {pruner!r})")
    if storage is not None and not isinstance(storage, (str, Storage)):
        raise TypeError(
            f"`storage` must be None, a URL string or a hypersense Storage (got {storage!r})"
        )
    if not isinstance(return_train_score, (bool, np.bool_)):
        raise TypeError(f"`return_train_score` must be a bool (got {return_train_score!r})")
    if error_score != "raise" and (
        not isinstance(error_score, numbers.Real) or isinstance(error_score, bool)
    ):
        raise ValueError(f"`error_score` must be 'raise' or a number (got {error_score!r})")
    return 1 if n_jobs is None else resolve_n_jobs(n_jobs)


def check_parameter_names(estimator: Any, names: Iterable[str]) -> None:
    """Every searched name must reach a parameter of ``estimator``. A nested
    ``step__param`` is checked up to its first component only, since the step
    itself may be one of the searched values."""
    known = set(estimator.get_params(deep=True))
    for name in names:
        if name.split("__", 1)[0] not in known:
            raise ValueError(
                f"`search_space` names the parameter {name!r}, which "
                f"{type(estimator).__name__} does not have; its parameters are {sorted(known)}"
            )


def check_target(estimator: Any, y: Any) -> None:
    """A supervised estimator needs ``y``: say so before any fold fails on it."""
    from sklearn.utils import get_tags

    if y is None and get_tags(estimator).target_tags.required:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y is None"
        )


def seed_from(random_state: Any) -> int | None:
    """An integer seed from ``random_state``: None, an int >= 0, or one draw from a
    numpy RandomState or Generator (which advances it, as scikit-learn does)."""
    if random_state is None:
        return None
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"`random_state` must be >= 0 (got {random_state!r})")
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(np.iinfo(np.int32).max))
    raise TypeError(
        "`random_state` must be None, a non-negative integer, a numpy RandomState or a "
        f"numpy Generator (got {random_state!r})"
    )
