"""Static figures (PNG, SVG, PDF) for papers, through plotly's kaleido.

Kaleido (v1) draws the same figure specs as the HTML page in a headless
Chrome or Chromium it finds on the machine (``/usr/bin/chromium`` from the
system's packages works; the ``BROWSER_PATH`` environment variable names
another). Nothing here downloads a browser: without one, the error says what
to install.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hypersense._optional import import_optional
from hypersense.errors import MissingDependencyError
from hypersense.report.figures import figure_kind
from hypersense.report.render.spec import FigureSpec

if TYPE_CHECKING:
    from hypersense.report.build import Report

__all__ = ["FORMATS", "figure_to_image", "write_figure"]

#: File suffixes static export writes, to kaleido's format names.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
_PURPOSE = "static figures"


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
            raise MissingDependencyError(
                "static figures need Chrome or Chromium, which kaleido did not find "
                "(install e.g. Debian's `chromium` package, or set BROWSER_PATH to one); "
                f"kaleido said: {exc}"
            ) from exc
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
            f"{kind.appears} Available: {', '.join(report.available()) or 'none'}"
        )
    out.write_bytes(figure_to_image(spec, format=fmt, width=width, height=height, scale=scale))
    return out
