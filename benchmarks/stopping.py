"""Stopping a benchmark's worker processes with it, on Ctrl-C and on SIGTERM.

A benchmark that trains in worker processes and is stopped by ``kill`` (the
default signal is SIGTERM, which also ``timeout`` and job schedulers send)
would die at once and leave its workers training until their current run ends:
minutes of CPU on a shared machine, and a second copy of the command competing
with them. Inside :func:`stop_workers_on_exit` SIGTERM becomes hypersense's
:class:`~hypersense.errors.Terminated` in the main thread (exit status 143 if
left uncaught), and any exception leaving the block (that one, Ctrl-C, an
error) first terminates every child process, so none outlives the benchmark.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager

from hypersense.study._termination import SigtermGuard

__all__ = ["stop_workers_on_exit", "terminate_children"]


def terminate_children(timeout_s: float = 5.0) -> None:
    """Terminates this process's live multiprocessing children and waits for them."""
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout_s)
        if child.is_alive():
            child.kill()
            child.join()


@contextmanager
def stop_workers_on_exit() -> Iterator[None]:
    """SIGTERM raises ``Terminated`` here, and no child process outlives an exception.

    SIGTERM is handled as in ``Study.optimize`` (hypersense's own guard: only in
    the main thread, only over the default action, restored on exit, and a
    second SIGTERM is held back while the workers are being stopped).
    """
    with SigtermGuard() as guard:
        try:
            yield
        except BaseException:
            guard.cleaning_up()
            terminate_children()
            raise
