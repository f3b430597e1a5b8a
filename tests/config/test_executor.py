"""A config's `executor`: where trials run, by name from the registry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import hypersense as hs
from hypersense.config import load_config, run_config
from hypersense.storage import InMemoryStorage
from tests.config.helpers import write_config, write_module

_OBJECTIVE = """
import os


def objective(trial):
    trial.set_user_attr("pid", os.getpid())
    return trial.params["x"] ** 2
"""


def _config(tmp_path: Path, name: str, executor: str) -> Path:
    module = write_module(tmp_path, f"executor_obj_{name}", _OBJECTIVE)
    return write_config(
        tmp_path,
        f"""
        study_name: where
        objective: {module}:objective
        space:
          x: {{type: float, low: -1.0, high: 1.0}}
        n_trials: 6
        seed: 0
        {executor}
        """,
    )


def _pids(config_path: Path) -> set[int]:
    storage = InMemoryStorage()
    status = run_config(load_config(config_path), storage=storage)
    assert status.n_done == 6
    study = hs.load_study(study_name="where", storage=storage)
    assert all(t.state is hs.TrialState.COMPLETE for t in study.trials)
    return {t.user_attrs["pid"] for t in study.trials}


def test_a_process_executor_runs_trials_in_worker_processes(tmp_path: Path) -> None:
    path = _config(tmp_path, "process", "executor: {name: Process, options: {n_workers: 2}}")
    pids = _pids(path)
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_the_inline_executor_runs_trials_in_this_process(tmp_path: Path) -> None:
    assert _pids(_config(tmp_path, "inline", "executor: inline")) == {os.getpid()}


def test_n_jobs_and_an_executor_are_refused_together(tmp_path: Path) -> None:
    path = _config(tmp_path, "both", "n_jobs: 2\n        executor: inline")
    with pytest.raises(
        hs.ConfigError, match=r"line 8, field 'executor': give either `n_jobs` or `executor`"
    ):
        load_config(path)


def test_an_unknown_executor_names_the_choices_and_the_field(tmp_path: Path) -> None:
    path = _config(tmp_path, "unknown", "executor: {name: ray}")
    with pytest.raises(
        hs.ConfigError,
        match=r"executor\.name.*unknown executor 'ray'; choose one of \['dask', 'inline'",
    ):
        run_config(load_config(path), storage=InMemoryStorage())


def test_a_bad_executor_option_is_blamed_on_the_option(tmp_path: Path) -> None:
    path = _config(tmp_path, "bad", "executor: {name: process, options: {n_workers: 0}}")
    with pytest.raises(hs.ConfigError, match=r"executor\.options\.n_workers.*n_workers"):
        run_config(load_config(path), storage=InMemoryStorage())
