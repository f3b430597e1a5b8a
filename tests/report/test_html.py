"""The HTML page: self-contained, every figure and table present, text escaped."""

from __future__ import annotations

import json
import re

from hypersense.report import build_report, write_report
from hypersense.report.html import render_html, spec_json
from tests.report.studies import rich_snapshot, snapshot, trial, with_companions

FAKE_PLOTLY = "window.Plotly = {};"


def _specs(page: str) -> dict:  # type: ignore[type-arg]
    found = re.search(r'<script type="application/json" id="hs-figures">(.*?)</script>', page)
    assert found is not None
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_the_page_inlines_plotly_and_fetches_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_report(rich_snapshot(), tmp_path / "r.html")
    page = path.read_text(encoding="utf-8")
    assert "plotly.js v" in page  # the bundle itself, inlined
    assert page.count("plotly.js v") == 1
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)
    assert "cdn" not in page.lower().split("</head>")[1]  # nothing after the bundle
    specs = _specs(page)
    assert set(specs) == set(build_report(rich_snapshot()).available())
    assert page.count('class="hs-plot"') == len(specs)


def test_tables_and_missing_figures_are_listed() -> None:
    page = render_html(build_report(with_companions(rich_snapshot())), plotly_source=FAKE_PLOTLY)
    assert "Noise table" in page and "Re-evaluation table" in page
    assert "pruning" in page and "Best trial" in page
    # The real reason, not a generic "not available yet".
    assert (
        "<b>Importance</b>: the analysis needs at least 20 COMPLETE trials; the study has 9."
        in page
    )
    empty = render_html(build_report(snapshot([])), plotly_source=FAKE_PLOTLY)
    assert "No trial has completed yet." in empty
    assert "<b>Optimisation history</b>: not available yet." in empty


def test_text_from_trials_is_escaped() -> None:
    evil = "</script><img src=x onerror=alert(1)>"
    snap = snapshot([trial(0, 1.0, user_attrs={evil: evil})], user_attrs={"note": evil})
    page = render_html(build_report(snap), plotly_source=FAKE_PLOTLY)
    assert evil not in page
    assert "&lt;/script&gt;&lt;img src=x" in page


def test_spec_json_rounds_numbers_and_has_no_nan_or_angle_brackets() -> None:
    text = spec_json({"a": {"x": [0.123456789123, float("nan"), "<b>"]}})
    assert text == '{"a":{"x":[0.1234568,null,"\\u003cb>"]}}'
