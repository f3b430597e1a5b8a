"""The DaskExecutor on a real LocalCluster of two worker processes (each offering one
fake GPU resource), driven by ``Study.optimize``, the config runner and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import distributed  # the dev extra installs it: a missing one fails, never skips
import pytest

import hypersense as hs
from hypersense.config import load_config, run_config
from hypersense.errors import ExecutorError
from hypersense.execution import DaskExecutor
from hypersense.pruners import MedianPruner
from hypersense.samplers import GridSampler
from hypersense.trial.frozen import SystemAttr
from tests.config.helpers import write_config, write_module
from tests.execution import dask_objectives
from tests.torch import resume_objectives

pytestmark = pytest.mark.filterwarnings(
    # distributed warns when a worker it was talking to is killed or restarted.
    "ignore::ResourceWarning",
    "ignore:.*leaked semaphore.*:UserWarning",
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two single-thread worker processes, each declaring one (fake) GPU."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # no fixed port: other clusters may hold 8787
        resources={"GPU": 1},
    ) as local:
        yield local


@pytest.fixture
def client(cluster: Any) -> Iterator[Any]:
    """A client of the module's cluster once both workers are up (a test may kill one)."""
    with distributed.Client(cluster, set_as_default=False) as connected:
        connected.wait_for_workers(2, timeout=120)  # a killed worker's nanny restarts it
        yield connected


def _study(tmp_path: Path, **options: Any) -> hs.Study:
    return hs.create_study(storage=f"sqlite:///{tmp_path / 'study.db'}", **options)


def _worker_pids(client: Any) -> set[int]:
    return set(client.run(os.getpid).values())


def test_trials_run_on_the_workers_each_grid_point_once(client: Any, tmp_path: Path) -> None:
    grid = GridSampler({"x": [-2.0, -1.0, 1.0, 2.0]})
    study = _study(tmp_path, sampler=grid)
    executor = DaskExecutor(client)
    assert executor.n_workers == 2  # two workers of one thread
    busy: list[tuple[int, int]] = []

    def count_busy(study: hs.Study, trial: hs.FrozenTrial) -> None:
        running = len(study.get_trials((hs.TrialState.RUNNING,)))
        queued = client.run_on_scheduler(
            lambda dask_scheduler: sum(
                task.state in ("queued", "no-worker", "processing", "waiting")
                for task in dask_scheduler.tasks.values()
            )
        )
        busy.append((running, queued))

    study.optimize(dask_objectives.square, n_trials=4, executor=executor, callbacks=[count_busy])
    trials = study.trials
    assert [t.state for t in trials] == [hs.TrialState.COMPLETE] * 4
    # The sampler saw the running trials' points: every point ran once.
    assert sorted(t.params["x"] for t in trials) == [-2.0, -1.0, 1.0, 2.0]
    assert all(t.value == t.params["x"] ** 2 for t in trials)
    pids = {t.user_attrs["pid"] for t in trials}
    assert pids <= _worker_pids(client) and os.getpid() not in pids
    assert all(t.user_attrs["restrictions"] == {} for t in trials)
    # Never more trials in flight than the cluster runs at once.
    assert len(busy) == 4 and all(running <= 2 and queued <= 2 for running, queued in busy)
    assert client.status == "running"  # a client given to the executor stays open


def test_the_pruner_decides_on_reports_from_every_worker(client: Any, tmp_path: Path) -> None:
    study = _study(tmp_path, pruner=MedianPruner(n_startup_trials=2))
    for x in (1.0, 2.0):
        study.enqueue_trial({"x": x})
    study.optimize(dask_objectives.reports_x, n_trials=2, executor=DaskExecutor(client))
    for x in (50.0, 60.0):
        study.enqueue_trial({"x": x})
    study.optimize(dask_objectives.reports_x, n_trials=2, executor=DaskExecutor(client))
    trials = study.trials
    assert [t.state for t in trials] == [hs.TrialState.COMPLETE] * 2 + [hs.TrialState.PRUNED] * 2
    assert [t.value for t in trials[:2]] == [1.0, 2.0]
    assert [dict(t.intermediate_values) for t in trials[2:]] == [{0: 50.0}, {0: 60.0}]


def test_resources_pass_through_to_dask(client: Any, tmp_path: Path) -> None:
    executor = DaskExecutor(client, resources={"GPU": 1})
    assert executor.n_workers == 2  # one GPU on each worker
    assert DaskExecutor(client, resources={"GPU": 1}, n_workers=1).n_workers == 1
    study = _study(tmp_path, sampler=GridSampler({"x": [1.0, 2.0, 3.0]}))
    study.optimize(dask_objectives.square, n_trials=3, executor=executor)
    assert [t.state for t in study.trials] == [hs.TrialState.COMPLETE] * 3
    assert all(t.user_attrs["restrictions"] == {"GPU": 1} for t in study.trials)


