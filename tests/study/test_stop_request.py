"""Stop requests through the storage: a run started before a request stops
starting trials once it is stored; a run started after it is not stopped."""

from __future__ import annotations

from pathlib import Path

import hypersense as hs
from hypersense.config import load_config, run_config
from hypersense.storage.sql.storage import SQLStorage
from hypersense.study.stop_request import (
    STOP_REQUEST_ATTR,
    StopOnRequest,
    current_stop_request,
    request_stop,
)
from hypersense.trial import FrozenTrial
from tests.config.helpers import write_config, write_module


def _config(tmp_path: Path, n_trials: int) -> Path:
    module = write_module(
        tmp_path, f"stop_obj_{n_trials}", "def objective(trial):\n    return trial.params['x']\n"
    )
    return write_config(
        tmp_path,
        f"""
        study_name: stoppable
        objective: {module}:objective
        space:
          x: {{type: float, low: 0.0, high: 1.0}}
        n_trials: {n_trials}
        seed: 0
        """,
    )


def test_a_run_stops_starting_trials_once_another_process_requests_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'stop.db'}"
    other = SQLStorage(url)  # the dashboard's connection, apart from the run's

    def request_after_trial_1(study: hs.Study, trial: FrozenTrial) -> None:
        if trial.number == 1:
            request_stop(other, study.study_name, by="test")

    try:
        status = run_config(
            load_config(_config(tmp_path, 20)), storage=url, callbacks=[request_after_trial_1]
        )
        # The request lands after trial 1's callbacks; trial 2's finish sees it.
        assert status.n_done == 3
        stored = current_stop_request(other.get_study("stoppable").system_attrs)
        assert stored is not None and stored["by"] == "test"
        # Run again: the old request does not stop the new run, which reaches the target.
        again = run_config(load_config(_config(tmp_path, 20)), storage=url)
        assert again.n_done == 20
    finally:
        other.close()


def test_the_request_present_when_the_watch_began_is_ignored() -> None:
    storage = hs.storage.InMemoryStorage()
    study = hs.create_study(study_name="s", storage=storage)
    request_stop(storage, "s")
    watch = StopOnRequest(study)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3, callbacks=[watch])
    assert len(study.trials) == 3
    assert STOP_REQUEST_ATTR in study.system_attrs
    assert repr(watch) == "StopOnRequest(study='s')"
