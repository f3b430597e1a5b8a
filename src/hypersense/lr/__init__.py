"""Learning-rate tools: the range test, search ranges from it, schedule spaces,
and how the best rate scales with the batch size.

- :func:`range_test` ramps the rate on any PyTorch model and data (once per
  seed), stops on divergence, restores everything it touched, and suggests a
  rate with an interval (:class:`RangeTestResult`); :func:`task_range_test`
  does it for a built-in task.
- :func:`search_range` turns a test into the log-scale range of a search
  (:class:`LRSearchRange`); :func:`narrow_space` puts it into a space, and a
  config says ``lr: {from_range_test: true}``.
- :func:`schedule_space` tunes the schedule: decay shape, peak rate, warm-up
  and final rate, as one conditional recipe space.
- :func:`batch_size_study` (range tests) and :func:`batch_size_search` (a
  small grid search on any objective) fit ``lr ∝ batch^k`` with an interval.
- :func:`store_range_test` and friends keep results on a study for the report.

``import hypersense.lr`` needs no PyTorch: results, rules and the maths are
plain numpy, so the report and configs read stored results without torch.
The functions that train load PyTorch on first use and raise
:class:`~hypersense.MissingDependencyError` naming the ``torch`` extra when it
is missing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from hypersense.lr.base import LossCurve, Suggestion, SuggestionRule
from hypersense.lr.batch_scaling import (
    BatchScalingFit,
    BatchSizePoint,
    BatchSizeStudy,
    fit_batch_scaling,
)
from hypersense.lr.curves import loss_trend, lr_ramp, smooth_losses
from hypersense.lr.grid_search import batch_size_search, best_lr_on_grid
from hypersense.lr.records import (
    load_batch_size_study,
    load_range_test,
    load_search_range,
    record_search_range,
    store_batch_size_study,
    store_range_test,
)
from hypersense.lr.result import (
    NoSuggestionError,
    RangeTestResult,
    RangeTestSettings,
    SeedCurve,
)
from hypersense.lr.rules import MinimumRule, SteepestRule, ValleyRule, default_rules
from hypersense.lr.search_range import LRSearchRange, narrow_space, search_range

if TYPE_CHECKING:
    from hypersense.lr.batch_size import batch_size_study
    from hypersense.lr.range_finder import range_test
    from hypersense.lr.schedules import schedule_space
    from hypersense.lr.tasks import task_batch_size_study, task_range_test

__all__ = [
    "BatchScalingFit",
    "BatchSizePoint",
    "BatchSizeStudy",
    "LRSearchRange",
    "LossCurve",
    "MinimumRule",
    "NoSuggestionError",
    "RangeTestResult",
    "RangeTestSettings",
    "SeedCurve",
    "SteepestRule",
    "Suggestion",
    "SuggestionRule",
    "ValleyRule",
    "batch_size_search",
    "batch_size_study",
    "best_lr_on_grid",
    "default_rules",
    "fit_batch_scaling",
    "load_batch_size_study",
    "load_range_test",
    "load_search_range",
    "loss_trend",
    "lr_ramp",
    "narrow_space",
    "range_test",
    "record_search_range",
    "schedule_space",
    "search_range",
    "smooth_losses",
    "store_batch_size_study",
    "store_range_test",
    "task_batch_size_study",
    "task_range_test",
]

# Names whose modules import PyTorch, loaded on first use.
_NEEDS_TORCH = {
    "batch_size_study": "hypersense.lr.batch_size",
    "range_test": "hypersense.lr.range_finder",
    "schedule_space": "hypersense.lr.schedules",
    "task_batch_size_study": "hypersense.lr.tasks",
    "task_range_test": "hypersense.lr.tasks",
}


def __getattr__(name: str) -> Any:
    module = _NEEDS_TORCH.get(name)
    if module is None:
        raise AttributeError(f"module 'hypersense.lr' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
