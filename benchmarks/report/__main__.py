"""``python -m benchmarks.report``: a 1,000-trial, 10-parameter study with
intermediate values; hypersense's report against Optuna's figures of the same
trials (history, parallel coordinates, intermediate values, slices, timeline)
written into one page with plotly.js inlined once.

Reports the file size, the time to build and write each page, and the load
time in headless Chromium (median of ``--loads`` loads): from navigation start
until every figure has drawn.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

import hypersense as hs
from hypersense.report import build_report
from hypersense.report.html import write_html

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
N_PARAMS = 10


def make_study(n_trials: int, n_steps: int, seed: int) -> tuple[hs.Study, list[dict]]:  # type: ignore[type-arg]
    """A study of ``n_trials`` trials told by hand, a fifth of them pruned."""
    rng = np.random.default_rng(seed)
    study = hs.create_study(study_name="bench")
    records = []
    for i in range(n_trials):
        trial = study.ask()
        params = {
            f"p{j}": trial.suggest_float(f"p{j}", 1e-3, 1.0, log=j % 2 == 0)
            for j in range(N_PARAMS)
        }
        final = sum((np.log10(v) + 1) ** 2 for v in params.values()) + rng.normal(0, 0.1)
        steps = n_steps if i % 5 else n_steps // 4
        curve = [final + 2.0 / (s + 1) for s in range(steps)]
        for s, v in enumerate(curve):
            trial.report(v, s)
        pruned = i % 5 == 0
        study.tell(trial, None if pruned else final, state=hs.TrialState.PRUNED if pruned else None)
        records.append({"params": params, "curve": curve, "value": final, "pruned": pruned})
    return study, records


def optuna_page(records: list[dict], path: Path) -> float:  # type: ignore[type-arg]
    """Optuna's figures of the same trials in one HTML page; returns seconds taken."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    start = time.perf_counter()
    study = optuna.create_study()
    dist = {
        f"p{j}": optuna.distributions.FloatDistribution(1e-3, 1.0, log=j % 2 == 0)
        for j in range(N_PARAMS)
    }
    for r in records:
        state = optuna.trial.TrialState.PRUNED if r["pruned"] else optuna.trial.TrialState.COMPLETE
        study.add_trial(
            optuna.trial.create_trial(
                params=r["params"],
                distributions=dist,
                value=None if r["pruned"] else r["value"],
                intermediate_values=dict(enumerate(r["curve"])),
                state=state,
            )
        )
    vis = optuna.visualization
    figures = [
        vis.plot_optimization_history(study),
        vis.plot_parallel_coordinate(study),
        vis.plot_intermediate_values(study),
        vis.plot_slice(study),
        vis.plot_timeline(study),
    ]
    parts = [f.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, f in enumerate(figures)]
    path.write_text("<html><body>" + "".join(parts) + "</body></html>", encoding="utf-8")
    return time.perf_counter() - start


HYPERSENSE_DONE = "() => document.body.getAttribute('data-all-drawn') === 'true'"
HYPERSENSE_FIRST = "() => document.body.getAttribute('data-first-screen') === 'drawn'"
OPTUNA_DONE = (
    "() => { const d = document.querySelectorAll('.plotly-graph-div');"
    " return d.length > 0 && Array.from(d).every(x => x.querySelector('.main-svg')); }"
)


def load_times(path: Path, done: str, loads: int, first: str | None = None) -> list[list[float]]:
    """Seconds from navigation start until ``first`` (when given) and ``done`` hold,
    for each of ``loads`` loads."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(loads):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(path.as_uri())
            marks = []
            for condition in ([first] if first else []) + [done]:
                page.wait_for_function(condition, timeout=120_000, polling=20)
                marks.append(page.evaluate("() => performance.now()") / 1000.0)
            times.append(marks)
            page.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "hypersense-report-bench"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    study, records = make_study(args.trials, args.steps, args.seed)

    start = time.perf_counter()
    report = build_report(study)
    built = time.perf_counter() - start
    ours = write_html(report, args.out / "hypersense.html")
    written = time.perf_counter() - start
    theirs = args.out / "optuna.html"
    optuna_s = optuna_page(records, theirs)

    rows = {}
    for name, path, done, first, make_s in (
        ("hypersense", ours, HYPERSENSE_DONE, HYPERSENSE_FIRST, written),
        ("optuna", theirs, OPTUNA_DONE, None, optuna_s),
    ):
        loads = load_times(path, done, args.loads, first)
        rows[name] = {
            "size_mb": round(path.stat().st_size / 1e6, 2),
            "make_s": round(make_s, 2),
            "all_figures_median_s": round(statistics.median(m[-1] for m in loads), 2),
            "loads_s": [[round(t, 2) for t in m] for m in loads],
        }
        if first:
            rows[name]["first_screen_median_s"] = round(statistics.median(m[0] for m in loads), 2)
    rows["hypersense"]["build_data_s"] = round(built, 2)
    rows["hypersense"]["figures"] = list(report.available())
    print(
        json.dumps(
            {"trials": args.trials, "steps": args.steps, "params": N_PARAMS, **rows}, indent=2
        )
    )


if __name__ == "__main__":
    main()
