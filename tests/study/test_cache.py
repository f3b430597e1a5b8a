"""The incremental trial cache: refresh returns exactly what changed."""

from __future__ import annotations

from pathlib import Path

import hypersense as hs
from hypersense.storage.sql.storage import SQLStorage
from hypersense.study.cache import TrialCache


def test_refresh_returns_new_and_changed_trials_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    study = hs.create_study(study_name="c", storage=url)
    reader = SQLStorage(url, read_only=True)
    try:
        cache = TrialCache(reader, reader.get_study("c").study_id)
        assert cache.refresh() == []
        done = study.ask()
        study.tell(done, 1.0)
        running = study.ask()
        assert [t.number for t in cache.refresh()] == [0, 1]
        assert cache.refresh() == []  # nothing changed
        running.report(0.5, step=0)
        changed = cache.refresh()
        assert [t.number for t in changed] == [1] and dict(changed[0].intermediate_values) == {
            0: 0.5
        }
        study.tell(running, 0.4)
        assert [(t.number, t.state) for t in cache.refresh()] == [(1, hs.TrialState.COMPLETE)]
        assert [t.number for t in cache.load()] == [0, 1]
    finally:
        reader.close()
