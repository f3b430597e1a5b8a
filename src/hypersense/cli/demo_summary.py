"""The lines ``hypersense demo`` ends with: what the search found and what to try next.

In order: the best configuration's validation and sealed-test scores; the top
hyperparameters with their importance, interval and verdict; the noise floor
(the spread of the best configuration's re-runs with other seeds) and the
winner's curse (how far its search score lies above their mean); the first
step of the advice; the report's path; the next commands to try. Every number
comes from :class:`~hypersense.cli.demo.DemoFindings`; nothing is computed here.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hypersense.config.storage_url import DEFAULT_STORAGE, display_url

if TYPE_CHECKING:
    from hypersense.cli.demo import DemoFindings

__all__ = ["TOP_PARAMETERS", "next_commands", "summary_lines"]

#: Parameters listed in the summary (``hypersense analyze`` lists every one).
TOP_PARAMETERS = 3


def _num(value: float, spec: str = ".4f") -> str:
    return format(value, spec) if math.isfinite(value) else "-"


def _best_line(findings: DemoFindings) -> str | None:
    evaluation = findings.evaluation
    if evaluation is None:
        return None
    metric = findings.metric_name
    return (
        f"Best configuration: trial {evaluation.trial_number}, validation {metric} "
        f"{_num(evaluation.validation_value)}, sealed-test {metric} "
        f"{_num(evaluation.test_value)} (the test set was read once, after the search)"
    )


def _importance_lines(findings: DemoFindings) -> list[str]:
    result, advice = findings.importance, findings.advice
    if result is None:
        return [f"What matters: not analysed ({findings.why_not_analysed or 'no analysis'})"]
    verdicts = {} if advice is None else {p.name: p for p in advice.parameters if not p.condition}
    lines = [
        f"What matters ({result.method} on the {result.surrogate} surrogate, cross-validated "
        f"R² {_num(result.r2, '.2f')}, {result.n_trials} trials; importance with "
        f"{result.confidence:.0%} interval):"
    ]
    width = max(len(p.name) for p in result.parameters[:TOP_PARAMETERS])
    for p in result.parameters[:TOP_PARAMETERS]:
        verdict = verdicts.get(p.name)
        lines.append(
            f"  {p.name:<{width}}  {_num(p.importance, '.2f')}  "
            f"[{_num(p.ci_low, '.2g')}, {_num(p.ci_high, '.2g')}]"
            + ("" if verdict is None else f"  {verdict.verdict.value}")
        )
    rest = len(result.parameters) - TOP_PARAMETERS
    if rest > 0:
        lines.append(f"  ... and {rest} more (hypersense analyze lists them all)")
    lines.extend(f"  note: {note}" for note in result.notes)
    return lines


def _noise_lines(findings: DemoFindings) -> list[str]:
    reevaluation = findings.reevaluation
    if reevaluation is None:
        return []
    selected = reevaluation.selected
    again = selected.reevaluated
    gap = selected.optimism
    metric = findings.metric_name
    lines = [
        f"Noise floor: {again.n} re-runs of trial {selected.trial_number} with other seeds "
        f"give validation {metric} {_num(again.mean)} ± {_num(again.std)} (mean ± seed sd)"
    ]
    if math.isfinite(gap.estimate):
        within = gap.low <= 0.0 <= gap.high
        lines.append(
            f"Winner's curse: the search's {_num(selected.original_value)} flatters this "
            f"configuration by {_num(gap.estimate)} ({reevaluation.confidence:.0%} interval "
            f"[{_num(gap.low)}, {_num(gap.high)}]" + ("; within noise)" if within else ")")
        )
    return lines


def next_commands(
    study_name: str, storage: str, *, demo_options: str = ""
) -> list[tuple[str, str]]:
    """``(command, what it shows)`` pairs to try after the demo; ``demo_options``
    are the options the demo ran with that a resumed run must keep (e.g.
    ``--max-epochs 3``). A password in ``storage`` is masked: the terminal and its
    scroll-back are no place for it, and its owner knows it."""
    where = "" if storage == DEFAULT_STORAGE else f" --storage {display_url(storage)}"
    return [
        (
            f"hypersense analyze {study_name}{where}",
            "every parameter, interactions, the whole advice",
        ),
        (f"hypersense trials {study_name}{where}", "the trials, one per row"),
        (f"hypersense show {study_name}{where}", "the summary again, in the terminal"),
        (
            f"hypersense demo --n-trials 120{demo_options}{where}",
            "more trials: the study resumes",
        ),
    ]


def summary_lines(findings: DemoFindings, *, storage: str, demo_options: str = "") -> list[str]:
    """The demo's closing summary, one string per line (see the module's docstring)."""
    lines: list[str] = []
    best = _best_line(findings)
    if best is not None:
        lines.append(best)
    lines.extend(_importance_lines(findings))
    lines.extend(_noise_lines(findings))
    if findings.advice is not None:
        lines.append(f"Advice: {findings.advice.steps()[0]}")
    if findings.report_path is not None:
        lines.append(f"Report: {findings.report_path} (open it in a browser)")
    commands = next_commands(findings.study_name, storage, demo_options=demo_options)
    width = max(len(c) for c, _ in commands)
    lines.append("Next:")
    lines.extend(f"  {c:<{width}}  # {what}" for c, what in commands)
    return lines
