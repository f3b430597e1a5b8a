"""The MLflow callback against a real MLflow SQLite store, read back with MLflow's client."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

import hypersense as hs
from hypersense.integrations.mlflow import MLflowCallback
from hypersense.samplers import RandomSampler

# MLflow's own tables use a SQLAlchemy loader that SQLAlchemy 2.1 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SADeprecationWarning")


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in a fresh folder: with an SQLite tracking store, MLflow puts the runs'
    artifacts under ./mlruns of the working directory."""
    monkeypatch.chdir(tmp_path)


def _objective(trial: hs.Trial) -> float:
    x = trial.suggest_float("x", -2, 2)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    for step in range(3):
        trial.report(x * x + 1 / (step + 1), step)
        if trial.number == 3 and trial.should_prune():
            raise hs.TrialPruned
    trial.set_user_attr("note", kind)
    if trial.number == 4:
        raise ValueError("boom")
    return x * x


def test_every_trial_is_a_nested_run_read_back_by_mlflow(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    study = hs.create_study(study_name="mlf", sampler=RandomSampler(seed=0))
    study.set_metric_names(["loss"])
    callback = MLflowCallback(tracking_uri=uri)
    study.optimize(_objective, n_trials=6, callbacks=[callback], catch=(ValueError,))
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("mlf")
    runs = client.search_runs([experiment.experiment_id], max_results=100)
    parent = next(r for r in runs if "mlflow.parentRunId" not in r.data.tags)
    children = sorted(
        (r for r in runs if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id),
        key=lambda r: int(r.data.tags["hypersense.trial_number"]),
    )
    assert len(children) == 6
    for run, trial in zip(children, study.trials, strict=True):
        assert run.data.params == {"x": repr(trial.params["x"]), "kind": trial.params["kind"]}
        assert run.data.tags["hypersense.state"] == trial.state.name
        history = client.get_metric_history(run.info.run_id, "loss_intermediate")
        reported = {m.step: m.value for m in history}
        assert reported == pytest.approx(dict(trial.intermediate_values))
        if trial.state is hs.TrialState.COMPLETE:
            assert run.data.metrics["loss"] == pytest.approx(trial.value)
            assert run.info.status == "FINISHED"
            assert run.data.tags["user.note"] == trial.user_attrs["note"]
    failed = children[4]
    assert failed.info.status == "FAILED" and "boom" in failed.data.tags["hypersense.fail_reason"]
    best = client.get_metric_history(parent.info.run_id, "best_loss")
    assert best[-1].value == pytest.approx(study.best_value)
    artifacts = [a.path for a in client.list_artifacts(children[0].info.run_id)]
    assert artifacts == ["environment.json"]


def test_a_resumed_study_logs_under_the_same_parent(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    url = f"sqlite:///{tmp_path / 'study.db'}"
    for _ in range(2):  # two runs of the same study, each with a fresh callback
        study = hs.create_study(study_name="again", storage=url, load_if_exists=True)
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2,
                       callbacks=[MLflowCallback(tracking_uri=uri)])  # fmt: skip
    client = MlflowClient(tracking_uri=uri)
    runs = client.search_runs([client.get_experiment_by_name("again").experiment_id])
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    assert len(parents) == 1 and len(runs) == 5


def test_metric_names_must_match_the_objectives(tmp_path: Path) -> None:
    study = hs.create_study(directions=["minimize", "maximize"])
    callback = MLflowCallback(tracking_uri=f"sqlite:///{tmp_path / 'm.db'}", metric_name="loss")
    with pytest.raises(ValueError, match="gives 1 name"):
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=1,
                       callbacks=[callback])  # fmt: skip
    with pytest.raises(ValueError, match="`metric_name` must be"):
        MLflowCallback(metric_name=[])
