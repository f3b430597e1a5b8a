"""Single-threaded BLAS while an analysis fits surrogates and decomposes draws.

An importance analysis is thousands of small BLAS/LAPACK calls: Cholesky
factors of a few hundred to two thousand rows, kernel blocks, quadratic forms.
Spreading each over threads buys little at these sizes, and on a shared
machine OpenBLAS threads that spin-wait for a busy core make them far slower
(measured on two loaded cores: the known-answer tests of importance took 146 s
with the default threads and 10 s with one). So the heavy steps run with BLAS
limited to one thread, and the caller's setting is restored afterwards.

``threadpoolctl`` ships with scikit-learn, a hypersense dependency; without it
the limit is simply not applied.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

__all__ = ["single_threaded_blas"]

_log = logging.getLogger(__name__)


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the body with every loaded BLAS library limited to one thread."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn depends on it
        _log.debug("threadpoolctl is not installed; BLAS threads are not limited")
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
