"""Independent processes sharing one study through its storage (no coordinator in common)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import hypersense as hs
from hypersense.samplers import GridSampler

GRID = {"a": [1, 2, 3], "b": ["x", "y", "z"], "c": [0.5, 1.0, 1.5]}

_RUNNER = """
import os, sys, time, hypersense as hs
from hypersense.samplers import GridSampler
url, log_dir = sys.argv[1], sys.argv[2]
grid = {grid!r}
study = hs.load_study("grid", url, sampler=GridSampler(grid))
def objective(trial):
    a = trial.suggest_categorical("a", grid["a"])
    b = trial.suggest_categorical("b", grid["b"])
    c = trial.suggest_categorical("c", grid["c"])
    # One file per evaluation: what the objective really ran, whatever the study says.
    with open(os.path.join(log_dir, f"{{os.getpid()}}-{{trial.number}}"), "w") as f:
        f.write(repr((a, b, c)))
    time.sleep(0.01)
    return a * c
study.optimize(objective)
"""


def _run_four_processes_on_a_grid(url: str, tmp_path: Path) -> list[str]:
    hs.create_study(study_name="grid", storage=url, sampler=GridSampler(GRID))
    logs = tmp_path / "evaluations"
    logs.mkdir()
    code = _RUNNER.format(grid=GRID)
    procs = [subprocess.Popen([sys.executable, "-c", code, url, str(logs)]) for _ in range(4)]
    for proc in procs:
        assert proc.wait(timeout=300) == 0
    return [p.read_text() for p in sorted(logs.iterdir())]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_four_processes_evaluate_each_grid_point_exactly_once(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    evaluated = _run_four_processes_on_a_grid(url, tmp_path)
    assert len(evaluated) == 27 and len(set(evaluated)) == 27  # 0 extra evaluations
    study = hs.load_study("grid", url)
    ran = [t for t in study.trials if not t.system_attrs.get("not_run")]
    assert sorted(t.system_attrs["grid_id"] for t in ran) == list(range(27))
    assert all(t.state is hs.TrialState.COMPLETE for t in ran)
    # A process that lost the race for the last points ends its trial as not run
    # (and interrupted, so it never counts toward a config's target).
    for t in study.trials:
        if t.system_attrs.get("not_run"):
            assert t.state is hs.TrialState.FAIL and t.system_attrs["interrupted"] is True
