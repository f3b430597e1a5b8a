"""``python -m benchmarks.faults.skewed_cli SKEW_S ARGS...``: the ``hypersense`` command
with ``time.time`` off by SKEW_S seconds (patched before hypersense is imported)."""

from __future__ import annotations

import sys
import time

if __name__ == "__main__":
    skew_s = float(sys.argv[1])
    real_time = time.time
    time.time = lambda: real_time() + skew_s
    sys.argv = ["hypersense", *sys.argv[2:]]
    from hypersense.cli.app import main

    main()
