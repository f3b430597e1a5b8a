"""The environment manifest stored with every trial: what ran it, where."""

from __future__ import annotations

import functools
import os
import platform
import socket
import subprocess
import sys
from importlib import metadata
from typing import Any

from hypersense.storage.json_values import FrozenJSON, freeze_json

__all__ = ["environment_manifest", "worker_name"]

# Packages whose versions change results; others are not worth the bytes.
_KEY_PACKAGES = (
    "hypersense",
    "numpy",
    "scipy",
    "scikit-learn",
    "sqlalchemy",
    "torch",
    "pandas",
    "dask",
    "distributed",
    "cmaes",
    "salib",
)


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git_commit(directory: str) -> dict[str, Any] | None:
    """Commit and dirtiness of the git work tree holding ``directory``, if any."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": bool(status.strip())} if commit else None


@functools.lru_cache(maxsize=4)
def _manifest_for(pid: int, cwd: str) -> FrozenJSON:
    packages = {p: v for p in _KEY_PACKAGES if (v := _version(p)) is not None}
    return freeze_json(
        {
            "hypersense": _version("hypersense"),
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "host": socket.gethostname(),
            "packages": packages,
            "git": _git_commit(cwd),
            "argv0": os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else None,
        }
    )


_CWD: dict[int, str] = {}


def environment_manifest() -> FrozenJSON:
    """What this process runs on: versions, host, and the git commit of the working
    directory the process started in. Computed once per process (the git lookup
    costs milliseconds); the returned dict is shared, so treat it as read-only."""
    pid = os.getpid()
    if pid not in _CWD:
        _CWD[pid] = os.getcwd()
    return _manifest_for(pid, _CWD[pid])


@functools.lru_cache(maxsize=4)
def _worker_name(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}"


def worker_name() -> str:
    """``host:pid`` of this process, to tell workers apart in a timeline."""
    return _worker_name(os.getpid())
