"""Single-threaded BLAS while the GP computes.

The GP's linear algebra is many small BLAS/LAPACK calls (a Cholesky factor of
a few hundred rows, triangular solves with a few right-hand sides). Spreading
each over threads buys nothing at these sizes, and on a busy machine OpenBLAS
threads that spin-wait for a core turn a 1 ms factorisation into hundreds of
milliseconds (measured here: 200x200 Cholesky, 0.8 ms single-threaded versus
195 ms with two threads on two shared, loaded cores). So each proposal runs
with BLAS limited to one thread, restored afterwards.

``threadpoolctl`` ships with scikit-learn, a hypersense dependency; without it
the limit is simply not applied.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

__all__ = ["BlasThreadLimiter"]

_log = logging.getLogger(__name__)


class BlasThreadLimiter:
    """Limits BLAS libraries loaded in this process to one thread, on demand.

    The library scan behind the limit costs milliseconds, so it is done once,
    on first use; the object pickles without it.
    """

    def __init__(self) -> None:
        self._controller: Any = None
        self._unavailable = False

    def __getstate__(self) -> dict[str, Any]:
        return {"_controller": None, "_unavailable": False}

    @contextlib.contextmanager
    def single_threaded(self) -> Iterator[None]:
        """Run the body with every BLAS library limited to one thread."""
        if self._controller is None and not self._unavailable:
            try:
                from threadpoolctl import ThreadpoolController
            except ImportError:
                _log.debug("threadpoolctl is not installed; BLAS threads are not limited")
                self._unavailable = True
            else:
                self._controller = ThreadpoolController()
        if self._controller is None:
            yield
            return
        with self._controller.limit(limits=1, user_api="blas"):
            yield
