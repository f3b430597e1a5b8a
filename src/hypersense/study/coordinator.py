"""The coordinator: serves running trials with the sampler, pruner and storage.

It is the one place where a trial's calls meet the plugins: the ``Trial``
handles of this process (and the proxies of worker processes) call its
``suggest``/``report``/``should_prune``/``set_user_attr``; ``Study.ask`` and
``Study.tell`` call ``start_trial`` and ``finish_trial``.
"""

from __future__ import annotations

import logging
import numbers
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hypersense.checkpoints.store import CheckpointStore
from hypersense.direction import StudyDirection
from hypersense.errors import ParameterConflictError, SamplerExhaustedError, StaleTrialError
from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner, PruneVerdict
from hypersense.samplers.base import Sampler, SamplingContext
from hypersense.space.base import Distribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.space.search_space import SearchSpace
from hypersense.storage.base import Storage
from hypersense.storage.json_values import normalize, normalize_attrs
from hypersense.study.cache import TrialCache
from hypersense.study.heartbeat import Heartbeat
from hypersense.study.owner import current_owner
from hypersense.study.recovery import RetryPolicy, TrialRecovery
from hypersense.study.side_values import check_vector, with_side_value
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

__all__ = ["TrialCoordinator"]

#: How often a proposal is made again after another process took its grid point.
_MAX_CLAIM_ATTEMPTS = 100

_log = logging.getLogger(__name__)


@dataclass
class _Running:
    """What the coordinator keeps about one of its running trials."""

    trial_id: int
    number: int
    context: SamplingContext
    history: StudyHistory
    relative_space: SearchSpace
    relative: dict[str, Any]
    started_at: float | None
    system_attrs: dict[str, Any]
    user_attrs: dict[str, Any] = field(default_factory=dict)
    distributions: dict[str, Distribution] = field(default_factory=dict)
    intermediate: dict[int, float] = field(default_factory=dict)

    def frozen(self) -> FrozenTrial:
        return FrozenTrial(
            number=self.number,
            trial_id=self.trial_id,
            state=TrialState.RUNNING,
            params=self.context.params,
            distributions=self.distributions,
            intermediate_values=self.intermediate,
            user_attrs=self.user_attrs,
            system_attrs=self.system_attrs,
            started_at=self.started_at,
        )


def _coerce(value: Any, distribution: Distribution) -> Any:
    """Plain Python types (no numpy scalars); ints for int ranges, floats for float ones."""
    if (
        isinstance(distribution, FloatDistribution)
        and isinstance(value, numbers.Real)
        and not isinstance(value, bool)
    ):
        return float(value)
    if (
        isinstance(distribution, IntDistribution)
        and isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and float(value).is_integer()
    ):
        return int(float(value))
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


