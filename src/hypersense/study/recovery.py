"""Finding trials whose process died, failing them, and re-queueing retries.

A RUNNING trial in a shared storage is failed (as ``interrupted``) when

- its owner process is certainly gone (same machine and pid namespace, see
  :mod:`hypersense.study.owner`): at once, no grace period needed;
- its heartbeat is older than the grace period, by the storage's clock: the
  only sign available across machines.

Any process that opens the study for work looks (``Study.ask``, ``optimize``,
``hypersense run`` before it decides whether the target is met), at most once
per heartbeat interval unless forced. A failed trial is re-queued with its
parameters while the study's ``max_retries`` allows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from hypersense.storage.base import Storage
from hypersense.study.owner import describe_owner, is_owner_gone
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

__all__ = ["RetryPolicy", "TrialRecovery"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Heartbeats, stale-trial detection and retries of a study (per process).

    Attributes:
        heartbeat_interval_s: How often running trials stamp their heartbeat
            (None: never, and no stale detection by heartbeat).
        grace_period_s: A RUNNING trial whose heartbeat is older is failed by
            the next process that looks (default: 4 heartbeat intervals).
        max_retries: How many times a trial failed by a stale heartbeat, a dead
            worker or an interruption is re-queued with the same parameters.
    """

    heartbeat_interval_s: float | None = 30.0
    grace_period_s: float | None = None
    max_retries: int = 0

    @property
    def grace_s(self) -> float | None:
        """The effective grace period."""
        if self.heartbeat_interval_s is None:
            return None
        return self.grace_period_s or 4.0 * self.heartbeat_interval_s

    @property
    def check_interval_s(self) -> float:
        """How often a process looks for dead trials unless forced."""
        return self.heartbeat_interval_s or 30.0


class TrialRecovery:
    """Fails the dead trials of one study and re-queues their retries.

    Args:
        storage: The study's storage.
        study_id: The study's key.
        policy: Heartbeat, grace and retry settings.
        running_trials: Returns the study's RUNNING trials as last read.
        is_mine: Whether this process runs trial ``number`` (never failed here).
        on_changed: Told the number of a finished trial whose attributes changed.
    """

    def __init__(
        self,
        storage: Storage,
        study_id: int,
        policy: RetryPolicy,
        *,
        running_trials: Callable[[], list[FrozenTrial]],
        is_mine: Callable[[int], bool],
        on_changed: Callable[[int], None],
    ) -> None:
        self._storage = storage
        self._study_id = study_id
        self._policy = policy
        self._running_trials = running_trials
        self._is_mine = is_mine
        self._on_changed = on_changed
        self._last_check = -float("inf")

    def fail_dead_trials(self, *, force: bool = False) -> list[FrozenTrial]:
        """Fail (and re-queue) trials whose owner is gone or whose heartbeat is stale;
        the trials failed by this call. Runs at most once per interval unless forced."""
        if not self._storage.is_shared:
            return []
        now = time.monotonic()
        if not force and now - self._last_check < self._policy.check_interval_s:
            return []
        self._last_check = now
        orphans = [
            t
            for t in self._running_trials()
            if not self._is_mine(t.number) and is_owner_gone(t.system_attrs.get(SystemAttr.OWNER))
        ]
        failed: list[FrozenTrial] = []
        if orphans:
            owners = sorted({describe_owner(t.system_attrs[SystemAttr.OWNER]) for t in orphans})
            failed += self._storage.fail_running_trials(
                [t.trial_id for t in orphans],
                reason=f"interrupted: its process ({', '.join(owners)}) is gone",
            )
        grace = self._policy.grace_s
        if grace is not None:
            failed += self._storage.fail_stale_trials(self._study_id, grace_s=grace)
        for trial in failed:
            _log.warning("trial %d was marked FAIL: %s", trial.number, trial.fail_reason)
            self.maybe_retry(trial)
        return failed

    def maybe_retry(self, trial: FrozenTrial) -> FrozenTrial | None:
        """Re-queue ``trial`` with its parameters if the retry budget allows it."""
        n_done = int(trial.system_attrs.get(SystemAttr.RETRY_COUNT, 0))
        if n_done >= self._policy.max_retries:
            return None
        fixed = {**dict(trial.system_attrs.get(SystemAttr.FIXED_PARAMS, {})), **trial.params}
        retry = self._storage.create_trial(
            self._study_id,
            state=TrialState.WAITING,
            system_attrs={
                SystemAttr.FIXED_PARAMS: fixed,
                SystemAttr.RETRY_OF: trial.number,
                SystemAttr.RETRY_COUNT: n_done + 1,
            },
            user_attrs=dict(trial.user_attrs),
        )
        self._storage.set_trial_attrs(
            trial.trial_id,
            {SystemAttr.RETRIED_BY: retry.number},
            system=True,
            require_running=False,
        )
        self._on_changed(trial.number)
        return retry
