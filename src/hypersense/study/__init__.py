"""Studies: the orchestration of trials (ask/tell, optimize, best trials)."""

from hypersense.study.management import (
    create_study,
    delete_study,
    get_all_study_summaries,
    load_study,
)
from hypersense.study.recovery import RetryPolicy
from hypersense.study.study import Study, StudyCallback

__all__ = [
    "RetryPolicy",
    "Study",
    "StudyCallback",
    "create_study",
    "delete_study",
    "get_all_study_summaries",
    "load_study",
]
