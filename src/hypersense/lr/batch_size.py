"""The best learning rate per batch size from range tests, and the power law.

:func:`batch_size_study` runs one :func:`~hypersense.lr.range_test` per batch
size (same model, data, optimiser and seeds) and fits ``lr ∝ batch^k``
(:mod:`hypersense.lr.batch_scaling`). A batch size's replicate estimates are
its seeds' suggestions (each seed's rules combined by their median on the log
scale); its interval is the range test's (over rules and seeds). Batch sizes
whose test suggested nothing are left out, with the reason in ``notes``. The
recorded batch size is the effective one: batch size times
``accumulation_steps``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from hypersense.lr.batch_scaling import BatchSizePoint, BatchSizeStudy, fit_batch_scaling
from hypersense.lr.range_finder import ModelSource, range_test
from hypersense.lr.result import RangeTestResult

__all__ = ["batch_size_study", "point_from_range_test", "study_from_range_tests"]


def batch_size_study(
    model: ModelSource,
    *,
    train: Any,
    loss: Any,
    batch_sizes: Sequence[int],
    accumulation_steps: int = 1,
    confidence: float = 0.95,
    **options: Any,
) -> BatchSizeStudy:
    """Range-test each batch size and fit ``lr ∝ batch^k`` with an interval for ``k``.

    Args:
        model: A model (restored after each test) or a factory, as
            :func:`~hypersense.lr.range_test` takes it.
        train: Tensors or a Dataset (a DataLoader fixes its batch size).
        loss: The batch's mean loss.
        batch_sizes: Three or more distinct batch sizes.
        accumulation_steps: Batches per optimiser step, for every batch size.
        confidence: Coverage of the exponent's interval.
        **options: Further options of :func:`~hypersense.lr.range_test`
            (``optimizer``, ``num_steps``, ``seeds`` ...).

    Raises:
        ValueError: Fewer than three distinct batch sizes, a DataLoader as
            ``train``, or fewer than three batch sizes with a suggestion.
    """
    _check_batch_sizes(batch_sizes)
    import torch

    if isinstance(train, torch.utils.data.DataLoader):
        raise ValueError(
            "`train` is a DataLoader, whose batch size is fixed; give tensors or a Dataset"
        )

    def run(batch: int) -> RangeTestResult:
        return range_test(
            model,
            train=train,
            loss=loss,
            batch_size=batch,
            accumulation_steps=accumulation_steps,
            **options,
        )

    return study_from_range_tests(run, batch_sizes, confidence=confidence)


def study_from_range_tests(
    run: Callable[[int], RangeTestResult],
    batch_sizes: Sequence[int],
    *,
    confidence: float = 0.95,
) -> BatchSizeStudy:
    """Run ``run(batch_size)`` for each batch size and fit the power law.

    Args:
        run: A range test at a batch size (of a model, of a task ...).
        batch_sizes: Three or more distinct batch sizes.
        confidence: Coverage of the exponent's interval.
    """
    _check_batch_sizes(batch_sizes)
    points, notes = [], []
    for batch in sorted(batch_sizes):
        result = run(int(batch))
        point = point_from_range_test(result)
        if point is None:
            reasons = dict.fromkeys(
                f"seed {c.seed}: {s.reason}" for c in result.curves for s in c.suggestions
            )  # each seed's reasons, once (the rules share their first checks)
            notes.append(
                f"batch size {result.settings.batch_size} left out, no rule suggested a rate "
                f"({'; '.join(reasons)})"
            )
        else:
            points.append(point)
    if len(points) < 3:
        raise ValueError(
            f"only {len(points)} batch size(s) got a suggestion; a power law needs three "
            f"({' | '.join(notes)})"
        )
    fit = fit_batch_scaling(points, confidence=confidence)
    return BatchSizeStudy(tuple(points), fit, "range_test", tuple(notes))


def point_from_range_test(result: RangeTestResult) -> BatchSizePoint | None:
    """A batch-size point from a range test: one estimate per seed (its rules'
    median on the log scale), the test's interval; None without a suggestion."""
    samples = []
    for curve in result.curves:
        rates = [s.lr for s in curve.suggestions if s.lr is not None]
        if rates:
            samples.append(math.exp(float(np.median(np.log(rates)))))
    if not samples:
        return None
    batch = result.settings.batch_size
    if batch is None:
        raise ValueError("the range test does not know its batch size")
    low, high = result.interval
    return BatchSizePoint.from_samples(batch, samples, low=low, high=high)


def _check_batch_sizes(batch_sizes: Sequence[int]) -> None:
    sizes = list(batch_sizes)
    if any(isinstance(b, bool) or not isinstance(b, int) or b < 1 for b in sizes):
        raise ValueError(f"`batch_sizes` must be integers >= 1 (got {sizes})")
    if len(sizes) < 3 or len(set(sizes)) != len(sizes):
        raise ValueError(f"`batch_sizes` must be three or more distinct sizes (got {sizes})")
