"""Injecting one fault at a time into a running Dask study, and following its victims.

One fault is injected, then the injector waits until every victim's end is stored
(time to detect), until a retry of each victim ended COMPLETE (for the faults whose
trials are retried), and until the cluster has all its workers again, before the next.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.faults.records import in_flight, read_records
from benchmarks.scale.cluster import ProcessCluster
from benchmarks.scale.fault_events import Ends, Injection, resumed_steps, running_evaluations

#: Faults whose victims are retried (a timeout is not: the trial would hang again).
RETRIED = ("sigkill", "retire", "scheduler")
_WAIT_S = 120.0


class Injector(threading.Thread):
    """Injects ``n`` faults of ``kind``, one after the other; sets ``done`` at the end."""

    def __init__(
        self,
        kind: str,
        n: int,
        *,
        cluster: ProcessCluster,
        client: Any,
        ends: Ends,
        trial_timeout_s: float,
        give_up_at: float,
        url: str,
        study_name: str,
    ) -> None:
        super().__init__(name=f"inject-{kind}", daemon=True)
        self.kind, self.n = kind, n
        self.cluster, self.client, self.ends = cluster, client, ends
        self.log_dir: Path = cluster.log_dir
        self.trial_timeout_s = trial_timeout_s
        self.give_up_at = give_up_at
        self.url, self.study_name = url, study_name
        self._reader: Any = None
        self._synced_at = 0.0
        self.injections: list[Injection] = []
        self.missed: list[Injection] = []  #: every victim had ended before the fault
        self.done = threading.Event()
        self.error: str | None = None

    def run(self) -> None:
        if self.kind in ("retire", "scheduler"):
            self.cluster.supervise()
        try:
            while len(self.injections) < self.n:
                if time.time() > self.give_up_at:
                    self.error = f"gave up after {len(self.injections)} injections (time)"
                    break
                injection = self._inject()
                self._follow(injection)
                self._restore(injection)
                if injection.missed:
                    self.missed.append(injection)
                else:
                    self.injections.append(injection)
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.done.set()

    def _sync(self) -> None:
        """Read the trials' ends from the storage too (at most every 0.25 s)."""
        import hypersense as hs

        if time.time() - self._synced_at < 0.25:
            return
        if self._reader is None:
            self._reader = hs.load_study(self.study_name, self.url)
        self.ends.absorb(self._reader.trials)
        self._synced_at = time.time()

    # ------------------------------------------------------------ injecting
    def _victim(self) -> tuple[int, int]:
        """(trial number, pid) of an objective that has saved a checkpoint."""
        deadline = time.time() + _WAIT_S
        while time.time() < deadline:
            self._sync()
            running = running_evaluations(self.log_dir, self.ends, older_than_s=0.35)
            if running:
                return running[0].number, running[0].pid
            time.sleep(0.05)
        raise TimeoutError("no trial ran long enough to be hit")

    def _inject(self) -> Injection:
        if self.kind == "sigkill":
            number, pid = self._victim()
            os.kill(pid, signal.SIGKILL)
            return Injection("sigkill", time.time(), [number], [pid])
        if self.kind == "retire":
            addresses = {p: a for a, p in self.client.run(os.getpid).items()}
            number, pid = self._victim()
            address = addresses[pid]
            at = time.time()
            self.client.retire_workers([address], close_workers=True)
            return Injection("retire", at, [number], [pid])
        if self.kind == "hang":
            return self._hang()
        self._victim()  # something is running
        self._synced_at = 0.0
        self._sync()
        hit = in_flight(read_records(self.log_dir).evaluations)
        victims = sorted({e.number for e in hit if self.ends.get(e.number) is None})
        at = time.time()
        self.cluster.restart_scheduler()
        return Injection("scheduler", at, victims, [])

    def _hang(self) -> Injection:
        taken = set(self.log_dir.glob("hang-taken-*"))
        (self.log_dir / "hang").write_text("")
        deadline = time.time() + _WAIT_S
        while not (new := set(self.log_dir.glob("hang-taken-*")) - taken):
            if time.time() > deadline:
                raise TimeoutError("no trial took the hang token")
            time.sleep(0.05)
        number = int(new.pop().name.rsplit("-", 1)[1])
        started = next(
            e.started_t for e in read_records(self.log_dir).evaluations if e.number == number
        )
        return Injection("hang", started + self.trial_timeout_s, [number], [])

    # ------------------------------------------------------------ following
    def _follow(self, injection: Injection) -> None:
        deadline = time.time() + _WAIT_S
        for number in injection.victims:
            while (end := self.ends.get(number)) is None and time.time() < deadline:
                time.sleep(0.02)
                self._sync()
            if end is None:
                injection.detected_s[number] = None
                injection.notes.append(f"trial {number}: no end stored within {_WAIT_S:g} s")
                continue
            injection.detected_s[number] = end.t - injection.at
            injection.victim_states[number] = f"{end.state}/{end.fail_kind}"
        if self.kind not in RETRIED:
            return
        steps = resumed_steps(self.log_dir)
        for number in injection.victims:
            if (end := self.ends.get(number)) is None or end.state == "COMPLETE":
                continue
            while (retry := self._complete_retry(number)) is None and time.time() < deadline:
                time.sleep(0.05)
                self._sync()
                steps = resumed_steps(self.log_dir)
            if retry is None:
                injection.notes.append(f"trial {number}: no COMPLETE retry within {_WAIT_S:g} s")
                continue
            injection.retries_complete.append(number)
            if retry.resumed_from is not None and steps.get(retry.number, 0) > 0:
                injection.resumed.append(number)

    def _complete_retry(self, number: int) -> Any:
        retry = self.ends.retry_of(number)
        return retry if retry is not None and retry.state == "COMPLETE" else None

    def _restore(self, injection: Injection) -> None:
        """Wait until the scheduler lists every worker again (the cluster's supervisor
        starts again the ``dask worker`` commands that ended)."""
        deadline = time.time() + _WAIT_S
        while self._n_registered() < self.cluster.n_workers:
            if time.time() > deadline:
                injection.notes.append(f"the cluster was not whole again within {_WAIT_S:g} s")
                return
            time.sleep(0.2)

    def _n_registered(self) -> int:
        try:
            return len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
        except Exception:  # reconnecting to a restarted scheduler
            return 0
