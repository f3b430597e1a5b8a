"""The conformance suite of storages: what every :class:`~hypersense.storage.Storage` keeps.

``factory()`` must return a fresh, empty storage; each check closes what it
opened::

    from hypersense.testing import check_storage
    check_storage(lambda: MyStorage(tmp_dir / "new.db"))

The checks follow the lifecycle in :mod:`hypersense.storage.base`: studies,
gap-free trial numbers (also with several threads writing), the full life of a
trial, refused writes that change nothing, WAITING trials claimed once, unique
attributes held by one trial, trials of dead processes failed once, times from
the storage's clock, and reads by state and number.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from hypersense.direction import StudyDirection
from hypersense.errors import DuplicatedStudyError, StaleTrialError, StudyNotFoundError
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.storage.base import Storage
from hypersense.testing.base import Check, CheckReport, expect, raises, run_checks, subject_name
from hypersense.trial.state import TrialState

__all__ = [
    "STORAGE_CHECKS",
    "StorageFactory",
    "check_a_finished_trial_is_added_whole",
    "check_a_trial_life_round_trips",
    "check_a_unique_attribute_is_held_by_one_trial",
    "check_bad_study_names_are_refused",
    "check_bad_writes_are_refused_before_touching_data",
    "check_concurrent_writers_get_unique_numbers",
    "check_deleting_a_study_removes_only_its_trials",
    "check_reads_filter_by_state_and_number",
    "check_stale_and_orphaned_trials_are_failed_once",
    "check_storage",
    "check_studies_are_created_listed_and_deleted",
    "check_study_attrs_round_trip_as_json",
    "check_times_come_from_the_storage_clock",
    "check_trial_numbers_are_gap_free_per_study",
    "check_waiting_trials_are_claimed_once_in_order",
    "check_writes_to_a_finished_trial_change_nothing",
]

#: Builds a fresh, empty storage.
StorageFactory = Callable[[], Storage]

MIN = (StudyDirection.MINIMIZE,)
#: How far the storage's clock may be from this process's (the same machine).
_CLOCK_SLACK_S = 1.0


@contextmanager
def _opened(factory: StorageFactory) -> Iterator[Storage]:
    storage = factory()
    try:
        yield storage
    finally:
        storage.close()


def check_studies_are_created_listed_and_deleted(factory: StorageFactory) -> None:
    """Studies round-trip by name, list oldest first, and delete with their trials."""
    with _opened(factory) as storage:
        rec = storage.create_study("a", MIN, user_attrs={"note": "x"})
        other = storage.create_study("b", (StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE))
        expect(storage.get_study("a") == rec, "get_study returns what create_study did")
        expect(rec.user_attrs == {"note": "x"}, "study user attributes are kept")
        expect(storage.get_study("b").directions == other.directions, "directions round-trip")
        names = [s.record.name for s in storage.list_studies()]
        expect(names == ["a", "b"], f"list_studies is oldest first (got {names})")
        storage.delete_study(rec.study_id)
        expect([s.record.name for s in storage.list_studies()] == ["b"], "delete_study removes it")
        with raises(StudyNotFoundError, "'a'"):
            storage.get_study("a")
        with raises(StudyNotFoundError):
            storage.delete_study(rec.study_id)
        with raises(DuplicatedStudyError, "'b'"):
            storage.create_study("b", MIN)


def check_bad_study_names_are_refused(factory: StorageFactory) -> None:
    """Empty, blank, control-character and over-long names raise ValueError naming study_name."""
    with _opened(factory) as storage:
        for bad in ("", "   ", "a\x00b", "x" * 513):
            with raises(ValueError, "study_name"):
                storage.create_study(bad, MIN)
        expect(storage.list_studies() == [], "a refused name creates nothing")


def check_study_attrs_round_trip_as_json(factory: StorageFactory) -> None:
    """Study attributes are stored as JSON; an unstorable value is refused and changes nothing."""
    with _opened(factory) as storage:
        sid = storage.create_study("s", MIN).study_id
        storage.set_study_attr(sid, "tuple", (1, 2))
        storage.set_study_attr(sid, "sys", {"k": [1.5, None]}, system=True)
        rec = storage.get_study("s")
        expect(rec.user_attrs == {"tuple": [1, 2]}, f"user attrs as JSON (got {rec.user_attrs})")
        expect(rec.system_attrs == {"sys": {"k": [1.5, None]}}, "system attrs as JSON")
        with raises(TypeError, "'bad'"):
            storage.set_study_attr(sid, "bad", object())
        expect(storage.get_study("s").user_attrs == {"tuple": [1, 2]}, "nothing changed")


def check_trial_numbers_are_gap_free_per_study(factory: StorageFactory) -> None:
    """Numbers count from 0 in each study, WAITING trials included."""
    with _opened(factory) as storage:
        a = storage.create_study("a", MIN).study_id
        b = storage.create_study("b", MIN).study_id
        numbers_a = [storage.create_trial(a).number for _ in range(3)]
        numbers_b = [storage.create_trial(b).number for _ in range(2)]
        numbers_a.append(storage.create_trial(a, state=TrialState.WAITING).number)
        expect(numbers_a == [0, 1, 2, 3] and numbers_b == [0, 1], "numbers per study from 0")
        expect([t.number for t in storage.get_trials(a)] == [0, 1, 2, 3], "get_trials by number")


def check_concurrent_writers_get_unique_numbers(factory: StorageFactory) -> None:
    """Eight threads starting trials at once get unique, gap-free numbers."""
    with _opened(factory) as storage:
        sid = storage.create_study("s", MIN).study_id
        numbers: list[int] = []
        lock = threading.Lock()

        def start_some() -> None:
            for _ in range(10):
                number = storage.start_trial(sid).number
                with lock:
                    numbers.append(number)

        threads = [threading.Thread(target=start_some) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        expect(sorted(numbers) == list(range(80)), "80 unique numbers 0..79 from 8 threads")


def check_a_trial_life_round_trips(factory: StorageFactory) -> None:
    """Parameters (in suggestion order), intermediate values (NaN too), attributes, values."""
    with _opened(factory) as storage:
        sid = storage.create_study("s", MIN).study_id
        t = storage.create_trial(sid, system_attrs={"seed": 7}, user_attrs={"u": "v"})
        expect(t.state is TrialState.RUNNING and t.started_at is not None, "a RUNNING trial")
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
        expect(got.state is TrialState.COMPLETE and got.values == (0.25,), "COMPLETE with values")
        expect(list(got.params) == ["lr", "layers", "act"], "parameters keep suggestion order")
        expect(got.params == {"lr": 0.001, "layers": 3, "act": None}, "parameter values")
        expect(got.distributions == {"lr": lr, "layers": layers, "act": act}, "distributions")
        expect(got.intermediate_values[0] == 0.5, "intermediate value")
        expect(math.isnan(got.intermediate_values[1]), "a NaN intermediate value stays NaN")
        expect(got.user_attrs == {"u": "v", "curve": [1.0, 0.5]}, "user attributes")
        expect(got.system_attrs == {"seed": 7, "worker": "w"}, "system attributes")
        expect(got.completed_at == completed_at, "finish_trial returns the stored time")
        expect(
            before - _CLOCK_SLACK_S <= completed_at <= time.time() + _CLOCK_SLACK_S,
            "completion time from a clock close to this machine's",
        )


def check_writes_to_a_finished_trial_change_nothing(factory: StorageFactory) -> None:
    """Every write to a trial that is not RUNNING raises StaleTrialError and changes nothing."""
    with _opened(factory) as storage:
        sid = storage.create_study("s", MIN).study_id
        t = storage.create_trial(sid)
        storage.finish_trial(t.trial_id, TrialState.PRUNED, values=[1.0])
        before = storage.get_trial(t.trial_id)
        with raises(StaleTrialError, "PRUNED"):
            storage.set_trial_param(t.trial_id, "x", FloatDistribution(0, 1), 0.5)
        with raises(StaleTrialError):
            storage.set_trial_intermediate_value(t.trial_id, 3, 1.0)
        with raises(StaleTrialError):
            storage.set_trial_attrs(t.trial_id, {"k": 1})
        with raises(StaleTrialError):
            storage.claim_unique_attr(t.trial_id, "grid_id", 1)
        with raises(StaleTrialError):
            storage.finish_trial(t.trial_id, TrialState.COMPLETE, values=[0.0])
        expect(storage.get_trial(t.trial_id) == before, "a refused write changed the trial")
        storage.set_trial_attrs(t.trial_id, {"note": 1}, system=True, require_running=False)
        expect(storage.get_trial(t.trial_id).system_attrs["note"] == 1, "require_running=False")


def check_bad_writes_are_refused_before_touching_data(factory: StorageFactory) -> None:
    """Out-of-range values, non-finite COMPLETE values and unstorable attributes change nothing."""
    with _opened(factory) as storage:
        sid = storage.create_study("s", MIN).study_id
        t = storage.create_trial(sid)
        with raises(ValueError, "'x'"):
            storage.set_trial_param(t.trial_id, "x", IntDistribution(0, 3), 7)
        with raises(ValueError, "finite"):
            storage.finish_trial(t.trial_id, TrialState.COMPLETE, values=[math.inf])
        with raises(ValueError, "values"):
            storage.finish_trial(t.trial_id, TrialState.COMPLETE)
        with raises(TypeError, "'obj'"):
            storage.set_trial_attrs(t.trial_id, {"obj": object()})
        got = storage.get_trial(t.trial_id)
        expect(
            got.state is TrialState.RUNNING and got.params == {} and got.user_attrs == {},
            "the trial is untouched",
        )


def check_waiting_trials_are_claimed_once_in_order(factory: StorageFactory) -> None:
    """claim_waiting_trial takes the oldest WAITING trial; start_trial claims before creating."""
    with _opened(factory) as storage:
        sid = storage.create_study("s", MIN).study_id
        w0 = storage.create_trial(sid, state=TrialState.WAITING, system_attrs={"fixed": {"x": 1}})
        storage.create_trial(sid)
        w2 = storage.create_trial(sid, state=TrialState.WAITING)
        expect(w0.started_at is None, "a WAITING trial has not started")
        first = storage.claim_waiting_trial(sid)
        second = storage.start_trial(sid, system_attrs={"owner": {"pid": 1}})
        expect(first is not None and first.number == w0.number, "the oldest is claimed first")
        assert first is not None
        expect(first.state is TrialState.RUNNING, "a claimed trial is RUNNING")
        expect(first.system_attrs == {"fixed": {"x": 1}}, "a claimed trial keeps its attributes")
        expect(second.number == w2.number, "start_trial claims a WAITING trial first")
        expect(second.system_attrs == {"owner": {"pid": 1}}, "start_trial adds its attributes")
        expect(storage.claim_waiting_trial(sid) is None, "nothing left to claim")
        created = storage.start_trial(sid, system_attrs={"owner": {"pid": 2}})
        expect(created.number == 3 and created.system_attrs == {"owner": {"pid": 2}}, "created")


def check_a_unique_attribute_is_held_by_one_trial(factory: StorageFactory) -> None:
    """claim_unique_attr gives a (key, value) pair to one trial of a study, idempotently."""
    with _opened(factory) as storage:
        sid = storage.create_study("s", MIN).study_id
        elsewhere = storage.create_trial(storage.create_study("other", MIN).study_id)
        a, b = storage.create_trial(sid), storage.create_trial(sid)
        expect(storage.claim_unique_attr(a.trial_id, "grid_id", 3), "a free value is taken")
        expect(storage.claim_unique_attr(a.trial_id, "grid_id", 3), "claiming again is fine")
        expect(not storage.claim_unique_attr(b.trial_id, "grid_id", 3), "a held value is refused")
        expect(storage.claim_unique_attr(b.trial_id, "grid_id", 4), "another value is free")
        expect(storage.claim_unique_attr(elsewhere.trial_id, "grid_id", 3), "per study only")
        expect(storage.get_trial(a.trial_id).system_attrs["grid_id"] == 3, "stored on the trial")
        storage.finish_trial(a.trial_id, TrialState.FAIL, fail_reason="x")
        late = storage.create_trial(sid)
        expect(not storage.claim_unique_attr(late.trial_id, "grid_id", 3), "held after finishing")


def check_stale_and_orphaned_trials_are_failed_once(factory: StorageFactory) -> None:
    """fail_stale_trials (by heartbeat age) and fail_running_trials fail each trial exactly once."""
    with _opened(factory) as storage:
        sid = storage.create_study("s", MIN).study_id
        old, fresh, orphan = (storage.create_trial(sid) for _ in range(3))
        time.sleep(1.0)
        storage.record_heartbeat([fresh.trial_id, orphan.trial_id])
        failed = storage.fail_stale_trials(sid, grace_s=0.5)
        expect([t.number for t in failed] == [old.number], "only the silent trial is stale")
        expect(failed[0].state is TrialState.FAIL, "a stale trial is FAIL")
        expect("heartbeat" in (failed[0].fail_reason or ""), "its reason names the heartbeat")
        expect(failed[0].system_attrs.get("interrupted") is True, "and it is interrupted")
        expect(storage.fail_stale_trials(sid, grace_s=0.5) == [], "failed once only")
        gone = storage.fail_running_trials([orphan.trial_id, old.trial_id], reason="gone")
        expect([t.number for t in gone] == [orphan.number], "only RUNNING ones are failed")
        expect(gone[0].fail_reason == "gone" and gone[0].system_attrs["interrupted"], "reason")
        expect(storage.get_trial(fresh.trial_id).state is TrialState.RUNNING, "others go on")
        with raises(StaleTrialError):  # the late result of the stale attempt
            storage.finish_trial(old.trial_id, TrialState.COMPLETE, values=[0.0])
        expect(storage.get_trial(old.trial_id).values is None, "the late result is not stored")


def check_times_come_from_the_storage_clock(factory: StorageFactory) -> None:
    """Start and heartbeat times are the storage's, close to this machine's, and increasing."""
    with _opened(factory) as storage:
        sid = storage.create_study("s", MIN).study_id
        before = time.time()
        t = storage.create_trial(sid)
        time.sleep(0.05)
        storage.record_heartbeat([t.trial_id])
        got = storage.get_trial(t.trial_id)
        expect(got.started_at is not None and got.heartbeat_at is not None, "both stamped")
        assert got.started_at is not None and got.heartbeat_at is not None
        expect(
            before - _CLOCK_SLACK_S <= got.started_at < got.heartbeat_at <= time.time() + 1.0,
            f"started {got.started_at}, heartbeat {got.heartbeat_at}, around {before}",
        )


def check_reads_filter_by_state_and_number(factory: StorageFactory) -> None:
    """get_trials by state, min_number and numbers; count_trials; per-state summaries."""
    with _opened(factory) as storage:
        sid = storage.create_study("s", MIN).study_id
        ids = [storage.create_trial(sid).trial_id for _ in range(5)]
        storage.finish_trial(ids[1], TrialState.COMPLETE, values=[1.0])
        storage.finish_trial(ids[3], TrialState.FAIL, fail_reason="boom")
        complete = storage.get_trials(sid, states=[TrialState.COMPLETE])
        expect([t.number for t in complete] == [1], "by state")
        expect([t.number for t in storage.get_trials(sid, min_number=3)] == [3, 4], "min_number")
        picked = storage.get_trials(sid, numbers=[4, 0, 2, 9])
        expect([t.number for t in picked] == [0, 2, 4], "numbers, in number order")
        both = storage.get_trials(sid, min_number=1, numbers=[0, 2])
        expect([t.number for t in both] == [2], "numbers and min_number together")
        expect(storage.get_trials(sid, numbers=[]) == [], "no numbers, no trials")
        expect(storage.count_trials(sid) == 5, "count_trials")
        expect(storage.count_trials(sid, states=[TrialState.RUNNING]) == 3, "count by state")
        summary = storage.list_studies()[0]
        expect(summary.n_trials == 5 and summary.n_trials_by_state[TrialState.FAIL] == 1, "sums")
        nan = storage.create_trial(sid)
        storage.finish_trial(nan.trial_id, TrialState.PRUNED, values=[math.nan])
        values = storage.get_trial(nan.trial_id).values
        expect(values is not None and math.isnan(values[0]), "a PRUNED trial may hold NaN")


def check_deleting_a_study_removes_only_its_trials(factory: StorageFactory) -> None:
    """Deleting a study keeps every other study's trials."""
    with _opened(factory) as storage:
        a = storage.create_study("a", MIN).study_id
        b = storage.create_study("b", MIN).study_id
        ta = storage.create_trial(a)
        storage.set_trial_param(ta.trial_id, "x", FloatDistribution(0, 1), 0.5)
        tb = storage.create_trial(b)
        storage.set_trial_param(tb.trial_id, "x", FloatDistribution(0, 1), 0.25)
        storage.delete_study(a)
        expect(storage.get_trial(tb.trial_id).params == {"x": 0.25}, "the other study is kept")
        with raises(KeyError):
            storage.get_trial(ta.trial_id)


