"""CMA-ES state rebuilt from tagged generations: replay, caching, restarts, margin."""

from __future__ import annotations

from collections.abc import Callable

import cmaes
import numpy as np

from hypersense.samplers.evolution.cma_replay import (
    CmaMember,
    ReplayCache,
    ask_member,
    replay,
)
from hypersense.samplers.evolution.cma_settings import (
    CmaSettings,
    default_popsize,
    discrete_bounds,
    has_stagnated,
    restart_mean,
)


def _settings(dim: int = 3, **changes: object) -> CmaSettings:
    fields: dict[str, object] = {
        "n_values": np.zeros(dim, dtype=np.int64),
        "mean0": np.full(dim, 0.5),
        "sigma0": 1 / 6,
        "popsize0": default_popsize(dim),
        "inc_popsize": 2,
        "restart": True,
        "stagnation_generations": None,
    }
    fields.update(changes)
    return CmaSettings(**fields)  # type: ignore[arg-type]


def _sphere(x: np.ndarray) -> float:
    return float(np.sum((x - 0.3) ** 2))


def _drive(
    settings: CmaSettings,
    n_trials: int,
    objective: Callable[[np.ndarray], float],
    cache: Callable[[], ReplayCache],
) -> tuple[list[np.ndarray], list[CmaMember]]:
    """Sequential ask/tell through replay, as the sampler does."""
    members: list[CmaMember] = []
    points = []
    for number in range(n_trials):
        run = replay(cmaes, settings, members, cache(), "search")
        x_eval, x_tell = ask_member(run, seed=1000 + number)
        members.append(
            CmaMember(number, run.restart, run.generation, run.told, x_tell, objective(x_eval))
        )
        points.append(x_eval)
    return points, members


def test_default_popsize_and_bounds() -> None:
    assert [default_popsize(d) for d in (1, 5, 10)] == [4, 8, 10]
    np.testing.assert_allclose(discrete_bounds(np.array([0, 4])), [[0.0, 1.0], [0.125, 0.875]])


def test_stagnation_known_answers() -> None:
    assert has_stagnated([5.0, 4.0, 3.0, 3.0, 3.5], 2)
    assert not has_stagnated([5.0, 4.0, 3.0, 2.9], 2)
    assert not has_stagnated([5.0, 5.0], 2)  # too short to tell


def test_restart_mean_is_a_pure_function_of_the_told_points() -> None:
    bounds = discrete_bounds(np.array([0, 0, 5]))
    told = np.random.default_rng(0).random((8, 3))
    first = restart_mean(told, 1, bounds)
    np.testing.assert_array_equal(first, restart_mean(told.copy(), 1, bounds))
    assert not np.array_equal(first, restart_mean(told, 2, bounds))
    assert not np.array_equal(first, restart_mean(told + 1e-9, 1, bounds))
    assert np.all(first >= bounds[:, 0]) and np.all(first <= bounds[:, 1])


def test_cached_and_fresh_replays_propose_the_same_points() -> None:
    settings = _settings()
    shared = ReplayCache()
    cached, _ = _drive(settings, 60, _sphere, lambda: shared)
    fresh, _ = _drive(settings, 60, _sphere, ReplayCache)
    np.testing.assert_array_equal(np.array(cached), np.array(fresh))


def test_generations_record_what_was_told() -> None:
    settings = _settings()
    _, members = _drive(settings, 3 * settings.popsize0 + 1, _sphere, ReplayCache)
    popsize = settings.popsize0
    assert [m.generation for m in members[: popsize + 1]] == [0] * popsize + [1]
    assert members[popsize].told == tuple(range(popsize))
    assert members[2 * popsize].told == tuple(range(popsize, 2 * popsize))


def test_replay_follows_the_recorded_told_set_not_late_arrivals() -> None:
    """Trial 0 finished late: generation 0 was told trials 1..8 and must stay so."""
    settings = _settings(dim=2, restart=False)
    popsize = settings.popsize0
    rng = np.random.default_rng(1)
    xs = rng.random((popsize + 1, 2))
    gen0 = [
        CmaMember(n, 0, 0, (), xs[n], None if n == 0 else _sphere(xs[n]))
        for n in range(popsize + 1)
    ]
    run = replay(cmaes, settings, gen0, ReplayCache(), "k")
    assert run.generation == 1 and run.told == tuple(range(1, popsize + 1))
    x_eval, x_tell = ask_member(run, seed=3)
    gen1 = CmaMember(popsize + 1, 0, 1, run.told, x_tell, None)
    late = [CmaMember(0, 0, 0, (), xs[0], -1.0), *gen0[1:], gen1]
    again = replay(cmaes, settings, late, ReplayCache(), "k")
    np.testing.assert_array_equal(ask_member(again, seed=3)[0], x_eval)

    reference = cmaes.CMA(
        mean=np.full(2, 0.5),
        sigma=1 / 6,
        bounds=discrete_bounds(np.zeros(2, dtype=np.int64)),
        population_size=popsize,
        seed=0,
        n_max_resampling=20,
    )
    reference.tell([(xs[n], _sphere(xs[n])) for n in range(1, popsize + 1)])
    np.testing.assert_allclose(again.optimizer.mean, reference.mean)


def test_a_stagnating_run_restarts_with_a_larger_population() -> None:
    settings = _settings(stagnation_generations=1)
    _, members = _drive(settings, 4 * settings.popsize0, lambda x: 1.0, ReplayCache)
    restarts = [m.restart for m in members]
    first = restarts.index(1)
    # Flat values: generation 1 does not improve on generation 0, so after two
    # told generations the run restarts with twice the population.
    assert first == 2 * settings.popsize0
    assert members[first].generation == 0
    assert members[first].told == tuple(range(settings.popsize0, 2 * settings.popsize0))
    later = [m for m in members if m.restart == 1]
    assert len(later) == 2 * settings.popsize0  # still filling its first generation


def test_no_restart_when_disabled() -> None:
    settings = _settings(stagnation_generations=1, restart=False)
    _, members = _drive(settings, 3 * settings.popsize0, lambda x: 1.0, ReplayCache)
    assert {m.restart for m in members} == {0}


def test_margin_puts_discrete_dimensions_on_bin_centres() -> None:
    n_values = np.array([0, 5, 2], dtype=np.int64)
    settings = _settings(n_values=n_values)
    points, members = _drive(settings, 40, _sphere, ReplayCache)
    for x in points:
        for j in (1, 2):
            k = x[j] * n_values[j] - 0.5
            assert abs(k - round(k)) < 1e-9
    assert all(0.0 <= v <= 1.0 for x in points for v in x)
    assert members[-1].generation >= 3


def test_a_cache_of_another_search_is_not_reused() -> None:
    settings = _settings()
    cache = ReplayCache()
    _drive(settings, 20, _sphere, lambda: cache)
    other_points, _ = _drive(settings, 20, lambda x: float(np.sum(x)), lambda: cache)
    fresh_points, _ = _drive(settings, 20, lambda x: float(np.sum(x)), ReplayCache)
    np.testing.assert_array_equal(np.array(other_points), np.array(fresh_points))
