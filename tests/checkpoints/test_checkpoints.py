"""Trial checkpoints: saving, loading, resuming a retry, deleting; and fail kinds and
``trial_timeout_s`` on the built-in executors."""

from __future__ import annotations

from pathlib import Path

import pytest

import hypersense as hs
from hypersense.execution import ProcessExecutor
from hypersense.trial.frozen import SystemAttr
from tests.checkpoints import objectives


def _study(tmp_path: Path, **options: object) -> hs.Study:
    return hs.create_study(storage=f"sqlite:///{tmp_path / 'study.db'}", **options)  # type: ignore[arg-type]


def test_a_state_saved_is_loaded_back_and_replaced(tmp_path: Path) -> None:
    study = _study(tmp_path)
    seen: list[object] = []

    def objective(trial: hs.Trial) -> float:
        seen.append(trial.load_checkpoint(default="nothing yet"))
        trial.save_checkpoint({"epoch": 1})
        trial.save_checkpoint({"epoch": 2})
        seen.append(trial.load_checkpoint())
        return 0.0

    study.optimize(objective, n_trials=1)
    assert seen == ["nothing yet", {"epoch": 2}]
    store = study.checkpoint_store
    assert store is not None and store.root == tmp_path / "study-checkpoints"
    assert sorted(p.name for p in store.trial_dir(0).iterdir()) == ["checkpoint.pkl"]
    assert study.trials[0].system_attrs[SystemAttr.CHECKPOINT_DIR] == str(store.trial_dir(0))


def test_a_study_without_a_checkpoint_directory_says_how_to_get_one() -> None:
    study = hs.create_study()  # in memory: no default directory

    def objective(trial: hs.Trial) -> float:
        trial.save_checkpoint({"epoch": 1})
        return 0.0

    with pytest.raises(hs.CheckpointError, match="trial 0 has no checkpoint directory"):
        study.optimize(objective, n_trials=1)


def test_a_file_is_copied_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HS_TEST_TMP", str(tmp_path))
    study = _study(tmp_path, checkpoint_dir=tmp_path / "elsewhere")
    study.enqueue_trial({"x": 0.25})
    study.optimize(objectives.saves_a_file, n_trials=1)
    assert study.trials[0].value == 0.25
    (tmp_path / "weights-0.txt").unlink()  # the stored copy is independent of it
    store = study.checkpoint_store
    assert store is not None and str(store.trial_dir(0)).startswith(str(tmp_path / "elsewhere"))
    assert [p.read_text() for p in store.trial_dir(0).rglob("weights-0.txt")] == ["0.25"]


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_a_killed_workers_retry_resumes_from_its_checkpoint(
    tmp_path: Path, start_method: str
) -> None:
    study = _study(tmp_path, max_retries=1)
    study.enqueue_trial({"x": 3.0})
    executor = ProcessExecutor(1, start_method=start_method)
    study.optimize(objectives.dies_once, n_trials=2, executor=executor)
    lost, retry = study.trials
    assert lost.state is hs.TrialState.FAIL and lost.fail_kind is hs.FailKind.WORKER_LOST
    assert retry.state is hs.TrialState.COMPLETE and retry.params == {"x": 3.0}
    assert retry.value == 4.0 and retry.user_attrs["resumed_epoch"] == 1
    assert retry.system_attrs[SystemAttr.RETRY_OF] == 0
    assert retry.system_attrs[SystemAttr.RESUMED_FROM]["trial"] == 0
    assert SystemAttr.CHECKPOINT_DIR not in retry.system_attrs  # it saved none itself
    # Both finished: deleting the completed chain's checkpoints takes the lost one's too.
    assert study.delete_checkpoints() == [0]
    store = study.checkpoint_store
    assert store is not None and not store.trial_dir(0).exists()


def test_delete_checkpoints_keeps_those_a_retry_may_resume_from(tmp_path: Path) -> None:
    study = _study(tmp_path)

    def objective(trial: hs.Trial) -> float:
        trial.save_checkpoint(trial.number)
        if trial.number == 1:
            raise ValueError("failed, not retried yet")
        return 0.0

    study.optimize(objective, n_trials=2, catch=ValueError)
    assert study.delete_checkpoints() == [0]
    assert study.delete_checkpoints(states=[hs.TrialState.FAIL]) == [1]


def test_each_failure_has_its_kind(tmp_path: Path) -> None:
    study = _study(tmp_path)
    for x in (0, 1, 2):
        study.enqueue_trial({"x": x})
    study.optimize(objectives.fails_in_kinds, n_trials=3, catch=ValueError)
    assert [t.fail_kind for t in study.trials] == [
        hs.FailKind.EXCEPTION,
        hs.FailKind.INVALID_VALUE,
        None,
    ]


def test_trial_timeout_kills_a_hung_worker_and_the_study_goes_on(tmp_path: Path) -> None:
    study = _study(tmp_path)
    for x in (5.0, -1.0, -2.0):
        study.enqueue_trial({"x": x})
    study.optimize(objectives.sleeps_unless_negative, n_trials=3, n_jobs=2, trial_timeout_s=5.0)
    hung, *others = study.trials
    assert hung.state is hs.TrialState.FAIL and hung.fail_kind is hs.FailKind.TIMEOUT
    assert [t.value for t in others] == [-1.0, -2.0]


def test_trial_timeout_stops_an_inline_trial_at_its_next_call(tmp_path: Path) -> None:
    study = _study(tmp_path)
    for x in (5.0, -1.0):
        study.enqueue_trial({"x": x})
    study.optimize(objectives.reports_forever_unless_negative, n_trials=2, trial_timeout_s=2.0)
    hung, done = study.trials
    assert hung.state is hs.TrialState.FAIL and hung.fail_kind is hs.FailKind.TIMEOUT
    assert done.state is hs.TrialState.COMPLETE and done.value == -1.0
