"""Running configs: resume up to the target, what counts toward it, progress, storage."""

from __future__ import annotations

from pathlib import Path

import pytest

import hypersense as hs
from hypersense.config import (
    RunStatus,
    count_toward_target,
    counts_toward_target,
    load_config,
    run_config,
)
from hypersense.storage import InMemoryStorage
from hypersense.trial import FrozenTrial, SystemAttr
from tests.config.helpers import write_config, write_module

_OBJECTIVE = """
import pathlib

HERE = pathlib.Path(__file__).parent


def objective(trial):
    x = trial.params["x"]
    if trial.number == 2 and (HERE / "interrupt-once").exists():
        (HERE / "interrupt-once").unlink()
        raise KeyboardInterrupt  # what Ctrl-C raises in the middle of a trial
    return (x - 0.3) ** 2
"""


@pytest.fixture
def study_yaml(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A config over a quick objective in its own module (one per test)."""
    module = write_module(tmp_path, f"run_obj_{request.node.name}", _OBJECTIVE)
    return write_config(
        tmp_path,
        f"""
        study_name: resume-me
        objective: {module}:objective
        space:
          x: {{type: float, low: 0.0, high: 1.0}}
        n_trials: 4
        seed: 0
        """,
    )


def _set_target(path: Path, n: int) -> None:
    text = path.read_text()
    path.write_text(text.replace("n_trials: 4", f"n_trials: {n}"))


def test_running_again_keeps_the_target_and_raising_it_continues(
    study_yaml: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    first = run_config(load_config(study_yaml), storage=url)
    assert (first.n_done_before, first.n_done, first.n_new) == (0, 4, 4)
    assert first.reached_target
    again = run_config(load_config(study_yaml), storage=url)
    assert (again.n_done_before, again.n_done, again.n_new) == (4, 4, 0)
    _set_target(study_yaml, 6)
    more = run_config(load_config(study_yaml), storage=url)
    assert (more.n_done_before, more.n_done, more.n_new) == (4, 6, 2)
    trials = hs.load_study("resume-me", url).trials
    assert [t.number for t in trials] == list(range(6))


def test_an_interrupted_trial_does_not_count_and_the_run_resumes(
    study_yaml: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    (tmp_path / "interrupt-once").touch()
    with pytest.raises(KeyboardInterrupt):
        run_config(load_config(study_yaml), storage=url)
    trials = hs.load_study("resume-me", url).trials
    assert [t.state for t in trials[:2]] == [hs.TrialState.COMPLETE] * 2
    assert trials[2].state is hs.TrialState.FAIL
    assert trials[2].system_attrs[SystemAttr.INTERRUPTED] is True
    assert count_toward_target(trials) == 2
    resumed = run_config(load_config(study_yaml), storage=url)
    assert (resumed.n_done_before, resumed.n_done, resumed.n_new) == (2, 4, 2)
    assert len(hs.load_study("resume-me", url).trials) == 5  # 4 that count + 1 interrupted


def test_a_trial_that_fails_by_itself_counts(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    module = write_module(
        tmp_path,
        f"run_obj_{request.node.name}",
        "def objective(trial):\n    raise ValueError('always')\n",
    )
    path = write_config(
        tmp_path,
        f"study_name: f\nobjective: {module}:objective\nn_trials: 3\ncatch: [ValueError]\n",
    )
    storage = InMemoryStorage()
    status = run_config(load_config(path), storage=storage)
    assert status.n_done == 3 and status.best_trials == ()
    assert [t.state for t in hs.load_study("f", storage).trials] == [hs.TrialState.FAIL] * 3


def test_progress_reports_the_start_and_every_finished_trial(study_yaml: Path) -> None:
    seen: list[RunStatus] = []
    called: list[int] = []
    final = run_config(
        load_config(study_yaml),
        storage=InMemoryStorage(),
        progress=seen.append,
        callbacks=[lambda study, trial: called.append(trial.number)],
    )
    assert [(s.n_done, s.n_new) for s in seen] == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]
    assert seen[0].trial is None and [s.trial.number for s in seen[1:]] == [0, 1, 2, 3]  # type: ignore[union-attr]
    assert called == [0, 1, 2, 3]
    assert final.trial is None and final.n_done == 4 and final.n_target == 4
    best = min(
        (s.trial for s in seen[1:] if s.trial is not None and s.trial.values),
        key=lambda t: t.objective_value(),
    )
    assert [t.number for t in final.best_trials] == [best.number]
    assert seen[-1].elapsed_s >= seen[1].elapsed_s >= 0.0


def test_trials_finished_by_another_process_count_and_stop_the_run(study_yaml: Path) -> None:
    def other_process_finishes_two(study: hs.Study, trial: FrozenTrial) -> None:
        if trial.number == 0:  # a second runner of the same study, simulated
            for _ in range(2):
                handle = study.ask()
                study.tell(handle, 1.0)

    storage = InMemoryStorage()
    status = run_config(
        load_config(study_yaml), storage=storage, callbacks=[other_process_finishes_two]
    )
    assert status.n_done == 4 and status.n_new == 2  # not 4 new: the target was shared
    assert len(hs.load_study("resume-me", storage).trials) == 4


def test_a_stored_study_with_other_directions_is_a_config_error(study_yaml: Path) -> None:
    storage = InMemoryStorage()
    hs.create_study("resume-me", storage, direction="maximize")
    with pytest.raises(hs.ConfigError, match=r"field 'direction'.*use another `study_name`"):
        run_config(load_config(study_yaml), storage=storage)


def test_bad_storage_urls_blame_the_config_only_when_it_gave_them(
    study_yaml: Path, tmp_path: Path
) -> None:
    text = study_yaml.read_text() + "storage: mysql://nowhere/db\n"
    study_yaml.write_text(text)
    with pytest.raises(hs.ConfigError, match="field 'storage': cannot open storage"):
        run_config(load_config(study_yaml))
    with pytest.raises(hs.StorageError, match="cannot parse storage URL 'not a url'"):
        run_config(load_config(study_yaml), storage="not a url")
    missing_dir = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"
    with pytest.raises(hs.StorageError, match="does not exist"):
        run_config(load_config(study_yaml), storage=missing_dir)


def _trial(state: hs.TrialState, **system: object) -> FrozenTrial:
    values = (1.0,) if state is hs.TrialState.COMPLETE else None
    reason = system.pop("reason", None)
    return FrozenTrial(
        number=0,
        state=state,
        values=values,
        system_attrs=system,
        fail_reason=reason,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("trial", "counts"),
    [
        (_trial(hs.TrialState.COMPLETE), True),
        (_trial(hs.TrialState.PRUNED), True),
        (_trial(hs.TrialState.FAIL, reason="ValueError: bad"), True),
        (_trial(hs.TrialState.FAIL, reason="the worker process died (exit code -9)"), True),
        (_trial(hs.TrialState.FAIL, interrupted=True), False),
        (
            _trial(
                hs.TrialState.FAIL,
                reason="stale heartbeat: the worker stopped responding",
                interrupted=True,
            ),
            False,
        ),
        (_trial(hs.TrialState.FAIL, retried_by=5), False),
        (_trial(hs.TrialState.RUNNING), False),
        (_trial(hs.TrialState.WAITING), False),
    ],
)
def test_what_counts_toward_the_target(trial: FrozenTrial, counts: bool) -> None:
    assert counts_toward_target(trial) is counts
