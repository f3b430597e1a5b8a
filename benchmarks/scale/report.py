"""Markdown tables of the scale benchmarks' JSON (what the README shows)."""

from __future__ import annotations

from typing import Any


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def load_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| storage | setup | complete / expected | lost | duplicated | left RUNNING | "
        "trials/s | ask p50 / p99 ms | tell p50 / p99 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        running = "-" if r["left_running"] is None else r["left_running"]
        lines.append(
            f"| {r['backend']} | {r['setup']} | {r['complete']} / {r['expected']} | {r['lost']} | "
            f"{r['duplicated_numbers']} | {running} | {r['trials_per_s']:.0f} | "
            f"{_ms(r['ask']['p50_ms'])} / {_ms(r['ask']['p99_ms'])} | "
            f"{_ms(r['tell']['p50_ms'])} / {_ms(r['tell']['p99_ms'])} |"
        )
    return lines


FAULT_HEADER = [
    "| fault | injected (missed) | victims: stored as | finished lost | left RUNNING / "
    "WAITING | detect s median / max | retried COMPLETE | resumed from checkpoint | "
    "optimize errors | wall s |",
    "|---|---|---|---|---|---|---|---|---|---|",
]


def fault_row(r: dict[str, Any]) -> str:
    states = ", ".join(f"{n} {s}" for s, n in sorted(r["victim_states"].items()))
    retried = f"{r['retries_complete']} / {r['victims']}" if r["retried"] else "not retried"
    resumed = f"{r['resumed_from_checkpoint']} / {r['victims']}" if r["retried"] else "-"
    return (
        f"| {r['kind']} | {r['injected']} ({r['missed']}) | {states} | {r['finished_lost']} | "
        f"{r['left_running']} / {r['left_waiting']} | {_s(r['detect_s_median'])} / "
        f"{_s(r['detect_s_max'])} | {retried} | {resumed} | {len(r['optimize_errors'])} | "
        f"{r['wall_s']:.0f} |"
    )


def scaling_table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| executor | 1 worker trials/s | 2 workers trials/s | speed-up (median of pairs) | "
        "pairs' range | coordinator CPU ms/trial (1 / 2 workers) | load average (1 min) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        loads = r["load_average_1min"]
        speedups = r.get("speedups", [r["speedup"]])
        cpu = (
            f"{r['coordinator_cpu_ms_per_trial_1']:.1f} / {r['coordinator_cpu_ms_per_trial_2']:.1f}"
            if "coordinator_cpu_ms_per_trial_1" in r
            else "-"
        )
        lines.append(
            f"| {r['executor']} | {r['trials_per_s_1']:.2f} | {r['trials_per_s_2']:.2f} | "
            f"{r['speedup']:.2f}x | {min(speedups):.2f}-{max(speedups):.2f} | {cpu} | "
            f"{min(loads):.1f}-{max(loads):.1f} |"
        )
    return lines


def overhead_table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| what | n per measurement | wall ms | coordinator + scheduler CPU ms |",
        "|---|---|---|---|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['what']} | {r['n']} | {r['wall_ms']:.1f} | {r['coordinator_cpu_ms']:.1f} |"
        )
    return lines


def simulate_table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| storage | sampler | workers | trial durations | trials | coordinator CPU ms/trial "
        "(mean / p99) | bookkeeping capacity trials/s | demand trials/s | worker utilisation |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['storage']} | {r['sampler']} | {r['workers']} | {r['profile']} | "
            f"{r['trials']} | "
            f"{r['cpu_ms_mean']:.2f} / {r['cpu_ms_p99']:.2f} | {r['capacity_trials_per_s']:.0f} | "
            f"{r['demand_trials_per_s']:.1f} | {100 * r['utilisation']:.1f}% |"
        )
    return lines


def markdown(command: str, document: dict[str, Any]) -> str:
    results = document["results"]
    if command == "load":
        lines = load_table(results)
    elif command == "faults":
        lines = FAULT_HEADER + [fault_row(r) for r in results]
    elif command == "scaling":
        lines = scaling_table(results)
    elif command == "ceiling":
        speedups = results["speedups"]
        lines = [
            f"bare 2-process speed-up: median {results['speedup']:.2f}x "
            f"(range {min(speedups):.2f}-{max(speedups):.2f}, {len(speedups)} pairs)"
        ]
    elif command == "overhead":
        lines = overhead_table(results)
    else:
        lines = simulate_table(results)
    return "\n".join(lines)
