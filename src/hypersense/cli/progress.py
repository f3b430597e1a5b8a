"""Showing a run's progress: a live rich bar on a terminal, plain lines otherwise.

Both are driven by the :class:`~hypersense.config.RunStatus` that
``run_config`` sends when the run starts and after each finished trial.
"""

from __future__ import annotations

import datetime as _dt
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from hypersense.config.run import RunStatus
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = [
    "MIN_PACED_TRIALS",
    "ProgressView",
    "best_text",
    "eta_s",
    "format_duration",
    "start_line",
    "trial_line",
]


def format_duration(seconds: float | None) -> str:
    """``H:MM:SS``, or ``-`` when unknown."""
    if seconds is None:
        return "-"
    return str(_dt.timedelta(seconds=round(max(seconds, 0.0))))


#: Trials of this run that must have finished, after the first, before an ETA is shown.
MIN_PACED_TRIALS = 2


def eta_s(status: RunStatus, first: RunStatus | None) -> float | None:
    """Seconds until the target, from the pace since the run's first finished
    trial (None until :data:`MIN_PACED_TRIALS` more have finished).

    The pace is wall time per finished trial *after the first one*: the first
    trials also pay for starting worker processes, importing libraries and
    loading data, so a pace that included them (one trial in, 20 minutes to
    go for a 3-minute run) would mislead. Measured between finishes, it is the
    whole pool's throughput, so parallel workers count without knowing how
    many there are.

    Args:
        status: The run now.
        first: The status sent when this run's first trial finished.
    """
    if status.n_target is None or first is None:
        return None
    paced = status.n_new - first.n_new
    if paced < MIN_PACED_TRIALS:
        return None
    remaining = max(status.n_target - status.n_done, 0)
    return (status.elapsed_s - first.elapsed_s) / paced * remaining


def _values_text(values: tuple[float, ...] | None) -> str:
    if values is None:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.6g}"
    return "[" + ", ".join(f"{v:.6g}" for v in values) + "]"


def best_text(status: RunStatus) -> str:
    """``0.9712 (trial 7)``, ``Pareto front of 3 trials``, or ``-``."""
    if not status.best_trials:
        return "-"
    if len(status.directions) > 1:
        n = len(status.best_trials)
        return f"Pareto front of {n} trial{'s' if n != 1 else ''}"
    best = status.best_trials[0]
    return f"{_values_text(best.values)} (trial {best.number})"


def _outcome_text(trial: FrozenTrial) -> str:
    if trial.state is TrialState.COMPLETE:
        return f"value={_values_text(trial.values)}"
    if trial.state is TrialState.PRUNED:
        return f"at step {trial.last_step}" if trial.last_step is not None else "pruned"
    return f"({trial.fail_reason})" if trial.fail_reason else ""


def trial_line(status: RunStatus, first: RunStatus | None = None) -> str:
    """One plain line for the trial that just finished (``first``: the status
    of this run's first finished trial, for the ETA)::

    trial 3 COMPLETE value=0.954 | best 0.96 (trial 1) | 4/10 | elapsed 0:00:12 | ETA 0:00:18
    """
    trial = status.trial
    head = (
        "" if trial is None else f"trial {trial.number} {trial.state.name} {_outcome_text(trial)}"
    )
    done = f"{status.n_done}/{status.n_target}" if status.n_target else f"{status.n_done} done"
    parts = [
        head.rstrip(),
        f"best {best_text(status)}",
        done,
        f"elapsed {format_duration(status.elapsed_s)}",
        f"ETA {format_duration(eta_s(status, first))}",
    ]
    return " | ".join(p for p in parts if p)


def start_line(status: RunStatus, storage: str, overrides: str = "") -> str:
    """What the run is about to do, in one line, with the command line's
    ``overrides`` of the config (e.g. ``"--n-trials 20"``) when there are any."""
    where = f"study '{status.study_name}' in {storage}"
    if status.n_target is None:
        line = f"{where}: {status.n_done} trials so far; running until the timeout"
    elif status.reached_target:
        line = f"{where}: {status.n_done}/{status.n_target} trials already; nothing to run"
    else:
        todo = status.n_target - status.n_done
        resumed = f"resuming at {status.n_done}/{status.n_target}" if status.n_done else "new"
        line = f"{where} ({resumed}): running {todo} trial{'s' if todo != 1 else ''}"
    return f"{line} [config overridden by {overrides}]" if overrides else line


class ProgressView:
    """Renders run statuses: a live bar (trials done/target, best so far,
    elapsed, ETA) on a terminal, else one plain line per finished trial.

    Args:
        console: Where to draw.
        storage: The storage URL to name in the first line.
        live: Draw a live bar (True on a terminal).
        auto_refresh: Let the bar redraw itself from a thread (its clock then
            ticks between trials). Off when trials run in forked worker
            processes: a fork while that thread holds the console's lock could
            leave a worker blocked on it.
        overrides: The command line's overrides of the config, for the first line.
    """

    def __init__(
        self,
        console: Console,
        *,
        storage: str,
        live: bool,
        auto_refresh: bool = True,
        overrides: str = "",
    ) -> None:
        self._console = console
        self._storage = storage
        self._overrides = overrides
        self._live = live
        self._auto_refresh = auto_refresh
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._first_finished: RunStatus | None = None
        self.last: RunStatus | None = None

    def __enter__(self) -> ProgressView:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, status: RunStatus) -> None:
        """Show ``status`` (the first one announces the run)."""
        is_start = self.last is None
        self.last = status
        if is_start:
            line = start_line(status, self._storage, self._overrides)
            self._console.print(Text(line), soft_wrap=True)
            if self._live and not status.reached_target:
                self._start_bar(status)
            return
        if self._first_finished is None and status.n_new > 0:
            self._first_finished = status
        first: RunStatus | None = self._first_finished
        if self._progress is None or self._task is None:
            self._console.print(Text(trial_line(status, first)), soft_wrap=True)
            return
        self._progress.update(
            self._task,
            completed=status.n_done,
            best=best_text(status),
            eta=format_duration(eta_s(status, first)),
        )
        if not self._auto_refresh:
            self._progress.refresh()

    def _start_bar(self, status: RunStatus) -> None:
        columns = [
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn() if status.n_target else TextColumn("{task.completed} trials"),
            TextColumn("best {task.fields[best]}"),
            TimeElapsedColumn(),
            TextColumn("ETA {task.fields[eta]}"),
        ]
        self._progress = Progress(
            *columns, console=self._console, auto_refresh=self._auto_refresh, transient=False
        )
        self._task = self._progress.add_task(
            status.study_name,
            total=status.n_target,
            completed=status.n_done,
            best=best_text(status),
            eta="-",
        )
        self._progress.start()
