"""fit(checkpoint_every=N): checkpoints of the whole run, and a retried trial resuming
from one with the curve of the uninterrupted run (known answer: that run's curve)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import hypersense as hs
from hypersense.execution import ProcessExecutor
from hypersense.torch import TrainingAttr, fit
from hypersense.torch.resume import FIT_CHECKPOINT_FORMAT
from hypersense.trial.frozen import SystemAttr
from tests.torch import resume_objectives as ro
from tests.torch.helpers import ScalarModel, mean_output, scalar_data

REFERENCE = ro.reference()


def _study(tmp_path: Path, **options: object) -> hs.Study:
    return hs.create_study(storage=f"sqlite:///{tmp_path / 'study.db'}", **options)  # type: ignore[arg-type]


def test_the_reference_run_uses_what_a_checkpoint_must_restore() -> None:
    assert REFERENCE.n_epochs == ro.MAX_EPOCHS  # no early stop: every epoch is compared
    assert len(set(REFERENCE.lr)) > 1  # the plateau schedule lowered the rate on the way
    assert REFERENCE.resumed_epoch is None


def test_a_checkpoint_holds_the_run_after_every_nth_epoch(tmp_path: Path) -> None:
    study = _study(tmp_path)
    saved: list[int] = []

    def objective(trial: hs.Trial) -> float:
        result, _ = ro.train(trial, checkpoint_every=2)
        state = trial.load_checkpoint()
        saved.append(state["run"]["next_epoch"])
        assert state["format"] == FIT_CHECKPOINT_FORMAT and state["trial"] == trial.number
        assert state["run"]["curves"]["val_loss"] == list(result.val_loss[:4])
        return result.best_value

    study.optimize(objective, n_trials=1)
    # Saved after epochs 1 and 3; not after the last one (nothing left to resume).
    assert saved == [4]
    trial = study.trials[0]
    assert trial.system_attrs[SystemAttr.CHECKPOINT_DIR] == str(study.checkpoint_store.trial_dir(0))  # type: ignore[union-attr]
    ro.assert_curves_match(trial)  # checkpoints change nothing of the run


def test_a_retry_after_sigkill_resumes_at_the_checkpoint_with_the_same_curve(
    tmp_path: Path,
) -> None:
    study = _study(tmp_path, max_retries=1)
    # fork: a spawned worker would import torch again (~15 s here) for the same check.
    executor = ProcessExecutor(1, start_method="fork")
    study.optimize(ro.killed_in_epoch_4, n_trials=2, executor=executor)
    ro.assert_resumed_after_the_kill(study)


def test_an_interrupted_study_rerun_resumes_its_trial(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    study = _study(tmp_path, max_retries=1)
    marker = tmp_path / "interrupted"

    def objective(trial: hs.Trial) -> float:
        result, n_steps = ro.train(trial, marker, stop_at=3 * ro.STEPS_PER_EPOCH, how="interrupt")
        trial.set_user_attr("train_steps", n_steps)
        return result.best_value

    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=1)  # Ctrl-C in epoch 2, after the checkpoint of 1
    interrupted = study.trials[0]
    assert interrupted.fail_kind is hs.FailKind.INTERRUPTED
    with caplog.at_level(logging.WARNING, logger="hypersense"):
        study.optimize(objective, n_trials=1)  # the rerun runs the queued retry
    retry = study.trials[1]
    assert retry.system_attrs[SystemAttr.RETRY_OF] == interrupted.number
    assert retry.user_attrs[TrainingAttr.RESUMED_EPOCH] == 2
    assert retry.user_attrs["train_steps"] == 4 * ro.STEPS_PER_EPOCH
    ro.assert_curves_match(retry)
    assert "already reported" not in caplog.text  # each epoch reported once


def test_checkpoint_every_is_validated() -> None:
    data = scalar_data(4)

    def train(**options: object) -> None:
        fit(
            lambda: ScalarModel(1.0),
            train=data,
            val=data,
            loss=mean_output,
            max_epochs=2,
            **options,  # type: ignore[arg-type]
        )

    with pytest.raises(ValueError, match="`checkpoint_every` must be None or an integer >= 1"):
        train(checkpoint_every=0)
    with pytest.raises(ValueError, match="`checkpoint_every` saves the trial's checkpoint"):
        train(checkpoint_every=1)
    study = hs.create_study()  # in memory: no checkpoint directory

    def objective(trial: hs.Trial) -> float:
        train(trial=trial, checkpoint_every=1)
        return 0.0

    with pytest.raises(hs.CheckpointError, match="trial 0's study has none"):
        study.optimize(objective, n_trials=1)


def test_a_checkpoint_of_something_else_is_not_resumed(tmp_path: Path) -> None:
    study = _study(tmp_path)

    def own_checkpoint(trial: hs.Trial) -> float:
        trial.save_checkpoint({"epoch": 3})
        return ro.train(trial)[0].best_value

    with pytest.raises(hs.CheckpointError, match=r"was not saved by hypersense\.torch\.fit"):
        study.optimize(own_checkpoint, n_trials=1)

    def other_run(trial: hs.Trial) -> float:
        ro.train(trial, checkpoint_every=1)
        data = scalar_data(4)
        fit(
            lambda: ScalarModel(1.0),
            train=data,
            val=data,
            loss=mean_output,
            hparams={"optimizer": "sgd", "lr": 0.1, "batch_size": 4},
            trial=trial,
            max_epochs=3,
            checkpoint_every=1,
        )
        return 0.0

    with pytest.raises(hs.CheckpointError, match="horizon_epochs, recipe, steps_per_epoch"):
        study.optimize(other_run, n_trials=1)


def test_checkpoints_cost_nothing_to_a_run_that_has_none(tmp_path: Path) -> None:
    study = _study(tmp_path)
    study.optimize(lambda trial: ro.train(trial, checkpoint_every=None)[0].best_value, n_trials=1)
    trial = study.trials[0]
    assert SystemAttr.CHECKPOINT_DIR not in trial.system_attrs
    assert TrainingAttr.RESUMED_EPOCH not in trial.user_attrs
    ro.assert_curves_match(trial)
