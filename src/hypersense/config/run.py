"""Running a config: open (or resume) its study and run trials up to the target."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hypersense.config.build import RunSpec, build_run
from hypersense.config.loader import config_source
from hypersense.config.lr_range import resolve_lr_range
from hypersense.config.objective import send_module_by_value
from hypersense.config.resume import count_toward_target
from hypersense.config.schema import StudyConfig
from hypersense.config.space_check import check_space
from hypersense.config.storage_url import open_storage
from hypersense.direction import StudyDirection
from hypersense.errors import HypersenseError
from hypersense.execution.dask import DaskExecutor
from hypersense.storage.base import Storage
from hypersense.study.management import create_study
from hypersense.study.stop_request import StopOnRequest
from hypersense.study.study import Study, StudyCallback
from hypersense.tasks.base import Task
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["ProgressCallback", "RunStatus", "run_config"]


@dataclass(frozen=True)
class RunStatus:
    """Where a run of a config stands; sent after each finished trial and returned.

    Attributes:
        study_name: The study's name.
        directions: One direction per objective.
        n_target: The config's ``n_trials`` (None: no target, only a timeout).
        n_done_before: Trials that counted toward the target when the run began.
        n_done: Trials that count toward the target now.
        n_new: Trials this run finished, in any state.
        elapsed_s: Seconds since this run began.
        trial: The trial that just finished (None in the first and last status).
        best_trials: The best trial (single objective) or the Pareto front.
        task: The built-in task the config names, if any.
    """

    study_name: str
    directions: tuple[StudyDirection, ...]
    n_target: int | None
    n_done_before: int
    n_done: int
    n_new: int
    elapsed_s: float
    trial: FrozenTrial | None
    best_trials: tuple[FrozenTrial, ...]
    task: Task | None = None

    @property
    def reached_target(self) -> bool:
        """Whether the study has its target number of trials."""
        return self.n_target is not None and self.n_done >= self.n_target


#: Receives a :class:`RunStatus` when the run begins and after each finished trial.
ProgressCallback = Callable[[RunStatus], None]


def _best(study: Study) -> tuple[FrozenTrial, ...]:
    if study.is_multi_objective:
        return tuple(study.best_trials)
    try:
        return (study.best_trial,)
    except ValueError:  # no COMPLETE trial yet
        return ()


def _open_study(spec: RunSpec, config: StudyConfig) -> tuple[Study, RunSpec, bool]:
    """Create or load the study; return it, the spec it runs (with a learning
    rate resolved from a range test, when the config asks), and True when this
    call opened the storage."""
    source = config_source(config)
    owned = not isinstance(spec.storage, Storage)
    try:
        store = open_storage(spec.storage) if isinstance(spec.storage, str) else spec.storage
    except HypersenseError as exc:
        if spec.storage_from_config:
            raise source.error(("storage",), str(exc)) from None
        raise
    try:
        plan = resolve_lr_range(config, spec, store)
        if plan is not None:
            spec = dataclasses.replace(build_run(plan.config, storage=store), storage=spec.storage)
    except BaseException:
        if owned:
            store.close()
        raise
    try:
        study = create_study(
            spec.study_name,
            store,
            directions=spec.directions,
            sampler=spec.sampler,
            pruner=spec.pruner,
            load_if_exists=True,
            max_retries=spec.max_retries,
            heartbeat_interval_s=spec.heartbeat_interval_s,
            grace_period_s=spec.grace_period_s,
            checkpoint_dir=spec.checkpoint_dir,
        )
    except ValueError as exc:  # the stored study has other directions
        if owned:
            store.close()
        field = "directions" if config.directions is not None else "direction"
        raise source.error((field,), f"{exc}; use another `study_name`") from None
    except BaseException:
        if owned:
            store.close()
        raise
    if plan is not None:
        try:
            plan.record(study)
        except BaseException:
            study.close()
            if owned:
                store.close()
            raise
    return study, spec, owned


class _RunTracker:
    """Counts this run's trials, stops the study at its target, sends statuses."""

    def __init__(self, study: Study, spec: RunSpec, progress: ProgressCallback | None) -> None:
        self._study = study
        self._spec = spec
        self._progress = progress
        self._started = time.monotonic()
        self.done_before = count_toward_target(study.trials)
        self._n_new = 0

    def status(self, trial: FrozenTrial | None, n_done: int) -> RunStatus:
        return RunStatus(
            study_name=self._study.study_name,
            directions=self._study.directions,
            n_target=self._spec.n_trials,
            n_done_before=self.done_before,
            n_done=n_done,
            n_new=self._n_new,
            elapsed_s=time.monotonic() - self._started,
            trial=trial,
            best_trials=_best(self._study),
            task=self._spec.task,
        )

    def start(self) -> None:
        if self._progress is not None:
            self._progress(self.status(None, self.done_before))

    def on_trial(self, study: Study, trial: FrozenTrial) -> None:
        """The study callback: count, stop at the target, report."""
        self._n_new += 1
        trials = study.trials
        n_done = count_toward_target(trials)
        target = self._spec.n_trials
        # Another process may have brought the study to its target; queued trials
        # (retries, enqueued points) still run.
        if (
            target is not None
            and n_done >= target
            and not any(t.state is TrialState.WAITING for t in trials)
        ):
            study.stop()
        if self._progress is not None:
            self._progress(self.status(trial, n_done))


