"""``python -m benchmarks.dashboard``: the live dashboard beside optuna-dashboard
on the same 10,000-trial study, in headless Chromium.

- **First paint**: from navigation start (a fresh browser context, empty
  cache) until the study page shows the optimisation history with the newest
  trial in it. Each dashboard's own history figure: hypersense draws the
  report's thinned one (every improvement, the newest trials and an even
  spread, at most 2,000 points), optuna-dashboard every trial.
- **Update latency**: with the study page open, a separate process asks for a
  trial and tells it; from just before the ask until that trial's point is in
  the page's history figure. Each tell waits a random 0-2 s first, so the
  dashboards' polling phases are sampled evenly. Both dashboards run with their
  defaults (hypersense polls every second; optuna-dashboard's live update
  reloads every 10 s).

Both servers run at once, on the same study (hypersense's SQLite file, and the
Optuna SQLite file ``hypersense export-optuna`` wrote from it), and the
measurements alternate between them. The studies are generated once and kept
in ``--cache`` (exporting 10,000 trials into Optuna's storage takes minutes);
every run works on fresh copies. Results: ``benchmarks/dashboard/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.dashboard.study import STUDY, export_to_optuna, make_study

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
HERE = Path(__file__).parent
TOOLS = ("hypersense", "optuna-dashboard")


def _shows(figure_id: str, number: int) -> str:
    """JavaScript: whether the plot ``figure_id`` holds trial ``number``; the first
    time it does, the time since navigation start is kept in ``window.__seen``."""
    return (
        "() => { const d = document.getElementById('" + figure_id + "');"
        f" const ok = !!(d && d.data && d.data.some(t => (t.x || []).includes({number})));"
        " if (ok && window.__seen === undefined) {"
        " window.__seen = performance.now(); window.__seenAt = Date.now(); }"
        " return ok; }"
    )


class Dashboard:
    """One dashboard process serving a copy of the study."""

    def __init__(self, tool: str, url: str) -> None:
        self.tool = tool
        self.url = url
        if tool == "hypersense":
            command = [sys.executable, "-m", "hypersense.cli", "dashboard", "--storage", url]
            self.process = subprocess.Popen(
                [*command, "--port", "0"], stdout=subprocess.PIPE, text=True
            )
            assert self.process.stdout is not None
            line = self.process.stdout.readline()
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            assert found, line
            self.port = int(found.group(1))
            self.page_path, self.figure = "/study/{id}", "figure-history"
        else:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]
            executable = str(Path(sys.executable).with_name("optuna-dashboard"))
            self.process = subprocess.Popen(
                [executable, url, "--port", str(self.port), "--quiet"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.page_path, self.figure = "/dashboard/studies/{id}", "plot-history"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=10).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"{tool} never answered"
                time.sleep(0.2)

    def page_url(self) -> str:
        return f"http://127.0.0.1:{self.port}" + self.page_path.format(id=1)

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


class Writer:
    """A process telling trials into one tool's study (``benchmarks.dashboard.writer``)."""

    def __init__(self, tool: str, url: str) -> None:
        kind = "hypersense" if tool == "hypersense" else "optuna"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.dashboard.writer", kind, url, STUDY],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None and self.process.stdout.readline() == "ready\n"

    def tell(self, value: float) -> tuple[int, float]:
        """The told trial's number and the Unix time just before it was asked for."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"tell {value}\n")
        self.process.stdin.flush()
        number, started = self.process.stdout.readline().split()
        return int(number), float(started)

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)
        self.process.stdout.close()


def first_paint(browser: Any, dash: Dashboard, newest: int, timeout_s: float) -> dict[str, float]:
    """Seconds from navigation start to the history figure with trial ``newest``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(dash.page_url(), wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_function(_shows(dash.figure, newest), timeout=timeout_s * 1000, polling=50)
        seen_ms = page.evaluate("() => window.__seen")
        fcp = page.evaluate(
            "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime"
        )
        return {"history_s": seen_ms / 1000, "first_contentful_paint_s": (fcp or 0) / 1000}
    finally:
        context.close()


def update_latency(
    browser: Any, dash: Dashboard, writer: Writer, newest: int, reps: int, rng: random.Random
) -> list[float]:
    """Seconds from each tell to its point in the open page's history figure."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    latencies = []
    try:
        page = context.new_page()
        page.goto(dash.page_url(), wait_until="commit", timeout=600_000)
        page.wait_for_function(_shows(dash.figure, newest), timeout=600_000, polling=100)
        for _ in range(reps):
            time.sleep(rng.uniform(0, 2))
            page.evaluate("() => { window.__seen = undefined; }")
            number, started = writer.tell(rng.uniform(0.0, 0.01))
            page.wait_for_function(_shows(dash.figure, number), timeout=120_000, polling="raf")
            latencies.append(page.evaluate("() => window.__seenAt") / 1000 - started)
    finally:
        context.close()
    return latencies


def prepared(cache: Path, n_trials: int, seed: int) -> Path:
    """The cache folder holding ``hs.db`` and ``optuna.db`` (made when missing)."""
    if not (cache / "optuna.db").exists():
        cache.mkdir(parents=True, exist_ok=True)
        for name in ("hs.db", "optuna.db"):
            (cache / name).unlink(missing_ok=True)
        print(f"writing the {n_trials}-trial study into {cache} (minutes)", flush=True)
        make_study(f"sqlite:///{cache / 'hs.db'}", n_trials, seed)
        export_to_optuna(f"sqlite:///{cache / 'hs.db'}", f"sqlite:///{cache / 'optuna.db'}")
    return cache


def _median(xs: list[float]) -> float:
    return round(statistics.median(xs), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=3, help="page loads after the cold one")
    parser.add_argument("--update-reps", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--timeout-s", type=float, default=600.0)
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    cache = args.cache or base / f"hypersense-dashboard-bench-{args.trials}-{args.seed}"
    source = prepared(cache, args.trials, args.seed)
    newest = args.trials - 1
    rng = random.Random(args.seed)
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="dashboard-bench-", dir=base))
    dashboards: dict[str, Dashboard] = {}
    try:
        urls = {}
        for tool, name in zip(TOOLS, ("hs.db", "optuna.db"), strict=True):
            shutil.copy(source / name, work / name)
            urls[tool] = f"sqlite:///{work / name}"
        load_start = os.getloadavg()
        for tool in TOOLS:
            dashboards[tool] = Dashboard(tool, urls[tool])
        paints: dict[str, list[dict[str, float]]] = {t: [] for t in TOOLS}
        updates: dict[str, list[float]] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for rep in range(args.reps + 1):  # the first load of each is its cold start
                    for tool in TOOLS:
                        paints[tool].append(
                            first_paint(browser, dashboards[tool], newest, args.timeout_s)
                        )
                        print(tool, "first paint", rep, paints[tool][-1], flush=True)
                for tool in TOOLS:
                    writer = Writer(tool, urls[tool])
                    try:
                        updates[tool] = update_latency(
                            browser, dashboards[tool], writer, newest, args.update_reps, rng
                        )
                    finally:
                        writer.close()
                    print(tool, "updates", updates[tool], flush=True)
            finally:
                browser.close()
        load_end = os.getloadavg()
    finally:
        for dash in dashboards.values():
            dash.close()
        shutil.rmtree(work, ignore_errors=True)
    results = summarise(args, paints, updates)
    results["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in load_end],
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results["summary"], indent=2))


def summarise(
    args: argparse.Namespace,
    paints: dict[str, list[dict[str, float]]],
    updates: dict[str, list[float]],
) -> dict[str, Any]:
    """Medians and ratios (optuna-dashboard over hypersense) of the measurements."""
    import optuna_dashboard

    import hypersense

    summary: dict[str, Any] = {}
    for tool in TOOLS:
        warm = paints[tool][1:]
        summary[tool] = {
            "cold_first_paint_s": round(paints[tool][0]["history_s"], 3),
            "first_paint_s": _median([p["history_s"] for p in warm]),
            "first_contentful_paint_s": _median([p["first_contentful_paint_s"] for p in warm]),
            "update_latency_s": _median(updates[tool]),
            "update_latency_max_s": round(max(updates[tool]), 3),
        }
    hs, od = summary["hypersense"], summary["optuna-dashboard"]
    summary["ratio_optuna_dashboard_over_hypersense"] = {
        key: round(od[key] / hs[key], 1)
        for key in ("cold_first_paint_s", "first_paint_s", "update_latency_s")
    }
    return {
        "settings": {
            "trials": args.trials,
            "reps": args.reps,
            "update_reps": args.update_reps,
            "seed": args.seed,
        },
        "versions": {
            "hypersense": hypersense.__version__,
            "optuna_dashboard": optuna_dashboard.__version__,
        },
        "first_paint": paints,
        "update_latency_s": updates,
        "summary": summary,
    }


if __name__ == "__main__":
    main()
