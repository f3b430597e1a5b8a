"""HTML tables of the report: overview, best trial, environment, noise, winner's curse.

Every cell is escaped here, so text from trials and attributes (parameter
names, user attributes) cannot inject markup into the page.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Sequence
from html import escape

from hypersense.report.data.curves import PruningSavings
from hypersense.report.data.noise import Estimate, NoiseData, ReevaluationData
from hypersense.report.data.overview import BestTrialData, OverviewData

__all__ = [
    "best_trials_table",
    "environment_tables",
    "key_value_table",
    "noise_table",
    "reevaluation_table",
    "summary_rows",
]


def _num(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:.6g}"


def _interval(e: Estimate) -> str:
    if not math.isfinite(e.low) or not math.isfinite(e.high):
        return _num(e.estimate)
    return f"{_num(e.estimate)} [{_num(e.low)}, {_num(e.high)}]"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], *, css: str = "") -> str:
    """An HTML table of already-formatted text cells (escaped here)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def key_value_table(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column table of ``(name, value)`` rows."""
    return table(("name", "value"), rows, css="kv")


def summary_rows(overview: OverviewData, pruning: PruningSavings | None) -> list[tuple[str, str]]:
    """The page header's facts: directions, trials, storage, pruning savings."""
    created = (
        "-"
        if overview.created_at is None
        else _dt.datetime.fromtimestamp(overview.created_at, tz=_dt.timezone.utc).isoformat(
            timespec="seconds"
        )
    )
    rows = [
        (
            "objectives",
            ", ".join(
                f"{n} ({d})"
                for n, d in zip(overview.objective_names, overview.directions, strict=True)
            ),
        ),
        ("trials", str(overview.n_trials)),
        ("created", created),
        ("storage", overview.storage or "-"),
    ]
    if pruning is not None:
        rows.append(
            (
                "pruning",
                f"{pruning.n_pruned} trials pruned; {pruning.steps_run} steps run instead of "
                f"about {pruning.steps_without_pruning:.0f} ({pruning.fraction_saved:.0%} saved)",
            )
        )
    rows += [(f"companion study ({e})", name) for e, name in overview.companions]
    return rows


def best_trials_table(best: Sequence[BestTrialData], objective_names: Sequence[str]) -> str:
    """The best trial's values, parameters and attributes (or the Pareto front)."""
    if not best:
        return "<p class='missing'>No trial has completed yet.</p>"
    if len(best) == 1:
        b = best[0]
        rows = [("trial", str(b.number))]
        rows += [(n, _num(v)) for n, v in zip(objective_names, b.values, strict=False)]
        rows += [("duration s", _num(b.duration_s))]
        rows += [(f"param {k}", v) for k, v in b.params]
        rows += [(f"attr {k}", v) for k, v in b.user_attrs]
        return key_value_table(rows)
    params = list(dict.fromkeys(k for b in best for k, _ in b.params))
    header = ["trial", *objective_names, *params]
    rows_front = [
        [str(b.number), *(_num(v) for v in b.values), *(dict(b.params).get(p, "-") for p in params)]
        for b in best
    ]
    return table(header, rows_front)


def environment_tables(overview: OverviewData) -> str:
    """One table per distinct environment manifest, with its trials and workers."""
    if not overview.environments:
        return "<p class='missing'>No trial recorded an environment manifest.</p>"
    parts = []
    for i, env in enumerate(overview.environments):
        workers = ", ".join(env.workers[:8]) + (" …" if len(env.workers) > 8 else "")
        parts.append(
            f"<h4>Environment {i + 1}: {env.n_trials} trials on {escape(workers)}</h4>"
            + key_value_table(env.manifest)
        )
    return "".join(parts)


def noise_table(data: NoiseData) -> str:
    """The repeated configurations, with the noise floor and variance share above."""
    facts = [
        ("noise floor (seed sd)", _interval(data.noise_floor)),
        ("share of variance due to hyperparameters", _interval(data.hyperparameter_share)),
    ]
    if data.distinguishable:
        facts.append(("parameters beating the noise", ", ".join(data.distinguishable)))
    facts.append(("source", data.source))
    rows = [
        (
            "-" if r.trial_number is None else str(r.trial_number),
            _num(r.original_value),
            str(r.n),
            _interval(r.mean),
            _num(r.std),
        )
        for r in data.configurations
    ]
    header = ("trial", "value in search", "repeats", "mean [interval]", "seed sd")
    return key_value_table(facts) + table(header, rows)


def reevaluation_table(data: ReevaluationData) -> str:
    """Rank, search value, re-evaluated mean, optimism and test score per configuration."""
    rows = [
        (
            str(r.rank),
            "-" if r.trial_number is None else str(r.trial_number),
            _num(r.original_value),
            str(r.n),
            _interval(r.reevaluated),
            _interval(r.optimism),
            "-" if r.test is None else _interval(r.test),
        )
        for r in data.rows
    ]
    header = (
        "rank",
        "trial",
        "value in search",
        "re-evaluations",
        "re-evaluated mean",
        "optimism (+ = flattering)",
        "test score",
    )
    return table(header, rows) + f"<p class='note'>{escape(data.source)}</p>"
