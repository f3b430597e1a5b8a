"""A trial reachable from processes that training code spawns.

Lightning's ``ddp_spawn`` runs every rank in a fresh process while the trial
stays in the process that called ``trainer.fit``, blocked until the ranks are
done. :class:`TrialRelay` serves that trial from a thread of its process on a
local connection (``multiprocessing.connection``, with a random key); in a
rank, :class:`RelayedTrial` stands in for it and forwards each ``report`` and
``should_prune`` there. The relay remembers whether the pruner said stop, for
the calling process to end the trial PRUNED after ``fit`` returns.

Lifecycle: the relay is made (listening) before the ranks start; one rank
connects, calls, and disconnects when training ends; the relay then stops
listening. :meth:`TrialRelay.close` stops it earlier (nothing connected).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from multiprocessing.connection import Client, Connection, Listener
from typing import Any

from hypersense.execution.outcome import sendable_exception
from hypersense.trial.trial import Trial

__all__ = ["RelayAddress", "RelayedTrial", "TrialRelay"]

_log = logging.getLogger(__name__)

#: What a rank needs to reach a relay: listener address, key, trial number.
RelayAddress = tuple[Any, bytes, int]

_METHODS = frozenset({"report", "should_prune"})


class TrialRelay:
    """Serve ``report`` and ``should_prune`` of ``trial`` to the first process that connects.

    Args:
        trial: The trial, in this process.
    """

    def __init__(self, trial: Trial) -> None:
        self._trial = trial
        self._key = os.urandom(32)
        self._listener = Listener(authkey=self._key)
        self._stopping = threading.Event()
        self._done = threading.Event()
        #: The last value reported through the relay and its step.
        self.last_report: tuple[float, int] | None = None
        #: Whether the pruner answered "stop" through the relay.
        self.pruned = False
        self._thread = threading.Thread(
            target=self._serve, name=f"hypersense-trial-relay-{trial.number}", daemon=True
        )
        self._thread.start()

    def __repr__(self) -> str:
        return f"TrialRelay(trial={self._trial!r}, done={self.is_done})"

    @property
    def address(self) -> RelayAddress:
        """What a :class:`RelayedTrial` needs to connect."""
        return (self._listener.address, self._key, self._trial.number)

    @property
    def is_done(self) -> bool:
        """Whether the relay stopped listening (its client left, or it was closed)."""
        return self._done.is_set()

    def close(self) -> None:
        """Stop listening (a no-op once done); a connected client is served to its end."""
        if self._done.is_set():
            return
        self._stopping.set()
        with contextlib.suppress(OSError):  # wake the thread blocked in accept()
            Client(self._listener.address, authkey=self._key).close()
        self._thread.join(timeout=10.0)

    def _serve(self) -> None:
        try:
            conn = self._listener.accept()
        except Exception as exc:  # noqa: BLE001 - a failed handshake ends the relay, not the run
            _log.warning("trial relay of trial %d: %s", self._trial.number, exc)
            conn = None
        try:
            if conn is not None and not self._stopping.is_set():
                with conn:
                    self._answer(conn)
            elif conn is not None:
                conn.close()
        finally:
            self._listener.close()
            self._done.set()

    def _answer(self, conn: Connection) -> None:
        while True:
            try:
                method, args = conn.recv()
            except (EOFError, OSError):
                return  # the rank finished (or died)
            try:
                if method not in _METHODS:
                    raise ValueError(f"a trial relay serves {sorted(_METHODS)}, not {method!r}")
                result = getattr(self._trial, method)(*args)
                if method == "report":
                    self.last_report = (float(args[0]), int(args[1]))
                elif result:
                    self.pruned = True
                reply: tuple[bool, Any] = (True, result)
            except Exception as exc:  # noqa: BLE001 - sent back, raised in the rank
                reply = (False, sendable_exception(exc))
            try:
                conn.send(reply)
            except OSError:
                return


class RelayedTrial:
    """A stand-in for a trial in another process, reached through its :class:`TrialRelay`.

    Args:
        address: The relay's :attr:`TrialRelay.address`.
    """

    def __init__(self, address: RelayAddress) -> None:
        listener_address, key, number = address
        self._conn = Client(listener_address, authkey=key)
        self._number = number

    def __repr__(self) -> str:
        return f"RelayedTrial(number={self._number})"

    @property
    def number(self) -> int:
        """The trial's number in its study."""
        return self._number

    def report(self, value: float, step: int) -> None:
        """``trial.report(value, step)`` in the trial's process."""
        self._call("report", value, step)

    def should_prune(self) -> bool:
        """``trial.should_prune()`` in the trial's process."""
        return bool(self._call("should_prune"))

    def close(self) -> None:
        """Disconnect; the relay then stops."""
        self._conn.close()

    def _call(self, method: str, *args: Any) -> Any:
        self._conn.send((method, args))
        ok, payload = self._conn.recv()
        if not ok:
            raise payload
        return payload
