"""Paired comparison of the two arms: per task, over seeds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

__all__ = ["paired_rows", "markdown"]


def paired_rows(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per task: both arms' mean best error, the mean paired difference
    (narrowed - full; negative means narrowing helped) with a 95% t-interval,
    and wins/ties/losses of the narrowed arm."""
    out = []
    for task in sorted({r["task"] for r in records}):
        by_seed: dict[int, dict[str, float]] = {}
        for r in records:
            if r["task"] == task and r["best_error"] is not None:
                by_seed.setdefault(r["seed"], {})[r["arm"]] = r["best_error"]
        pairs = [(v["full"], v["narrowed"]) for v in by_seed.values() if len(v) == 2]
        full = np.array([p[0] for p in pairs])
        narrowed = np.array([p[1] for p in pairs])
        diff = narrowed - full
        n = len(diff)
        half = (
            float(stats.t.ppf(0.975, n - 1)) * float(diff.std(ddof=1)) / math.sqrt(n)
            if n > 1
            else math.nan
        )
        out.append(
            {
                "task": task,
                "pairs": n,
                "full_mean": float(full.mean()),
                "narrowed_mean": float(narrowed.mean()),
                "diff_mean": float(diff.mean()),
                "diff_low": float(diff.mean()) - half,
                "diff_high": float(diff.mean()) + half,
                "wins": int(np.sum(diff < -1e-12)),
                "ties": int(np.sum(np.abs(diff) <= 1e-12)),
                "losses": int(np.sum(diff > 1e-12)),
            }
        )
    return out


def _pp(fraction: float) -> str:
    """A difference of error rates in percentage points, signed (never "-0.00")."""
    return f"{round(100 * fraction, 2) + 0.0:+.2f}"


def markdown(records: Sequence[dict[str, Any]]) -> str:
    """The results table and the per-seed ranges, as Markdown."""
    lines = [
        "| task | seeds | full: mean best val. error | narrowed: mean best val. error | "
        "narrowed - full [95% CI] | narrowed wins/ties/losses |",
        "|---|---|---|---|---|---|",
    ]
    for row in paired_rows(records):
        lines.append(
            f"| {row['task']} | {row['pairs']} | {100 * row['full_mean']:.2f}% | "
            f"{100 * row['narrowed_mean']:.2f}% | {_pp(row['diff_mean'])} pp "
            f"[{_pp(row['diff_low'])}, {_pp(row['diff_high'])}] | "
            f"{row['wins']}/{row['ties']}/{row['losses']} |"
        )
    lines += [
        "",
        "| task | seed | arm | trials | LR range searched | range test: suggested [interval], "
        "diverged | best val. error | cost (examples) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(records, key=lambda r: (r["task"], r["seed"], r["arm"])):
        low, high = r["lr_space"]
        test = "-"
        if r["arm"] == "narrowed":
            a, b = r["interval"]
            div = r["divergence_lr"]
            test = f"{r['suggested_lr']:.2g} [{a:.2g}, {b:.2g}], " + (
                f"{div:.2g}" if div is not None else "never"
            )
        best = "-" if r["best_error"] is None else f"{100 * r['best_error']:.2f}%"
        lines.append(
            f"| {r['task']} | {r['seed']} | {r['arm']} | {r['n_trials']} | "
            f"[{low:.2g}, {high:.2g}] | {test} | {best} | {r['total_cost']} |"
        )
    return "\n".join(lines)
