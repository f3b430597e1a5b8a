"""Honest data discipline: a train / validation / test split with a sealed test part.

A search compares configurations on validation scores and keeps the best one,
so its best validation score flatters the winner. Only data the search never
saw can say what the winner is worth. This module keeps that promise in code:

- :func:`holdout_indices` cuts a data set once, from a fixed seed, into
  training, validation and test rows (stratified by class for classification).
- :class:`SealedTestSet` holds the test rows *by a loader*, not by value: the
  rows are built only when :meth:`SealedTestSet.read` is called, each read is
  counted, and inside :meth:`SealedTestSet.sealed` (the search) a read raises
  :class:`TestSetSealedError`. A task seals its test set around every trial and
  reads it only in its final evaluation (``Task.evaluate_test``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from hypersense._options import check_number
from hypersense.errors import HypersenseError

__all__ = [
    "HoldoutIndices",
    "SealedTestSet",
    "TestSetSealedError",
    "holdout_indices",
]

_log = logging.getLogger(__name__)

T = TypeVar("T")


class TestSetSealedError(HypersenseError, RuntimeError):
    """The held-out test set was read while a search was running."""

    __test__ = False  # not a pytest test class, despite its name


@dataclass(frozen=True)
class HoldoutIndices:
    """Row indices of the three parts of a data set; they partition ``range(n)``.

    Attributes:
        train: Shape ``(n_train,)``, sorted: rows a model is fitted on.
        validation: Shape ``(n_validation,)``, sorted: rows the search scores
            configurations (and early stopping picks epochs) on.
        test: Shape ``(n_test,)``, sorted: rows only the final evaluation reads;
            empty when no test set is held out.
    """

    train: NDArray[np.intp]
    validation: NDArray[np.intp]
    test: NDArray[np.intp]

    @property
    def development(self) -> NDArray[np.intp]:
        """Shape ``(n_train + n_validation,)``, sorted: every row the search may use."""
        return np.sort(np.concatenate([self.train, self.validation]))


def holdout_indices(
    y: NDArray[Any],
    *,
    validation_fraction: float,
    test_fraction: float,
    seed: int,
    stratify: bool,
) -> HoldoutIndices:
    """Cut ``range(len(y))`` into training, validation and test rows.

    The test rows are cut first, then the validation rows from the rest, so the
    test part does not change when ``validation_fraction`` does. Both cuts are
    fixed by ``seed``; with ``stratify`` every part keeps the class proportions
    of ``y``.

    Args:
        y: Shape ``(n,)``: class labels (to stratify) or regression targets.
        validation_fraction: Share of all rows used for validation, in (0, 1).
        test_fraction: Share of all rows held out for the final test, in [0, 1);
            0 holds out nothing.
        seed: Seed of both cuts.
        stratify: Keep class proportions (classification targets only).

    Returns:
        The three parts; their sizes follow scikit-learn's rounding (test and
        validation sizes are rounded up).
    """
    from sklearn.model_selection import train_test_split

    validation_fraction = check_number(
        "validation_fraction", validation_fraction, minimum=0.0, maximum=1.0
    )
    test_fraction = check_number("test_fraction", test_fraction, minimum=0.0, maximum=1.0)
    if validation_fraction <= 0.0 or validation_fraction + test_fraction >= 1.0:
        raise ValueError(
            "`validation_fraction` must be > 0 and leave rows to train on with "
            f"`test_fraction` (got validation_fraction={validation_fraction}, "
            f"test_fraction={test_fraction})"
        )
    labels = np.asarray(y)
    rows = np.arange(labels.shape[0], dtype=np.intp)
    test = rows[:0]
    if test_fraction > 0.0:
        rows, test = train_test_split(
            rows,
            test_size=test_fraction,
            random_state=seed,
            stratify=labels if stratify else None,
        )
    # The validation share is of all rows; what is left after the test cut is smaller.
    share = validation_fraction / (1.0 - test_fraction)
    train, validation = train_test_split(
        rows,
        test_size=share,
        random_state=seed,
        stratify=labels[rows] if stratify else None,
    )
    return HoldoutIndices(np.sort(train), np.sort(validation), np.sort(test))


class SealedTestSet(Generic[T]):
    """A test set built only on request, counted, and refused during a search.

    The test data is not held: ``load`` builds it (e.g. loads the data set
    again and takes the test rows) on every :meth:`read`, so code running a
    trial has no copy to read by mistake.

    Args:
        load: Builds the test data.
        description: What the test set is, for messages (``"digits test rows"``).
    """

    def __init__(self, load: Callable[[], T], *, description: str) -> None:
        if not callable(load):
            raise TypeError(f"`load` must be callable (got {load!r})")
        self._load = load
        self._description = description
        self._n_reads = 0
        self._n_sealed = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"SealedTestSet(description={self._description!r}, n_reads={self._n_reads}, "
            f"sealed={self.is_sealed})"
        )

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]  # locks do not pickle; a copy gets its own
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def n_reads(self) -> int:
        """How many times the test data was built (in this process)."""
        return self._n_reads

    @property
    def is_sealed(self) -> bool:
        """Whether a search holds the seal now (reads raise)."""
        return self._n_sealed > 0

    @contextlib.contextmanager
    def sealed(self) -> Iterator[None]:
        """Refuse :meth:`read` for the length of the block (nestable, thread-safe)."""
        with self._lock:
            self._n_sealed += 1
        try:
            yield
        finally:
            with self._lock:
                self._n_sealed -= 1

    def read(self) -> T:
        """Build the test data; counted.

        Raises:
            TestSetSealedError: A search is running (the set is sealed).
        """
        with self._lock:
            if self._n_sealed:
                raise TestSetSealedError(
                    f"the {self._description} are sealed while the search runs; only the "
                    "final evaluation of a chosen configuration may read them"
                )
            self._n_reads += 1
        _log.info("reading the %s (read %d)", self._description, self._n_reads)
        return self._load()
