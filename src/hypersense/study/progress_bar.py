"""The progress bar ``optimize(show_progress_bar=True)`` draws, on request only.

Library code prints nothing unless asked; this is the asking. It draws on
stderr with rich (a core dependency), one line: trials done (of ``n_trials``
when known), the best value, elapsed and remaining time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypersense.trial.frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = ["ProgressBar"]


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
