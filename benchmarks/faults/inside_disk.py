"""One disk-full repetition, run inside the small disk's mount namespace.

``python -m benchmarks.faults.inside_disk INTERFACE STUDY LOG_DIR TAG DISK`` (started
by the matrix through ``nsenter``) prints the repetition's assessment as JSON.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from benchmarks.faults.harness import Setup
from benchmarks.faults.outages import disk_full

if __name__ == "__main__":
    interface, study, log_dir, tag, disk = sys.argv[1:]
    url = f"sqlite:///{disk}/study.db"
    setup = Setup(interface, url, url, study, Path(log_dir), tag)
    print(json.dumps(dataclasses.asdict(disk_full(setup, Path(disk)))))
