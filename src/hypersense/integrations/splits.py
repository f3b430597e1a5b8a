"""Cutting a data set into cross-validation folds, once, before any trial runs.

Every trial of a study must see the same folds, or the comparison between
configurations mixes the effect of the hyperparameters with the luck of the
split. So the folds are made from a fixed seed (or given explicitly) and are
plain index arrays that can be reused by every trial and every worker.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

__all__ = ["CVSpec", "Fold", "Splitter", "is_classification_target", "make_folds", "n_samples_of"]

#: One fold: the indices to train on and the indices to validate on.
Fold = tuple[NDArray[np.intp], NDArray[np.intp]]

_CLASSIFICATION_TARGETS = frozenset({"binary", "multiclass"})


@runtime_checkable
class Splitter(Protocol):
    """Anything shaped like a scikit-learn cross-validation splitter."""

    def split(self, x: Any, y: Any = None, groups: Any = None) -> Iterable[Any]:
        """Yield ``(train_indices, validation_indices)`` pairs."""
        ...


#: What ``cv`` may be: a number of folds, a splitter, or the folds themselves.
CVSpec = int | Splitter | Iterable[tuple[Any, Any]]


def n_samples_of(data: Any) -> int | None:
    """Rows of an array, sparse matrix, DataFrame or sequence; None if it has none."""
    if isinstance(data, (str, bytes)):
        return None
    shape = getattr(data, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    try:
        return len(data)
    except TypeError:
        return None


def is_classification_target(y: Any) -> bool:
    """Whether ``y`` holds class labels (binary or multiclass), as scikit-learn
    decides it; such targets get stratified folds by default."""
    if y is None:
        return False
    from sklearn.utils.multiclass import type_of_target

    return type_of_target(y) in _CLASSIFICATION_TARGETS


def _k_fold(n_folds: int, *, stratify: bool, seed: int) -> Splitter:
    from sklearn.model_selection import KFold, StratifiedKFold

    if stratify:
        stratified: Splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        return stratified
    plain: Splitter = KFold(n_splits=n_folds, shuffle=True, random_state=seed)
    return plain


def _as_index_array(indices: Any, n_samples: int, fold: int, part: str) -> NDArray[np.intp]:
    arr = np.asarray(indices)
    if arr.dtype == bool:
        if arr.shape != (n_samples,):
            raise ValueError(
                f"the {part} mask of fold {fold} has shape {arr.shape}, expected ({n_samples},)"
            )
        arr = np.flatnonzero(arr)
    if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"the {part} indices of fold {fold} must be a 1-D array of integers")
    out = arr.astype(np.intp, copy=False)
    if out.size == 0:
        raise ValueError(f"the {part} part of fold {fold} is empty")
    if out.min() < 0 or out.max() >= n_samples:
        raise ValueError(
            f"the {part} indices of fold {fold} must lie in [0, {n_samples}) "
            f"(got min={out.min()}, max={out.max()})"
        )
    return out


def make_folds(
    x: Any,
    y: Any = None,
    *,
    cv: CVSpec = 5,
    stratify: bool | None = None,
    seed: int = 0,
    groups: Any = None,
) -> list[Fold]:
    """The folds of a cross-validation, as index arrays into ``x``.

    Args:
        x: The samples; only its length is used unless ``cv`` is a splitter.
        y: The targets, shape ``(n_samples,)``; used to stratify.
        cv: A number of folds (>= 2; shuffled with ``seed``), a splitter with a
            scikit-learn ``split(x, y, groups)`` method, or an iterable of
            ``(train_indices, validation_indices)`` pairs (integer arrays or
            boolean masks).
        stratify: With an integer ``cv``, keep class proportions in every fold.
            None (default) stratifies when ``y`` holds class labels (binary or
            multiclass), as scikit-learn decides it.
        seed: Seed of the shuffle when ``cv`` is an integer.
        groups: Group labels passed to a splitter's ``split``.

    Returns:
        One ``(train, validation)`` pair of ``intp`` arrays per fold, in order.
    """
    n_samples = n_samples_of(x)
    if n_samples is None:
        raise TypeError(f"`x` must have a length or a shape (got {type(x).__name__})")
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(f"`cv` must be >= 2 when it is a number of folds (got cv={cv!r})")
        if not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"`seed` must be a non-negative integer (got seed={seed!r})")
        use_strata = is_classification_target(y) if stratify is None else bool(stratify)
        splitter = _k_fold(int(cv), stratify=use_strata, seed=int(seed))
        pairs: Iterable[Any] = splitter.split(np.zeros((n_samples, 1)), y, groups)
    elif isinstance(cv, (str, bytes)):  # a str has a `split` method too
        raise TypeError(f"`cv` must be a number of folds, not a string (got {cv!r})")
    elif isinstance(cv, Splitter):
        pairs = cv.split(x, y, groups)
    elif isinstance(cv, Iterable):
        pairs = cv
    else:
        raise TypeError(
            "`cv` must be a number of folds, a splitter with a `split` method or an "
            f"iterable of (train, validation) index pairs (got {cv!r})"
        )
    folds: list[Fold] = []
    for i, pair in enumerate(pairs):
        if not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"fold {i} of `cv` is not a (train, validation) pair (got {pair!r})")
        train = _as_index_array(pair[0], n_samples, i, "train")
        val = _as_index_array(pair[1], n_samples, i, "validation")
        folds.append((train, val))
    if not folds:
        raise ValueError("`cv` produced no folds")
    return folds
