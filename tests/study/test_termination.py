"""SIGTERM during ``optimize`` in this process: raised as Terminated in the main
thread only, over the default action only, and one that arrives during the
cleanup does not cut the storing of interrupted trials short, nor is it lost."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import hypersense as hs
from hypersense.history import StudyHistory
from hypersense.samplers import RandomSampler
from hypersense.testing.executors import wait_until
from hypersense.trial import FrozenTrial, SystemAttr


@pytest.fixture(autouse=True)
def _default_sigterm() -> Iterator[None]:
    """Each test starts and must end with SIGTERM's default action."""
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    yield
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_sigterm_raises_terminated_and_fails_the_running_trial() -> None:
    study = hs.create_study()

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 2:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(30)  # the handler raises in this frame first
        return x

    with pytest.raises(hs.Terminated) as info:
        study.optimize(objective, n_trials=5)
    assert info.value.code == 143 and str(info.value) == "terminated by SIGTERM"
    assert not isinstance(info.value, Exception)
    trials = study.trials
    assert [t.state for t in trials] == [hs.TrialState.COMPLETE] * 2 + [hs.TrialState.FAIL]
    assert trials[2].fail_reason == "interrupted (SIGTERM)"
    assert trials[2].system_attrs[SystemAttr.INTERRUPTED] is True


def test_the_handler_is_installed_only_during_optimize() -> None:
    seen: list[Any] = []
    study = hs.create_study()
    study.optimize(
        lambda t: t.suggest_float("x", 0, 1),
        n_trials=2,
        callbacks=[lambda s, t: seen.append(signal.getsignal(signal.SIGTERM))],
    )
    assert len(seen) == 2 and all(callable(h) and h is not signal.SIG_DFL for h in seen)


def test_a_handler_of_the_program_is_left_alone() -> None:
    received: list[int] = []

    def own(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    signal.signal(signal.SIGTERM, own)
    try:
        study = hs.create_study()

        def objective(trial: hs.Trial) -> float:
            if trial.number == 0:
                os.kill(os.getpid(), signal.SIGTERM)
            return trial.suggest_float("x", 0, 1)

        study.optimize(objective, n_trials=3)
        assert signal.getsignal(signal.SIGTERM) is own
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    assert received == [signal.SIGTERM]
    assert [t.state for t in study.trials] == [hs.TrialState.COMPLETE] * 3


def test_optimize_in_another_thread_installs_nothing() -> None:
    seen: list[Any] = []
    study = hs.create_study()

    def run() -> None:
        study.optimize(
            lambda t: t.suggest_float("x", 0, 1),
            n_trials=2,
            callbacks=[lambda s, t: seen.append(signal.getsignal(signal.SIGTERM))],
        )

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=60)
    assert seen == [signal.SIG_DFL] * 2


class _SigtermOnInterrupted(RandomSampler):
    """Sends SIGTERM to this process once, while an interrupted trial is stored."""

    sent = False

    def after_trial(self, history: StudyHistory, trial: FrozenTrial) -> None:
        if trial.system_attrs.get(SystemAttr.INTERRUPTED) and not self.sent:
            self.sent = True
            os.kill(os.getpid(), signal.SIGTERM)


def _held(directory: Path, stop: str, trial: hs.Trial) -> float:
    trial.suggest_float("x", 0, 1)
    (directory / f"started-{trial.number}").touch()
    if trial.number == 0:  # once both run, stop the coordinator (this process)
        wait_until((directory / "started-1").exists, "the second trial")
        if stop == "SIGTERM":
            os.kill(os.getppid(), signal.SIGTERM)
        else:
            raise ZeroDivisionError("trial 0 stops the study")
    time.sleep(60)
    return 0.0


def test_a_second_sigterm_during_the_cleanup_waits_for_its_end(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sampler = _SigtermOnInterrupted(seed=0)
    study = hs.create_study(sampler=sampler, max_retries=1)
    with caplog.at_level(logging.WARNING), pytest.raises(hs.Terminated) as info:
        study.optimize(lambda t: _held(tmp_path, "SIGTERM", t), n_trials=2, n_jobs=2)
    assert sampler.sent and info.value.__context__ is None
    assert "SIGTERM held back until the running trials are stored" in caplog.text
    interrupted, other, *retries = study.trials
    for trial in (interrupted, other):
        assert trial.state is hs.TrialState.FAIL
        assert trial.fail_reason == "interrupted (SIGTERM)"
    assert [t.state for t in retries] == [hs.TrialState.WAITING] * 2


def test_a_sigterm_during_the_cleanup_after_an_error_is_raised_after_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sampler = _SigtermOnInterrupted(seed=0)
    study = hs.create_study(sampler=sampler)
    with caplog.at_level(logging.WARNING), pytest.raises(hs.Terminated) as info:
        study.optimize(lambda t: _held(tmp_path, "error", t), n_trials=2, n_jobs=2)
    assert sampler.sent and isinstance(info.value.__context__, ZeroDivisionError)
    failed, interrupted = study.trials
    assert failed.fail_reason == "ZeroDivisionError: trial 0 stops the study"
    assert interrupted.state is hs.TrialState.FAIL
    assert interrupted.fail_reason == (
        "interrupted: the study stopped on ZeroDivisionError: trial 0 stops the study"
    )