class TrialCoordinator:
    """Starts, serves and finishes the trials of one study in this process."""

    def __init__(
        self,
        storage: Storage,
        study_id: int,
        directions: tuple[StudyDirection, ...],
        sampler: Sampler,
        pruner: Pruner,
        policy: RetryPolicy,
        checkpoint_store: CheckpointStore | None = None,
    ) -> None:
        self._storage = storage
        self.checkpoint_store = checkpoint_store
        self._study_id = study_id
        self._directions = directions
        self.sampler = sampler
        self.pruner = pruner
        self._policy = policy
        self._cache = TrialCache(storage, study_id)
        self._running: dict[int, _Running] = {}
        self._lock = threading.RLock()
        self._recovery = TrialRecovery(
            storage,
            study_id,
            policy,
            running_trials=self._stored_running_trials,
            is_mine=lambda number: number in self._running,
            on_changed=self._cache.forget,
        )
        self._kinds: dict[str, Distribution] = {}  # the first distribution of each name
        self._kinds_looked_up: set[str] = set()
        self._heartbeat: Heartbeat | None = None
        if storage.is_shared and policy.heartbeat_interval_s is not None:
            self._heartbeat = Heartbeat(storage, policy.heartbeat_interval_s, self._running_ids)

    # ------------------------------------------------------------ bookkeeping
    def history(self) -> StudyHistory:
        """A fresh, lazily loaded history of the study."""
        return StudyHistory(self._directions, self._cache.load)

    def trials(self) -> list[FrozenTrial]:
        """All trials of the study, as stored now."""
        return self._cache.load()

    def _running_ids(self) -> list[int]:
        with self._lock:
            return [r.trial_id for r in self._running.values()]

    def running_numbers(self) -> list[int]:
        """Numbers of the trials this process is running."""
        with self._lock:
            return list(self._running)

    def _get(self, number: int) -> _Running:
        try:
            return self._running[number]
        except KeyError:
            raise StaleTrialError(
                f"trial {number} is not running in this process (finished or never started)"
            ) from None

    # ------------------------------------------------------------ dead trials
    def _stored_running_trials(self) -> list[FrozenTrial]:
        return [t for t in self._cache.load() if t.state is TrialState.RUNNING]

    def fail_stale_trials(self, *, force: bool = False) -> list[FrozenTrial]:
        """Fail RUNNING trials whose process is gone or whose heartbeat is older than
        the grace period, and re-queue them when retries are allowed. Runs at most
        once per heartbeat interval unless forced."""
        return self._recovery.fail_dead_trials(force=force)

    def maybe_retry(self, trial: FrozenTrial) -> FrozenTrial | None:
        """Re-queue ``trial`` with its parameters if the retry budget allows it."""
        return self._recovery.maybe_retry(trial)

    # ------------------------------------------------------------ trial start
    def start_trial(self) -> tuple[int, int, float | None, Mapping[str, str]]:
        """Start the next trial: a queued one if any, else a new one.

        Returns its number, seed, budget and tags.

        Raises:
            SamplerExhaustedError: Other processes took everything the sampler
                had left (the last grid points); the trial is stored as FAIL,
                ``not_run``, and does not count toward a config's target.
        """
        self.fail_stale_trials()
        owner = {SystemAttr.OWNER: current_owner()} if self._storage.is_shared else None
        frozen = self._storage.start_trial(self._study_id, system_attrs=owner)
        try:
            return self._prepare(frozen)
        except SamplerExhaustedError as exc:
            self._end_unstarted(frozen, f"not run: {exc}", interrupted=True)
            raise
        except BaseException as exc:
            reason = f"could not start: {type(exc).__name__}: {exc}"
            self._end_unstarted(frozen, reason, interrupted=not isinstance(exc, Exception))
            raise

    def _end_unstarted(self, frozen: FrozenTrial, reason: str, *, interrupted: bool) -> None:
        attrs: dict[str, Any] = {SystemAttr.NOT_RUN: True, SystemAttr.FAIL_KIND: "not_run"}
        if interrupted:
            attrs[SystemAttr.INTERRUPTED] = True
        with self._lock:
            self._running.pop(frozen.number, None)
        self._storage.finish_trial(
            frozen.trial_id, TrialState.FAIL, fail_reason=reason, system_attrs=attrs
        )

    def _prepare(self, frozen: FrozenTrial) -> tuple[int, int, float | None, Mapping[str, str]]:
        number = frozen.number
        assignment = self.pruner.assign(self.history(), number)
        fixed = dict(frozen.system_attrs.get(SystemAttr.FIXED_PARAMS, {}))
        sampler = self.sampler
        for _ in range(_MAX_CLAIM_ATTEMPTS):
            history = self.history()
            context = SamplingContext(
                number,
                rng_factory=lambda: sampler.trial_rng(number),
                key=sampler.trial_key(number),
                fixed_params=fixed,
                tags=dict(assignment.tags),
            )
            space = sampler.infer_relative_space(history, context)
            proposal = sampler.sample_relative(history, context, space)
            if self._take_claims(frozen.trial_id, context.claims):
                break
            if sampler.is_exhausted(self.history()):
                raise SamplerExhaustedError(
                    f"{sampler!r} has nothing left to propose: other processes took the rest"
                )
        else:
            raise SamplerExhaustedError(
                f"{sampler!r} proposed {_MAX_CLAIM_ATTEMPTS} times what other processes "
                "had already taken"
            )
        relative = {
            n: _coerce(v, space[n]) for n, v in proposal.items() if n in space and n not in fixed
        }
        seed = sampler.trial_seed(number)
        # Written now because other workers read them (pending proposals,
        # brackets); the seed waits for the trial's last write.
        attrs: dict[str, Any] = dict(context.system_attrs)
        if relative:
            attrs[SystemAttr.PROPOSAL] = relative
        if assignment.tags:
            attrs[SystemAttr.TAGS] = dict(assignment.tags)
        if assignment.budget is not None:
            attrs[SystemAttr.BUDGET] = float(assignment.budget)
        running = _Running(
            trial_id=frozen.trial_id,
            number=number,
            context=context,
            history=history,
            relative_space=space,
            relative=relative,
            started_at=frozen.started_at,
            system_attrs={
                **frozen.system_attrs,
                **normalize_attrs(context.claims),
                **attrs,
                SystemAttr.SEED: seed,
            },
            user_attrs=dict(frozen.user_attrs),
        )
        with self._lock:
            self._running[number] = running
        if attrs:
            self._storage.set_trial_attrs(frozen.trial_id, attrs, system=True)
        if self._heartbeat is not None:
            self._heartbeat.ensure_running()
        return number, seed, assignment.budget, dict(assignment.tags)

    def _take_claims(self, trial_id: int, claims: Mapping[str, Any]) -> bool:
        """Take every claimed attribute in the storage; False if another trial holds one."""
        return all(self._storage.claim_unique_attr(trial_id, k, v) for k, v in claims.items())

    def _check_compatible(self, name: str, distribution: Distribution) -> None:
        """Refuse a parameter whose kind (float, int, categorical) differs from the one
        it had in earlier trials of the study: such a study can no longer be analysed."""
        known = self._kinds.get(name)
        if known is None and name not in self._kinds_looked_up:
            self._kinds_looked_up.add(name)
            self._cache.load()
            known = self._cache.first_distribution(name)
        if known is None:
            self._kinds[name] = distribution
            return
        self._kinds.setdefault(name, known)
        if type(known) is type(distribution):
            return  # bounds, scale and choices may differ (alternative spaces)
        raise ParameterConflictError(
            f"parameter {name!r} is {known!r} in earlier trials of this study; it cannot "
            f"become {distribution!r} (a changed search space needs a new study name)"
        )

    # ------------------------------------------------------ TrialBackend calls
    def suggest(self, number: int, name: str, distribution: Distribution) -> Any:
        run = self._get(number)
        if name in run.distributions:
            if run.distributions[name] == distribution:
                return run.context.params[name]
            raise ParameterConflictError(
                f"parameter {name!r} was already suggested from {run.distributions[name]!r} in "
                f"trial {number}; it cannot be redefined as {distribution!r}"
            )
        self._check_compatible(name, distribution)
        ctx = run.context
        if name in ctx.fixed_params:
            value = _coerce(ctx.fixed_params[name], distribution)
            if not distribution.contains(value):
                raise ValueError(
                    f"the enqueued value {value!r} of parameter {name!r} is not in {distribution!r}"
                )
        elif name in run.relative and run.relative_space.get(name) == distribution:
            value = _coerce(run.relative[name], distribution)
        else:
            value = _coerce(
                self.sampler.sample_independent(run.history, ctx, name, distribution), distribution
            )
        self._storage.set_trial_param(run.trial_id, name, distribution, value)
        ctx.params[name] = value
        run.distributions[name] = distribution
        return value

    def report(self, number: int, step: int, value: float | tuple[float, ...]) -> None:
        run = self._get(number)
        if isinstance(value, tuple):
            check_vector(number, step, value, len(self._directions))
            self._store_side_value(run, SystemAttr.INTERMEDIATE_VECTORS, step, list(value))
            value = value[0]
        self._storage.set_trial_intermediate_value(run.trial_id, step, value)
        run.intermediate[step] = value

    def report_series(self, number: int, series: str, step: int, value: float) -> None:
        if not isinstance(series, str) or not series:
            raise ValueError(f"`series` must be a non-empty string (got {series!r})")
        self._store_side_value(self._get(number), SystemAttr.SERIES_PREFIX + series, step, value)

    def _store_side_value(self, run: _Running, key: str, step: int, value: Any) -> None:
        stored = with_side_value(run.system_attrs.get(key), step, value)
        if stored is not None:
            self._storage.set_trial_attrs(run.trial_id, {key: stored}, system=True)
            run.system_attrs[key] = normalize(stored, what=f"system attribute {key!r}")

    def should_prune(self, number: int) -> bool:
        run = self._get(number)
        return self._apply(run, self.pruner.judge(self.history(), run.frozen()))

    def should_prune_series(self, number: int, series: str) -> bool:
        run = self._get(number)
        return self._apply(run, self.pruner.judge_series(self.history(), run.frozen(), series))

    def _apply(self, run: _Running, verdict: PruneVerdict) -> bool:
        """Store the verdict's attributes on the trial; whether it says PRUNE."""
        decision = verdict.decision
        if not isinstance(decision, PruneDecision):
            raise TypeError(f"{self.pruner!r}.decide returned {decision!r}, not a PruneDecision")
        if verdict.system_attrs:  # e.g. a forecast of the final value
            self._storage.set_trial_attrs(run.trial_id, verdict.system_attrs, system=True)
            run.system_attrs.update(normalize_attrs(verdict.system_attrs))
        return decision is PruneDecision.PRUNE

    def set_user_attr(self, number: int, key: str, value: Any) -> None:
        run = self._get(number)
        self._storage.set_trial_attrs(run.trial_id, {key: value})
        run.user_attrs[key] = normalize(value, what=f"user attribute {key!r}")

    def set_system_attr(self, number: int, key: str, value: Any) -> None:
        run = self._get(number)
        self._storage.set_trial_attrs(run.trial_id, {key: value}, system=True)
        run.system_attrs[key] = normalize(value, what=f"system attribute {key!r}")

    def checkpoint_candidates(self, number: int) -> tuple[tuple[int, str], ...]:
        """Where running trial ``number`` saves its checkpoints and looks for one
        (its own directory, then those of the trials it retries)."""
        if self.checkpoint_store is None:
            return ()
        retry_of = self._get(number).system_attrs.get(SystemAttr.RETRY_OF)
        return self.checkpoint_store.resume_candidates(number, retry_of, self._cache.load)

    # ------------------------------------------------------------ trial end
    def finish_trial(
        self,
        number: int,
        state: TrialState,
        *,
        values: tuple[float, ...] | None = None,
        fail_reason: str | None = None,
        system_attrs: Mapping[str, Any] | None = None,
        on_finished: Callable[[FrozenTrial], None] | None = None,
    ) -> FrozenTrial:
        """Store the end of a running trial and tell the sampler.

        Raises StaleTrialError, storing nothing, if another process already
        failed the trial (its heartbeat went stale).
        """
        run = self._get(number)
        if (
            state is TrialState.PRUNED
            and values is None
            and run.intermediate
            and len(self._directions) == 1
        ):
            values = (run.intermediate[max(run.intermediate)],)
        last_attrs = {SystemAttr.SEED: run.system_attrs[SystemAttr.SEED], **(system_attrs or {})}
        try:
            now = self._storage.finish_trial(
                run.trial_id,
                state,
                values=values,
                fail_reason=fail_reason,
                system_attrs=last_attrs,
            )
        finally:
            with self._lock:
                self._running.pop(number, None)
        # The record as stored, built from what this process wrote (no read-back).
        frozen = FrozenTrial(
            number=number,
            trial_id=run.trial_id,
            state=state,
            values=values,
            params=run.context.params,
            distributions=run.distributions,
            intermediate_values=run.intermediate,
            user_attrs=run.user_attrs,
            system_attrs={**run.system_attrs, **normalize_attrs(last_attrs)},
            started_at=run.started_at,
            completed_at=now,
            heartbeat_at=None,
            fail_reason=fail_reason,
        )
        self.sampler.after_trial(self.history(), frozen)
        if on_finished is not None:
            on_finished(frozen)
        return frozen

    def close(self) -> None:
        """Stop the heartbeat thread."""
        if self._heartbeat is not None:
            self._heartbeat.stop()
