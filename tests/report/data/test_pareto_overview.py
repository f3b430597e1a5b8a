"""Pareto front and the overview tables."""

from __future__ import annotations

from pathlib import Path

import hypersense as hs
from hypersense import StudyDirection
from hypersense.report.data import as_snapshot, build_overview_data, build_pareto_data
from hypersense.trial import SystemAttr
from tests.report.studies import rich_snapshot, snapshot, trial

MIN_MAX = (StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE)


def test_front_of_a_minimise_maximise_study() -> None:
    trials = [
        trial(0, (1.0, 1.0)),
        trial(1, (2.0, 3.0)),
        trial(2, (2.0, 2.0)),  # dominated by 1
        trial(3, (0.5, 0.5)),
    ]
    data = build_pareto_data(snapshot(trials, directions=MIN_MAX))
    assert data is not None
    assert data.on_front == (True, True, False, True)
    assert data.front() == (3, 0, 1)
    assert build_pareto_data(snapshot([trial(0, 1.0)])) is None
    overview = build_overview_data(snapshot(trials, directions=MIN_MAX))
    assert [b.number for b in overview.best] == [3, 0, 1]


def test_overview_of_the_rich_study() -> None:
    snap = rich_snapshot()
    overview = build_overview_data(snap)
    assert overview.n_trials == 12 and overview.directions == ("minimize",)
    assert [name for name, _ in overview.space] == ["lr", "layers", "optimizer"]
    (best,) = overview.best
    assert best.number == snap.best_trial().number  # type: ignore[union-attr]
    attrs = dict(best.user_attrs)
    assert attrs["lr"].startswith("10 values: ")  # long lists are summarised
    assert overview.environments == ()  # no manifest recorded


def test_environments_are_grouped_with_their_workers() -> None:
    manifest = {"python": "3.11", "packages": {"numpy": "2.0"}}
    trials = [
        trial(i, 1.0, system_attrs={SystemAttr.ENVIRONMENT: manifest, SystemAttr.WORKER: w})
        for i, w in enumerate(["h:1", "h:2", "h:1"])
    ]
    (env,) = build_overview_data(snapshot(trials)).environments
    assert env.n_trials == 3 and env.workers == ("h:1", "h:2")
    assert ("packages.numpy", "2.0") in env.manifest


def test_an_empty_study_has_an_overview() -> None:
    overview = build_overview_data(snapshot([]))
    assert overview.best == () and overview.n_trials == 0


def test_the_overview_shows_the_storage_as_its_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'study.db'}"
    study = hs.create_study(study_name="s", storage=url)
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
    assert build_overview_data(as_snapshot(study)).storage == url
    study.storage.close()
