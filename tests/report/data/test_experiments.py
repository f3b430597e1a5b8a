"""Tornado, noise and re-evaluation tables: read back from the companion studies
the analysis ran, they agree with the analysis results themselves."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hypersense as hs
from hypersense.analysis.experiments import local_sensitivity
from hypersense.analysis.noise import analyze_noise
from hypersense.analysis.reevaluation import reevaluate
from hypersense.report.data import (
    as_snapshot,
    build_noise_data,
    build_reevaluation_data,
    build_tornado_data,
    noise_data_from_analysis,
    reevaluation_data_from_result,
    tornado_data_from_local,
)
from tests.report.studies import snapshot, trial


def objective(t: hs.Trial) -> float:
    """``(x - 0.3)^2 + 0.1·k`` plus seed noise of sd 0.05."""
    x = t.suggest_float("x", 0.0, 1.0)
    k = t.suggest_int("k", 0, 2)
    noise = np.random.default_rng(t.seed).normal(0.0, 0.05)
    return (x - 0.3) ** 2 + 0.1 * k + float(noise)


@pytest.fixture(scope="module")
def analysed() -> tuple[hs.Study, object, object, object]:
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=3))
    study.optimize(objective, n_trials=12)
    local = local_sensitivity(study, objective, n_points=3, n_seeds=3, seed=1)
    noise = analyze_noise(study, objective, n_others=2, n_seeds=3, local=local, seed=2)
    reeval = reevaluate(study, objective, top_k=2, n_seeds=3, seed=4)
    return study, local, noise, reeval


def test_tornado_from_the_companion_matches_the_result(analysed) -> None:  # type: ignore[no-untyped-def]
    study, local, _, _ = analysed
    stored = build_tornado_data(study)
    given = tornado_data_from_local(local)
    assert stored is not None
    assert [b.parameter for b in stored.bars] == [b.parameter for b in given.bars]
    assert stored.reference_mean == pytest.approx(given.reference_mean)
    for s, g in zip(stored.bars, given.bars, strict=True):
        assert (s.low_mean, s.high_mean) == pytest.approx((g.low_mean, g.high_mean))
        assert (s.range_low, s.range_high) == pytest.approx((g.range_low, g.range_high))
        assert s.p_value == pytest.approx(g.p_value)


def test_noise_floor_from_the_companion_matches_the_result(analysed) -> None:  # type: ignore[no-untyped-def]
    study, _, noise, _ = analysed
    stored = build_noise_data(study)
    given = noise_data_from_analysis(noise)
    assert stored is not None
    assert stored.noise_floor.estimate == pytest.approx(given.noise_floor.estimate)
    assert stored.noise_floor.low == pytest.approx(given.noise_floor.low)
    assert stored.hyperparameter_share.estimate == pytest.approx(
        given.hyperparameter_share.estimate
    )
    assert [r.trial_number for r in stored.configurations] == [
        r.trial_number for r in given.configurations
    ]
    assert [r.mean.estimate for r in stored.configurations] == pytest.approx(
        [r.mean.estimate for r in given.configurations]
    )


def test_winners_curse_from_the_companion_matches_the_result(analysed) -> None:  # type: ignore[no-untyped-def]
    study, _, _, reeval = analysed
    stored = build_reevaluation_data(study)
    given = reevaluation_data_from_result(reeval)
    assert stored is not None and stored.winners_curse is not None
    assert [(r.rank, r.trial_number) for r in stored.rows] == [
        (r.rank, r.trial_number) for r in given.rows
    ]
    assert stored.winners_curse.estimate == pytest.approx(given.winners_curse.estimate)  # type: ignore[union-attr]
    assert stored.rows[0].original_value == study.best_value


def test_companions_are_found_through_the_parent_links(analysed) -> None:  # type: ignore[no-untyped-def]
    study, _, _, _ = analysed
    assert set(as_snapshot(study).companions) == {"local", "noise", "reeval"}


def test_without_companions_there_is_no_table() -> None:
    plain = snapshot([trial(0, 1.0)])
    assert build_tornado_data(plain) is None
    assert build_noise_data(plain) is None
    assert build_reevaluation_data(plain) is None


def test_hand_made_sweep_gives_the_known_tornado() -> None:
    def point(n: int, metric: float, **design: object) -> hs.FrozenTrial:
        key = repr(sorted(design.items())) + f"#{n}"
        attrs = {"design_key": key, **{f"design_{k}": v for k, v in design.items()}}
        return trial(n, metric, user_attrs=attrs)

    local = snapshot(
        [
            point(0, 1.0, reference=True, replicate=0),
            point(1, 3.0, reference=True, replicate=1),
            point(2, 5.0, parameter="lr", value=0.1, replicate=0),
            point(3, 7.0, parameter="lr", value=0.1, replicate=1),
            point(4, 2.0, parameter="layers", value=1, replicate=0),
            point(5, 2.0, parameter="layers", value=1, replicate=1),
        ],
        name="hand:local",
    )
    data = build_tornado_data(snapshot([trial(0, 1.0)], companions={"local": local}))
    assert data is not None
    assert data.reference_mean == 2.0
    lr, layers = data.bars
    assert (lr.parameter, lr.low_value, lr.low_mean, lr.high_value, lr.high_mean) == (
        "lr",
        "0.01",
        2.0,
        "0.1",
        6.0,
    )
    assert lr.range == 4.0 and layers.range == 0.0
    assert math.isfinite(lr.p_value)
