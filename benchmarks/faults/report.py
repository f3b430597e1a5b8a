"""Markdown tables of a results file: one row per cell, then every broken promise."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import Any

#: Counts that a kept promise leaves at zero, with how the tables name them.
MUST_BE_ZERO = {
    "lost": "finished results lost",
    "left": "trials left RUNNING/WAITING",
    "orphans": "orphaned processes",
    "wrongly_failed": "healthy trials failed",
    "extra_evaluations": "extra evaluations",
    "crashes": "runner crashes",
    "undetected": "dead trials never marked FAIL",
    "errors": "repetitions the harness could not run",
}


def _left(rep: dict[str, Any]) -> list[int]:
    after = rep["unfinished_after_next"]
    return list(rep["unfinished_after_fault"] if after is None else after)


def summarize(cell: dict[str, Any]) -> dict[str, Any]:
    """Totals of one cell over its repetitions."""
    reps = cell["repetitions"]
    ran = [r for r in reps if not r["error"]]
    detect = [r["detect_s"] for r in ran if r["detect_s"] is not None]
    victims = sum(len(r["victims"]) for r in ran)
    return {
        "reps": len(reps),
        "errors": len(reps) - len(ran),
        "lost": sum(len(r["lost"]) for r in ran),
        "left": sum(len(_left(r)) for r in ran),
        "left_after": "next run"
        if any(r["unfinished_after_next"] is not None for r in ran)
        else "the run",
        "orphans": sum(len(r["orphans"]) for r in reps),
        "wrongly_failed": sum(len(r["wrongly_failed"]) for r in ran),
        "extra_evaluations": sum(r["extra_evaluations"] for r in ran),
        "crashes": sum(len(r["crashes"]) for r in ran),
        "victims": victims,
        "retried": sum(len(r["retried_same_params"]) for r in ran),
        "undetected": sum(
            1 for r in ran if r["victims"] and r["detect_s"] is None and _expects_detection(cell)
        ),
        "detect": detect,
        "trials": sum(r["n_trials"] for r in ran),
        "elapsed_s": sum(r["elapsed_s"] for r in reps),
    }


def _expects_detection(cell: dict[str, Any]) -> bool:
    return cell["fault"] in ("worker-kill", "coordinator-kill", "runner-kill", "cross-host-kill")


def _seconds(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):.2f} ({max(values):.2f})"


def _retries(s: dict[str, Any]) -> str:
    if not s["victims"]:
        return "—"
    return f"{s['retried']}/{s['victims']} ({100 * s['retried'] / s['victims']:.0f}%)"


def _mark(value: int) -> str:
    return str(value) if value == 0 else f"**{value}**"


def cell_table(cells: Iterable[dict[str, Any]]) -> list[str]:
    """One row per cell."""
    lines = [
        "| fault | variant | backend | via | reps | trials | lost | left RUNNING/WAITING | "
        "orphans | healthy failed | time to detect, s: median (max) | retried, same params | "
        "extra evals | crashes |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cell in cells:
        s = summarize(cell)
        reps = str(s["reps"]) if not s["errors"] else f"{s['reps']} (**{s['errors']} errors**)"
        detect = _seconds(s["detect"])
        if s["undetected"]:
            detect += f"; **{s['undetected']} never**"
        lines.append(
            f"| {cell['fault']} | {cell['variant']} | {cell['backend']} | {cell['interface']} | "
            f"{reps} | {s['trials']} | {_mark(s['lost'])} | {_mark(s['left'])} | "
            f"{_mark(s['orphans'])} | {_mark(s['wrongly_failed'])} | {detect} | "
            f"{_retries(s)} | {_mark(s['extra_evaluations'])} | {_mark(s['crashes'])} |"
        )
    return lines


_TIMES = {
    "workers_gone_s": "workers gone after the coordinator's death, s",
    "outage_s": "server down (stop + 1 s + start), s",
    "full_s": "disk full, s",
    "stored_while_full": "trials stored while the disk was full",
    "missing_points": "grid points never evaluated",
}


def times_table(cells: Iterable[dict[str, Any]]) -> list[str]:
    """Other measurements, median (max) per cell, where a fault records them."""
    lines = [
        "| fault | variant | backend | via | measure | median (max) |",
        "|---|---|---|---|---|---|",
    ]
    for cell in cells:
        for key, name in _TIMES.items():
            values = [
                r["times"][key] for r in cell["repetitions"] if r["times"].get(key) is not None
            ]
            if values:
                lines.append(
                    f"| {cell['fault']} | {cell['variant']} | {cell['backend']} | "
                    f"{cell['interface']} | {name} | {_seconds(values)} |"
                )
    return lines


def findings(cells: Iterable[dict[str, Any]]) -> list[str]:
    """Every repetition where a promise was broken, with what was left."""
    lines = []
    for cell in cells:
        where = f"{cell['fault']} {cell['variant']}, {cell['backend']}, {cell['interface']}"
        for i, rep in enumerate(cell["repetitions"]):
            broken = []
            if rep["error"]:
                broken.append(f"harness error: {rep['error'].splitlines()[0]}")
            for key in ("lost", "orphans", "wrongly_failed"):
                if rep[key]:
                    broken.append(f"{MUST_BE_ZERO[key]}: {rep[key]}")
            if _left(rep):
                broken.append(f"{MUST_BE_ZERO['left']}: {_left(rep)}")
            if rep["extra_evaluations"]:
                broken.append(f"extra evaluations: {rep['extra_evaluations']}")
            for crash in rep["crashes"]:
                broken.append(
                    f"{crash['role']} ended with {crash['returncode']} (expected "
                    f"{crash['expected']}{', traceback' if crash['traceback'] else ''})"
                )
            if rep["victims"] and rep["detect_s"] is None and _expects_detection(cell):
                broken.append(f"dead trials {rep['victims']} never seen FAIL")
            if broken:
                lines.append(f"- {where}, repetition {i}: " + "; ".join(broken))
    return lines


def markdown(results: dict[str, Any]) -> str:
    """The whole report."""
    cells = results["cells"]
    machine = results["machine"]
    lines = [
        f"Run {results['started']} to {results.get('finished', '(unfinished)')}, "
        f"{results['repeats']} repetitions per cell, commit {machine['commit']}, "
        f"{machine['cpus']} CPUs, load average {machine['load_average'][0]:.1f} at the start"
        + (
            f" and {machine['load_average_end'][0]:.1f} at the end"
            if "load_average_end" in machine
            else ""
        )
        + f"; {results.get('elapsed_s', 0) / 60:.0f} min in all.",
        "",
        *cell_table(cells),
        "",
        *times_table(cells),
        "",
    ]
    broken = findings(cells)
    lines += ["Broken promises:", "", *(broken or ["- none"])]
    return "\n".join(lines) + "\n"
