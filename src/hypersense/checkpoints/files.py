"""One trial's checkpoint on disk: written by atomic replacement, read back.

A trial's checkpoint directory holds ``checkpoint.pkl``: the pickled state, or
a note naming a file or directory the objective saved (copied beside it into
a ``saved-<id>`` folder first). Every write goes to a temporary file that is
flushed to disk and then renamed over the previous one, so a process that dies
mid-write leaves the previous checkpoint whole and readable.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CHECKPOINT_FILE", "load_latest", "save_atomically"]

#: The file holding a trial's newest checkpoint.
CHECKPOINT_FILE = "checkpoint.pkl"
_SAVED_PREFIX = "saved-"
_TMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class _SavedPath:
    """What ``checkpoint.pkl`` holds when the objective saved a file or a directory."""

    folder: str  #: the ``saved-<id>`` folder beside checkpoint.pkl
    name: str  #: the file's or directory's own name inside it


def save_atomically(directory: str | os.PathLike[str], state: Any) -> Path:
    """Make ``state`` the checkpoint in ``directory``, replacing the previous one at once.

    Args:
        directory: The trial's checkpoint directory (created if missing).
        state: A picklable object, or a ``pathlib.Path`` of a file or directory
            to copy in (then :func:`load_latest` gives back the copy's path).

    Returns:
        The path of the checkpoint file.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    record = _copy_in(folder, Path(state)) if isinstance(state, os.PathLike) else state
    target = folder / CHECKPOINT_FILE
    _write_pickle(target, record)
    _remove_leftovers(folder, keep=record.folder if isinstance(record, _SavedPath) else None)
    return target


def load_latest(candidates: Sequence[tuple[int, str]]) -> tuple[int, Any] | None:
    """The first checkpoint found among ``(trial number, directory)`` candidates.

    Returns the number of the trial that saved it and the state (a Path for a
    saved file or directory), or None when none of them has one.
    """
    for number, directory in candidates:
        path = Path(directory) / CHECKPOINT_FILE
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            continue
        with handle:
            record = pickle.load(handle)  # our own files, written by the objective
        if isinstance(record, _SavedPath):
            return number, Path(directory) / record.folder / record.name
        return number, record
    return None


def _write_pickle(target: Path, obj: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(target.parent)


def _copy_in(folder: Path, source: Path) -> _SavedPath:
    """Copy a file or directory into a fresh ``saved-<id>`` folder of ``folder``."""
    if not source.exists():
        raise FileNotFoundError(f"cannot save checkpoint {str(source)!r}: no such file")
    tmp = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=folder))
    try:
        if source.is_dir():
            shutil.copytree(source, tmp / source.name)
        else:
            shutil.copy2(source, tmp / source.name)
        name = f"{_SAVED_PREFIX}{uuid.uuid4().hex[:12]}"
        os.replace(tmp, folder / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _SavedPath(folder=name, name=source.name)


def _remove_leftovers(folder: Path, *, keep: str | None) -> None:
    """Remove older saved copies and temporary files of crashed writes (one process
    writes a trial's checkpoints at a time, so none of them is being written)."""
    for entry in folder.iterdir():
        if entry.name == keep or not entry.name.startswith((_SAVED_PREFIX, _TMP_PREFIX)):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                entry.unlink()


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
