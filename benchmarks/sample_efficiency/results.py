"""The results file: runs keyed by (method, problem, seed), saved after each run.

The file is rewritten atomically (temporary file + rename) after every
finished run, so an interrupted benchmark loses at most the runs in flight and
the next ``run`` command continues from what is stored.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.sample_efficiency.recording import RunRecord

__all__ = ["FORMAT_VERSION", "ResultsStore", "describe_environment"]

FORMAT_VERSION = 1
_PACKAGES = (
    "hypersense",
    "optuna",
    "scikit-optimize",
    "smac",
    "ioh",
    "cmaes",
    "torch",
    "numpy",
    "scipy",
    "scikit-learn",
)


def describe_environment() -> dict[str, Any]:
    """Python, platform, CPU count and versions of the packages that matter here."""
    from benchmarks.sample_efficiency.methods import package_version

    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "packages": {name: package_version(name) for name in _PACKAGES},
    }


@dataclass
class ResultsStore:
    """Runs, skipped methods and failed runs of one benchmark, backed by a JSON file.

    Attributes:
        path: Where the results live.
        runs: Finished runs by key ``"method|problem|seed"``.
        skipped: Methods that could not run, with the reason.
        errors: Runs that raised, by key, with the traceback.
        environment: :func:`describe_environment` of the latest ``run`` command.
    """

    path: Path
    runs: dict[str, RunRecord] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, path: str | Path) -> ResultsStore:
        """Load ``path`` if it exists, else start an empty store that will be saved there."""
        target = Path(path)
        if not target.exists():
            return cls(target)
        data = json.loads(target.read_text())
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(
                f"{target}: results format {data.get('format')!r} is not {FORMAT_VERSION}"
            )
        return cls(
            target,
            runs={k: RunRecord.from_json(v) for k, v in data["runs"].items()},
            skipped=dict(data.get("skipped", {})),
            errors=dict(data.get("errors", {})),
            environment=dict(data.get("environment", {})),
        )

    def add_run(self, record: RunRecord) -> None:
        """Store a finished run (replacing an older one) and clear its error, if any."""
        self.runs[record.key] = record
        self.errors.pop(record.key, None)
        self.skipped.pop(record.method, None)

    def save(self) -> None:
        """Write the file atomically."""
        data = {
            "format": FORMAT_VERSION,
            "environment": self.environment,
            "skipped": self.skipped,
            "errors": self.errors,
            "runs": {k: r.to_json() for k, r in sorted(self.runs.items())},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(data, handle)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
