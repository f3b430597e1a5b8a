"""What ``optimize(show_progress_bar=True, gc_after_trial=True)`` adds: a progress
bar drawn on request only, and a garbage collection after each trial.

Library code prints nothing unless asked; this is the asking. It draws on
stderr with rich (a core dependency), one line: trials done (of ``n_trials``
when known), the best value, elapsed and remaining time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from hypersense.trial.frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersense.study.study import Study, StudyCallback

__all__ = ["ProgressBar", "extra_callbacks"]


class ProgressBar:
    """A rich progress bar fed by the study callback :meth:`update`."""

    def __init__(self, *, n_trials: int | None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._progress.start()
        self._task: Any = self._progress.add_task("trials", total=n_trials)

    def update(self, study: Study, trial: FrozenTrial) -> None:
        """Advance by one finished trial and show the best value so far."""
        best = ""
        if not study.is_multi_objective:
            try:
                best = f"best {study.best_value:.6g} (trial {study.best_trial.number})"
            except ValueError:
                best = "no complete trial yet"
        self._progress.update(self._task, advance=1, description=f"trials | {best}")

    def close(self) -> None:
        """Stop drawing."""
        self._progress.stop()


def _collect_garbage(study: Study, trial: FrozenTrial) -> None:
    gc.collect()


@contextmanager
def extra_callbacks(
    *, gc_after_trial: bool, show_progress_bar: bool, n_trials: int | None
) -> Iterator[list[StudyCallback]]:
    """The callbacks the two flags ask for; the bar stops drawing on the way out."""
    extra: list[StudyCallback] = []
    if gc_after_trial:
        extra.append(_collect_garbage)
    bar = ProgressBar(n_trials=n_trials) if show_progress_bar else None
    if bar is not None:
        extra.append(bar.update)
    try:
        yield extra
    finally:
        if bar is not None:
            bar.close()
