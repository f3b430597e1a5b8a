"""The coordinator's end of a DaskExecutor's channel: what the tasks and the
scheduler tell it, gathered in this process.

Tasks send their messages as structured events of the channel's ``calls``
topic; the scheduler announces lost workers on its ``all`` topic. The client
runs the subscriptions' handlers in its event-loop thread, which only hands
each message over to a local queue that ``serve`` reads without asking the
scheduler anything.
"""

from __future__ import annotations

import logging
import queue
import uuid
from collections.abc import Iterator
from typing import Any

from hypersense.execution._dask_worker import DaskChannel

__all__ = ["CoordinatorInbox"]

_log = logging.getLogger(__name__)


class CoordinatorInbox:
    """The subscriptions of one executor's channel, and the messages they received."""

    def __init__(self) -> None:
        self.channel = DaskChannel("")  #: no channel until ``open``
        self.scheduler_id: str | None = None  #: the scheduler the channel is on
        self._calls: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._removals: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()

    def open(self, client: Any) -> None:
        """Leave the current channel and open a fresh one (a new name, so messages
        of lost tasks cannot reach it).

        Subscribing goes on the client's stream before any task of the channel
        is submitted on it, so the scheduler forwards every message of them.
        """
        self.leave(client)
        self.channel = DaskChannel(f"hypersense-{uuid.uuid4().hex[:12]}")
        client.subscribe_topic(self.channel.calls, self._on_call)
        client.subscribe_topic("all", self._on_event)
        self.scheduler_id = client.scheduler_info(n_workers=0).get("id")

    def leave(self, client: Any) -> None:
        """Stop listening to the channel's calls topic (a user's client outlives us)."""
        if not self.channel.prefix:
            return
        try:
            client.unsubscribe_topic(self.channel.calls)
        except Exception:  # noqa: BLE001 - the scheduler may be gone already
            _log.debug("could not unsubscribe from %s", self.channel.calls, exc_info=True)
        self.channel = DaskChannel("")

    def receive(self, timeout_s: float) -> list[bytes]:
        """The tasks' messages, after at most ``timeout_s`` for a first one."""
        try:
            messages = [self._calls.get(timeout=max(timeout_s, 0.001))]
        except queue.Empty:
            return []
        while True:
            try:
                messages.append(self._calls.get_nowait())
            except queue.Empty:
                return messages

    def worker_removals(self) -> Iterator[dict[str, Any]]:
        """The scheduler's ``remove-worker`` events received since the last call."""
        while True:
            try:
                yield self._removals.get_nowait()
            except queue.Empty:
                return

    def _on_call(self, event: tuple[float, Any]) -> None:
        # Runs in the client's event-loop thread: only hand the message over.
        self._calls.put(event[1])

    def _on_event(self, event: tuple[float, Any]) -> None:
        # Runs in the client's event-loop thread: only hand the event over.
        message = event[1]
        if isinstance(message, dict) and message.get("action") == "remove-worker":
            self._removals.put(message)
