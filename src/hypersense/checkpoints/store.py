"""Where a study's checkpoints live, and deleting those no longer needed."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

__all__ = ["CheckpointStore", "default_checkpoint_root"]

#: Longest retry chain followed back (a guard against corrupt records).
_MAX_CHAIN = 1000


def default_checkpoint_root(storage: Any) -> Path | None:
    """The default checkpoint directory of a storage: beside a SQLite file
    (``study.db`` -> ``study-checkpoints/``), None for other storages."""
    path = getattr(storage, "sqlite_path", None)
    if not isinstance(path, str):
        return None
    db = Path(path)
    return db.with_name(f"{db.stem}-checkpoints")


def _slug(study_name: str) -> str:
    """A directory name for the study: readable, and unique through a hash."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", study_name).strip("._")[:60] or "study"
    digest = hashlib.sha256(study_name.encode()).hexdigest()[:8]
    return f"{readable}-{digest}"


class CheckpointStore:
    """The checkpoints of one study: a directory per trial under ``root``.

    Layout: ``root/<study>/trial-<number>/checkpoint.pkl`` (plus saved files).
    Objectives write their trial's directory directly (in worker processes or
    on Dask workers too), so on a cluster ``root`` must be on a filesystem
    every worker reaches at the same path.

    Args:
        root: The directory holding the checkpoints of every study.
        study_name: The study's name.
    """

    def __init__(self, root: str | os.PathLike[str], study_name: str) -> None:
        if not isinstance(root, (str, os.PathLike)) or not str(root):
            raise TypeError(f"`checkpoint_dir` must be a path (got {root!r})")
        self._root = Path(root).absolute()
        self._study_name = study_name
        self._study_dir = self._root / _slug(study_name)

    def __repr__(self) -> str:
        return f"CheckpointStore({str(self._root)!r}, study_name={self._study_name!r})"

    @property
    def root(self) -> Path:
        """The directory holding the checkpoints of every study."""
        return self._root

    @property
    def study_dir(self) -> Path:
        """This study's directory."""
        return self._study_dir

    def trial_dir(self, number: int) -> Path:
        """The checkpoint directory of trial ``number``."""
        return self._study_dir / f"trial-{number:06d}"

    def resume_candidates(
        self, number: int, retry_of: int | None, trials: Callable[[], Sequence[FrozenTrial]]
    ) -> tuple[tuple[int, str], ...]:
        """``(number, directory)`` of the trial, then of each trial it retries, newest
        first: where ``load_checkpoint`` looks, in that order."""
        chain = [number]
        if retry_of is not None:
            by_number = {t.number: t for t in trials()}
            previous: int | None = int(retry_of)
            while previous is not None and previous not in chain and len(chain) < _MAX_CHAIN:
                chain.append(previous)
                record = by_number.get(previous)
                earlier = None if record is None else record.system_attrs.get(SystemAttr.RETRY_OF)
                previous = None if earlier is None else int(earlier)
        return tuple((n, str(self.trial_dir(n))) for n in chain)

    def delete(self, numbers: Iterable[int]) -> list[int]:
        """Delete the checkpoints of these trials; the numbers that had any."""
        deleted = []
        for number in numbers:
            folder = self.trial_dir(number)
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
                deleted.append(number)
        return deleted

    def collect_garbage(
        self,
        trials: Sequence[FrozenTrial],
        states: Iterable[TrialState] = (TrialState.COMPLETE, TrialState.PRUNED),
    ) -> list[int]:
        """Delete the checkpoints of trials in ``states``, and of the failed trials
        they retried; the numbers whose checkpoints were deleted.

        RUNNING and WAITING trials are never touched, nor failed trials whose
        retry has not ended in one of ``states`` (it may still resume from them).
        """
        wanted = frozenset(states) - {TrialState.RUNNING, TrialState.WAITING}
        by_number = {t.number: t for t in trials}
        doomed: set[int] = set()
        for trial in trials:
            if trial.state not in wanted:
                continue
            current: FrozenTrial | None = trial
            while current is not None and current.number not in doomed:
                doomed.add(current.number)
                earlier = current.system_attrs.get(SystemAttr.RETRY_OF)
                current = None if earlier is None else by_number.get(int(earlier))
        return self.delete(sorted(doomed))
