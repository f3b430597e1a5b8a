"""The self-contained HTML page: sections, navigation, tables and figures.

The page works offline: one copy of plotly.js is inlined (from the installed
``plotly`` package, extra ``plot``), figures travel as JSON specs in one
``<script type="application/json">`` block, and a few lines of inline script
draw them with ``Plotly.newPlot``, every one while the page loads (plotly draws
SVG synchronously, and no figure uses WebGL), so a screenshot or a print taken
at the ``load`` event shows every figure. Each figure's container gets
``data-rendered="true"`` once drawn (``"error"`` if drawing failed) and the body
``data-all-drawn="true"`` once all are. Nothing is fetched at view time.
"""

from __future__ import annotations

import importlib.resources
import json
import math
from html import escape
from pathlib import Path
from typing import Any

from hypersense._optional import import_optional
from hypersense._version import __version__
from hypersense.report import tables
from hypersense.report.build import Report
from hypersense.report.figures import FIGURES, SECTIONS, FigureKind

__all__ = ["plotly_js", "render_html", "spec_json"]

_SIGNIFICANT = 7  # digits kept for numbers in figure specs: exact enough to read, small

_STYLE = """
body{font-family:Helvetica,Arial,sans-serif;margin:0;color:#222;background:#f4f5f7}
nav{position:sticky;top:0;z-index:10;background:#1f2937;padding:.6em 1.2em}
nav a{color:#e5e7eb;margin-right:1.2em;text-decoration:none;font-size:.95em}
nav a:hover{text-decoration:underline}
main{max-width:1200px;margin:0 auto;padding:1em 1.5em 4em}
section{background:white;border-radius:8px;padding:1em 1.5em;margin:1.2em 0;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{margin:.6em 0 .2em}h2{border-bottom:1px solid #e5e7eb;padding-bottom:.3em}
.hs-figure{margin:1.5em 0}.hs-figure p.shows{color:#555;margin:.2em 0 .5em}
.hs-plot{min-height:200px}
table{border-collapse:collapse;margin:.6em 0 1em;font-size:.9em}
th,td{border:1px solid #e5e7eb;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f9fafb}td{max-width:700px;overflow-wrap:anywhere}
.missing,.note{color:#6b7280}ul.missing{padding-left:1.2em}
footer{color:#6b7280;font-size:.85em;text-align:center;margin:2em}
@media print{nav{display:none}body{background:white}section{box-shadow:none;padding:0}
.hs-figure{break-inside:avoid}}
"""

_SCRIPT = """
(function () {
  var specs = JSON.parse(document.getElementById("hs-figures").textContent);
  var config = {responsive: true, displaylogo: false};
  var divs = Array.from(document.querySelectorAll(".hs-plot"));
  // Every figure is drawn now, while the page loads: plotly draws SVG
  // synchronously, so a screenshot or a print taken at "load" shows them all.
  var drawn = divs.map(function (div) {
    var spec = specs[div.getAttribute("data-figure")];
    try {
      return Plotly.newPlot(div, spec.data, spec.layout, config).then(function () {
        div.setAttribute("data-rendered", "true");
      }).catch(function (err) { failed(div, err); });
    } catch (err) {
      failed(div, err);
      return Promise.resolve();
    }
  });
  function failed(div, err) {
    div.setAttribute("data-rendered", "error");
    div.textContent = "This figure could not be drawn: " + err;
    console.error(err);
  }
  Promise.all(drawn).then(function () {
    document.body.setAttribute("data-first-screen", "drawn");
    document.body.setAttribute("data-all-drawn", "true");
  });
  // Printing changes the page's width: fit the figures to it.
  window.addEventListener("beforeprint", function () {
    divs.forEach(function (div) { if (div.data) Plotly.Plots.resize(div); });
  });
})();
"""


def plotly_js() -> str:
    """The text of the installed plotly.js bundle (needs the ``plot`` extra)."""
    plotly = import_optional("plotly", extra="plot", purpose="the HTML report")
    path = importlib.resources.files(plotly.__name__) / "package_data" / "plotly.min.js"
    return path.read_text(encoding="utf-8")


def _compact(value: Any) -> Any:
    """``value`` with floats rounded to a few significant digits and non-finite
    ones as None (JSON has no NaN; plotly draws None as a gap)."""
    if isinstance(value, float):
        return float(f"{value:.{_SIGNIFICANT}g}") if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_compact(v) for v in value]
    return value


