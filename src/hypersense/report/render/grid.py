"""A grid of small panels in one plotly figure (plotly.js has no subplot helper)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Panel", "panel_grid"]


@dataclass(frozen=True)
class Panel:
    """One panel: the axis ids its traces use and its layout entries.

    Attributes:
        xref: Trace attribute ``xaxis`` (``"x"``, ``"x2"``...).
        yref: Trace attribute ``yaxis``.
        layout: Layout keys of its two axes (``{"xaxis2": {...}, "yaxis2": {...}}``).
    """

    xref: str
    yref: str
    layout: dict[str, Any]


def panel_grid(n: int, *, columns: int, gap: float = 0.08) -> list[Panel]:
    """``n`` panels laid out in rows of ``columns``, first panel top left."""
    columns = max(1, min(columns, n))
    rows = -(-n // columns)
    width = (1.0 - gap * (columns - 1)) / columns
    height = (1.0 - gap * 1.5 * (rows - 1)) / rows
    panels = []
    for i in range(n):
        r, c = divmod(i, columns)
        suffix = "" if i == 0 else str(i + 1)
        x0 = c * (width + gap)
        y1 = 1.0 - r * (height + gap * 1.5)
        layout = {
            f"xaxis{suffix}": {"domain": [x0, x0 + width], "anchor": f"y{suffix}"},
            f"yaxis{suffix}": {"domain": [max(y1 - height, 0.0), y1], "anchor": f"x{suffix}"},
        }
        panels.append(Panel(f"x{suffix}", f"y{suffix}", layout))
    return panels
