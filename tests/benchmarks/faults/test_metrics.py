"""The fault matrix's counting: known answers on hand-made records and rows."""

from __future__ import annotations

import json

from benchmarks.faults.metrics import (
    Exit,
    crashes,
    detection_s,
    extra_evaluations,
    lost_results,
    retried_with_same_params,
    unfinished,
    victims,
    wrongly_failed,
)
from benchmarks.faults.records import Evaluation, in_flight, parse_evaluations
from benchmarks.faults.witness import StoredTrial

COORDINATOR, WORKER_A, WORKER_B = 100, 101, 102


def _evaluation(number: int, pid: int, x: float, *, returned: bool = True) -> Evaluation:
    return Evaluation(
        number=number,
        pid=pid,
        coordinator=COORDINATOR,
        params={"x": x},
        started_t=float(number),
        value=x if returned else None,
        returned_t=float(number) + 0.5 if returned else None,
    )


def _trial(
    number: int,
    state: str,
    value: float | None = None,
    *,
    owner: int = COORDINATOR,
    not_run: bool = False,
    params: dict[str, float] | None = None,
) -> StoredTrial:
    return StoredTrial(number, state, value, owner, not_run, params or {})


def test_start_and_return_records_are_paired_by_process_and_number() -> None:
    lines = [
        {"event": "start", "number": 0, "pid": 7, "coordinator": 5, "params": {"x": 0.1}, "t": 1.0},
        {"event": "start", "number": 1, "pid": 8, "coordinator": 5, "params": {"x": 0.2}, "t": 1.1},
        {"event": "return", "number": 0, "pid": 7, "coordinator": 5, "value": 0.1, "t": 1.3},
        # trial 1 again, in another process (a duplicate evaluation): kept apart
        {"event": "start", "number": 1, "pid": 9, "coordinator": 5, "params": {"x": 0.2}, "t": 2.0},
    ]
    evaluations = parse_evaluations(json.loads(json.dumps(r)) for r in lines)
    assert [(e.number, e.pid, e.returned) for e in evaluations] == [
        (0, 7, True),
        (1, 8, False),
        (1, 9, False),
    ]
    assert evaluations[0].value == 0.1 and evaluations[0].returned_t == 1.3
    assert [e.pid for e in in_flight(evaluations)] == [8, 9]
    assert extra_evaluations(evaluations) == 1


def test_lost_results_count_what_was_stored_or_returned_by_survivors() -> None:
    evaluations = [
        _evaluation(0, WORKER_A, 0.1),  # stored, still there
        _evaluation(1, WORKER_A, 0.2),  # stored, then vanished: lost
        _evaluation(2, WORKER_B, 0.3),  # stored with another value since: lost
        _evaluation(3, WORKER_A, 0.4),  # returned by a survivor, never stored: lost
        _evaluation(4, WORKER_B, 0.5),  # returned by the killed worker, never stored: fine
        _evaluation(5, WORKER_A, 0.6, returned=False),  # never returned: nothing to lose
    ]
    final = {
        0: _trial(0, "COMPLETE", 0.1),
        2: _trial(2, "COMPLETE", 0.33),
        3: _trial(3, "FAIL"),
        4: _trial(4, "FAIL"),
        5: _trial(5, "FAIL"),
    }
    seen = {0: 0.1, 1: 0.2, 2: 0.3}
    lost = lost_results(final, seen_stored=seen, evaluations=evaluations, signalled={WORKER_B})
    assert lost == [1, 2, 3]
    # With the coordinator signalled, no unstored return is owed (it died with them).
    lost = lost_results(
        final, seen_stored={0: 0.1}, evaluations=evaluations, signalled={COORDINATOR}
    )
    assert lost == []


def test_victims_wrongly_failed_and_unfinished() -> None:
    evaluations = [
        _evaluation(0, WORKER_A, 0.1),
        _evaluation(1, WORKER_B, 0.2, returned=False),  # the killed worker's trial
        _evaluation(2, WORKER_A, 0.3, returned=False),  # a healthy trial failed anyway
    ]
    final = {
        0: _trial(0, "COMPLETE", 0.1),
        1: _trial(1, "FAIL"),
        2: _trial(2, "FAIL"),
        3: _trial(3, "FAIL", owner=999),  # its coordinator was killed before its objective
        4: _trial(4, "FAIL", not_run=True),  # a grid with nothing left: not a failure
        5: _trial(5, "WAITING"),
        6: _trial(6, "RUNNING", owner=999),
    }
    hit = victims(final, evaluations, {WORKER_B, 999})
    assert hit == [1, 3, 6]
    assert wrongly_failed(final, hit) == [2]
    assert unfinished(final) == [5, 6]


def test_retries_need_a_later_complete_trial_with_the_same_parameters() -> None:
    evaluations = [
        _evaluation(0, WORKER_A, 0.25),
        _evaluation(1, WORKER_B, 0.5, returned=False),  # victim
        _evaluation(2, WORKER_A, 0.75, returned=False),  # victim, its retry failed too
        _evaluation(3, WORKER_A, 0.5),  # retry of 1
        _evaluation(4, WORKER_A, 0.75, returned=False),  # retry of 2, not finished
    ]
    final = {
        0: _trial(0, "COMPLETE", 0.25),
        1: _trial(1, "FAIL"),
        2: _trial(2, "FAIL"),
        3: _trial(3, "COMPLETE", 0.5),
        4: _trial(4, "FAIL"),
        5: _trial(5, "FAIL", params={"x": 0.9}),  # victim that never reached its objective
        6: _trial(6, "COMPLETE", 0.9),
    }
    more = [*evaluations, _evaluation(6, WORKER_A, 0.9)]
    assert retried_with_same_params([1, 2, 5], final, more) == [1, 5]
    # An earlier trial with the same parameters is no retry.
    assert retried_with_same_params([3], final, more) == []


def test_grid_extra_evaluations_count_points_not_trials() -> None:
    evaluations = [_evaluation(n, WORKER_A, x) for n, x in enumerate([0.1, 0.2, 0.1, 0.3])]
    assert extra_evaluations(evaluations) == 0
    assert extra_evaluations(evaluations, grid=True) == 1


def test_detection_waits_for_every_victim() -> None:
    first_seen = {1: {"RUNNING": 9.0, "FAIL": 10.5}, 2: {"RUNNING": 9.5, "FAIL": 11.0}, 3: {}}
    assert detection_s(first_seen, [1, 2], since=10.0) == 1.0
    assert detection_s(first_seen, [1, 3], since=10.0) is None
    assert detection_s(first_seen, [], since=10.0) is None


def test_crashes_compare_each_exit_with_the_promise() -> None:
    exits = [
        Exit("survivor", 0, 0, False),
        Exit("terminated", 143, 143, False),
        Exit("killed", -9, -9, False),
        Exit("survivor with a traceback", 0, 0, True),
        Exit("terminated but crashed", 1, 143, False),
    ]
    assert [e.role for e in crashes(exits)] == [
        "survivor with a traceback",
        "terminated but crashed",
    ]
