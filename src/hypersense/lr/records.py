"""Learning-rate results stored on a study, as its system attributes.

A range test, the search range derived from it and a batch-size study are
hypersense's own records about a study, so they are system attributes (the
user attributes stay the user's). Each holds the result's JSON form
(``to_dict``); the report reads them from there, without PyTorch.

============================ ==============================================
key                          holds
============================ ==============================================
``lr_range_test``            :meth:`RangeTestResult.to_dict`, plus ``context``
                             (what was tested: task, parameters ...)
``lr_search_range``          :meth:`LRSearchRange.to_dict`: the LR range the
                             study's space uses, and how it was derived
``lr_batch_size_study``      :meth:`BatchSizeStudy.to_dict`
============================ ==============================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hypersense.lr.batch_scaling import BatchSizeStudy
from hypersense.lr.result import RangeTestResult
from hypersense.lr.search_range import LRSearchRange

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = [
    "BATCH_SIZE_STUDY_ATTR",
    "RANGE_TEST_ATTR",
    "SEARCH_RANGE_ATTR",
    "load_batch_size_study",
    "load_range_test",
    "load_search_range",
    "record_search_range",
    "store_batch_size_study",
    "store_range_test",
]

RANGE_TEST_ATTR = "lr_range_test"
SEARCH_RANGE_ATTR = "lr_search_range"
BATCH_SIZE_STUDY_ATTR = "lr_batch_size_study"


def store_range_test(
    study: Study, result: RangeTestResult, *, context: Mapping[str, Any] | None = None
) -> None:
    """Store ``result`` on ``study`` (replacing an earlier one).

    Args:
        study: The study the test prepares.
        result: The range test.
        context: JSON-ready notes on what was tested (a task's name, the
            parameters of the model ...), shown with the figure.
    """
    study.set_system_attr(RANGE_TEST_ATTR, {**result.to_dict(), "context": dict(context or {})})


def load_range_test(study: Study) -> RangeTestResult | None:
    """The range test stored on ``study``, or None."""
    stored = study.system_attrs.get(RANGE_TEST_ATTR)
    return RangeTestResult.from_dict(stored) if isinstance(stored, Mapping) else None


def record_search_range(study: Study, lr_range: LRSearchRange) -> None:
    """Record on ``study`` that its LR range came from a range test."""
    study.set_system_attr(SEARCH_RANGE_ATTR, lr_range.to_dict())


def load_search_range(study: Study) -> LRSearchRange | None:
    """The LR search range recorded on ``study``, or None."""
    stored = study.system_attrs.get(SEARCH_RANGE_ATTR)
    return LRSearchRange.from_dict(stored) if isinstance(stored, Mapping) else None


def store_batch_size_study(study: Study, result: BatchSizeStudy) -> None:
    """Store a batch-size study on ``study`` (replacing an earlier one)."""
    study.set_system_attr(BATCH_SIZE_STUDY_ATTR, result.to_dict())


def load_batch_size_study(study: Study) -> BatchSizeStudy | None:
    """The batch-size study stored on ``study``, or None."""
    stored = study.system_attrs.get(BATCH_SIZE_STUDY_ATTR)
    return BatchSizeStudy.from_dict(stored) if isinstance(stored, Mapping) else None