def test_resources_no_worker_offers_are_refused(client: Any) -> None:
    executor = DaskExecutor(client, resources={"GPU": 2}, reconnect_timeout_s=0.5)
    with pytest.raises(ExecutorError, match=r"no Dask worker offers \{'GPU': 2\}"):
        executor.prepare(dask_objectives.square)
    executor.shutdown()


def test_a_killed_worker_fails_its_trial_and_the_retry_resumes(client: Any, tmp_path: Path) -> None:
    study = _study(tmp_path, max_retries=1)
    study.enqueue_trial({"x": 3.0})
    # One trial at a time: the killed one, then its retry.
    executor = DaskExecutor(client, n_workers=1)
    study.optimize(dask_objectives.dies_once, n_trials=2, executor=executor)
    lost, retry = study.trials
    assert lost.state is hs.TrialState.FAIL and lost.fail_kind is hs.FailKind.WORKER_LOST
    assert (lost.fail_reason or "").startswith("worker lost: its Dask worker")
    assert retry.state is hs.TrialState.COMPLETE and retry.params == {"x": 3.0}
    assert retry.system_attrs[SystemAttr.RETRY_OF] == 0
    assert retry.value == 4.0 and retry.user_attrs["resumed_epoch"] == 1
    assert retry.system_attrs[SystemAttr.RESUMED_FROM]["trial"] == 0


@pytest.mark.slow  # the workers import torch, twice for the killed one: 15-45 s here
def test_a_killed_worker_mid_fit_is_retried_from_the_checkpoint_of_fit(
    client: Any, tmp_path: Path
) -> None:
    # hypersense.torch.fit(checkpoint_every=2), its Dask worker SIGKILLed in epoch 4.
    study = _study(tmp_path, max_retries=1)
    executor = DaskExecutor(client, n_workers=1)  # one attempt at a time: lost, then its retry
    study.optimize(resume_objectives.killed_in_epoch_4, n_trials=2, executor=executor)
    resume_objectives.assert_resumed_after_the_kill(study)


@pytest.fixture
def own_client() -> Iterator[Any]:
    """A client of a cluster of its own, for a test whose worker is restarted: a
    restart that is slow on a loaded machine must not starve the module's cluster."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as local,
        distributed.Client(local, set_as_default=False) as connected,
    ):
        connected.wait_for_workers(2, timeout=120)
        yield connected


def test_a_hung_objective_fails_as_timeout_and_the_next_trial_runs(
    own_client: Any, tmp_path: Path
) -> None:
    client = own_client
    study = _study(tmp_path)
    for x in (5.0, -1.0, -2.0):
        study.enqueue_trial({"x": x})
    study.optimize(
        dask_objectives.hangs, n_trials=3, executor=DaskExecutor(client), trial_timeout_s=5.0
    )
    hung, *others = study.trials
    assert hung.state is hs.TrialState.FAIL and hung.fail_kind is hs.FailKind.TIMEOUT
    assert [(t.state, t.value) for t in others] == [
        (hs.TrialState.COMPLETE, -1.0),
        (hs.TrialState.COMPLETE, -2.0),
    ]


def test_a_broken_channel_is_a_lost_worker_not_an_error_of_the_objective(
    own_client: Any, tmp_path: Path
) -> None:
    # Trial 0 closes its worker's client mid-objective: its next call cannot reach the
    # coordinator. That is the cluster failing, not the objective: stored as lost (and
    # retried), and optimize goes on. (That worker stays without a client, so a trial
    # it runs later is lost too: the cluster here is the test's own.)
    study = _study(tmp_path, max_retries=1)
    study.enqueue_trial({"x": 2.0})
    study.optimize(
        dask_objectives.breaks_its_channel_once, n_trials=4, executor=DaskExecutor(own_client)
    )
    broken = study.trials[0]
    assert broken.state is hs.TrialState.FAIL and broken.fail_kind is hs.FailKind.WORKER_LOST
    assert "could not reach the coordinator" in (broken.fail_reason or "")
    failed = [t for t in study.trials if t.state is hs.TrialState.FAIL]
    assert all(t.fail_kind is hs.FailKind.WORKER_LOST for t in failed)
    assert any(t.state is hs.TrialState.COMPLETE for t in study.trials)


_CONFIG_OBJECTIVE = """
import os


def objective(trial):
    trial.set_user_attr("pid", os.getpid())
    return (trial.params["x"] - 1.0) ** 2
