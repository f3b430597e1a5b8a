"""The report as a person sees it: headless Chromium opens the file, every figure
draws with no JavaScript error, a legend toggle hides a trace, and a screenshot
is saved.

Needs Debian's ``chromium`` (``/usr/bin/chromium``) and the ``playwright``
Python package (never its own browser download). When either is missing the
test fails, it is not skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from hypersense.report import write_report
from tests.report.studies import (
    importance_data,
    interaction_data,
    marginal_data,
    rich_snapshot,
    with_companions,
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ALL_DRAWN = (
    "() => Array.from(document.querySelectorAll('.hs-plot'))"
    ".every(d => d.getAttribute('data-rendered'))"
)


def chromium_path() -> str:
    """Debian's Chromium; fails the test (never skips) when it is missing."""
    found = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(found).is_file(), (
        "the browser test needs Debian's Chromium: apt-get install -y chromium"
    )
    return found


def test_every_figure_draws_in_chromium_and_reacts_to_a_legend_click(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright  # fails (not skips) when missing

    path = write_report(
        with_companions(rich_snapshot()),
        tmp_path / "report.html",
        importance=importance_data(),
        marginals=marginal_data(),
        interactions=interaction_data(),
    )
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_function(ALL_DRAWN, timeout=60_000)
            states = page.eval_on_selector_all(
                ".hs-plot", "ds => ds.map(d => [d.dataset.figure, d.dataset.rendered])"
            )
            assert len(states) == 16 and all(s == "true" for _, s in states), states
            drawn = page.eval_on_selector_all(
                ".hs-plot", "ds => ds.filter(d => d.querySelector('.main-svg')).length"
            )
            assert drawn == len(states)
            assert {"lr_range_test", "lr_schedule", "lr_batch_size"} <= {f for f, _ in states}
            # The range test as drawn: both seeds' raw and smoothed curves, the
            # divergence marker, and its interval, suggestion, divergence and
            # the study's search range (two lines) as shapes.
            lr = "#figure-lr_range_test .hs-plot"
            traces = page.eval_on_selector(lr, "d => d.data.map(t => t.name)")
            assert traces == [
                "seed 0 (raw)", "seed 0", "seed 1 (raw)", "seed 1", "diverged",
            ]  # fmt: skip
            shapes = page.eval_on_selector(lr, "d => d.layout.shapes.map(s => s.type)")
            assert shapes == ["rect", "line", "line", "line", "line"]
            history = "#figure-history .hs-plot"
            before = page.eval_on_selector(history, "d => d.data[0].visible")
            page.locator(f"{history} .legendtoggle").first.click()
            page.wait_for_function(
                f"() => document.querySelector('{history}').data[0].visible === 'legendonly'",
                timeout=10_000,
            )
            assert before in (None, True)
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert (tmp_path / "report.png").stat().st_size > 10_000


# Runs before the page's own scripts: when "load" fires, note which figures have
# their traces drawn (an SVG with trace groups, or a heatmap's image) right then.
AT_LOAD = """
window.__hsAtLoad = null;
window.addEventListener("load", () => {
  window.__hsAtLoad = Array.from(document.querySelectorAll(".hs-plot")).map(d => [
    d.dataset.figure,
    d.querySelectorAll(".main-svg .trace, .main-svg .heatmaplayer image").length,
  ]);
});
"""

# Decodes a PNG in the page (the browser is the PNG decoder) and gives, for each
# rectangle, the share of its pixels that differ from the page's white.
INKED = """
async ([png, rects]) => {
  const img = new Image();
  img.src = "data:image/png;base64," + png;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  return rects.map(([x, y, w, h]) => {
    const data = ctx.getImageData(x, y, w, h).data;
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235) inked++;
    }
    return inked / (w * h);
  });
}
"""


def test_a_screenshot_right_at_load_shows_every_figure_drawn(tmp_path: Path) -> None:
    import base64

    from playwright.sync_api import sync_playwright

    path = write_report(
        with_companions(rich_snapshot()),
        tmp_path / "report.html",
        importance=importance_data(),
        marginals=marginal_data(),
        interactions=interaction_data(),
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(AT_LOAD)
            page.goto(path.as_uri(), wait_until="load")
            png = page.screenshot(full_page=True)  # right at load: nothing waited for
            at_load = page.evaluate("() => window.__hsAtLoad")
            rects = page.eval_on_selector_all(
                ".hs-plot",
                "ds => ds.map(d => { const r = d.getBoundingClientRect();"
                " return [Math.round(r.left + scrollX), Math.round(r.top + scrollY),"
                " Math.round(r.width), Math.round(r.height)]; })",
            )
            inked = page.evaluate(INKED, [base64.b64encode(png).decode(), rects])
        finally:
            browser.close()
    # Every figure on the page (16 for this snapshot) was drawn by the load event.
    assert len(at_load) == len(rects) >= 15, (at_load, len(rects))
    assert all(n > 0 for _, n in at_load), at_load  # every figure's traces, at load
    names = [name for name, _ in at_load]
    # In the screenshot each figure's area holds a drawing, not an empty box.
    blank = [(n, round(share, 4)) for n, share in zip(names, inked, strict=True) if share < 0.01]
    assert blank == [], blank
