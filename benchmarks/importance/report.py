"""Markdown tables of the importance benchmark's JSON."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from benchmarks.importance.runner import ZERO_TOLERANCE


def _accuracy_table(rows: list[dict[str, Any]]) -> list[str]:
    methods = list(dict.fromkeys(r["method"] for r in rows))
    groups: dict[tuple[str, int], dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for r in rows:
        groups[(r["function"], r["n_trials"])][r["method"]].append(r)
    lines = [
        "| function | N | " + " | ".join(methods) + " |",
        "|---|---|" + "---|" * len(methods),
    ]
    for (function, n), by_method in groups.items():
        cells = []
        for m in methods:
            got = by_method.get(m, [])
            if not got:
                cells.append("")
                continue
            l1 = np.array([r["l1"] for r in got])
            t = np.mean([r["seconds"] for r in got])
            cells.append(f"{l1.mean():.3f} ± {l1.std():.3f} ({t:.1f} s)")
        lines.append(f"| {function} | {n} | " + " | ".join(cells) + " |")
    return lines


def _coverage_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| function | N | method | nonzero-truth params | all params (zero truth: low ≤ "
        f"{ZERO_TOLERANCE}) | all params, strict |",
        "|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, int, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if "coverage" in r:
            groups[(r["function"], r["n_trials"], r["method"])].append(r)
    for (function, n, method), got in groups.items():
        strict = np.concatenate([r["coverage"]["strict"] for r in got])
        tolerant = np.concatenate([r["coverage"]["tolerant"] for r in got])
        nonzero = np.concatenate([r["coverage"]["nonzero"] for r in got])
        lines.append(
            f"| {function} | {n} | {method} | {strict[nonzero].mean():.0%} | "
            f"{tolerant.mean():.0%} | {strict.mean():.0%} |"
        )
    return lines


def markdown(results: dict[str, Any]) -> str:
    out = ["### L1 error to the normalised first-order indices (mean ± sd over repeats; time)", ""]
    out += _accuracy_table(results["accuracy"])
    out += ["", "### Coverage of hypersense's nominal 95% intervals", ""]
    out += _coverage_table(results["accuracy"])
    lr = results.get("log_lr", [])
    if lr:
        out += ["", "### Log-scaled learning rate, true importance 0.50 (N = 200)", ""]
        out += ["| method | mean | min | max |", "|---|---|---|---|"]
        for method in dict.fromkeys(r["method"] for r in lr):
            v = np.array([r["lr"] for r in lr if r["method"] == method])
            out.append(f"| {method} | {v.mean():.3f} | {v.min():.3f} | {v.max():.3f} |")
    inter = results.get("interaction", [])
    if inter:
        out += ["", "### Pure interaction (x0 - 1/2)(x1 - 1/2), x2 inert (N = 200)", ""]
        out += [
            "| seed | top pair | interaction | main effects | total effects | Optuna fANOVA |",
            "|---|---|---|---|---|---|",
        ]
        for r in inter:
            fmt = lambda xs: ", ".join(f"{x:.2f}" for x in xs)  # noqa: E731
            out.append(
                f"| {r['seed']} | {' x '.join(r['top_pair'])} | {r['interaction']:.3f} | "
                f"{fmt(r['main_effects'])} | {fmt(r['total_effects'])} | "
                f"{fmt(r['optuna_fanova'])} |"
            )
    timing = results.get("timing", [])
    if timing:
        out += [
            "",
            "### Time per analysis, 1,000 trials, 10 parameters (G-function + dummies)",
            "",
        ]
        out += [
            "| seed | hypersense fanova (s) | surrogate | L1 | Optuna fANOVA (s) |",
            "|---|---|---|---|---|",
        ]
        for r in timing:
            out.append(
                f"| {r['seed']} | {r['seconds']:.1f} | {r['surrogate']} | {r['l1']:.3f} | "
                f"{r['optuna_fanova_seconds']:.1f} |"
            )
    return "\n".join(out)
