"""SIGTERM during ``optimize``: the study stops as after Ctrl-C instead of dying.

SIGTERM is how Slurm, systemd, Docker and Kubernetes ask a process to stop.
Left to its default action it kills the coordinator at once: running trials
stay RUNNING in the storage and the workers lose their coordinator. While
``optimize`` runs in the main thread, :class:`SigtermGuard` turns the signal
into :class:`~hypersense.errors.Terminated` raised there, so the optimize loop
fails the running trials as interrupted, queues their retries, stops the
workers and re-raises.

A SIGTERM that arrives while that cleanup runs (after Ctrl-C, an exception, or
a first SIGTERM) is held back until the cleanup is done: raised in the middle
of it, it would leave some running trials stored and others not. Then, unless
the study is already stopping on ``Terminated``, ``Terminated`` is raised in
place of the exception being handled, so the request to stop is not lost. The
cleanup is short (workers are killed, a few rows written), and the SIGKILL a
supervisor sends after its grace period still ends the process; trials left
RUNNING then are failed later by the heartbeat check of a shared storage.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType, TracebackType

from hypersense.errors import Terminated

__all__ = ["SigtermGuard"]

_log = logging.getLogger(__name__)


class SigtermGuard:
    """Turns SIGTERM into ``Terminated`` while the ``with`` block runs.

    The handler is installed only in the main thread (Python runs handlers
    nowhere else) and only over the default action: a handler the program set
    itself, an ignored SIGTERM, or the guard of an enclosing ``optimize`` is
    left alone. The previous handler is restored on exit.
    """

    def __init__(self) -> None:
        self._installed = False
        self._cleaning_up = False
        self._held_back: int | None = None  # a signal received during the cleanup

    def __enter__(self) -> SigtermGuard:
        if threading.current_thread() is not threading.main_thread():
            return self
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return self
        signal.signal(signal.SIGTERM, self._on_sigterm)
        self._installed = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._installed and signal.getsignal(signal.SIGTERM) == self._on_sigterm:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        self._installed = False
        if self._held_back is not None and not isinstance(exc, Terminated):
            raise Terminated(self._held_back)  # the exception being handled is its context

    def cleaning_up(self) -> None:
        """From now on SIGTERM is held back: the running trials are being stored."""
        self._cleaning_up = True

    def _on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        if self._cleaning_up:
            _log.warning("SIGTERM held back until the running trials are stored as interrupted")
            self._held_back = signum
            return
        self._cleaning_up = True
        raise Terminated(signum)
