"""The trial relay over a real local connection: calls reach the trial, its errors
come back raised, the relay stops when its client leaves or it is closed."""

from __future__ import annotations

import time

import pytest

import hypersense as hs
from hypersense.integrations._trial_relay import RelayedTrial, TrialRelay
from hypersense.pruners import ThresholdPruner


def _wait_until_done(relay: TrialRelay) -> None:
    deadline = time.monotonic() + 10.0
    while not relay.is_done and time.monotonic() < deadline:
        time.sleep(0.01)
    assert relay.is_done, "the relay still listens 10 s after its client left"


def test_reports_and_verdicts_cross_the_relay() -> None:
    study = hs.create_study(pruner=ThresholdPruner(upper=1.0))
    trial = study.ask()
    relay = TrialRelay(trial)
    remote = RelayedTrial(relay.address)
    assert remote.number == trial.number
    remote.report(0.5, 0)
    assert remote.should_prune() is False
    remote.report(3.0, 1)
    assert remote.should_prune() is True
    with pytest.raises(ValueError, match="`step` must be a non-negative integer"):
        remote.report(1.0, -1)  # raised in the trial's process, re-raised here
    remote.close()
    _wait_until_done(relay)
    assert relay.pruned and relay.last_report == (3.0, 1)
    study.tell(trial, state=hs.TrialState.PRUNED)
    assert dict(study.trials[0].intermediate_values) == {0: 0.5, 1: 3.0}


def test_a_relay_nobody_reaches_stops_when_closed() -> None:
    relay = TrialRelay(hs.create_study().ask())
    assert not relay.is_done
    relay.close()
    assert relay.is_done and not relay.pruned
    relay.close()  # a no-op once done
    assert "done=True" in repr(relay)
