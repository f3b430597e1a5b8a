"""The dashboard as a person sees it, in headless Chromium: every page loads
with no console error, a trial told by another process and a running trial's
new intermediate values appear without a reload, markup in names and
attributes shows as text, and a dashboard with a token refuses a browser
without it. Each page's screenshot is saved (paths in the assertion messages).

Needs Debian's ``chromium`` and the ``playwright`` package (never its browser
download); when either is missing the tests fail, they are not skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.conftest import PAYLOAD, Server, Writer, study_id
from tests.report.test_browser import CHROMIUM_ARGS, chromium_path

WAIT_MS = 15_000
#: The study page has its data and drew every figure it asked for (the script
#: sets the version once the figures and the table are done).
STUDY_DRAWN = "() => document.body.dataset.version !== undefined"
LOADED = "() => document.body.dataset.loaded === 'true'"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # fails (not skips) when missing

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Tab:
    """One browser page that records console errors and uncaught exceptions."""

    def __init__(self, browser: Any, shots: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.shots = shots
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, url: str, ready: str) -> Any:
        response = self.page.goto(url)
        self.wait(ready, f"{url} never got ready")
        return response

    def wait(self, condition: str, what: str, timeout_ms: int = WAIT_MS) -> None:
        """Wait for ``condition``; on a timeout, fail with a screenshot and the errors."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(condition, timeout=timeout_ms)
        except PlaywrightTimeout:
            shot = self.shot("timeout")
            live = self.page.text_content("#live")
            raise AssertionError(
                f"{what}: {condition} (status {live!r}, errors {self.errors}, screenshot {shot})"
            ) from None

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5_000, f"empty screenshot {path}"
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any, tmp_path: Path) -> Iterator[Tab]:
    opened = Tab(browser, tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def writer(studies_url: str) -> Iterator[Writer]:
    started = Writer(studies_url, "live")
    yield started
    started.close()


def test_every_page_loads_with_no_console_error(tab: Tab, server: Server, studies_url: str) -> None:
    tab.open(server.url + "/", LOADED)
    names = tab.page.eval_on_selector_all("#studies tbody a", "as => as.map(a => a.textContent)")
    shots = [tab.shot("studies")]
    assert {"plain", "pareto", "live", PAYLOAD} <= set(names), shots
    plain = study_id(studies_url, "plain")
    for name in ("plain", "pareto"):
        tab.open(f"{server.url}/study/{study_id(studies_url, name)}", STUDY_DRAWN)
        shots.append(tab.shot(f"study-{name}"))
        drawn = tab.page.eval_on_selector_all(
            ".hs-plot", "ds => ds.map(d => [d.dataset.figure, d.dataset.rendered])"
        )
        first = "pareto" if name == "pareto" else "history"
        assert [first, "true"] in drawn and ["parallel_coordinates", "true"] in drawn, (
            drawn,
            shots,
        )
    # The importance with its intervals arrives from the background job.
    tab.open(f"{server.url}/study/{plain}", STUDY_DRAWN)
    tab.page.wait_for_function(
        "() => document.getElementById('figure-importance').dataset.rendered === 'true'",
        timeout=60_000,
    )
    status = tab.page.text_content("#importance-status") or ""
    shots.append(tab.shot("study-plain-importance"))
    assert "on 21 completed trials" in status, (status, shots)
    rows = tab.page.eval_on_selector_all("#trials tbody tr", "rs => rs.length")
    assert rows == 26, shots
    tab.open(f"{server.url}/study/{plain}/trial/3", LOADED)
    tab.page.wait_for_function(
        "() => document.getElementById('figure-trial_curve').dataset.rendered === 'true'",
        timeout=WAIT_MS,
    )
    shots.append(tab.shot("trial"))
    params = tab.page.eval_on_selector_all(
        "#params td:first-child", "ts => ts.map(t => t.textContent)"
    )
    assert params == ["x", "y"], shots
    assert tab.errors == [], (tab.errors, shots)
    missing = tab.page.goto(f"{server.url}/study/{plain}/trial/999")
    shots.append(tab.shot("not-found"))
    assert missing is not None and missing.status == 404, shots


def _n_trials(tab: Tab) -> int:
    return int(tab.page.eval_on_selector("#summary", "d => d.dataset.nTrials"))


def test_a_trial_told_by_another_process_appears_without_reload(
    tab: Tab, server: Server, studies_url: str, writer: Writer
) -> None:
    tab.open(f"{server.url}/study/{study_id(studies_url, 'live')}", STUDY_DRAWN)
    before = _n_trials(tab)
    tab.page.evaluate("() => { window.sameDocument = true; }")
    number = int(writer.send("tell 0.0123"))
    tab.page.wait_for_function(
        f"""() => {{
            const h = document.getElementById('figure-history');
            const first = document.querySelector('#trials tbody tr td');
            return h.data && h.data[0].x.includes({number}) && first
                && first.textContent === '{number}';
        }}""",
        timeout=5_000,
    )
    shot = tab.shot("live-told")
    assert _n_trials(tab) == before + 1, shot
    assert tab.page.evaluate("() => window.sameDocument") is True, shot
    assert tab.errors == [], (tab.errors, shot)


def _running_points(number: int) -> str:
    """JavaScript: how many points trial ``number`` has among the running curves."""
    return (
        "(document.getElementById('figure-learning_curves').data || [])"
        ".filter(t => t.name === 'running')"
        f".flatMap(t => t.customdata).filter(n => n === {number}).length"
    )


def test_a_running_trials_curve_grows(
    tab: Tab, server: Server, studies_url: str, writer: Writer
) -> None:
    number = int(writer.send("start"))
    writer.send(f"report {number} 0 1.0")
    tab.open(f"{server.url}/study/{study_id(studies_url, 'live')}", STUDY_DRAWN)
    tab.wait(f"() => {_running_points(number)} === 1", "the running curve is not drawn")
    running = tab.page.eval_on_selector_all(
        "#running tbody tr td:first-child", "ts => ts.map(t => t.textContent)"
    )
    shots = [tab.shot("running-1")]
    assert running == [str(number)], shots
    tab.page.evaluate("() => { window.sameDocument = true; }")
    for step, value in ((1, 0.8), (2, 0.6)):
        writer.send(f"report {number} {step} {value}")
        tab.wait(
            f"() => {_running_points(number)} === {step + 1}", f"step {step} never shown", 5_000
        )
    shots.append(tab.shot("running-3"))
    last = tab.page.eval_on_selector_all("#running tbody td", "ts => ts.map(t => t.textContent)")
    assert last[3:5] == ["2", "0.6"], (last, shots)  # last step, last value
    writer.send(f"finish {number} 0.6")
    tab.wait(f"() => {_running_points(number)} === 0", "the finished trial still runs", 5_000)
    assert tab.page.is_visible("#running-empty"), shots
    assert tab.page.evaluate("() => window.sameDocument") is True, shots
    assert tab.errors == [], (tab.errors, shots)


def test_markup_in_names_and_attributes_shows_as_text(
    tab: Tab, server: Server, studies_url: str
) -> None:
    sid = study_id(studies_url, PAYLOAD)
    injected = (
        "() => [window.__xss, document.querySelectorAll('img').length,"
        " document.scripts.length, document.querySelectorAll('[onerror]').length]"
    )
    tab.open(server.url + "/", LOADED)
    shots = [tab.shot("payload-studies")]
    assert PAYLOAD in tab.page.eval_on_selector_all(
        "#studies tbody a", "as => as.map(a => a.textContent)"
    ), shots
    assert tab.page.title() == "hypersense dashboard", shots
    tab.open(f"{server.url}/study/{sid}", STUDY_DRAWN)
    shots.append(tab.shot("payload-study"))
    assert tab.page.text_content("#study-name") == PAYLOAD, shots
    assert PAYLOAD in tab.page.title(), shots
    header = tab.page.eval_on_selector_all("#trials thead th", "ts => ts.map(t => t.textContent)")
    assert PAYLOAD in header, (header, shots)
    cells = tab.page.eval_on_selector_all("#trials tbody td", "ts => ts.map(t => t.textContent)")
    assert PAYLOAD in cells, shots  # the categorical value and the note
    labels = tab.page.eval_on_selector_all(
        "#figure-parallel_coordinates text", "ts => ts.map(t => t.textContent)"
    )
    assert any("<img src=x" in label for label in labels), (labels, shots)
    assert tab.page.evaluate(injected) == [None, 0, 2, 0], shots
    tab.open(f"{server.url}/study/{sid}/trial/0", LOADED)
    shots.append(tab.shot("payload-trial"))
    assert tab.page.eval_on_selector_all("#user-attrs td", "ts => ts.map(t => t.textContent)") == [
        PAYLOAD,
        PAYLOAD,
    ], shots
    assert (tab.page.text_content("#note-text") or "").startswith(PAYLOAD), shots
    assert tab.page.evaluate(injected) == [None, 0, 2, 0], shots
    tab.open(f"{server.url}/study/{sid}/trial/4", LOADED)
    shots.append(tab.shot("payload-failed-trial"))
    assert PAYLOAD in (tab.page.text_content("#fail-reason") or ""), shots
    assert tab.page.evaluate(injected) == [None, 0, 2, 0], shots
    assert tab.errors == [], (tab.errors, shots)


def test_a_browser_without_the_token_is_refused(tab: Tab, token_server: Server) -> None:
    refused = tab.page.goto(token_server.url + "/")
    shots = [tab.shot("token-refused")]
    assert refused is not None and refused.status == 401, shots
    assert "needs its token" in (tab.page.text_content("body") or ""), shots
    tab.errors.clear()  # the refused page's 401, logged as a failed load
    tab.open(f"{token_server.url}/?token={token_server.token}", LOADED)
    shots.append(tab.shot("token-accepted"))
    assert tab.page.url == token_server.url + "/", shots  # the token left the address bar
    assert tab.page.eval_on_selector_all("#studies tbody tr", "rs => rs.length") >= 4, shots
    # The cookie is HttpOnly: the page's scripts cannot read it.
    assert tab.page.evaluate("() => document.cookie") == "", shots
    assert tab.errors == [], (tab.errors, shots)
