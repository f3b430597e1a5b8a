"""Creating, loading, listing and deleting studies (not the Study's own job)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence

from hypersense.direction import StudyDirection, parse_direction
from hypersense.errors import DuplicatedStudyError
from hypersense.pruners.base import Pruner
from hypersense.pruners.nop import NopPruner
from hypersense.pruners.options import check_directions
from hypersense.samplers.base import Sampler
from hypersense.storage.base import Storage, StudySummary
from hypersense.storage.url import get_storage
from hypersense.study.recovery import RetryPolicy
from hypersense.study.study import Study

__all__ = [
    "copy_study",
    "create_study",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
]


def _directions(
    direction: str | StudyDirection | None,
    directions: Sequence[str | StudyDirection] | None,
) -> tuple[StudyDirection, ...]:
    if direction is not None and directions is not None:
        raise ValueError("give either `direction` or `directions`, not both")
    if directions is not None:
        if isinstance(directions, (str, StudyDirection)) or len(directions) == 0:
            raise ValueError(
                f"`directions` must be a non-empty list of 'minimize'/'maximize' "
                f"(got {directions!r})"
            )
        return tuple(parse_direction(d) for d in directions)
    return (parse_direction(direction if direction is not None else "minimize"),)


def _default_sampler() -> Sampler:
    from hypersense.samplers.auto import AutoSampler

    return AutoSampler()


def _policy(
    heartbeat_interval_s: float | None, grace_period_s: float | None, max_retries: int
) -> RetryPolicy:
    if heartbeat_interval_s is not None and heartbeat_interval_s <= 0:
        raise ValueError(
            f"`heartbeat_interval_s` must be > 0 or None (got {heartbeat_interval_s!r})"
        )
    if grace_period_s is not None and grace_period_s <= 0:
        raise ValueError(f"`grace_period_s` must be > 0 or None (got {grace_period_s!r})")
    if not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError(f"`max_retries` must be an integer >= 0 (got {max_retries!r})")
    return RetryPolicy(heartbeat_interval_s, grace_period_s, max_retries)


def create_study(
    study_name: str | None = None,
    storage: str | Storage | None = None,
    *,
    direction: str | StudyDirection | None = None,
    directions: Sequence[str | StudyDirection] | None = None,
    sampler: Sampler | None = None,
    pruner: Pruner | None = None,
    load_if_exists: bool = False,
    heartbeat_interval_s: float | None = 30.0,
    grace_period_s: float | None = None,
    max_retries: int = 0,
    checkpoint_dir: str | os.PathLike[str] | None = None,
) -> Study:
    """Create a study (or load it with ``load_if_exists``).

    Args:
        study_name: Unique name in the storage; a random one if None.
        storage: None (in memory), a URL (``sqlite:///hypersense.db``,
            ``postgresql://user@host/db``) or a Storage.
        direction: ``"minimize"`` (default) or ``"maximize"``.
        directions: One direction per objective, for multi-objective studies.
        sampler: Proposes parameters (default: :class:`~hypersense.samplers.AutoSampler`,
            which picks a Gaussian process or TPE from the study's shape).
        pruner: Stops bad trials early (default: never).
        load_if_exists: Load the study if the name is taken instead of raising
            DuplicatedStudyError; the stored directions must match.
        heartbeat_interval_s: How often running trials of this process stamp
            their heartbeat in a shared storage (None: never).
        grace_period_s: After how long without a heartbeat a RUNNING trial is
            failed by another process (default: 4 heartbeat intervals).
        max_retries: How often a trial failed by a stale heartbeat, a dead
            worker or an interruption is re-queued with the same parameters.
        checkpoint_dir: Where trials save checkpoints (``trial.save_checkpoint``);
            default: beside a SQLite file (``study.db`` -> ``study-checkpoints``),
            none for other storages. On a cluster, a shared filesystem path.
    """
    dirs = _directions(direction, directions)
    policy = _policy(heartbeat_interval_s, grace_period_s, max_retries)
    check_directions(pruner, len(dirs))
    store = get_storage(storage)
    name = study_name if study_name is not None else f"study-{uuid.uuid4().hex[:12]}"
    try:
        record = store.create_study(name, dirs)
    except DuplicatedStudyError:
        if not load_if_exists:
            raise
        record = store.get_study(name)
        if record.directions != dirs and (direction is not None or directions is not None):
            raise ValueError(
                f"study {name!r} exists with directions "
                f"{[d.value for d in record.directions]}, not {[d.value for d in dirs]}"
            ) from None
        check_directions(pruner, len(record.directions))
    return Study(
        record,
        store,
        sampler=sampler or _default_sampler(),
        pruner=pruner or NopPruner(),
        policy=policy,
        checkpoint_dir=checkpoint_dir,
    )


def load_study(
    study_name: str,
    storage: str | Storage,
    *,
    sampler: Sampler | None = None,
    pruner: Pruner | None = None,
    heartbeat_interval_s: float | None = 30.0,
    grace_period_s: float | None = None,
    max_retries: int = 0,
    checkpoint_dir: str | os.PathLike[str] | None = None,
) -> Study:
    """Load an existing study; raises StudyNotFoundError if there is none.

    The options are those of :func:`create_study`.
    """
    store = get_storage(storage)
    record = store.get_study(study_name)
    policy = _policy(heartbeat_interval_s, grace_period_s, max_retries)
    check_directions(pruner, len(record.directions))
    return Study(
        record,
        store,
        sampler=sampler or _default_sampler(),
        pruner=pruner or NopPruner(),
        policy=policy,
        checkpoint_dir=checkpoint_dir,
    )


def delete_study(study_name: str, storage: str | Storage) -> None:
    """Delete a study and all its trials; raises StudyNotFoundError if there is none."""
    store = get_storage(storage)
    store.delete_study(store.get_study(study_name).study_id)


def get_all_study_summaries(storage: str | Storage) -> list[StudySummary]:
    """Every study in the storage, with trial counts per state."""
    return get_storage(storage).list_studies()


def get_all_study_names(storage: str | Storage) -> list[str]:
    """The names of every study in the storage, oldest first."""
    return [s.record.name for s in get_storage(storage).list_studies()]


def copy_study(
    *,
    from_study_name: str,
    from_storage: str | Storage,
    to_storage: str | Storage,
    to_study_name: str | None = None,
) -> Study:
    """Copy a study's finished trials, directions and attributes into another storage.

    Trials keep their order, parameters, values, intermediate values,
    attributes and times; RUNNING and WAITING trials are left out. Raises
    DuplicatedStudyError if the target name is taken in ``to_storage``.
    """
    source = load_study(from_study_name, from_storage)
    record = source.storage.get_study(from_study_name)
    target_store = get_storage(to_storage)
    created = target_store.create_study(
        to_study_name or from_study_name,
        record.directions,
        user_attrs=record.user_attrs,
        system_attrs=record.system_attrs,
    )
    target = Study(
        created,
        target_store,
        sampler=_default_sampler(),
        pruner=NopPruner(),
        policy=_policy(30.0, None, 0),
    )
    target.add_trials(t for t in source.trials if t.state.is_finished)
    return target