"""


def _config(tmp_path: Path, module: str, executor: str) -> Path:
    write_module(tmp_path, module, _CONFIG_OBJECTIVE)
    return write_config(
        tmp_path,
        f"""
        study_name: on-dask
        storage: sqlite:///{tmp_path / "runs.db"}
        objective: {module}:objective
        space:
          x: {{type: float, low: 0.0, high: 2.0}}
        n_trials: 3
        seed: 0
        {executor}
        """,
    )


def _finished_pids(tmp_path: Path) -> set[int]:
    study = hs.load_study(study_name="on-dask", storage=f"sqlite:///{tmp_path / 'runs.db'}")
    assert [t.state for t in study.trials] == [hs.TrialState.COMPLETE] * 3
    return {t.user_attrs["pid"] for t in study.trials}


def test_a_config_names_the_scheduler(client: Any, cluster: Any, tmp_path: Path) -> None:
    address = cluster.scheduler_address
    path = _config(tmp_path, "dask_config_objective", f"executor: {{dask: {address}}}")
    status = run_config(load_config(path))
    assert status.n_done == 3
    assert _finished_pids(tmp_path) <= _worker_pids(client)


def test_hypersense_run_dask_address(client: Any, cluster: Any, tmp_path: Path) -> None:
    path = _config(tmp_path, "dask_cli_objective", "n_jobs: 2")
    script = Path(sys.executable).with_name("hypersense")
    result = subprocess.run(
        [str(script), "run", str(path), "--dask", cluster.scheduler_address],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert _finished_pids(tmp_path) <= _worker_pids(client)


def test_options_are_validated_and_shown() -> None:
    shown = DaskExecutor("tcp://10.0.0.1:8786", n_workers=4, resources={"GPU": 1})
    assert repr(shown) == (
        "DaskExecutor('tcp://10.0.0.1:8786', n_workers=4, resources={'GPU': 1}, "
        "reconnect_timeout_s=60.0)"
    )
    with pytest.raises(ValueError, match="`n_workers` must be an integer >= 1 or None"):
        DaskExecutor(n_workers=0)
    with pytest.raises(ValueError, match="`resources` must map names to positive amounts"):
        DaskExecutor(resources={"GPU": 0})
    with pytest.raises(ValueError, match="either `client_or_address` or `address`"):
        DaskExecutor("tcp://a:1", address="tcp://b:1")
    with pytest.raises(TypeError, match=r"`client_or_address` must be a distributed\.Client"):
        DaskExecutor(42).prepare(dask_objectives.square)


def test_an_objective_the_workers_cannot_import_stops_the_run(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    write_module(tmp_path, "only_on_the_coordinator", _CONFIG_OBJECTIVE)
    from only_on_the_coordinator import objective  # type: ignore[import-not-found]

    study = _study(tmp_path)
    with pytest.raises(ModuleNotFoundError, match="only_on_the_coordinator"):
        study.optimize(objective, n_trials=2, executor=DaskExecutor(client))
    # Two trials start at once (two workers); whichever task fails first stops the
    # run, and the other one is failed as interrupted.
    failed = [t for t in study.trials if t.fail_kind is hs.FailKind.EXCEPTION]
    assert len(failed) == 1
    assert "the Dask task could not run the objective" in (failed[0].fail_reason or "")
    assert all(t.state is hs.TrialState.FAIL for t in study.trials)  # none left RUNNING


def test_a_lost_scheduler_fails_the_running_trial_and_raises(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'study.db'}"
    study = hs.create_study(study_name="lost", storage=url)
    study.enqueue_trial({"x": 5.0})  # hangs until its cluster goes
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    )

    def close_once_running() -> None:
        watcher = hs.load_study(study_name="lost", storage=url)
        deadline = time.monotonic() + 60
        while not any("x" in t.params for t in watcher.trials) and time.monotonic() < deadline:
            time.sleep(0.05)
        cluster.close()

    closer = threading.Thread(target=close_once_running)
    closer.start()
    try:
        executor = DaskExecutor(cluster, reconnect_timeout_s=1.0)
        with pytest.raises(ExecutorError, match="did not come back within 1 s"):
            study.optimize(dask_objectives.hangs, n_trials=3, executor=executor)
    finally:
        closer.join(timeout=60)
        cluster.close()
    trial, *unsent = study.trials
    assert trial.state is hs.TrialState.FAIL and trial.fail_kind is hs.FailKind.WORKER_LOST
    assert "worker lost" in (trial.fail_reason or "")
    assert all(t.state is hs.TrialState.FAIL for t in unsent)  # nothing left RUNNING
