"""The fault matrix's witness reads hypersense's real tables, and the records of its
objective agree with them: on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from benchmarks.faults.metrics import extra_evaluations, lost_results, unfinished
from benchmarks.faults.objective import objective
from benchmarks.faults.records import read_records
from benchmarks.faults.witness import Witness

import hypersense as hs
from hypersense.samplers import RandomSampler


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_witness_sees_what_hypersense_stored(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    monkeypatch.setenv("HS_FAULTS_LOG_DIR", str(tmp_path))
    with Witness(url, "w", interval_s=0.01) as witness:
        study = hs.create_study("w", url, sampler=RandomSampler(seed=0))
        study.optimize(objective, n_trials=3)
        failed = study.ask()
        failed.suggest_float("x", 0.0, 1.0)
        study.tell(failed, state=hs.TrialState.FAIL)
        study.ask()  # left RUNNING
        deadline = time.monotonic() + 30
        while len(witness.first_seen) < 5 or len(witness.seen_complete) < 3:
            assert time.monotonic() < deadline, witness.first_seen
            time.sleep(0.01)
    final = witness.snapshot()
    stored = hs.load_study("w", url).trials
    assert [final[t.number].state for t in stored] == [t.state.name for t in stored]
    assert [final[t.number].value for t in stored] == [t.value for t in stored]
    assert [final[t.number].params for t in stored] == [t.params for t in stored]
    assert {t.owner_pid for t in final.values()} == {os.getpid()}
    assert witness.seen_complete == {t.number: t.value for t in stored[:3]}
    assert unfinished(final) == [4]

    records = read_records(tmp_path)
    assert [(e.number, e.pid, e.params, e.value) for e in records.evaluations] == [
        (t.number, os.getpid(), t.params, t.value) for t in stored[:3]
    ]
    assert extra_evaluations(records.evaluations) == 0
    evaluations, seen = records.evaluations, witness.seen_complete
    assert lost_results(final, seen_stored=seen, evaluations=evaluations, signalled=()) == []
    # A result that disappears from the rows is counted as lost.
    del final[1]
    assert lost_results(final, seen_stored=seen, evaluations=evaluations, signalled=()) == [1]
