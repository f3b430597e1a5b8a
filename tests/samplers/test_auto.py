"""AutoSampler: its rule on known study shapes and its recorded choices."""

from __future__ import annotations

import numpy as np
import pytest

import hypersense as hs
from hypersense.samplers import AutoSampler
from hypersense.samplers.auto import choose_sampler, gp_startup_trials

BASE = {
    "n_objectives": 1,
    "n_finished": 20,
    "dimension": 4,
    "conditional": False,
    "constrained": False,
    "gp_max_trials": 300,
    "gp_max_dimension": 16,
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "gp"),
        ({"n_objectives": 2}, "tpe"),
        ({"conditional": True}, "tpe"),
        ({"constrained": True}, "tpe"),
        ({"dimension": 17}, "tpe"),
        ({"n_finished": 300}, "tpe"),
        ({"n_finished": 299}, "gp"),
    ],
)
def test_the_rule(changes: dict[str, object], expected: str) -> None:
    assert choose_sampler(**{**BASE, **changes}) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("dimension", "expected"), [(0, 4), (1, 4), (3, 4), (4, 5), (5, 6), (9, 10), (16, 10)]
)
def test_the_gp_start_up_grows_with_the_dimension(dimension: int, expected: int) -> None:
    assert gp_startup_trials(dimension) == expected


def quadratic_at(x: np.ndarray) -> float:
    return float(np.sum((x - 0.3) ** 2))


def quadratic(trial: hs.Trial) -> float:
    return quadratic_at(np.array([trial.suggest_float(f"x{i}", -1, 1) for i in range(3)]))


def test_a_fixed_numeric_space_uses_the_gp_and_records_the_choice() -> None:
    study = hs.create_study(sampler=AutoSampler(seed=0))
    study.optimize(quadratic, n_trials=12)
    assert {t.system_attrs["auto_sampler"] for t in study.trials} == {"gp"}
    # Three parameters: 4 start-up trials (and 4 for the first, before any is known).
    assert {t.system_attrs["auto_sampler_startup_trials"] for t in study.trials} == {4}


def test_the_gp_hands_over_to_tpe_after_its_budget() -> None:
    study = hs.create_study(sampler=AutoSampler(gp_max_trials=10, seed=0))
    study.optimize(quadratic, n_trials=14)
    choices = [t.system_attrs["auto_sampler"] for t in study.trials]
    assert choices == ["gp"] * 10 + ["tpe"] * 4


def test_a_conditional_space_uses_tpe_once_it_shows() -> None:
    def conditional(trial: hs.Trial) -> float:
        if trial.suggest_categorical("kind", ["a", "b"]) == "a":
            return trial.suggest_float("x", 0, 1)
        return trial.suggest_float("y", 0, 1) + 1

    study = hs.create_study(sampler=AutoSampler(seed=3))
    study.optimize(conditional, n_trials=10)
    choices = [t.system_attrs["auto_sampler"] for t in study.trials]
    assert choices[-1] == "tpe" and choices[0] == "gp"


def test_bad_options_are_named() -> None:
    with pytest.raises(ValueError, match="gp_max_trials"):
        AutoSampler(gp_max_trials=0)


def _best_in_batches(seed: int, batch_size: int, n_trials: int) -> float:
    """Best value of the default on ``quadratic``, asking ``batch_size`` trials
    before telling any (as ``n_jobs=batch_size`` workers do)."""
    study = hs.create_study(sampler=AutoSampler(seed=seed), heartbeat_interval_s=None)
    while len(study.trials) < n_trials:
        batch = [study.ask() for _ in range(batch_size)]
        values = [quadratic(trial) for trial in batch]
        for trial, value in zip(batch, values, strict=True):
            study.tell(trial, value)
    return study.best_value


def test_four_pending_proposals_are_not_collapsed() -> None:
    study = hs.create_study(sampler=AutoSampler(seed=1), heartbeat_interval_s=None)
    study.optimize(quadratic, n_trials=12)
    pending = [study.ask() for _ in range(4)]
    points = np.array([[t.suggest_float(f"x{i}", -1, 1) for i in range(3)] for t in pending])
    distances = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=-1)
    # In the [-1, 1]^3 box; one point asked four times would give 0.
    assert distances[np.triu_indices(4, 1)].min() > 0.1


def test_a_batch_of_four_gets_close_to_sequential_quality() -> None:
    # Normalised as in benchmarks/: 0 = random search's best, 100 = sequential's.
    scores = []
    for seed in range(3):
        uniform = np.random.default_rng(seed).uniform(-1, 1, (24, 3))
        random_best = min(quadratic_at(x) for x in uniform)
        sequential = _best_in_batches(seed, 1, 24)
        batch = _best_in_batches(seed, 4, 24)
        scores.append(100 * (random_best - batch) / (random_best - sequential))
    assert float(np.median(scores)) >= 90
