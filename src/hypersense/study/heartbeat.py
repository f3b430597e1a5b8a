"""A background thread that stamps the heartbeat of this process's running trials."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from hypersense.storage.base import Storage

__all__ = ["Heartbeat"]

_log = logging.getLogger(__name__)


class Heartbeat:
    """Stamps ``running_ids()`` every ``interval_s`` while there are any.

    The thread starts on :meth:`ensure_running` and ends by itself once no trial
    of this process is running, so an idle study holds no thread.
    """

    def __init__(
        self, storage: Storage, interval_s: float, running_ids: Callable[[], list[int]]
    ) -> None:
        self._storage = storage
        self._interval_s = interval_s
        self._running_ids = running_ids
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def ensure_running(self) -> None:
        """Start the thread if it is not alive."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._loop, name="hypersense-heartbeat", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=self._interval_s + 5)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval_s):
            with self._lock:
                ids = self._running_ids()
                if not ids:
                    self._thread = None
                    return
            try:
                self._storage.record_heartbeat(ids)
            except Exception:  # noqa: BLE001 - a missed beat must not kill the thread
                _log.warning("could not record a heartbeat", exc_info=True)
