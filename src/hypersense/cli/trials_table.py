"""The table of ``hypersense trials NAME``, fitted to the terminal's width.

Every trial gets a row: number, state, value(s), duration, then one column per
parameter and, when some trial failed, the reason. Numbers are short (three or
four significant digits; ``--json`` has them in full), long parameter names
break at their underscores, and parameters are added in the study's order
while the table still fits: the others are named in a line under it, with how
to see them (``--columns`` picks, ``--all`` shows every one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.markup import escape
from rich.table import Table

from hypersense.direction import StudyDirection
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = ["TrialsView", "header_lines", "short_value", "trials_view"]

_STATE_STYLE = {
    TrialState.COMPLETE: "green",
    TrialState.PRUNED: "yellow",
    TrialState.FAIL: "red",
    TrialState.RUNNING: "cyan",
    TrialState.WAITING: "dim",
}
# Each column costs its content plus a space either side and one border; one
# more border closes the row.
_PER_COLUMN = 3
_NOTE_MIN_WIDTH = 12


def short_value(value: Any) -> str:
    """A cell: floats to 3 significant digits (4 for objective values is the
    caller's choice), None as ``-``, others as text."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}" if math.isfinite(value) else str(value)
    return str(value)


def header_lines(name: str, width: int) -> list[str]:
    """``name`` broken after underscores into lines of at most ``width``
    characters where it can be (a part longer than ``width`` keeps its line)."""
    parts = [p + "_" for p in name.split("_")]
    parts[-1] = parts[-1][:-1]
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + len(part) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    return lines


@dataclass(frozen=True)
class _Column:
    header: str
    cells: list[str]
    justify: str = "right"
    style_cells: bool = False
    limit: int | None = None  # the widest the column may be (its cells then fold)

    @property
    def width(self) -> int:
        content = max((len(c) for c in self.cells), default=1)
        if self.limit is not None:
            content = min(content, self.limit)
        shortest_header = max(len(p) for p in header_lines(self.header, content))
        return max(content, shortest_header)

    @property
    def wrapped_header(self) -> str:
        return "\n".join(header_lines(self.header, self.width))


@dataclass(frozen=True)
class TrialsView:
    """The table and what it leaves out.

    Attributes:
        table: The rich table.
        width: Characters a row takes.
        hidden: Parameters (and ``note``) left out for lack of room.
    """

    table: Table
    width: int
    hidden: tuple[str, ...]

    def hidden_text(self) -> str | None:
        """One line naming the columns left out and how to see them, or None."""
        if not self.hidden:
            return None
        n = len(self.hidden)
        return (
            f"{n} more column{'s' if n != 1 else ''} not shown: {', '.join(self.hidden)} "
            "(--columns NAME,... picks columns; --all shows every one)"
        )


def _fixed_columns(
    directions: Sequence[StudyDirection], trials: Sequence[FrozenTrial]
) -> list[_Column]:
    names = ["value"] if len(directions) == 1 else [f"value {i}" for i in range(len(directions))]
    columns = [
        _Column("#", [str(t.number) for t in trials]),
        _Column("state", [t.state.name for t in trials], justify="left", style_cells=True),
    ]
    for i, name in enumerate(names):
        cells = [
            "-" if t.values is None or i >= len(t.values) else f"{t.values[i]:.4g}" for t in trials
        ]
        columns.append(_Column(name, cells))
    seconds = ["-" if t.duration_s is None else f"{t.duration_s:.1f}" for t in trials]
    columns.append(_Column("seconds", seconds))
    return columns


def _parameter_columns(names: Sequence[str], trials: Sequence[FrozenTrial]) -> list[_Column]:
    return [
        _Column(
            name, [short_value(t.params.get(name)) if name in t.params else "-" for t in trials]
        )
        for name in names
    ]


def _row_width(columns: Sequence[_Column]) -> int:
    return sum(c.width for c in columns) + _PER_COLUMN * len(columns) + 1


def trials_view(
    study_name: str,
    directions: Sequence[StudyDirection],
    trials: Sequence[FrozenTrial],
    *,
    width: int | None,
    columns: Sequence[str] | None = None,
) -> TrialsView:
    """The trials table for a terminal ``width`` characters wide (None: no limit).

    Args:
        study_name: For the title.
        directions: One per objective (a value column each).
        trials: The rows.
        width: Fit the table in this many characters; None shows every column.
        columns: The parameters to show, in this order (default: every one,
            in the order the study first drew them).

    Raises:
        ValueError: If ``columns`` names a parameter no trial has.
    """
    every = list(dict.fromkeys(p for t in trials for p in t.params))
    if columns is not None:
        unknown = [c for c in columns if c not in every]
        if unknown:
            known = ", ".join(every) or "none"
            raise ValueError(f"--columns names unknown parameter(s) {unknown}; known: {known}")
    wanted = every if columns is None else list(dict.fromkeys(columns))
    shown = _fixed_columns(directions, trials)
    hidden: list[str] = []
    for column in _parameter_columns(wanted, trials):
        if hidden or (width is not None and _row_width([*shown, column]) > width):
            hidden.append(column.header)
        else:
            shown.append(column)
    reasons = [(t.fail_reason or "") for t in trials]
    if any(reasons):
        room = None if width is None else width - _row_width(shown) - _PER_COLUMN
        if room is None or room >= _NOTE_MIN_WIDTH:
            shown.append(_Column("note", reasons, justify="left", limit=room))
        else:
            hidden.append("note")
    return TrialsView(_table(study_name, shown, trials), _row_width(shown), tuple(hidden))


def _table(study_name: str, columns: Sequence[_Column], trials: Sequence[FrozenTrial]) -> Table:
    table = Table(title=f"Trials of study '{escape(study_name)}'", title_justify="left")
    for c in columns:
        table.add_column(
            escape(c.wrapped_header),
            justify=c.justify,  # type: ignore[arg-type]
            min_width=c.width,
            max_width=c.width,
            overflow="fold" if c.header == "note" else "ellipsis",
            no_wrap=c.header != "note",
        )
    for row, trial in enumerate(trials):
        cells = []
        for c in columns:
            text = escape(c.cells[row])
            if c.style_cells:
                text = f"[{_STATE_STYLE[trial.state]}]{text}[/]"
            cells.append(text)
        table.add_row(*cells)
    return table