def run_config(
    config: StudyConfig,
    *,
    storage: str | Storage | None = None,
    callbacks: Sequence[StudyCallback] = (),
    progress: ProgressCallback | None = None,
    allow_space_change: bool = False,
) -> RunStatus:
    """Run ``config``'s study up to its target, resuming it if it exists.

    The study (named by the config, else after its file) is created, or
    loaded when it exists in the storage. ``n_trials`` is the study's target
    of trials that count (see :mod:`hypersense.config.resume`): a run starts
    ``n_trials`` minus those already there, so running the same config again
    after Ctrl-C continues where it stopped, and does nothing once the target
    is reached. ``timeout_s`` limits each run. Several processes running one
    config share its study; each stops starting trials once the shared count
    reaches the target.

    Args:
        config: A validated config.
        storage: Overrides the config's ``storage`` (URL or Storage).
        callbacks: ``callback(study, trial)`` after each finished trial.
        progress: Receives a :class:`RunStatus` at the start and after each
            finished trial (the command line draws its progress bar from it).
        allow_space_change: Continue a study whose recorded search space differs
            from the config's (and record the new one) instead of refusing.

    Before counting, trials that a dead process left RUNNING are failed (and
    re-queued if ``max_retries`` allows), and every queued (WAITING) trial is
    run even when the target is already met, so retries are never stranded.

    Returns:
        The status at the end of the run.

    Raises:
        ConfigError: The config cannot be built or clashes with the stored study
            (other directions, or another search space).
        KeyboardInterrupt: After Ctrl-C; running trials were stored as FAIL
            (interrupted), finished ones are kept.
        Terminated: After SIGTERM, likewise.
    """
    spec = build_run(config, storage=storage)
    if spec.executor is None:
        return _run_spec(spec, config, callbacks, progress, allow_space_change)
    with spec.executor:  # the run built it, so the run shuts it down
        return _run_spec(spec, config, callbacks, progress, allow_space_change)


def _send_objective_to_cluster(config: StudyConfig, spec: RunSpec) -> None:
    """A Dask cluster gets the config's own objective module by value."""
    source = config_source(config)
    if isinstance(spec.executor, DaskExecutor) and config.objective and source.path:
        send_module_by_value(config.objective, search_dir=source.path.parent)


def _run_spec(
    spec: RunSpec,
    config: StudyConfig,
    callbacks: Sequence[StudyCallback],
    progress: ProgressCallback | None,
    allow_space_change: bool,
) -> RunStatus:
    study, spec, owned = _open_study(spec, config)
    try:
        changes = check_space(study, spec.space, allow_change=allow_space_change)
        if changes:
            raise config_source(config).error(
                ("space",),
                f"the search space differs from the one study {spec.study_name!r} was run "
                f"with: {'; '.join(changes)}. Give the config a new `study_name`, or run "
                "with --allow-space-change to continue this study with the new space",
            )
        study.fail_stale_trials()
        tracker = _RunTracker(study, spec, progress)
        tracker.start()
        target = spec.n_trials
        n_waiting = len(study.get_trials((TrialState.WAITING,)))
        remaining = None if target is None else max(target - tracker.done_before, n_waiting)
        if remaining != 0:
            _send_objective_to_cluster(config, spec)
            study.optimize(
                spec.objective,
                n_trials=remaining,
                timeout=spec.timeout_s,
                n_jobs=spec.n_jobs,
                executor=spec.executor,
                callbacks=[tracker.on_trial, StopOnRequest(study), *callbacks],
                catch=spec.catch,
                trial_timeout_s=spec.trial_timeout_s,
            )
        return tracker.status(None, count_toward_target(study.trials))
    finally:
        study.close()
        if owned:
            study.storage.close()
