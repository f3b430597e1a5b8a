"""The storage contract, run on in-memory, SQLite and PostgreSQL storage."""

from __future__ import annotations

import math
import time

import pytest

from hypersense import (
    CategoricalDistribution,
    DuplicatedStudyError,
    FloatDistribution,
    IntDistribution,
    StaleTrialError,
    StudyDirection,
    StudyNotFoundError,
    TrialState,
)
from hypersense.storage import Storage

MIN = (StudyDirection.MINIMIZE,)


def test_study_create_get_list_delete(storage: Storage) -> None:
    rec = storage.create_study("a", MIN, user_attrs={"note": "x"})
    other = storage.create_study("b", (StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE))
    assert storage.get_study("a") == rec
    assert rec.user_attrs == {"note": "x"}
    assert storage.get_study("b").directions == other.directions
    assert [s.record.name for s in storage.list_studies()] == ["a", "b"]
    storage.delete_study(rec.study_id)
    assert [s.record.name for s in storage.list_studies()] == ["b"]
    with pytest.raises(StudyNotFoundError, match="'a'"):
        storage.get_study("a")
    with pytest.raises(StudyNotFoundError):
        storage.delete_study(rec.study_id)


def test_duplicate_study_name_is_refused(storage: Storage) -> None:
    storage.create_study("dup", MIN)
    with pytest.raises(DuplicatedStudyError, match="'dup'"):
        storage.create_study("dup", MIN)


@pytest.mark.parametrize("bad", ["", "   ", "a\x00b", "x" * 513])
def test_bad_study_names_are_refused(storage: Storage, bad: str) -> None:
    with pytest.raises(ValueError, match="study_name"):
        storage.create_study(bad, MIN)
    assert storage.list_studies() == []


