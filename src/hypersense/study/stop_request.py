"""Asking a study that runs in other processes to stop, through its storage.

A stop request is the study system attribute :data:`STOP_REQUEST_ATTR`, a
mapping ``{"id": ..., "requested_at": ..., "by": ...}`` written by
:func:`request_stop` (the dashboard's stop button does). A run that watches
it (:class:`StopOnRequest`, which ``hypersense run`` installs) starts no new
trial once a request newer than the one present when the run began appears;
trials already running finish and are stored as usual, as after
:meth:`Study.stop`. Requests are told apart by their random ``id``, not by
time, so no two hosts' clocks need to agree, and a run started after a
request is not stopped by it: running the same config again resumes the study.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hypersense.storage.base import Storage

if TYPE_CHECKING:
    from hypersense.study.study import Study
    from hypersense.trial.frozen import FrozenTrial

__all__ = ["STOP_REQUEST_ATTR", "StopOnRequest", "current_stop_request", "request_stop"]

_log = logging.getLogger(__name__)

#: The study system attribute holding the latest stop request.
STOP_REQUEST_ATTR = "stop_request"


def request_stop(storage: Storage, study_name: str, *, by: str = "") -> dict[str, Any]:
    """Ask every run of study ``study_name`` watching for requests to stop
    starting trials, and return the request stored.

    Args:
        storage: The study's storage (opened for writing).
        study_name: The study.
        by: Who asked, shown with the request (e.g. ``"dashboard"``).

    Raises:
        StudyNotFoundError: No such study.
    """
    record = storage.get_study(study_name)
    request = {"id": secrets.token_hex(8), "requested_at": time.time(), "by": str(by)}
    storage.set_study_attr(record.study_id, STOP_REQUEST_ATTR, request, system=True)
    return request


def current_stop_request(system_attrs: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The stop request among a study's system attributes, or None."""
    request = system_attrs.get(STOP_REQUEST_ATTR)
    return request if isinstance(request, Mapping) and "id" in request else None


def _request_id(study: Study) -> str | None:
    request = current_stop_request(study.system_attrs)
    return None if request is None else str(request["id"])


class StopOnRequest:
    """A study callback that calls :meth:`Study.stop` once a new stop request
    is stored (one read of the study's record per finished trial).

    Args:
        study: The study about to run; the request present now is ignored.
    """

    def __init__(self, study: Study) -> None:
        self._study_name = study.study_name
        self._ignored = _request_id(study)

    def __repr__(self) -> str:
        return f"StopOnRequest(study={self._study_name!r})"

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        found = _request_id(study)
        if found is not None and found != self._ignored:
            _log.warning("study %r: stop requested; no new trial starts", study.study_name)
            study.stop()
