"""GPUs for worker processes: CUDA_VISIBLE_DEVICES per worker, the start method once
CUDA is initialised. The machine running these tests has no GPU: what is checked is
the environment each real worker process gets, not a CUDA device."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

import hypersense as hs
from hypersense.execution import ProcessExecutor
from hypersense.execution.devices import (
    check_gpus,
    device_environment,
    safe_start_method,
    visible_gpus,
)
from tests.execution import gpu_objectives


def _devices_by_pid(study: hs.Study) -> dict[int, set[str | None]]:
    seen: dict[int, set[str | None]] = defaultdict(set)
    for t in study.trials:
        if t.state is hs.TrialState.COMPLETE:
            seen[t.user_attrs["pid"]].add(t.user_attrs["device"])
    return seen


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_each_worker_process_sees_its_own_gpu(tmp_path: Path, start_method: str) -> None:
    study = hs.create_study(storage=f"sqlite:///{tmp_path / 'study.db'}")
    executor = ProcessExecutor(2, start_method=start_method, gpus=[0, "GPU-7f3a"])
    study.optimize(gpu_objectives.records_device, n_trials=6, executor=executor)
    seen = _devices_by_pid(study)
    assert all(len(devices) == 1 for devices in seen.values())  # one device per process
    assert len(seen) == 2 and set().union(*seen.values()) == {"0", "GPU-7f3a"}


def test_a_replaced_worker_gets_the_gpu_of_the_one_it_replaces(tmp_path: Path) -> None:
    study = hs.create_study(storage=f"sqlite:///{tmp_path / 'study.db'}")
    study.enqueue_trial({"x": 0.5})
    study.enqueue_trial({"x": -1.0})  # kills its worker
    study.enqueue_trial({"x": 0.25})
    executor = ProcessExecutor(1, gpus=["3"])
    study.optimize(gpu_objectives.records_device, n_trials=3, executor=executor)
    first, lost, after = study.trials
    assert lost.fail_kind is hs.FailKind.WORKER_LOST
    assert first.user_attrs["pid"] != after.user_attrs["pid"]
    assert first.user_attrs["device"] == after.user_attrs["device"] == "3"


def test_without_gpus_the_environment_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "5")
    study = hs.create_study(storage=f"sqlite:///{tmp_path / 'study.db'}")
    study.optimize(gpu_objectives.records_device, n_trials=2, executor=ProcessExecutor(2))
    assert {t.user_attrs["device"] for t in study.trials} == {"5"}


def test_devices_are_handed_out_round_robin() -> None:
    gpus = check_gpus([0, 1, 2])
    assert gpus == ("0", "1", "2")
    assert [device_environment(slot, gpus) for slot in range(4)] == [
        {"CUDA_VISIBLE_DEVICES": "0"},
        {"CUDA_VISIBLE_DEVICES": "1"},
        {"CUDA_VISIBLE_DEVICES": "2"},
        {"CUDA_VISIBLE_DEVICES": "0"},
    ]
    assert device_environment(0, None) == {}


@pytest.mark.parametrize("bad", ["0,1", [], [-1], [True], [""], ["0,1"], 3])
def test_bad_gpu_lists_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="`gpus` must"):
        ProcessExecutor(2, gpus=bad)  # type: ignore[arg-type]


def test_fork_becomes_forkserver_once_cuda_is_initialised() -> None:
    assert safe_start_method(None, default="fork", cuda_initialised=False) == "fork"
    assert safe_start_method(None, default="fork", cuda_initialised=True) == "forkserver"
    assert safe_start_method(None, default="spawn", cuda_initialised=True) == "spawn"
    assert safe_start_method("fork", default="fork", cuda_initialised=True) == "fork"
    # Here (CPU-only torch, CUDA never initialised) the default stays fork.
    assert ProcessExecutor(2).start_method == "fork"


def test_no_gpu_is_visible_on_this_machine() -> None:
    # With CUDA, n_jobs=k hands visible_gpus() to the workers; without, nothing.
    import torch  # the dev extra installs it: a missing one fails, never skips

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: the device list is not known in advance")
    assert visible_gpus() == ()


def test_repr_shows_the_gpus() -> None:
    assert repr(ProcessExecutor(2, gpus=[0, 1])) == (
        "ProcessExecutor(2, start_method=None, gpus=['0', '1'])"
    )
