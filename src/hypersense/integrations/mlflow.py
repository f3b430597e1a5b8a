"""Logging a study to MLflow: the study as a parent run, each trial a nested run.

``MLflowCallback`` is a study callback (``study.optimize(..., callbacks=[cb])``):
after each finished trial it writes, through MLflow's own client to the
tracking store the user names, a nested run holding the trial's parameters,
its value(s) under the metric names, every intermediate value as a step of
the metric ``<metric>_intermediate``, its state and number as tags, and the
environment manifest as a JSON artifact. The parent run (one per study,
found again by its ``hypersense.study`` tag when the study is resumed) holds
the best value so far, one step per trial. It needs MLflow
(``pip install "hypersense[mlflow]"``).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hypersense._optional import import_optional
from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = ["MLflowCallback"]

_STUDY_TAG = "hypersense.study"
_STATUS = {
    TrialState.COMPLETE: "FINISHED",
    TrialState.PRUNED: "KILLED",
    TrialState.FAIL: "FAILED",
}


class MLflowCallback:
    """Log each finished trial as a nested MLflow run under one run per study.

    Args:
        tracking_uri: MLflow's tracking store, e.g. ``sqlite:///mlflow.db`` or a
            server's URL (None: MLflow's own default).
        metric_name: The objective's name, or one name per objective (default:
            the study's ``metric_names``, else ``value`` / ``value_0``...).
        experiment_name: The MLflow experiment (default: the study's name);
            created when missing.
        log_environment: Store each trial's environment manifest as an artifact.
    """

    def __init__(
        self,
        *,
        tracking_uri: str | None = None,
        metric_name: str | Sequence[str] | None = None,
        experiment_name: str | None = None,
        log_environment: bool = True,
    ) -> None:
        if metric_name is not None and not isinstance(metric_name, str):
            names = list(metric_name)
            if not names or not all(isinstance(n, str) and n for n in names):
                raise ValueError(
                    f"`metric_name` must be a name or a list of names (got {metric_name!r})"
                )
        self._tracking_uri = tracking_uri
        self._metric_name = metric_name
        self._experiment_name = experiment_name
        self._log_environment = log_environment
        self._client: Any = None
        self._parents: dict[str, str] = {}  # study name -> parent run id

    def __repr__(self) -> str:
        return (
            f"MLflowCallback(tracking_uri={self._tracking_uri!r}, "
            f"metric_name={self._metric_name!r}, experiment_name={self._experiment_name!r})"
        )

    # ------------------------------------------------------------- plumbing
    def _mlflow_client(self) -> Any:
        if self._client is None:
            tracking = import_optional("mlflow.tracking", extra="mlflow", purpose="MLflow logging")
            self._client = tracking.MlflowClient(tracking_uri=self._tracking_uri)
        return self._client

    def _names(self, study: Study) -> list[str]:
        n = len(study.directions)
        given = self._metric_name
        if given is None:
            given = study.metric_names or (
                ["value"] if n == 1 else [f"value_{i}" for i in range(n)]
            )
        names = [given] if isinstance(given, str) else list(given)
        if len(names) != n:
            raise ValueError(
                f"`metric_name` gives {len(names)} name(s); study {study.study_name!r} has "
                f"{n} objective(s)"
            )
        return names

    def _parent(self, study: Study) -> str:
        """The study's run: found by its tag (a resumed study), else created."""
        name = study.study_name
        if name in self._parents:
            return self._parents[name]
        client = self._mlflow_client()
        experiment_name = self._experiment_name or name
        experiment = client.get_experiment_by_name(experiment_name)
        experiment_id = (
            experiment.experiment_id
            if experiment is not None
            else client.create_experiment(experiment_name)
        )
        found = client.search_runs(
            [experiment_id], filter_string=f"tags.`{_STUDY_TAG}` = '{_quoted(name)}'"
        )
        if found:
            run_id = str(found[0].info.run_id)
        else:
            tags = {_STUDY_TAG: name, "hypersense.directions": _directions(study)}
            run_id = str(client.create_run(experiment_id, run_name=name, tags=tags).info.run_id)
        self._parents[name] = run_id
        return run_id

    # ------------------------------------------------------------- callback
    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        """Log ``trial`` (finished) as a nested run of ``study``'s run."""
        from mlflow.entities import Metric, Param, RunTag

        client = self._mlflow_client()
        names = self._names(study)
        parent = self._parent(study)
        experiment_id = client.get_run(parent).info.experiment_id
        tags = {
            "mlflow.parentRunId": parent,
            _STUDY_TAG: study.study_name,
            "hypersense.trial_number": str(trial.number),
            "hypersense.state": trial.state.name,
        }
        if trial.fail_reason:
            tags["hypersense.fail_reason"] = trial.fail_reason[:5000]
        run = client.create_run(
            experiment_id,
            run_name=f"trial {trial.number}",
            tags=tags,
            start_time=_ms(trial.started_at),
        )
        run_id = run.info.run_id
        when = _ms(trial.completed_at)
        metrics = [
            Metric(name, value, when, 0)
            for name, value in zip(names, trial.values or (), strict=False)
            if math.isfinite(value)
        ]
        metrics += [
            Metric(f"{names[0]}_intermediate", value, when, int(step))
            for step, value in trial.intermediate_values.items()
            if math.isfinite(value)
        ]
        params = [Param(k, _text(v)) for k, v in trial.params.items()]
        user = [RunTag(f"user.{k}", _text(v)[:5000]) for k, v in trial.user_attrs.items()]
        client.log_batch(run_id, metrics=metrics, params=params, tags=user)
        environment = trial.system_attrs.get(SystemAttr.ENVIRONMENT)
        if self._log_environment and environment is not None:
            client.log_dict(run_id, dict(environment), "environment.json")
        client.set_terminated(run_id, status=_STATUS.get(trial.state, "FAILED"), end_time=when)
        self._log_best(client, study, parent, names[0], trial.number)

    @staticmethod
    def _log_best(client: Any, study: Study, parent: str, name: str, step: int) -> None:
        from mlflow.entities import Metric

        if study.is_multi_objective:
            return
        try:
            best = study.best_value
        except ValueError:  # no COMPLETE trial yet
            return
        client.log_batch(parent, metrics=[Metric(f"best_{name}", best, _ms(None), step)])


def _ms(seconds: float | None) -> int:
    return int(1000 * (time.time() if seconds is None else seconds))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


def _directions(study: Study) -> str:
    return ",".join(d.value for d in study.directions)
