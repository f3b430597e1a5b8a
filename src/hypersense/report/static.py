"""Static figures (PNG, SVG, PDF) for papers, through plotly's kaleido.

Kaleido (v1) draws the same figure specs as the HTML page in a headless
Chrome or Chromium it finds on the machine (``/usr/bin/chromium`` from the
system's packages works; the ``BROWSER_PATH`` environment variable names
another). Nothing here downloads a browser: without one, the error says what
to install. :func:`require_static_export` checks all of it (plotly, kaleido,
a browser) without drawing anything, so a command can fail before any work.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from hypersense._optional import import_optional, require_optional
from hypersense.errors import MissingDependencyError
from hypersense.report.figures import figure_kind
from hypersense.report.render.spec import FigureSpec

if TYPE_CHECKING:
    from hypersense.report.build import Report

__all__ = ["FORMATS", "find_browser", "figure_to_image", "require_static_export", "write_figure"]

#: File suffixes static export writes, to kaleido's format names.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
_PURPOSE = "static figure export"
#: Names of Chrome and Chromium executables looked up on the PATH, in order.
BROWSER_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
_NO_BROWSER = (
    "static figure export needs Chrome or Chromium, and none was found: install one "
    "(Debian and Ubuntu: `apt-get install chromium`; macOS and Windows: Google Chrome), "
    "or set the environment variable BROWSER_PATH to its executable"
)


def find_browser() -> str | None:
    """The Chrome or Chromium executable kaleido will use, or None.

    ``BROWSER_PATH`` wins when it names an executable; then the names of
    :data:`BROWSER_NAMES` on the PATH; then a browser kaleido's own
    ``kaleido_get_chrome`` installed.
    """
    named = os.environ.get("BROWSER_PATH")
    if named:
        return named if os.access(named, os.X_OK) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    try:  # a browser kaleido_get_chrome downloaded (never downloaded here)
        from choreographer.browsers.chromium import Chromium

        local = Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 - best effort: any failure means "not found"
        return None
    return str(local) if local else None


def require_static_export() -> None:
    """Raise :class:`~hypersense.MissingDependencyError` unless plotly, kaleido
    and a browser are all there (nothing is imported or drawn)."""
    require_optional("plotly", "kaleido", extra="plot", purpose=_PURPOSE)
    if find_browser() is None:
        raise MissingDependencyError(_NO_BROWSER)


def figure_to_image(
    spec: FigureSpec, *, format: str, width: int = 900, height: int | None = None, scale: float = 2
) -> bytes:
    """The bytes of ``spec`` drawn as ``format`` (``"png"``, ``"svg"``, ``"pdf"``).

    Args:
        spec: A figure spec from :mod:`hypersense.report.render`.
        format: Output format.
        width: Width in CSS pixels.
        height: Height in CSS pixels (default: the spec's own).
        scale: Pixel density of raster output (2 is sharp enough for print).
    """
    if format not in FORMATS.values():
        raise ValueError(f"`format` must be one of {sorted(FORMATS.values())} (got {format!r})")
    pio = import_optional("plotly.io", extra="plot", purpose=_PURPOSE)
    import_optional("kaleido", extra="plot", purpose=_PURPOSE)
    layout = {**spec["layout"], "width": width}
    if height is not None:
        layout["height"] = height
    try:
        image: bytes = pio.to_image(
            {"data": spec["data"], "layout": layout}, format=format, scale=scale
        )
    except Exception as exc:
        if "chrome" in type(exc).__name__.lower() or "chrome" in str(exc).lower()[:300]:
            raise MissingDependencyError(f"{_NO_BROWSER}; kaleido said: {exc}") from exc
        raise
    return image


def write_figure(
    report: Report,
    name: str,
    path: str | Path,
    *,
    width: int = 900,
    height: int | None = None,
    scale: float = 2,
) -> Path:
    """Write figure ``name`` of ``report`` to ``path``; the suffix picks the format.

    Raises:
        ValueError: For an unknown figure or suffix, or a figure the study has
            no data for yet (the message says what it needs).
    """
    out = Path(path)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"cannot tell the format of {str(out)!r}: use a file ending in {', '.join(FORMATS)}"
        )
    kind = figure_kind(name)
    spec = report.figure_spec(name)
    if spec is None:
        raise ValueError(
            f"figure {name!r} has no data in study {report.overview.study_name!r}: "
            f"{report.why_missing(kind.name)} Available: {', '.join(report.available()) or 'none'}"
        )
    out.write_bytes(figure_to_image(spec, format=fmt, width=width, height=height, scale=scale))
    return out
