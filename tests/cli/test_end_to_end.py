"""A config file run into SQLite by the console script, then read back by every
read command (with --json, parsed and checked), exported and deleted."""

from __future__ import annotations

import csv
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import hypersense as hs
from tests.cli.conftest import EXAMPLES

Hypersense = Callable[..., subprocess.CompletedProcess[str]]


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


def test_run_then_studies_trials_best_export_delete(hypersense: Hypersense, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    run = _ok(hypersense("run", str(EXAMPLES / "quadratic.yaml"), "--storage", url))
    lines = run.stdout.splitlines()
    assert lines[0] == f"study 'quadratic' in {url} (new): running 20 trials"
    trial_lines = [line for line in lines if line.startswith("trial ")]
    assert len(trial_lines) == 20  # stdout is not a terminal: one plain line per trial
    assert trial_lines[-1].split(" | ")[2] == "20/20"

    studies = json.loads(_ok(hypersense("studies", "--storage", url, "--json")).stdout)
    [study] = studies["studies"]
    assert study["study_name"] == "quadratic" and study["directions"] == ["minimize"]
    assert study["n_trials"] == 20
    assert study["n_trials_by_state"] == {
        "RUNNING": 0,
        "WAITING": 0,
        "COMPLETE": 20,
        "PRUNED": 0,
        "FAIL": 0,
    }

    trials = json.loads(_ok(hypersense("trials", "quadratic", "--storage", url, "--json")).stdout)
    assert trials["study_name"] == "quadratic" and trials["directions"] == ["minimize"]
    records = trials["trials"]
    assert [r["number"] for r in records] == list(range(20))
    assert all(r["state"] == "COMPLETE" and not r["interrupted"] for r in records)
    assert all({"x", "shape", "scale"} <= set(r["params"]) for r in records)
    best_value = min(r["values"][0] for r in records)
    assert study["best_value"] == best_value

    best = json.loads(_ok(hypersense("best", "quadratic", "--storage", url, "--json")).stdout)
    [top] = best["best_trials"]
    assert top["values"] == [best_value]
    assert top == next(r for r in records if r["values"] == [best_value])

    out_csv = tmp_path / "trials.csv"
    exported = _ok(hypersense("export", "quadratic", "-o", str(out_csv), "--storage", url))
    assert exported.stdout.strip() == f"wrote 20 trials of study 'quadratic' to {out_csv}"
    with out_csv.open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert [int(r["number"]) for r in rows] == list(range(20))
    assert [float(r["value"]) for r in rows] == [r["values"][0] for r in records]
    assert {"params_x", "params_shape", "params_scale", "params_y"} <= set(rows[0])
    assert [r["params_y"] == "" for r in rows] == ["y" not in r["params"] for r in records]

    deleted = _ok(hypersense("delete", "quadratic", "--storage", url, "--yes"))
    assert deleted.stdout.strip() == "deleted study 'quadratic' (20 trials)"
    assert hs.get_all_study_summaries(url) == []
