"""``space: {lr: {from_range_test: true}}``: the range comes from a range test,
stored on the study and reused on resume; refused where no test can exist."""

from __future__ import annotations

from pathlib import Path

import pytest

import hypersense as hs
from hypersense.config import load_config, run_config
from hypersense.lr import (
    RangeTestResult,
    Suggestion,
    load_range_test,
    load_search_range,
    store_range_test,
)
from hypersense.lr.result import RangeTestSettings, SeedCurve
from hypersense.space import FloatDistribution
from tests.config.helpers import write_config, write_module


def test_a_task_runs_its_range_test_once_and_every_run_uses_its_range(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lr.db'}"
    config = f"""
        study_name: lr-task
        storage: {url}
        task: torch-digits-mlp
        task_options: {{max_epochs: 1}}
        n_trials: 1
        seed: 0
        space:
          width: 16
          depth: 1
          lr: {{from_range_test: true, num_steps: 60, seeds: [0], span: 2.0}}
        """
    run_config(load_config(write_config(tmp_path, config)))
    study = hs.load_study("lr-task", url)
    test, lr_range = load_range_test(study), load_search_range(study)
    assert test is not None and lr_range is not None
    assert test.settings.num_steps == 60 and test.settings.seeds == (0,)
    assert test.settings.optimizer == "adamw"  # the task's recipe
    low, high = test.interval
    assert lr_range.low == pytest.approx(low / 2.0) and lr_range.span == 2.0
    assert lr_range.high <= high * 2.0
    assert study.trials[0].distributions["lr"] == FloatDistribution(
        lr_range.low, lr_range.high, log=True
    )
    stored = study.system_attrs["lr_range_test"]
    assert stored["context"]["task"] == "torch-digits-mlp"
    assert stored["context"]["params"]["width"] == 16
    # A resumed run reuses the stored test: the same range, no new test.
    run_config(load_config(write_config(tmp_path, config.replace("n_trials: 1", "n_trials: 2"))))
    study = hs.load_study("lr-task", url)
    assert study.system_attrs["lr_range_test"] == stored
    assert [t.distributions["lr"] for t in study.trials] == [lr_range.distribution()] * 2


def made_result() -> RangeTestResult:
    settings = RangeTestSettings(
        start_lr=1e-6, end_lr=1.0, num_steps=3, mode="exp", optimizer="sgd", batch_size=32,
        accumulation_steps=1, diverge_factor=4.0, beta=0.98, seeds=(0,),
    )  # fmt: skip
    said = (Suggestion("steepest", 1e-3), Suggestion("minimum", 4e-3))
    curve = SeedCurve(0, (1e-6, 1e-3, 1.0), (2.0, 1.0, 9.0), (2.0, 1.5, 3.0), 1.0, said)
    return RangeTestResult(settings, (curve,), {s.rule: s for s in said})


_OBJECTIVE = """
def objective(trial):
    return trial.params["learning_rate"]
"""


def test_an_objective_uses_a_test_stored_on_its_study(tmp_path: Path) -> None:
    module = write_module(tmp_path, "lr_stored_objective", _OBJECTIVE)
    url = f"sqlite:///{tmp_path / 'lr.db'}"
    study = hs.create_study(study_name="mine", storage=url)
    store_range_test(study, made_result(), context={"model": "my net"})
    config = f"""
        study_name: mine
        storage: {url}
        objective: {module}:objective
        n_trials: 3
        space:
          learning_rate: {{from_range_test: true, span: 10}}
        """
    run_config(load_config(write_config(tmp_path, config)))
    trials = hs.load_study("mine", url).trials
    assert all(t.distributions["learning_rate"] == FloatDistribution(1e-4, 0.04, log=True)
               for t in trials)  # fmt: skip
    assert all(1e-4 <= t.value <= 0.04 for t in trials)


def test_an_objective_without_a_stored_test_is_refused_naming_the_field(tmp_path: Path) -> None:
    module = write_module(tmp_path, "lr_refused_objective", _OBJECTIVE)
    path = write_config(
        tmp_path,
        f"""
        study_name: nothing-stored
        storage: sqlite:///{tmp_path / "lr.db"}
        objective: {module}:objective
        n_trials: 1
        space:
          learning_rate: {{from_range_test: true}}
        """,
    )
    with pytest.raises(hs.ConfigError, match=r"field 'space.learning_rate'.*store_range_test"):
        run_config(load_config(path))


@pytest.mark.parametrize(
    ("space", "message"),
    [
        (
            "{a: {from_range_test: true}, b: {from_range_test: true}}",
            "field 'space.b': only one parameter",
        ),
        ("{a: {from_range_test: true, start_lr: 1.0, end_lr: 0.1}}", "`start_lr` must be <"),
        ("{a: {from_range_test: true, spann: 2}}", "unknown field"),
        ("{a: {from_range_test: true, span: 1.0}}", "field 'space.a.span'"),
        ("{a: {from_range_test: false}}", "field 'space.a.from_range_test'"),
    ],
)
def test_bad_entries_are_named(tmp_path: Path, space: str, message: str) -> None:
    module = write_module(tmp_path, f"lr_bad_{abs(hash(space))}", _OBJECTIVE)
    path = write_config(
        tmp_path,
        f"""
        study_name: bad
        storage: sqlite:///{tmp_path / "lr.db"}
        objective: {module}:objective
        n_trials: 1
        space: {space}
        """,
    )
    with pytest.raises(hs.ConfigError, match=message):
        run_config(load_config(path))