def spec_json(specs: dict[str, Any]) -> str:
    """Figure specs as JSON safe inside a ``<script>`` element (no ``<`` at all)."""
    text = json.dumps(_compact(specs), separators=(",", ":"), allow_nan=False, default=str)
    return text.replace("<", "\\u003c")


def _figure_block(kind: FigureKind) -> str:
    return (
        f'<div class="hs-figure" id="figure-{kind.name}"><h3>{escape(kind.title)}</h3>'
        f'<p class="shows">{escape(kind.shows)}</p>'
        f'<div class="hs-plot" data-figure="{kind.name}"></div></div>'
    )


def _missing_list(report: Report, kinds: list[FigureKind]) -> str:
    if not kinds:
        return ""
    items = "".join(
        f"<li><b>{escape(k.title)}</b>: {escape(_sentence(report.why_missing(k.name)))}</li>"
        for k in kinds
    )
    return f'<ul class="missing">{items}</ul>'


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def _section(report: Report, section: str, heading: str) -> tuple[str, dict[str, Any]]:
    """A section's HTML and the specs of its figures."""
    kinds = [k for k in FIGURES if k.section == section]
    present = [k for k in kinds if report.figures.get(k.name) is not None]
    specs = {k.name: k.render(report.figures[k.name]) for k in present}
    body = "".join(_figure_block(k) for k in present)
    if section == "robustness":
        if report.noise is not None:
            body += "<h3>Noise table</h3>" + tables.noise_table(report.noise)
        if report.reevaluation is not None:
            body += "<h3>Re-evaluation table</h3>" + tables.reevaluation_table(report.reevaluation)
    body += _missing_list(report, [k for k in kinds if k not in present])
    html = f'<section id="{section}"><h2>{escape(heading)}</h2>{body}</section>'
    return html, specs


def _overview(report: Report) -> str:
    o = report.overview
    best = "Best trial" if len(o.best) <= 1 else "Pareto front"
    return (
        '<section id="overview"><h2>Overview</h2>'
        + tables.key_value_table(tables.summary_rows(o, report.pruning))
        + f"<h3>{best}</h3>"
        + tables.best_trials_table(o.best, o.objective_names)
        + "</section>"
    )


def _configuration(report: Report) -> str:
    o = report.overview
    space = tables.table(("parameter", "distribution"), o.space) if o.space else ""
    attrs = tables.key_value_table(o.study_attrs) if o.study_attrs else ""
    return (
        '<section id="configuration"><h2>Configuration and environment</h2>'
        + "<h3>Search space</h3>"
        + (space or "<p class='missing'>No parameter drawn yet.</p>")
        + "<h3>Study attributes</h3>"
        + (attrs or "<p class='missing'>None.</p>")
        + "<h3>Environment</h3>"
        + tables.environment_tables(o)
        + "</section>"
    )


def render_html(report: Report, *, plotly_source: str | None = None) -> str:
    """The whole page as text.

    Args:
        report: The built report.
        plotly_source: plotly.js to inline (default: the installed bundle).
    """
    source = plotly_js() if plotly_source is None else plotly_source
    sections, specs = [], {}
    for section, heading in SECTIONS:
        html, section_specs = _section(report, section, heading)
        sections.append(html)
        specs.update(section_specs)
    ids = [("overview", "Overview"), *SECTIONS, ("configuration", "Configuration")]
    nav = "".join(f'<a href="#{i}">{escape(h)}</a>' for i, h in ids)
    title = escape(f"hypersense report: {report.overview.study_name}")
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_STYLE}</style>"
        f"<script>{source}</script></head><body><nav>{nav}</nav><main>"
        f"<h1>Study {escape(report.overview.study_name)}</h1>"
        + _overview(report)
        + "".join(sections)
        + _configuration(report)
        + f"</main><footer>Made by hypersense {escape(__version__)}; works offline.</footer>"
        f'<script type="application/json" id="hs-figures">{spec_json(specs)}</script>'
        f"<script>{_SCRIPT}</script></body></html>"
    )


def write_html(report: Report, path: str | Path) -> Path:
    """Write the page of ``report`` to ``path`` (UTF-8) and return the path."""
    out = Path(path)
    out.write_text(render_html(report), encoding="utf-8")
    return out
