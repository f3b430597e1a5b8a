"""The DaskExecutor when the Dask scheduler itself goes: a scheduler and workers run as
real ``dask scheduler``/``dask worker`` processes, and the scheduler is SIGKILLed in the
middle of a trial that saved a checkpoint (its workers then shut down, as Dask's do)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import distributed
import pytest

import hypersense as hs
from hypersense.errors import ExecutorError
from hypersense.execution import DaskExecutor
from hypersense.execution.dask import SCHEDULER_LOST
from hypersense.trial.frozen import SystemAttr
from tests.execution import dask_objectives

pytestmark = [
    pytest.mark.slow,
    # distributed warns when the scheduler it was talking to is killed.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]

_REPO = Path(__file__).resolve().parents[2]
_DASK = str(Path(sys.executable).with_name("dask"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Cluster:
    """Scheduler and worker processes at one address, started and killed on demand."""

    def __init__(self, log_dir: Path) -> None:
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self._log_dir = log_dir
        self._processes: list[subprocess.Popen[bytes]] = []
        self.scheduler: subprocess.Popen[bytes] | None = None

    def _start(self, *args: str) -> subprocess.Popen[bytes]:
        # The workers import the objectives from this repository, like the coordinator.
        path = os.pathsep.join([str(_REPO / "src"), str(_REPO), os.environ.get("PYTHONPATH", "")])
        log = (self._log_dir / f"{args[0]}-{len(self._processes)}.log").open("wb")
        process = subprocess.Popen(
            [_DASK, *args], stdout=log, stderr=log, env={**os.environ, "PYTHONPATH": path}
        )
        self._processes.append(process)
        return process

    def start(self) -> None:
        """A scheduler at the address and one single-thread worker, both ready."""
        self.scheduler = self._start(
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dashboard-address",
            ":0",
        )
        self._start("worker", self.address, "--nthreads", "1", "--nworkers", "1")
        with distributed.Client(self.address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=60)

    def start_workers_without_nanny(self, n: int) -> None:
        """``n`` more single-thread workers with no nanny (none can be restarted)."""
        for _ in range(n):
            self._start("worker", self.address, "--nthreads", "1", "--no-nanny")

    def kill_scheduler(self) -> None:
        assert self.scheduler is not None
        self.scheduler.send_signal(signal.SIGKILL)
        self.scheduler.wait(timeout=30)

    def stop(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Callable[[], _Cluster]]:
    """Makes clusters of processes; kills whatever is left of them at the end."""
    made: list[_Cluster] = []

    def make() -> _Cluster:
        made.append(_Cluster(tmp_path))
        return made[-1]

    yield make
    for cluster in made:
        cluster.stop()


def _after_checkpoint(study: hs.Study, action: Callable[[], None]) -> threading.Thread:
    """Run ``action`` in a thread once trial 0 has saved its checkpoint."""
    store = study.checkpoint_store
    assert store is not None
    saved = store.trial_dir(0) / "checkpoint.pkl"

    def wait_then_act() -> None:
        deadline = time.monotonic() + 60
        while not saved.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        action()

    thread = threading.Thread(target=wait_then_act)
    thread.start()
    return thread


def _assert_lost_to_the_scheduler(trial: hs.FrozenTrial) -> None:
    assert trial.state is hs.TrialState.FAIL
    assert trial.fail_kind is hs.FailKind.WORKER_LOST
    assert trial.fail_reason == f"worker lost: {SCHEDULER_LOST} while the trial was running"


def _assert_resumed(trial: hs.FrozenTrial, lost: hs.FrozenTrial) -> None:
    assert trial.state is hs.TrialState.COMPLETE
    assert trial.system_attrs[SystemAttr.RETRY_OF] == lost.number
    assert trial.system_attrs[SystemAttr.RESUMED_FROM]["trial"] == lost.number
    assert trial.params == lost.params and trial.value == lost.params["x"] + 1


def test_a_restarted_scheduler_is_reconnected_and_the_retry_resumes(
    tmp_path: Path, processes: Callable[[], _Cluster]
) -> None:
    cluster = processes()
    cluster.start()
    study = hs.create_study(storage=f"sqlite:///{tmp_path / 'study.db'}", max_retries=1)
    restarter = _after_checkpoint(study, lambda: (cluster.kill_scheduler(), cluster.start()))
    try:
        executor = DaskExecutor(cluster.address, reconnect_timeout_s=60)
        study.optimize(dask_objectives.checkpoints_then_hangs, n_trials=2, executor=executor)
    finally:
        restarter.join(timeout=120)
    lost, retry = study.trials
    _assert_lost_to_the_scheduler(lost)
    _assert_resumed(retry, lost)


def test_a_scheduler_that_stays_away_fails_its_trial_and_a_rerun_resumes(
    tmp_path: Path, processes: Callable[[], _Cluster]
) -> None:
    first = processes()
    first.start()
    study = hs.create_study(storage=f"sqlite:///{tmp_path / 'study.db'}", max_retries=1)
    killer = _after_checkpoint(study, first.kill_scheduler)
    try:
        executor = DaskExecutor(first.address, reconnect_timeout_s=2)
        with pytest.raises(ExecutorError, match="did not come back within 2 s"):
            study.optimize(dask_objectives.checkpoints_then_hangs, n_trials=2, executor=executor)
    finally:
        killer.join(timeout=120)
    lost, queued = study.trials
    _assert_lost_to_the_scheduler(lost)
    assert queued.state is hs.TrialState.WAITING  # its retry, nothing left RUNNING
    second = processes()  # the cluster back up, anywhere
    second.start()
    study.optimize(
        dask_objectives.checkpoints_then_hangs,
        n_trials=1,
        executor=DaskExecutor(second.address, reconnect_timeout_s=60),
    )
    assert [t.number for t in study.trials] == [0, 1]
    _assert_resumed(study.trials[1], lost)


def test_a_hung_worker_that_cannot_be_restarted_is_retired(
    tmp_path: Path, processes: Callable[[], _Cluster]
) -> None:
    # A worker with no nanny cannot be restarted: the one stuck in a timed-out objective
    # must leave the cluster, and no later trial may go to it (Dask thinks it free once
    # its task is cancelled, and a trial given to it would wait behind the stuck one).
    cluster = processes()
    cluster.start()
    cluster.start_workers_without_nanny(2)
    with distributed.Client(cluster.address, timeout=60, set_as_default=False) as client:
        client.wait_for_workers(3, timeout=60)
        nanny_worker = [
            a for a, w in client.scheduler_info(n_workers=-1)["workers"].items() if w.get("nanny")
        ]
        client.retire_workers(nanny_worker, close_workers=True)  # keep the two without one
        study = hs.create_study(max_retries=1)
        for x in (5.0, -1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0):
            study.enqueue_trial({"x": x})
        study.optimize(
            dask_objectives.hangs_a_while_on_its_worker,
            n_trials=9,
            executor=DaskExecutor(client),
            trial_timeout_s=2.0,
        )
        hung, *others = study.trials
        assert hung.state is hs.TrialState.FAIL and hung.fail_kind is hs.FailKind.TIMEOUT
        stuck = hung.user_attrs["worker"]
        assert [t.state for t in others] == [hs.TrialState.COMPLETE] * 8
        late = [t for t in others if t.datetime_start > hung.datetime_complete]
        assert late, "no trial started after the timeout"
        assert all(t.user_attrs["worker"] != stuck for t in late)
        deadline = time.monotonic() + 30
        while stuck in client.scheduler_info(n_workers=-1)["workers"]:
            assert time.monotonic() < deadline, f"the stuck worker {stuck} was not retired"
            time.sleep(0.1)
