"""Run the overhead benchmark; print a Markdown table, save JSON next to this file.

Usage: ``python -m benchmarks.torch_overhead [--quick] [--out PATH]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import torch

from benchmarks.torch_overhead.measure import measure
from benchmarks.torch_overhead.workloads import WORKLOADS


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| workload | steps/epoch | hand-written s/epoch | fit s/epoch | fit/hand wall, median "
        "[quartiles] | fit/hand CPU, median | max val-loss gap |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        q1, q3 = r["wall_ratio_quartiles"]
        lines.append(
            f"| {r['workload']} | {r['steps_per_epoch']} | {r['hand_wall_s_per_epoch']:.4f} | "
            f"{r['fit_wall_s_per_epoch']:.4f} | {r['median_wall_ratio']:.3f} [{q1:.2f}, {q3:.2f}] "
            f"| {r['median_cpu_ratio']:.3f} | {r['max_val_loss_difference']:.1e} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args()
    torch.set_num_threads(1)  # both loops alike; one thread is fastest for these sizes
    epochs, repeats = (2, 3) if args.quick else (2, 41)
    rows = [measure(w, epochs=epochs, repeats=repeats) for w in WORKLOADS]
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_1min": os.getloadavg()[0],
            "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(),
            "hypersense": metadata.version("hypersense"),
        },
        "rows": rows,
    }
    args.out.write_text(json.dumps(results, indent=2))
    print(markdown(rows))


if __name__ == "__main__":
    main()
