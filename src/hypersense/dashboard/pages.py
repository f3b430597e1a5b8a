"""The HTML shells of the dashboard's pages.

A page is a skeleton: headings, empty tables and figure containers, and
``data-`` attributes telling the script (``/static/dashboard.js``) what to
fetch. The script fills everything in from the JSON API with ``textContent``
and plotly, so no text from a study ever reaches the page as markup; the few
names written here (a study's name in the title) are escaped. No script is
inline: the Content-Security-Policy allows scripts from the dashboard only.
"""

from __future__ import annotations

from html import escape

from hypersense._version import __version__

__all__ = ["not_found_page", "studies_page", "study_page", "trial_page"]

_FIGURE_TITLES = (
    ("history", "Best so far"),
    ("pareto", "Pareto front"),
    ("parallel_coordinates", "Parallel coordinates"),
)


def _layout(title: str, body: str, attrs: dict[str, str]) -> str:
    data = "".join(f' data-{k}="{escape(v)}"' for k, v in attrs.items())
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        '<link rel="stylesheet" href="/static/dashboard.css">'
        # The page's script runs first and starts its requests while the browser
        # still compiles plotly.js (seconds on a busy machine); it draws once
        # every deferred script has run.
        '<script src="/static/dashboard.js" defer></script>'
        '<script src="/static/plotly.min.js" defer></script>'
        f"</head><body{data}>"
        '<nav><a href="/">hypersense dashboard</a><span id="live" class="live">connecting…</span>'
        "</nav><main>"
        + body
        + f"</main><footer>hypersense {escape(__version__)} · read-only unless started with "
        "--allow-writes</footer></body></html>"
    )


def studies_page(storage: str, attrs: dict[str, str]) -> str:
    """The list of studies."""
    body = (
        "<h1>Studies</h1>"
        f'<p class="note">Storage: <code>{escape(storage)}</code></p>'
        '<table id="studies" class="grid"><thead><tr><th>study</th><th>objectives</th>'
        "<th>trials</th><th>complete</th><th>pruned</th><th>failed</th><th>running</th>"
        "<th>waiting</th><th>best</th><th>last activity</th></tr></thead><tbody></tbody></table>"
        '<p id="studies-empty" class="note" hidden>No study in this storage yet.</p>'
    )
    return _layout("hypersense dashboard", body, {"page": "studies", **attrs})


def _figure(name: str, title: str) -> str:
    return (
        f'<section class="figure" id="section-{name}" hidden><h2>{escape(title)}</h2>'
        f'<div class="hs-plot" id="figure-{name}" data-figure="{name}"></div></section>'
    )


def study_page(
    study_id: int, name: str, figures_shown: tuple[str, ...], attrs: dict[str, str]
) -> str:
    """One study: summary, figures, running trials, importance, the trial table.

    ``figures_shown`` names the figures the page fetches from its first moment,
    alongside the study's summary.
    """
    figures = "".join(_figure(n, t) for n, t in _FIGURE_TITLES)
    body = (
        f'<h1>Study <span id="study-name">{escape(name)}</span></h1>'
        '<dl id="summary" class="summary"></dl>'
        '<div id="stop" class="stop" hidden><button id="stop-button" type="button">'
        'Stop the study</button> <span id="stop-status" class="note"></span></div>'
        '<p id="stop-requested" class="warn" hidden></p>'
        + figures
        + '<section id="section-running"><h2>Running trials</h2>'
        '<table id="running" class="grid"><thead><tr><th>trial</th><th>started</th>'
        "<th>heartbeat</th><th>last step</th><th>last value</th><th>parameters</th></tr>"
        '</thead><tbody></tbody></table><p id="running-empty" class="note">No trial is running.</p>'
        '<div class="hs-plot" id="figure-learning_curves" data-figure="learning_curves"></div>'
        "</section>"
        '<section id="section-importance"><h2>What matters</h2>'
        '<p id="importance-status" class="note"></p>'
        '<div class="hs-plot" id="figure-importance" data-figure="importance"></div></section>'
        '<section id="section-trials"><h2>Trials</h2><div class="controls">'
        '<label>state <select id="trials-state"><option value="">all</option>'
        + "".join(
            f'<option value="{s}">{s.lower()}</option>'
            for s in ("COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING")
        )
        + '</select></label> <label>filter <input id="trials-filter" type="search" '
        'maxlength="200" placeholder="parameter, attribute or note text"></label> '
        '<button id="trials-prev" type="button">previous</button> '
        '<span id="trials-range" class="note"></span> '
        '<button id="trials-next" type="button">next</button></div>'
        '<table id="trials" class="grid sortable"><thead></thead><tbody></tbody></table>'
        "</section>"
    )
    page = {"page": "study", "study": str(study_id), "figures": " ".join(figures_shown), **attrs}
    return _layout(f"{name} · hypersense dashboard", body, page)


def trial_page(study_id: int, study_name: str, number: int, attrs: dict[str, str]) -> str:
    """One trial's detail."""
    sections = "".join(
        f'<section id="section-{key}"><h2>{escape(title)}</h2>'
        f'<table id="{key}" class="grid kv"><tbody></tbody></table></section>'
        for key, title in (
            ("values", "Values"),
            ("params", "Parameters"),
            ("user-attrs", "User attributes"),
            ("environment", "Environment"),
            ("system-attrs", "System attributes"),
        )
    )
    body = (
        f'<p><a href="/study/{study_id}">← study <span>{escape(study_name)}</span></a></p>'
        f"<h1>Trial {number}</h1>"
        '<dl id="summary" class="summary"></dl>'
        '<section id="section-failure" hidden><h2>Failure</h2><pre id="fail-reason"></pre>'
        '<pre id="traceback"></pre></section>'
        '<section id="section-intermediate"><h2>Intermediate values</h2>'
        '<div class="hs-plot" id="figure-trial_curve" data-figure="trial_curve"></div>'
        '<p id="intermediate-empty" class="note" hidden>No intermediate value reported.</p>'
        "</section>"
        + sections
        + '<section id="section-note"><h2>Note</h2><p id="note-text" class="note"></p>'
        '<form id="note-form" hidden><textarea id="note-input" maxlength="2000" rows="3" '
        'cols="80"></textarea><br><button type="submit">Save the note</button> '
        '<span id="note-status" class="note"></span></form></section>'
    )
    return _layout(
        f"trial {number} of {study_name} · hypersense dashboard",
        body,
        {"page": "trial", "study": str(study_id), "trial": str(number), **attrs},
    )


def not_found_page(what: str) -> str:
    """A 404 page."""
    return _layout(
        "not found · hypersense dashboard",
        f'<h1>Not found</h1><p class="note">{escape(what)}</p><p><a href="/">All studies</a></p>',
        {"page": "none"},
    )
