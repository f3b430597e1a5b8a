"""One repetition's surroundings: its study, how its runners are started (API or CLI),
waiting on what the objectives wrote, and turning everything into one outcome."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.faults.records import Records, read_records
from benchmarks.faults.witness import StoredTrial, Witness

from benchmarks.faults import metrics, processes


class HarnessError(RuntimeError):
    """The repetition could not be set up as planned (not a failure of a promise)."""


@dataclass(frozen=True)
class RunSettings:
    """How a runner runs: per process with the API (``n_trials``), as the study's
    target with the CLI (``target``)."""

    n_trials: int | None = None
    target: int | None = None
    n_jobs: int = 1
    max_retries: int = 1
    heartbeat_s: float = 30.0
    grace_s: float | None = None
    grid: bool = False


@dataclass
class Setup:
    """Where one repetition runs.

    Attributes:
        interface: ``api`` (``study.optimize`` in ``benchmarks.faults.runner``) or
            ``cli`` (``hypersense run CONFIG``).
        url: The storage URL the runners use.
        reader_url: The URL the witness reads (the same, except through another
            mount namespace).
        study: The study's name (one per repetition).
        log_dir: Where the objectives' records, configs and stderr files go.
        tag: Marks every process of the repetition (see ``processes``).
    """

    interface: str
    url: str
    reader_url: str
    study: str
    log_dir: Path
    tag: str
    runners: list[processes.Runner] = field(default_factory=list)

    def command(self, settings: RunSettings, *, skew_s: float = 0.0) -> list[str]:
        """The command of one runner with ``settings``."""
        if self.interface == "api":
            return _api_command(self, settings, skew_s)
        config = str(self._config(settings))
        if skew_s:
            return [
                sys.executable,
                "-m",
                "benchmarks.faults.skewed_cli",
                str(skew_s),
                "run",
                config,
            ]
        return [processes.HYPERSENSE, "run", config]

    def _config(self, settings: RunSettings) -> Path:
        lines = [
            f"study_name: {self.study}",
            f"storage: {self.url}",
            f"n_jobs: {settings.n_jobs}",
            f"max_retries: {settings.max_retries}",
            f"heartbeat_interval_s: {settings.heartbeat_s}",
            *([f"grace_period_s: {settings.grace_s}"] if settings.grace_s else []),
            *([f"n_trials: {settings.target}"] if settings.target else []),
        ]
        if settings.grid:
            lines += [
                "objective: benchmarks.faults.objective:grid_objective",
                "sampler: grid",
                "space:",
                "  a: [1, 2, 3]",
                "  b: [x, y, z]",
                "  c: [0.5, 1.0, 1.5]",
            ]
        else:
            lines += [
                "objective: benchmarks.faults.objective:objective",
                "sampler: random",  # as the API runner's (the default's GP costs CPU)
                "seed: 0",
                "space:",
                "  x: {type: float, low: 0.0, high: 1.0}",
            ]
        path = self.log_dir / f"config-{abs(hash(settings))}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def start(
        self,
        role: str,
        command: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        expected: int = 0,
    ) -> processes.Runner:
        runner = processes.start(
            role, command, log_dir=self.log_dir, tag=self.tag, env=env, expected=expected
        )
        self.runners.append(runner)
        return runner

    def records(self) -> Records:
        return read_records(self.log_dir)

    def wait_records(
        self, ready: Callable[[Records], Any], what: str, timeout_s: float = 60.0
    ) -> Any:
        """Poll the records until ``ready(records)`` is truthy and return that; a runner
        that ended or a timeout is a HarnessError."""
        deadline = time.monotonic() + timeout_s
        while True:
            found = ready(self.records())
            if found:
                return found
            ended = [r for r in self.runners if r.popen.poll() is not None and not r.signalled]
            if ended:
                raise HarnessError(
                    f"waiting for {what}: {ended[0].role} ended early:\n{ended[0].stderr_tail()}"
                )
            if time.monotonic() > deadline:
                raise HarnessError(f"waiting for {what}: timed out after {timeout_s} s")
            time.sleep(0.01)


def _api_command(setup: Setup, settings: RunSettings, skew_s: float) -> list[str]:
    command = [sys.executable, "-m", "benchmarks.faults.runner", setup.url, setup.study]
    command += ["--n-jobs", str(settings.n_jobs), "--max-retries", str(settings.max_retries)]
    command += ["--heartbeat-s", str(settings.heartbeat_s)]
    if settings.n_trials is not None:
        command += ["--n-trials", str(settings.n_trials)]
    if settings.grace_s is not None:
        command += ["--grace-s", str(settings.grace_s)]
    if skew_s:
        command += ["--skew-s", str(skew_s)]
    if settings.grid:
        command.append("--grid")
    return command


def n_returned(records: Records, pid: int | None = None) -> int:
    """Evaluations that returned (in process ``pid``, or its workers, if given)."""
    return sum(
        e.returned and (pid is None or pid in (e.pid, e.coordinator)) for e in records.evaluations
    )


@dataclass
class Assessment:
    """Everything measured in one repetition (what ``report`` aggregates)."""

    lost: list[int]
    unfinished_after_fault: list[int]
    unfinished_after_next: list[int] | None
    orphans: list[int]
    wrongly_failed: list[int]
    detect_s: float | None
    victims: list[int]
    retried_same_params: list[int]
    extra_evaluations: int
    crashes: list[dict[str, Any]]
    n_trials: int
    n_complete: int
    times: dict[str, float | None] = field(default_factory=dict)
    error: str | None = None


def assess(
    setup: Setup,
    witness: Witness,
    *,
    after_fault: dict[int, StoredTrial],
    next_run: bool,
    detect_since: float | None,
    grid: bool = False,
    exits: Sequence[metrics.Exit] = (),
) -> Assessment:
    """Count every promise once the repetition's processes have ended."""
    final = witness.snapshot()
    records = setup.records()
    signalled = {pid for r in setup.runners for pid in r.signalled}
    hit = metrics.victims(final, records.evaluations, signalled)
    seen = {**records.stored, **witness.seen_complete}
    crashed = [
        {
            "role": e.role,
            "returncode": e.returncode,
            "expected": e.expected,
            "traceback": e.traceback,
            "stderr": e.detail,
        }
        for e in metrics.crashes(exits)
    ]
    return Assessment(
        lost=metrics.lost_results(
            final, seen_stored=seen, evaluations=records.evaluations, signalled=signalled
        ),
        unfinished_after_fault=metrics.unfinished(after_fault),
        unfinished_after_next=metrics.unfinished(final) if next_run else None,
        orphans=processes.orphans(setup.tag),
        wrongly_failed=metrics.wrongly_failed(final, hit),
        detect_s=(
            None
            if detect_since is None
            else metrics.detection_s(witness.first_seen, hit, detect_since)
        ),
        victims=hit,
        retried_same_params=metrics.retried_with_same_params(hit, final, records.evaluations),
        extra_evaluations=metrics.extra_evaluations(records.evaluations, grid=grid),
        crashes=crashed,
        n_trials=len(final),
        n_complete=sum(t.state == "COMPLETE" for t in final.values()),
    )
