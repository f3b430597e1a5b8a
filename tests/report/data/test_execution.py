"""State counts and the timeline per worker."""

from __future__ import annotations

from hypersense import TrialState
from hypersense.report.data import build_state_counts_data, build_timeline_data
from hypersense.trial import SystemAttr
from tests.report.studies import snapshot, trial


def test_state_counts_list_every_state() -> None:
    snap = snapshot([trial(0, 1.0), trial(1, None, state=TrialState.FAIL), trial(2, 2.0)])
    counts = build_state_counts_data(snap)
    assert counts.count(TrialState.COMPLETE) == 2
    assert counts.count(TrialState.FAIL) == 1
    assert counts.count(TrialState.WAITING) == 0
    assert counts.total == 3 and len(counts.counts) == 5


def test_timeline_measures_from_the_first_start_and_orders_workers() -> None:
    trials = [
        trial(0, 1.0, started_at=110.0, duration_s=5.0, system_attrs={SystemAttr.WORKER: "b:2"}),
        trial(1, 1.0, started_at=100.0, duration_s=2.5, system_attrs={SystemAttr.WORKER: "a:1"}),
        trial(2, 1.0, started_at=103.0, duration_s=1.0, system_attrs={SystemAttr.WORKER: "a:1"}),
    ]
    data = build_timeline_data(snapshot(trials))
    assert data is not None
    assert data.origin == 100.0
    assert data.workers == ("a:1", "b:2")
    assert [(b.number, b.start_s, b.end_s) for b in data.bars] == [
        (0, 10.0, 15.0),
        (1, 0.0, 2.5),
        (2, 3.0, 4.0),
    ]


def test_no_started_trial_gives_no_timeline() -> None:
    assert build_timeline_data(snapshot([])) is None
