"""Small parts of the GP sampler: startup design, scalarisation, BLAS thread limit."""

from __future__ import annotations

import builtins
import pickle
from typing import Any

import numpy as np
import pytest

from hypersense.samplers.gp.scalarization import chebyshev_scalarization
from hypersense.samplers.gp.startup import StartupDesign
from hypersense.samplers.gp.threads import BlasThreadLimiter


def test_startup_points_are_deterministic_distinct_and_in_the_cube() -> None:
    design = StartupDesign(np.random.SeedSequence(7))
    points = np.array([design.point(3, k) for k in range(40)])
    again = StartupDesign(np.random.SeedSequence(7))
    np.testing.assert_array_equal(points[25], again.point(3, 25))
    assert np.all((points >= 0) & (points <= 1))
    assert len(np.unique(points, axis=0)) == 40
    # A Sobol prefix of 2^k points puts exactly 2^(k-1) of them in each half of an axis.
    assert np.sum(points[:32, 0] < 0.5) == 16


def test_chebyshev_scalarization_known_answer() -> None:
    losses = np.array([[0.0, 10.0], [1.0, 0.0], [0.5, 5.0]])

    class FixedWeights:
        def dirichlet(self, alpha: Any) -> np.ndarray:
            return np.array([0.25, 0.75])

    out = chebyshev_scalarization(losses, FixedWeights())  # type: ignore[arg-type]
    # Rescaled: [[0, 1], [1, 0], [0.5, 0.5]]; weighted: [[0, .75], [.25, 0], [.125, .375]].
    np.testing.assert_allclose(out, [0.75 + 0.05 * 0.75, 0.25 + 0.05 * 0.25, 0.375 + 0.05 * 0.5])
    single = np.array([[3.0], [1.0]])
    np.testing.assert_array_equal(
        chebyshev_scalarization(single, np.random.default_rng(0)), [3.0, 1.0]
    )


def test_blas_limiter_limits_threads_and_pickles() -> None:
    import threadpoolctl  # scikit-learn's dependency, so always installed

    limiter = BlasThreadLimiter()
    with limiter.single_threaded():
        infos = threadpoolctl.threadpool_info()
        assert all(i["num_threads"] == 1 for i in infos if i["user_api"] == "blas")
    clone = pickle.loads(pickle.dumps(limiter))
    with clone.single_threaded():
        pass


def test_blas_limiter_without_threadpoolctl_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def blocked(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "threadpoolctl":
            raise ImportError("blocked for the test")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", blocked)
    limiter = BlasThreadLimiter()
    with limiter.single_threaded():
        value = float(np.ones((3, 3)).sum())
    assert value == 9.0