def test_study_attrs_round_trip_as_json(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    storage.set_study_attr(sid, "tuple", (1, 2))
    storage.set_study_attr(sid, "sys", {"k": [1.5, None]}, system=True)
    rec = storage.get_study("s")
    assert rec.user_attrs == {"tuple": [1, 2]}
    assert rec.system_attrs == {"sys": {"k": [1.5, None]}}
    with pytest.raises(TypeError, match="'bad'"):
        storage.set_study_attr(sid, "bad", object())
    assert storage.get_study("s").user_attrs == {"tuple": [1, 2]}


def test_trial_numbers_are_gap_free_per_study(storage: Storage) -> None:
    a = storage.create_study("a", MIN).study_id
    b = storage.create_study("b", MIN).study_id
    numbers_a = [storage.create_trial(a).number for _ in range(3)]
    numbers_b = [storage.create_trial(b).number for _ in range(2)]
    numbers_a.append(storage.create_trial(a, state=TrialState.WAITING).number)
    assert numbers_a == [0, 1, 2, 3]
    assert numbers_b == [0, 1]
    assert [t.number for t in storage.get_trials(a)] == [0, 1, 2, 3]


def test_full_trial_life_round_trips(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    t = storage.create_trial(sid, system_attrs={"seed": 7}, user_attrs={"u": "v"})
    assert t.state is TrialState.RUNNING and t.started_at is not None
    lr = FloatDistribution(1e-5, 1e-1, log=True)
    layers = IntDistribution(1, 4)
    act = CategoricalDistribution(("relu", None, True, 2.5))
    storage.set_trial_param(t.trial_id, "lr", lr, 0.001)
    storage.set_trial_param(t.trial_id, "layers", layers, 3)
    storage.set_trial_param(t.trial_id, "act", act, None)
    storage.set_trial_intermediate_value(t.trial_id, 0, 0.5)
    storage.set_trial_intermediate_value(t.trial_id, 1, math.nan)
    storage.set_trial_attrs(t.trial_id, {"curve": [1.0, 0.5]})
    before = time.time()
    completed_at = storage.finish_trial(
        t.trial_id, TrialState.COMPLETE, values=[0.25], system_attrs={"worker": "w"}
    )
    got = storage.get_trial(t.trial_id)
    assert got.state is TrialState.COMPLETE and got.values == (0.25,)
    assert list(got.params) == ["lr", "layers", "act"]  # suggestion order is kept
    assert got.params == {"lr": 0.001, "layers": 3, "act": None}
    assert got.distributions == {"lr": lr, "layers": layers, "act": act}
    assert got.intermediate_values[0] == 0.5 and math.isnan(got.intermediate_values[1])
    assert got.user_attrs == {"u": "v", "curve": [1.0, 0.5]}
    assert got.system_attrs == {"seed": 7, "worker": "w"}
    # The storage's clock (the database server's): on this machine, close to ours.
    assert got.completed_at == completed_at
    assert before - 1.0 <= completed_at <= time.time() + 1.0


def test_writes_to_a_finished_trial_are_refused_and_change_nothing(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    t = storage.create_trial(sid)
    storage.finish_trial(t.trial_id, TrialState.PRUNED, values=[1.0])
    before = storage.get_trial(t.trial_id)
    d = FloatDistribution(0, 1)
    with pytest.raises(StaleTrialError, match="PRUNED"):
        storage.set_trial_param(t.trial_id, "x", d, 0.5)
    with pytest.raises(StaleTrialError):
        storage.set_trial_intermediate_value(t.trial_id, 3, 1.0)
    with pytest.raises(StaleTrialError):
        storage.set_trial_attrs(t.trial_id, {"k": 1})
    with pytest.raises(StaleTrialError):
        storage.finish_trial(t.trial_id, TrialState.COMPLETE, values=[0.0])
    assert storage.get_trial(t.trial_id) == before
    storage.set_trial_attrs(t.trial_id, {"note": 1}, system=True, require_running=False)
    assert storage.get_trial(t.trial_id).system_attrs["note"] == 1


def test_bad_writes_are_refused_before_touching_data(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    t = storage.create_trial(sid)
    with pytest.raises(ValueError, match="'x'"):
        storage.set_trial_param(t.trial_id, "x", IntDistribution(0, 3), 7)
    with pytest.raises(ValueError, match="finite"):
        storage.finish_trial(t.trial_id, TrialState.COMPLETE, values=[math.inf])
    with pytest.raises(ValueError, match="values"):
        storage.finish_trial(t.trial_id, TrialState.COMPLETE)
    with pytest.raises(TypeError, match="'obj'"):
        storage.set_trial_attrs(t.trial_id, {"obj": object()})
    got = storage.get_trial(t.trial_id)
    assert got.state is TrialState.RUNNING and got.params == {} and got.user_attrs == {}


def test_waiting_trials_are_claimed_once_in_order(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    w0 = storage.create_trial(sid, state=TrialState.WAITING, system_attrs={"fixed": {"x": 1}})
    storage.create_trial(sid)
    w2 = storage.create_trial(sid, state=TrialState.WAITING)
    first = storage.claim_waiting_trial(sid)
    second = storage.claim_waiting_trial(sid)
    assert first is not None and second is not None
    assert (first.number, second.number) == (w0.number, w2.number)
    assert first.state is TrialState.RUNNING and first.system_attrs == {"fixed": {"x": 1}}
    assert storage.claim_waiting_trial(sid) is None


def test_start_trial_claims_a_waiting_trial_before_creating(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    queued = storage.create_trial(sid, state=TrialState.WAITING, system_attrs={"fixed": 1})
    first = storage.start_trial(sid)
    second = storage.start_trial(sid)
    assert first.number == queued.number and first.system_attrs == {"fixed": 1}
    assert first.state is second.state is TrialState.RUNNING
    assert second.number == 1 and second.system_attrs == {}


def test_stale_trials_are_failed_exactly_once(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    old = storage.create_trial(sid)
    fresh = storage.create_trial(sid)
    time.sleep(1.0)
    storage.record_heartbeat([fresh.trial_id])
    failed = storage.fail_stale_trials(sid, grace_s=0.5)
    assert [t.number for t in failed] == [old.number]
    assert failed[0].state is TrialState.FAIL and "heartbeat" in (failed[0].fail_reason or "")
    assert failed[0].system_attrs["interrupted"] is True
    assert storage.fail_stale_trials(sid, grace_s=0.5) == []
    assert storage.get_trial(fresh.trial_id).state is TrialState.RUNNING
    with pytest.raises(StaleTrialError):  # the late result of the stale attempt
        storage.finish_trial(old.trial_id, TrialState.COMPLETE, values=[0.0])
    assert storage.get_trial(old.trial_id).values is None


def test_heartbeats_and_start_times_come_from_the_storage_clock(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    before = time.time()
    t = storage.create_trial(sid)
    time.sleep(0.05)
    storage.record_heartbeat([t.trial_id])
    got = storage.get_trial(t.trial_id)
    assert got.started_at is not None and got.heartbeat_at is not None
    assert before - 1.0 <= got.started_at < got.heartbeat_at <= time.time() + 1.0
    waiting = storage.create_trial(sid, state=TrialState.WAITING)
    assert waiting.started_at is None and storage.get_trial(waiting.trial_id).heartbeat_at is None


def test_running_trials_of_a_gone_process_are_failed_once(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    a, b, c = (storage.create_trial(sid) for _ in range(3))
    storage.finish_trial(c.trial_id, TrialState.COMPLETE, values=[1.0])
    failed = storage.fail_running_trials([a.trial_id, c.trial_id], reason="its process is gone")
    assert [t.number for t in failed] == [a.number]
    assert failed[0].fail_reason == "its process is gone"
    assert failed[0].system_attrs["interrupted"] is True
    assert storage.fail_running_trials([a.trial_id], reason="again") == []
    assert storage.get_trial(b.trial_id).state is TrialState.RUNNING
    assert storage.get_trial(c.trial_id).state is TrialState.COMPLETE


def test_a_unique_attribute_is_held_by_one_trial_of_a_study(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    other_study = storage.create_study("other", MIN).study_id
    a, b = storage.create_trial(sid), storage.create_trial(sid)
    elsewhere = storage.create_trial(other_study)
    assert storage.claim_unique_attr(a.trial_id, "grid_id", 3) is True
    assert storage.claim_unique_attr(a.trial_id, "grid_id", 3) is True  # holds it already
    assert storage.claim_unique_attr(b.trial_id, "grid_id", 3) is False
    assert storage.claim_unique_attr(b.trial_id, "grid_id", 4) is True
    assert storage.claim_unique_attr(elsewhere.trial_id, "grid_id", 3) is True
    assert storage.get_trial(a.trial_id).system_attrs["grid_id"] == 3
    assert storage.get_trial(b.trial_id).system_attrs["grid_id"] == 4
    storage.finish_trial(a.trial_id, TrialState.FAIL, fail_reason="x")
    assert storage.claim_unique_attr(storage.create_trial(sid).trial_id, "grid_id", 3) is False
    with pytest.raises(StaleTrialError):
        storage.claim_unique_attr(a.trial_id, "grid_id", 9)


def test_start_trial_writes_the_starters_attributes(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    storage.create_trial(sid, state=TrialState.WAITING, system_attrs={"fixed": 1})
    claimed = storage.start_trial(sid, system_attrs={"owner": {"pid": 1}})
    created = storage.start_trial(sid, system_attrs={"owner": {"pid": 2}})
    assert claimed.system_attrs == {"fixed": 1, "owner": {"pid": 1}}
    assert created.system_attrs == {"owner": {"pid": 2}}
    assert storage.get_trial(claimed.trial_id).system_attrs == claimed.system_attrs


def test_get_trials_filters_by_state_and_min_number(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    ids = [storage.create_trial(sid).trial_id for _ in range(5)]
    storage.finish_trial(ids[1], TrialState.COMPLETE, values=[1.0])
    storage.finish_trial(ids[3], TrialState.FAIL, fail_reason="boom")
    assert [t.number for t in storage.get_trials(sid, states=[TrialState.COMPLETE])] == [1]
    assert [t.number for t in storage.get_trials(sid, min_number=3)] == [3, 4]
    assert [t.number for t in storage.get_trials(sid, numbers=[4, 0, 2, 9])] == [0, 2, 4]
    assert [t.number for t in storage.get_trials(sid, min_number=1, numbers=[0, 2])] == [2]
    assert storage.get_trials(sid, numbers=[]) == []
    assert storage.count_trials(sid) == 5
    assert storage.count_trials(sid, states=[TrialState.RUNNING]) == 3
    summary = storage.list_studies()[0]
    assert summary.n_trials == 5 and summary.n_trials_by_state[TrialState.FAIL] == 1


def test_pruned_and_failed_trials_may_hold_nan(storage: Storage) -> None:
    sid = storage.create_study("s", MIN).study_id
    t = storage.create_trial(sid)
    storage.finish_trial(t.trial_id, TrialState.PRUNED, values=[math.nan])
    got = storage.get_trial(t.trial_id)
    assert got.values is not None and math.isnan(got.values[0])


def test_deleting_a_study_removes_only_its_trials(storage: Storage) -> None:
    a = storage.create_study("a", MIN).study_id
    b = storage.create_study("b", MIN).study_id
    ta = storage.create_trial(a)
    storage.set_trial_param(ta.trial_id, "x", FloatDistribution(0, 1), 0.5)
    tb = storage.create_trial(b)
    storage.set_trial_param(tb.trial_id, "x", FloatDistribution(0, 1), 0.25)
    storage.delete_study(a)
    assert storage.get_trial(tb.trial_id).params == {"x": 0.25}
    with pytest.raises(KeyError):
        storage.get_trial(ta.trial_id)
