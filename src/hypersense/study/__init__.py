"""Studies: the orchestration of trials (ask/tell, optimize, best trials)."""

from hypersense.study.added_trials import create_trial
from hypersense.study.management import (
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from hypersense.study.recovery import RetryPolicy
from hypersense.study.study import Study, StudyCallback

__all__ = [
    "RetryPolicy",
    "Study",
    "StudyCallback",
    "copy_study",
    "create_study",
    "create_trial",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
]
