"""The study: a named optimisation with its trials, sampler, pruner and storage."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersense.checkpoints.store import CheckpointStore, default_checkpoint_root
from hypersense.direction import StudyDirection, to_minimization
from hypersense.errors import StaleTrialError
from hypersense.execution.executor_choice import ExecutorSpec
from hypersense.execution.outcome import Objective, check_objective_values
from hypersense.pareto import non_dominated_mask
from hypersense.pruners.base import Pruner
from hypersense.samplers.base import Sampler
from hypersense.storage.base import Storage, StudyRecord
from hypersense.study.coordinator import TrialCoordinator
from hypersense.study.recovery import RetryPolicy
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState
from hypersense.trial.trial import Trial

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Study", "StudyCallback"]

_log = logging.getLogger(__name__)

#: Called after each finished trial of ``optimize`` with the study and the trial.
StudyCallback = Callable[["Study", FrozenTrial], None]


class Study:
    """A named optimisation: its directions, trials, sampler, pruner and storage.

    Build one with :func:`hypersense.create_study` or
    :func:`hypersense.load_study`; run it with :meth:`optimize`, or drive it by
    hand with :meth:`ask` and :meth:`tell`.
    """

    def __init__(
        self,
        record: StudyRecord,
        storage: Storage,
        *,
        sampler: Sampler,
        pruner: Pruner,
        policy: RetryPolicy,
        checkpoint_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self._record = record
        self._storage = storage
        self._policy = policy
        root = default_checkpoint_root(storage) if checkpoint_dir is None else checkpoint_dir
        store = None if root is None else CheckpointStore(root, record.name)
        self._coordinator = TrialCoordinator(
            storage, record.study_id, record.directions, sampler, pruner, policy, store
        )
        self._stop_requested = False

    def __repr__(self) -> str:
        return (
            f"Study(study_name={self.study_name!r}, directions="
            f"{[d.value for d in self.directions]}, sampler={self.sampler!r}, "
            f"pruner={self.pruner!r}, storage={self._storage!r})"
        )

    # -------------------------------------------------------------- identity
    @property
    def study_name(self) -> str:
        """The study's unique name in its storage."""
        return self._record.name

    @property
    def storage(self) -> Storage:
        """Where the study lives."""
        return self._storage

    @property
    def directions(self) -> tuple[StudyDirection, ...]:
        """One direction per objective."""
        return self._record.directions

    @property
    def direction(self) -> StudyDirection:
        """The direction of a single-objective study."""
        if len(self.directions) != 1:
            raise RuntimeError("this study has several directions; use `directions`")
        return self.directions[0]

    @property
    def is_multi_objective(self) -> bool:
        """Whether the study has several objectives."""
        return len(self.directions) > 1

    @property
    def sampler(self) -> Sampler:
        """The sampler proposing parameters."""
        return self._coordinator.sampler

    @property
    def pruner(self) -> Pruner:
        """The pruner deciding whether trials go on."""
        return self._coordinator.pruner

    @property
    def retry_policy(self) -> RetryPolicy:
        """Heartbeat and retry settings of this process."""
        return self._policy

    @property
    def user_attrs(self) -> dict[str, Any]:
        """User attributes of the study (as stored now)."""
        return dict(self._storage.get_study(self.study_name).user_attrs)

    @property
    def system_attrs(self) -> dict[str, Any]:
        """System attributes of the study (as stored now)."""
        return dict(self._storage.get_study(self.study_name).system_attrs)

    def set_user_attr(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable attribute on the study."""
        self._storage.set_study_attr(self._record.study_id, key, value)

    def set_system_attr(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable system attribute (for hypersense's own tools)."""
        self._storage.set_study_attr(self._record.study_id, key, value, system=True)

    # ---------------------------------------------------------------- trials
    @property
    def trials(self) -> list[FrozenTrial]:
        """Every trial, in number order."""
        return self._coordinator.trials()

    def get_trials(
        self, states: Iterable[TrialState] | None = None, *, deepcopy: bool = True
    ) -> list[FrozenTrial]:
        """Trials in the given states (all by default), in number order.

        ``deepcopy`` is accepted for Optuna's callers and changes nothing: the
        records are immutable, so they are never copied.
        """
        trials = self._coordinator.trials()
        if states is None:
            return trials
        wanted = frozenset(states)
        return [t for t in trials if t.state in wanted]

    def _completed(self) -> list[FrozenTrial]:
        return [t for t in self._coordinator.trials() if t.is_valid_value()]

    @property
    def best_trial(self) -> FrozenTrial:
        """The COMPLETE trial with the best value (the earliest on ties)."""
        if self.is_multi_objective:
            raise RuntimeError(
                "a multi-objective study has no single best trial; "
                "use `best_trials` (the Pareto front)"
            )
        completed = self._completed()
        if not completed:
            raise ValueError(f"study {self.study_name!r} has no COMPLETE trial yet")
        losses = to_minimization(
            np.array([t.objective_value() for t in completed]),
            self.directions,
        )
        return completed[int(np.argmin(losses))]

    @property
    def best_value(self) -> float:
        """The best objective value found so far."""
        value = self.best_trial.value
        assert value is not None
        return value

    @property
    def best_params(self) -> dict[str, Any]:
        """Parameters of the best trial."""
        return dict(self.best_trial.params)

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The Pareto front: COMPLETE trials no other COMPLETE trial dominates.

        For a single objective, every trial that ties the best value.
        """
        completed = self._completed()
        if not completed:
            return []
        losses = to_minimization(np.array([t.values for t in completed]), self.directions)
        mask = non_dominated_mask(losses)
        return [t for t, keep in zip(completed, mask, strict=True) if keep]

    # ------------------------------------------------------------ ask & tell
    def ask(self) -> Trial:
        """Start a new trial (or the oldest enqueued one) and return its handle."""
        number, seed, budget, tags = self._coordinator.start_trial()
        return Trial(
            self._coordinator,
            number,
            seed=seed,
            budget=budget,
            tags=tags,
            checkpoints=self._coordinator.checkpoint_candidates(number),
        )

    def tell(
        self,
        trial: Trial | int,
        values: float | Sequence[float] | None = None,
        *,
        state: TrialState | None = None,
        fail_reason: str | None = None,
        skip_if_finished: bool = False,
    ) -> FrozenTrial:
        """Finish a trial started with :meth:`ask`.

        Args:
            trial: The handle or its number.
            values: The objective value(s); required for COMPLETE. NaN, inf or
                the wrong count make the trial FAIL, with the reason stored.
            state: COMPLETE (default when values are given), PRUNED or FAIL.
            fail_reason: Why the trial failed, stored with it.
            skip_if_finished: Return the stored trial instead of raising
                StaleTrialError when it is no longer running.
        """
        number = trial.number if isinstance(trial, Trial) else int(trial)
        if state is None:
            state = TrialState.COMPLETE if values is not None else TrialState.FAIL
        vals: tuple[float, ...] | None = None
        if state is TrialState.COMPLETE:
            vals, reason = check_objective_values(values, len(self.directions))
            if vals is None:
                state, fail_reason = TrialState.FAIL, reason
        elif values is not None:
            raw = [values] if isinstance(values, (int, float)) else list(values)
            vals = tuple(float(v) for v in raw)
        try:
            return self._coordinator.finish_trial(
                number, state, values=vals, fail_reason=fail_reason
            )
        except StaleTrialError:
            if not skip_if_finished:
                raise
            return next(t for t in self.trials if t.number == number)

    def fail_stale_trials(self) -> list[FrozenTrial]:
        """Fail (and re-queue, if retries are allowed) RUNNING trials whose process is
        gone or whose heartbeat is older than the grace period; returns the trials
        failed by this call.

        ``optimize`` and ``ask`` do this by themselves at most once per heartbeat
        interval; call it to clean up a study nobody is running.
        """
        return self._coordinator.fail_stale_trials(force=True)

    def enqueue_trial(
        self,
        params: Mapping[str, Any],
        *,
        user_attrs: Mapping[str, Any] | None = None,
        skip_if_exists: bool = False,
    ) -> FrozenTrial | None:
        """Queue a trial with fixed parameter values; it runs before new proposals.

        Parameters not given are sampled as usual. With ``skip_if_exists``,
        nothing is queued (and None returned) when a trial with the same values
        already exists.
        """
        fixed = json.loads(json.dumps(dict(params)))
        if skip_if_exists:
            for t in self.trials:
                given = t.system_attrs.get(SystemAttr.FIXED_PARAMS, {})
                if all(t.params.get(k, given.get(k, _MISSING)) == v for k, v in fixed.items()):
                    return None
        return self._storage.create_trial(
            self._record.study_id,
            state=TrialState.WAITING,
            system_attrs={SystemAttr.FIXED_PARAMS: fixed},
            user_attrs=user_attrs,
        )

    def add_trial(self, trial: FrozenTrial) -> FrozenTrial:
        """Store a finished trial made outside this study (see
        :func:`hypersense.create_trial`); samplers learn from it like from their own."""
        return self.add_trials([trial])[0]

    def add_trials(self, trials: Iterable[FrozenTrial]) -> list[FrozenTrial]:
        """Store several finished trials, in order; all are checked before any is written."""
        from hypersense.study.added_trials import add_trials

        return add_trials(self._storage, self._record.study_id, trials, len(self.directions))

    @property
    def metric_names(self) -> list[str] | None:
        """Names of the objectives (one per direction), if set."""
        names = self.system_attrs.get(_METRIC_NAMES)
        return None if names is None else list(names)

    def set_metric_names(self, metric_names: Sequence[str]) -> None:
        """Name the objectives, one name per direction (shown by reports and exports)."""
        names = list(metric_names)
        if len(names) != len(self.directions) or not all(isinstance(n, str) and n for n in names):
            raise ValueError(
                f"`metric_names` must be {len(self.directions)} non-empty string(s), one per "
                f"direction (got {metric_names!r})"
            )
        self.set_system_attr(_METRIC_NAMES, names)

    # -------------------------------------------------------------- optimize
    def optimize(
        self,
        objective: Objective,
        n_trials: int | None = None,
        *,
        timeout: float | None = None,
        n_jobs: int = 1,
        callbacks: Sequence[StudyCallback] = (),
        catch: Iterable[type[Exception]] | type[Exception] = (),
        executor: ExecutorSpec = None,
        gc_after_trial: bool = False,
        show_progress_bar: bool = False,
        trial_timeout_s: float | None = None,
    ) -> None:
        """Run trials of ``objective`` until a limit is reached.

        Args:
            objective: ``objective(trial) -> float`` (or a list of floats, one
                per direction). Raise ``hypersense.TrialPruned`` to stop early.
            n_trials: How many trials to start in this call (None: no limit).
            timeout: Seconds after which no new trial starts (running ones end).
            n_jobs: Worker processes (1: in this thread; -1: one per CPU this
                process may use).
            callbacks: ``callback(study, trial)`` after each finished trial.
            catch: Exception types that fail the trial but let the study go on;
                any other exception is re-raised after its trial is stored.
            executor: Where trials run, overriding ``n_jobs`` (e.g. a
                ``DaskExecutor``).
            gc_after_trial: Run Python's garbage collector after each trial
                (for objectives that leave reference cycles holding memory).
            show_progress_bar: Draw a progress bar on the terminal (stderr):
                trials done, the best value, elapsed and remaining time.
            trial_timeout_s: Stop a trial that runs longer and store it FAIL
                with ``fail_kind`` ``timeout`` (not retried). Worker processes
                and Dask workers are stopped at the deadline; in this thread
                (``n_jobs=1``) a trial is stopped at its next ``suggest``/
                ``report``/``should_prune`` call, and one that returns late
                fails all the same.

        Stops early when the sampler is exhausted (a finished grid) or
        :meth:`stop` is called. Ctrl-C fails the running trials as
        interrupted, keeps every finished one, and re-raises KeyboardInterrupt.
        SIGTERM does the same and raises :class:`hypersense.Terminated` when
        ``optimize`` runs in the main thread and SIGTERM has its default action.
        An objective's exception, ``sys.exit`` or unusable value is handled
        the same way whatever ``n_jobs`` is.
        """
        from hypersense.study.optimize import run_optimize
        from hypersense.study.progress_bar import extra_callbacks

        self._stop_requested = False
        catch_types = (catch,) if isinstance(catch, type) else tuple(catch)
        with extra_callbacks(
            gc_after_trial=gc_after_trial, show_progress_bar=show_progress_bar, n_trials=n_trials
        ) as extra:
            run_optimize(
                self,
                self._coordinator,
                objective,
                n_trials=n_trials,
                timeout=timeout,
                n_jobs=n_jobs,
                callbacks=(*callbacks, *extra),
                catch=catch_types,
                executor=executor,
                trial_timeout_s=trial_timeout_s,
            )

    @property
    def checkpoint_store(self) -> CheckpointStore | None:
        """Where trials save their checkpoints (None: the study has no checkpoint
        directory, so ``trial.save_checkpoint`` raises)."""
        return self._coordinator.checkpoint_store

    def delete_checkpoints(
        self, states: Iterable[TrialState] = (TrialState.COMPLETE, TrialState.PRUNED)
    ) -> list[int]:
        """Delete the checkpoints of finished trials in ``states`` (and of the failed
        trials they retried); returns the numbers of the trials whose checkpoints
        were deleted. Running trials, and failed ones a retry may still resume
        from, keep theirs."""
        store = self._coordinator.checkpoint_store
        return [] if store is None else store.collect_garbage(self.trials, states)

    def stop(self) -> None:
        """Ask a running ``optimize`` to start no new trial (call from a callback)."""
        self._stop_requested = True

    @property
    def stop_requested(self) -> bool:
        """Whether :meth:`stop` was called during the current ``optimize``."""
        return self._stop_requested

    # ------------------------------------------------------------- exporting
    def trials_dataframe(self, *, attrs: Sequence[str] | None = None) -> pd.DataFrame:
        """One row per trial: number, state, values, params_*, user_attrs_*, times.

        Needs pandas (``pip install "hypersense[pandas]"``).
        """
        from hypersense.study.dataframe import trials_dataframe

        return trials_dataframe(self, attrs=attrs)

    def close(self) -> None:
        """Stop this process's heartbeat thread (running trials are not touched)."""
        self._coordinator.close()


#: The study system attribute holding the objectives' names.
_METRIC_NAMES = "metric_names"


class _Missing:
    pass


_MISSING = _Missing()
