"""Every pruner by its config name, wrapped pruners included."""

from __future__ import annotations

from pathlib import Path

import pytest

from hypersense import ConfigError
from hypersense.config import build_run, load_config
from hypersense.pruners import (
    CurveExtrapolationPruner,
    HyperbandPruner,
    ObjectivePruner,
    ParetoPruner,
    PatientPruner,
    SuccessiveHalvingPruner,
    ThresholdPruner,
    WilcoxonPruner,
)
from tests.config.helpers import write_config


def _pruner_of(tmp_path: Path, pruner: str) -> object:
    path = write_config(
        tmp_path,
        f"""
        objective: math:fabs
        n_trials: 2
        space:
          x: {{type: float, low: 0.0, high: 1.0}}
        pruner: {pruner}
        """,
    )
    return build_run(load_config(path)).pruner


@pytest.mark.parametrize(
    ("pruner", "expected"),
    [
        ("{name: threshold, options: {upper: 2.0}}", ThresholdPruner),
        ("wilcoxon", WilcoxonPruner),
        ("asha", SuccessiveHalvingPruner),
        ("{name: successive_halving, options: {reduction_factor: 4}}", SuccessiveHalvingPruner),
        ("{name: hyperband, options: {max_resource: 27}}", HyperbandPruner),
        ("{name: curve_extrapolation, options: {max_resource: 20}}", CurveExtrapolationPruner),
        ("{name: pareto, options: {margin: [0.1, 2.0]}}", ParetoPruner),
    ],
)
def test_each_pruner_is_built_by_name(tmp_path: Path, pruner: str, expected: type) -> None:
    assert type(_pruner_of(tmp_path, pruner)) is expected


def test_a_wrapped_pruner_is_written_as_a_nested_name(tmp_path: Path) -> None:
    built = _pruner_of(
        tmp_path,
        "{name: patient, options: {patience: 2, wrapped_pruner: "
        "{name: median, options: {n_startup_trials: 3}}}}",
    )
    assert isinstance(built, PatientPruner)
    text = repr(built)
    assert text.startswith("PatientPruner(wrapped_pruner=MedianPruner(n_startup_trials=3")
    assert text.endswith("patience=2, min_delta=0.0)")
    plain = _pruner_of(
        tmp_path, "{name: objective, options: {wrapped_pruner: asha, objective_index: 1}}"
    )
    assert isinstance(plain, ObjectivePruner)


def test_a_malformed_wrapped_pruner_names_the_field(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"field 'pruner.options.wrapped_pruner'.*name: \.\.\."):
        _pruner_of(
            tmp_path, "{name: patient, options: {patience: 2, wrapped_pruner: {kind: median}}}"
        )