def check_a_finished_trial_is_added_whole(factory: StorageFactory) -> None:
    """add_trial stores a finished trial with the next number, its times and every field."""
    from hypersense.trial.frozen import FrozenTrial

    with _opened(factory) as storage:
        sid = storage.create_study("s", MIN).study_id
        storage.create_trial(sid)
        made = FrozenTrial(
            number=-1,
            state=TrialState.COMPLETE,
            values=(0.5,),
            params={"x": 0.25, "k": "b"},
            distributions={"x": FloatDistribution(0, 1), "k": CategoricalDistribution(("a", "b"))},
            intermediate_values={0: 0.9, 3: math.nan},
            user_attrs={"u": [1, 2]},
            system_attrs={"s": True},
            started_at=1_000.0,
            completed_at=1_060.5,
        )
        added = storage.add_trial(sid, made)
        expect(added.number == 1 and added.state is TrialState.COMPLETE, f"added as {added}")
        got = storage.get_trial(added.trial_id)
        expect(got.values == (0.5,) and got.params == {"x": 0.25, "k": "b"}, "values, params")
        expect(got.distributions == made.distributions, "distributions")
        expect(got.intermediate_values[0] == 0.9, "intermediate values")
        expect(math.isnan(got.intermediate_values[3]), "NaN intermediate value")
        expect(got.user_attrs == {"u": [1, 2]} and got.system_attrs == {"s": True}, "attrs")
        expect((got.started_at, got.completed_at) == (1_000.0, 1_060.5), "times are kept")
        bad = made.replace(values=(math.inf,))
        with raises(ValueError, "finite"):
            storage.add_trial(sid, bad)
        expect(storage.count_trials(sid) == 2, "a refused trial adds nothing")


STORAGE_CHECKS: tuple[Check[StorageFactory], ...] = tuple(
    Check(f)
    for f in (
        check_studies_are_created_listed_and_deleted,
        check_bad_study_names_are_refused,
        check_study_attrs_round_trip_as_json,
        check_trial_numbers_are_gap_free_per_study,
        check_concurrent_writers_get_unique_numbers,
        check_a_trial_life_round_trips,
        check_writes_to_a_finished_trial_change_nothing,
        check_bad_writes_are_refused_before_touching_data,
        check_waiting_trials_are_claimed_once_in_order,
        check_a_unique_attribute_is_held_by_one_trial,
        check_stale_and_orphaned_trials_are_failed_once,
        check_times_come_from_the_storage_clock,
        check_reads_filter_by_state_and_number,
        check_deleting_a_study_removes_only_its_trials,
        check_a_finished_trial_is_added_whole,
    )
)


def check_storage(factory: StorageFactory) -> CheckReport:
    """Run every storage check on storages ``factory`` builds; AssertionError naming each
    failed check."""
    with _opened(factory) as probe:
        subject = subject_name(probe)
    return run_checks(STORAGE_CHECKS, factory, subject=subject)
