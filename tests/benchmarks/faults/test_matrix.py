"""Re-running some cells of the fault matrix inside an earlier results file."""

from __future__ import annotations

import dataclasses
from typing import Any

from benchmarks.faults.harness import Assessment
from benchmarks.faults.matrix import merge_cell
from benchmarks.faults.report import markdown


def _repetition(*, crashed: bool) -> dict[str, Any]:
    crash = {"role": "runner 0", "returncode": 1, "expected": 0, "traceback": True, "stderr": ""}
    outcome = Assessment(
        lost=[],
        unfinished_after_fault=[],
        unfinished_after_next=None,
        orphans=[],
        wrongly_failed=[],
        detect_s=0.5,
        victims=[],
        retried_same_params=[],
        extra_evaluations=0,
        crashes=[crash] if crashed else [],
        n_trials=60,
        n_complete=60,
    )
    return {**dataclasses.asdict(outcome), "elapsed_s": 10.0}


def _cell(fault: str, *, crashed: bool, commit: str) -> dict[str, Any]:
    return {
        "fault": fault,
        "variant": "v",
        "backend": "postgres",
        "interface": "api",
        "commit": commit,
        "repetitions": [_repetition(crashed=crashed)],
    }


def test_a_rerun_cell_takes_the_place_of_the_old_one_and_a_new_cell_goes_last() -> None:
    cells = [_cell("a", crashed=True, commit="old"), _cell("b", crashed=False, commit="old")]
    merge_cell(cells, _cell("a", crashed=False, commit="new"))
    merge_cell(cells, _cell("c", crashed=False, commit="new"))
    assert [(c["fault"], c["commit"]) for c in cells] == [("a", "new"), ("b", "old"), ("c", "new")]


def test_the_report_names_each_rerun_and_shows_only_the_latest_cells() -> None:
    results = {
        "started": "2026-12-06 16:19:17",
        "finished": "2026-12-06 17:20:00",
        "repeats": 1,
        "elapsed_s": 3600.0,
        "machine": {"commit": "old", "cpus": 2, "load_average": [8.0, 8.0, 8.0]},
        "cells": [_cell("a", crashed=True, commit="old")],
        "reruns": [
            {
                "started": "2026-12-06 17:30:00",
                "finished": "2026-12-06 17:40:00",
                "commit": "new",
                "load_average": [9.0, 9.0, 9.0],
                "machine": {"load_average_end": [7.5, 7.0, 7.0]},
                "cells": ["a/v/postgres/api"],
            }
        ],
    }
    before = markdown(results)
    assert "runner 0 ended with 1" in before
    merge_cell(results["cells"], _cell("a", crashed=False, commit="new"))
    after = markdown(results)
    assert (
        "Re-run 2026-12-06 17:30:00 to 2026-12-06 17:40:00 at commit new "
        "(load average 9.0 to 7.5): a/v/postgres/api." in after
    )
    assert "Broken promises:\n\n- none" in after
