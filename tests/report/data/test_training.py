"""LR range test, LR schedule, weight histograms and model size."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hypersense.lr import smooth_losses
from hypersense.report.data import (
    build_lr_schedule_data,
    build_param_count_data,
    build_weight_distribution_data,
)
from hypersense.report.data.training import LayerHistogram
from tests.report.studies import histograms, rich_snapshot, snapshot, trial


def test_smoothing_is_a_bias_corrected_moving_average() -> None:
    assert smooth_losses([2.0, 2.0, 2.0]).tolist() == pytest.approx([2.0, 2.0, 2.0])
    # beta = 0.5: a1 = 0.5 / 0.5 = 1; a2 = (0.5 * 0.5 + 0.5 * 3) / (1 - 0.25) = 7/3
    out = smooth_losses([1.0, 3.0], beta=0.5)
    assert out.tolist() == pytest.approx([1.0, 7 / 3])
    assert smooth_losses([math.nan, 4.0]).tolist()[1] == pytest.approx(4.0)
    with pytest.raises(ValueError, match="`beta` must be in \\[0, 1\\)"):
        smooth_losses([1.0], beta=1.0)


def test_schedule_histograms_and_sizes_come_from_the_best_trial() -> None:
    snap = rich_snapshot()
    best = snap.best_trial()
    assert best is not None
    schedule = build_lr_schedule_data(snap)
    assert schedule is not None and schedule.trial_number == best.number
    assert schedule.lrs == tuple(best.user_attrs["lr"]) and schedule.epochs == tuple(range(10))
    weights = build_weight_distribution_data(snap)
    assert weights is not None and [h.layer for h in weights.layers] == list(histograms())
    sizes = build_param_count_data(snap)
    assert sizes is not None and len(sizes.numbers) == len(snap.completed())


def test_density_integrates_to_one() -> None:
    hist = LayerHistogram("fc", (-0.5, -0.25, 0.0, 0.25, 0.5), (1, 4, 4, 1))
    assert float(np.sum(hist.density() * 0.25)) == pytest.approx(1.0)
    assert hist.density().tolist() == pytest.approx([0.4, 1.6, 1.6, 0.4])
    with pytest.raises(ValueError, match="k \\+ 1 edges"):
        LayerHistogram("bad", (0.0, 1.0), (1, 2))


def test_missing_attributes_give_none_and_malformed_histograms_are_named() -> None:
    plain = snapshot([trial(0, 1.0)])
    assert build_lr_schedule_data(plain) is None
    assert build_weight_distribution_data(plain) is None
    assert build_param_count_data(plain) is None
    bad = snapshot([trial(0, 1.0, user_attrs={"weight_histograms": {"fc": [1, 2]}})])
    with pytest.raises(ValueError, match="weight_histograms\\['fc'\\]"):
        build_weight_distribution_data(bad)
