"""The optimize loop: start trials, hand them to an executor, store their ends."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from hypersense.errors import SamplerExhaustedError, StaleTrialError, Terminated
from hypersense.execution.base import Executor
from hypersense.execution.executor_choice import make_executor
from hypersense.execution.outcome import Objective, TrialOutcome, TrialTask, interruption_reason
from hypersense.study._termination import SigtermGuard
from hypersense.study.coordinator import TrialCoordinator
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import FailKind, TrialState

if TYPE_CHECKING:
    from hypersense.study.study import Study, StudyCallback

__all__ = ["run_optimize"]

_log = logging.getLogger(__name__)


def _check_trial_timeout(trial_timeout_s: float | None) -> None:
    if trial_timeout_s is not None and (
        not isinstance(trial_timeout_s, (int, float))
        or isinstance(trial_timeout_s, bool)
        or not trial_timeout_s > 0
        or trial_timeout_s == float("inf")
    ):
        raise ValueError(
            "`trial_timeout_s` must be a positive number of seconds or None "
            f"(got {trial_timeout_s!r})"
        )


def _check_limits(n_trials: int | None, timeout: float | None) -> None:
    if n_trials is not None and (
        not isinstance(n_trials, int) or isinstance(n_trials, bool) or n_trials < 0
    ):
        raise ValueError(f"`n_trials` must be a non-negative integer or None (got {n_trials!r})")
    if timeout is not None and (not isinstance(timeout, (int, float)) or timeout <= 0):
        raise ValueError(
            f"`timeout` must be a positive number of seconds or None (got {timeout!r})"
        )


class _Loop:
    """State of one optimize call."""

    def __init__(
        self,
        study: Study,
        coordinator: TrialCoordinator,
        objective: Objective,
        executor: Executor,
        *,
        n_trials: int | None,
        timeout: float | None,
        callbacks: Sequence[StudyCallback],
        catch: tuple[type[BaseException], ...],
        trial_timeout_s: float | None,
    ) -> None:
        self.study = study
        self.trial_timeout_s = trial_timeout_s
        self.coordinator = coordinator
        self.objective = objective
        self.executor = executor
        self.n_trials = n_trials
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.callbacks = callbacks
        self.catch = catch
        self.n_started = 0
        self.pending: dict[int, TrialTask] = {}  # number -> task, started and not stored
        self.futures: dict[Future[TrialOutcome], int] = {}
        self.exhausted = False

    def can_start(self) -> bool:
        if self.study.stop_requested or self.exhausted:
            return False
        if self.n_trials is not None and self.n_started >= self.n_trials:
            return False
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return False
        return not self.coordinator.sampler.is_exhausted(self.coordinator.history())

    def start_one(self) -> None:
        number, seed, budget, tags = self.coordinator.start_trial()
        self.n_started += 1
        task = TrialTask(
            number=number,
            seed=seed,
            n_objectives=len(self.study.directions),
            catch=self.catch,
            budget=budget,
            tags=tags,
            timeout_s=self.trial_timeout_s,
            checkpoints=self.coordinator.checkpoint_candidates(number),
        )
        self.pending[number] = task
        future = self.executor.submit(self.objective, task, self.coordinator)
        self.futures[future] = number
        if future.done():
            self.collect(future)

    def collect(self, future: Future[TrialOutcome]) -> None:
        number = self.futures.pop(future)
        outcome = future.result()
        if isinstance(outcome.error, (KeyboardInterrupt, Terminated)):
            # Raised by the objective in a worker: stop as if it had reached this
            # process; the trial stays pending and is failed as interrupted.
            raise outcome.error
        self.pending.pop(number, None)
        attrs: dict[str, Any] = {SystemAttr.WORKER: outcome.worker}
        if outcome.environment is not None:
            attrs[SystemAttr.ENVIRONMENT] = outcome.environment
        if outcome.traceback is not None:
            attrs[SystemAttr.TRACEBACK] = outcome.traceback
        if outcome.fail_kind is not None:
            attrs[SystemAttr.FAIL_KIND] = outcome.fail_kind.value
        try:
            frozen = self.coordinator.finish_trial(
                number,
                outcome.state,
                values=outcome.values,
                fail_reason=outcome.fail_reason,
                system_attrs=attrs,
            )
        except StaleTrialError as exc:
            _log.warning("the late result of trial %d was rejected: %s", number, exc)
            return
        if outcome.lost:
            self.coordinator.maybe_retry(frozen)
        _log_trial(self.study, frozen)
        for callback in self.callbacks:
            callback(self.study, frozen)
        if outcome.error is not None and not outcome.caught:
            raise outcome.error

    def run(self) -> None:
        while True:
            while len(self.futures) < self.executor.n_workers and self.can_start():
                try:
                    self.start_one()
                except SamplerExhaustedError:
                    self.exhausted = True  # other processes took the rest (a grid)
                    break
            if not self.futures:
                return
            self.executor.serve(0.05)
            for future in [f for f in self.futures if f.done()]:
                self.collect(future)

    def abandon(self, reason: str) -> None:
        """Fail every started, unfinished trial as interrupted (and re-queue it
        when retries are allowed)."""
        for number in list(self.pending):
            try:
                frozen = self.coordinator.finish_trial(
                    number,
                    TrialState.FAIL,
                    fail_reason=reason,
                    system_attrs={
                        SystemAttr.INTERRUPTED: True,
                        SystemAttr.FAIL_KIND: FailKind.INTERRUPTED.value,
                    },
                )
            except StaleTrialError:
                continue
            except Exception:  # noqa: BLE001 - keep failing the others
                _log.exception("could not mark trial %d as interrupted", number)
                continue
            self.coordinator.maybe_retry(frozen)
        self.pending.clear()


def _log_trial(study: Study, trial: FrozenTrial) -> None:
    if not _log.isEnabledFor(logging.INFO):
        return
    if trial.state is TrialState.COMPLETE and not study.is_multi_objective:
        best = study.best_trial
        _log.info(
            "trial %d finished with value %r and parameters %r; best is trial %d with value %r",
            trial.number,
            trial.value,
            dict(trial.params),
            best.number,
            best.value,
        )
    else:
        _log.info(
            "trial %d finished as %s%s",
            trial.number,
            trial.state.name,
            f" ({trial.fail_reason})" if trial.fail_reason else "",
        )


def run_optimize(
    study: Study,
    coordinator: TrialCoordinator,
    objective: Objective,
    *,
    n_trials: int | None,
    timeout: float | None,
    n_jobs: int,
    callbacks: Sequence[StudyCallback],
    catch: tuple[type[BaseException], ...],
    executor: Executor | None,
    trial_timeout_s: float | None = None,
) -> None:
    """Run trials until ``n_trials`` started, ``timeout`` passed, the sampler is
    exhausted or the study was asked to stop.

    Whatever stops it early (an exception not in ``catch``, Ctrl-C, SIGTERM)
    fails the trials still running as interrupted and is re-raised. A trial
    running longer than ``trial_timeout_s`` is stopped and fails as a timeout.
    """
    _check_limits(n_trials, timeout)
    _check_trial_timeout(trial_timeout_s)
    for c in catch:
        if not (isinstance(c, type) and issubclass(c, BaseException)):
            raise TypeError(f"`catch` must hold exception classes (got {c!r})")
    # Opening the study for work: fail what dead processes left RUNNING first, so
    # their retries are queued before this call starts anything.
    coordinator.fail_stale_trials(force=True)
    owned = executor is None
    ex = make_executor(n_jobs) if executor is None else executor
    loop = _Loop(
        study,
        coordinator,
        objective,
        ex,
        n_trials=n_trials,
        timeout=timeout,
        callbacks=callbacks,
        catch=catch,
        trial_timeout_s=trial_timeout_s,
    )
    with SigtermGuard() as guard:
        try:
            ex.prepare(objective)
            loop.run()
        except BaseException as exc:
            guard.cleaning_up()
            if owned:
                ex.shutdown(cancel=True)
            loop.abandon(interruption_reason(exc))
            raise
        if owned:
            ex.shutdown()
