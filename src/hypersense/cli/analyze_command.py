"""``hypersense analyze NAME``: what matters in a study, and what to change next.

Computes the global importance of the study's parameters (with intervals,
main and total effects, interactions, shares of the observed variance) and
the advice of :func:`hypersense.analysis.advice.advise`, then prints a ranked
table per analysed scope (the whole study, then each conditional branch), the
surrogate and its fit, the shares and the noise floor (read from the
``"<NAME>:noise"`` companion study when one exists, else from configurations
the study repeated), and the advice as a numbered list. ``--write-config
OUT.yaml --config IN.yaml`` also writes the narrowed space as a new config.

``--json`` prints one object with these stable keys::

    study          string
    method         "fanova" | "sobol" | "permutation"
    direction      "minimize" | "maximize"
    objective      int, index of the analysed objective
    n_trials       int, COMPLETE trials analysed
    top_quantile   float or null
    confidence     float, coverage of every interval
    surrogate      {"kind": "gp" | "rf", "r2": float, "candidates": {kind: r2},
                   "reason": string} (the whole study's; cross-validated R² of the
                   surrogate, every candidate's, and why this one was chosen)
    parameters     list, the whole study's by decreasing importance, then each
                   branch's; each:
        name, condition (object: the branch; {} for the whole study),
        importance, ci_low, ci_high,
        main_effect, main_effect_ci_low, main_effect_ci_high,
        total_effect, total_effect_ci_low, total_effect_ci_high (float or null),
        method, surrogate, r2 (the surrogate's fit in the parameter's scope),
        verdict ("matters" | "negligible" | "cannot tell"), reason (string),
        scale ("log" | "linear" | null: the scale its marginal fits),
        swing (float or null: range of its marginal curve),
        changes (list of {"kind": "fix" | "narrow" | "scale" | "drop_choices",
        "reason", and "value" | "low", "high" | "scale" | "dropped", "kept"}),
        suggested (the distribution after the changes, as Distribution.to_dict())
    interactions   list of {"names": [a, b], "condition", "interaction",
                   "ci_low", "ci_high"}, strongest first
    shares         {"explained", "main_effects", "interactions",
                   "pairwise_interactions", "unexplained", "noise",
                   "observed_variance"} (fractions of the observed variance)
    noise_floor    {"value": float, "source": string} or null
    branches       list of {"condition", "surrogate": {...}, "n_trials"}
    notes          list of strings (caveats)
    advice         list of strings, the numbered next steps in order
    narrowed_config  string (the file written) or null

Non-finite numbers are written as null.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from hypersense.cli.records import jsonable
from hypersense.cli.report_command import fail
from hypersense.config.storage_url import DEFAULT_STORAGE, open_storage
from hypersense.errors import HypersenseError

if TYPE_CHECKING:
    from hypersense.analysis.advice.changes import Change
    from hypersense.analysis.advice.results import Advice, ParameterAdvice
    from hypersense.analysis.results import Estimate, ImportanceResult
    from hypersense.report.data.snapshot import StudySnapshot

__all__ = ["analysis_record", "analysis_tables", "analyze"]

# Interactions below this fraction of the modelled variance are not listed.
_SHOWN_INTERACTION = 0.01


def _num(value: float | None, spec: str = ".3g") -> str:
    return "-" if value is None or not math.isfinite(value) else format(value, spec)


def _interval(low: float, high: float) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return "-"
    return f"[{low:.2g}, {high:.2g}]"


def _effect(e: Estimate | None) -> str:
    """An effect's point estimate (its interval is in the JSON)."""
    return "-" if e is None else _num(e.value, ".2g")


def _short(change: Change) -> str:
    """A change in a few words, for the table's verdict column."""
    from hypersense.analysis.advice.changes import format_value

    data = change.to_dict()
    if data["kind"] == "fix":
        return f"fix at {format_value(data['value'])}"
    if data["kind"] == "narrow":
        return f"narrow to [{format_value(data['low'])}, {format_value(data['high'])}]"
    if data["kind"] == "scale":
        return f"{data['scale']} scale"
    return "drop " + ", ".join(format_value(v) for v in data["dropped"])


def _verdict_text(p: ParameterAdvice) -> str:
    return "; ".join([p.verdict.value, *(_short(c) for c in p.changes)])


def _condition_text(condition: Mapping[str, Any]) -> str:
    from hypersense.analysis.advice.results import condition_label

    return condition_label(condition)


def _scope_results(result: ImportanceResult) -> list[ImportanceResult]:
    out = [result]
    for branch in result.branches:
        out.extend(_scope_results(branch))
    return out


def _scope_table(result: ImportanceResult, advice: Advice, n_rows: int) -> Table | None:
    """The ranked table of one scope: the parameters whose advice comes from it."""
    rows = [p for p in advice.parameters if dict(p.condition) == dict(result.condition)]
    if not rows:
        return None
    where = _condition_text(result.condition)
    title = (
        f"{'Branch ' + escape(where) if where else 'Importance'}: {result.method} on the "
        f"{result.surrogate} surrogate (cross-validated R² {_num(result.r2, '.2f')}), "
        f"{result.n_trials} trials, {result.confidence:.0%} intervals"
    )
    caption = f"surrogate: {result.surrogate_reason}" if result.surrogate_reason else None
    table = Table(title=title, caption=escape(caption) if caption else None, caption_justify="left")
    for col in ("parameter", "importance", "interval", "main", "total", "verdict"):
        # main/total: the main and total effects (fractions of the modelled variance)
        table.add_column(col, justify="left" if col in ("parameter", "verdict") else "right")
    for p in rows[:n_rows]:
        table.add_row(
            escape(p.name),
            _num(p.importance, ".2g"),
            _interval(p.ci_low, p.ci_high),
            _effect(p.main_effect),
            _effect(p.total_effect),
            escape(_verdict_text(p)),
        )
    return table


def _interactions_table(result: ImportanceResult, n_rows: int) -> Table | Text | None:
    if not result.interactions:
        return None
    pairs = [i for i in result.interactions if i.interaction.value >= _SHOWN_INTERACTION]
    if not pairs:
        return Text(
            f"No pairwise interaction reaches {_SHOWN_INTERACTION:.0%} of the modelled variance."
        )
    table = Table(title="Strongest interactions (fractions of the modelled variance)")
    for col in ("pair", "interaction", "interval"):
        table.add_column(col, justify="left" if col == "pair" else "right")
    for i in pairs[:n_rows]:
        e = i.interaction
        table.add_row(
            escape(" x ".join(i.names)), _num(e.value, ".2g"), _interval(e.ci_low, e.ci_high)
        )
    return table


def _shares_text(result: ImportanceResult, noise: Mapping[str, Any] | None) -> Text:
    s = result.shares
    parts = [f"The hyperparameters explain {s.explained:.0%} of the observed variance"]
    if s.main_effects is not None and s.interactions is not None:
        parts[0] += (
            f" ({s.main_effects:.0%} through main effects, {s.interactions:.0%} through "
            "interactions)"
        )
    parts.append(f"{s.unexplained:.0%} is unexplained")
    if noise is not None:
        parts.append(f"noise floor (seed sd) {noise['value']:.3g} from {noise['source']}")
    elif s.noise is not None:
        parts.append(f"repeated configurations put {s.noise:.0%} of it down to noise")
    return Text("; ".join(parts) + ".")


def analysis_tables(
    study_name: str,
    result: ImportanceResult,
    advice: Advice,
    *,
    noise: Mapping[str, Any] | None = None,
    top: int = 20,
) -> Group:
    """Every part of the text output of ``hypersense analyze``, in order."""
    parts: list[Any] = [Text(f"Study '{study_name}' ({result.direction})", style="bold")]
    for scope in _scope_results(result):
        table = _scope_table(scope, advice, top)
        if table is not None:
            parts.append(table)
    inter = _interactions_table(result, 5)
    if inter is not None:
        parts.append(inter)
    parts.append(_shares_text(result, noise))
    for note in (*result.notes, *advice.notes):
        parts.append(Text(f"note: {note}", style="yellow"))
    parts.append(Text("Advice", style="bold"))
    for k, step in enumerate(advice.steps(), start=1):
        parts.append(Text(f"{k}. {step}"))
    return Group(*parts)


def _surrogate_record(result: ImportanceResult) -> dict[str, Any]:
    return {
        "kind": result.surrogate,
        "r2": result.r2,
        "candidates": dict(result.surrogate_r2),
        "reason": result.surrogate_reason,
    }


def _parameter_record(p: ParameterAdvice) -> dict[str, Any]:
    record = p.to_dict()
    for key, e in (("main_effect", p.main_effect), ("total_effect", p.total_effect)):
        record[key] = None if e is None else e.value
        record[f"{key}_ci_low"] = None if e is None else e.ci_low
        record[f"{key}_ci_high"] = None if e is None else e.ci_high
    del record["searched"]
    return record


def analysis_record(
    study_name: str,
    result: ImportanceResult,
    advice: Advice,
    *,
    noise: Mapping[str, Any] | None = None,
    narrowed_config: str | None = None,
) -> dict[str, Any]:
    """The ``--json`` object (keys documented in this module's docstring)."""
    scopes = _scope_results(result)
    record = {
        "study": study_name,
        "method": result.method,
        "direction": result.direction,
        "objective": result.objective,
        "n_trials": result.n_trials,
        "top_quantile": result.top_quantile,
        "confidence": result.confidence,
        "surrogate": _surrogate_record(result),
        "parameters": [_parameter_record(p) for p in advice.parameters],
        "interactions": [
            {
                "names": list(i.names),
                "condition": dict(s.condition),
                "interaction": i.interaction.value,
                "ci_low": i.interaction.ci_low,
                "ci_high": i.interaction.ci_high,
            }
            for s in scopes
            for i in s.interactions
        ],
        "shares": result.shares.to_dict(),
        "noise_floor": None if noise is None else dict(noise),
        "branches": [
            {
                "condition": dict(s.condition),
                "surrogate": _surrogate_record(s),
                "n_trials": s.n_trials,
            }
            for s in scopes[1:]
        ],
        "notes": [*result.notes, *advice.notes],
        "advice": list(advice.steps()),
        "narrowed_config": narrowed_config,
    }
    return dict(jsonable(record))


def _companion_noise(snap: StudySnapshot) -> dict[str, Any] | None:
    """The noise floor of the study's ``:noise`` companion, if it ran."""
    from hypersense.report.data.noise import build_noise_data

    data = build_noise_data(snap)
    if data is None or not math.isfinite(data.noise_floor.estimate):
        return None
    return {"value": data.noise_floor.estimate, "source": data.source}


def _analyse(
    name: str, storage: str, options: Mapping[str, Any]
) -> tuple[ImportanceResult, Advice, dict[str, Any] | None]:
    """Read the study (and its companions) once, then compute importance and advice."""
    from hypersense.analysis.advice import advise
    from hypersense.analysis.api import importance
    from hypersense.analysis.surrogates.threads import single_threaded_blas
    from hypersense.history import StudyHistory
    from hypersense.report.data.snapshot import as_snapshot
    from hypersense.study.management import load_study

    store = open_storage(storage, must_exist=True, read_only=True)
    try:
        snap = as_snapshot(load_study(name, store, heartbeat_interval_s=None))
    finally:
        store.close()
    history = StudyHistory.from_trials(snap.directions, snap.trials)
    noise = _companion_noise(snap)
    common = {k: options[k] for k in ("n_bootstrap", "objective", "seed")}
    # Small BLAS calls: one thread is faster on a busy machine (analysis.surrogates.threads).
    with single_threaded_blas():
        result = importance(
            history, method=options["method"], top_quantile=options["top_quantile"], **common
        )
    floor = None if noise is None else noise["value"]
    return result, advise(history, importance=result, noise_floor=floor, **common), noise


def analyze(
    name: Annotated[str, typer.Argument(help="The study's name.", metavar="NAME")],
    storage: Annotated[
        str, typer.Option("--storage", metavar="URL", help="Database URL holding the studies.")
    ] = DEFAULT_STORAGE,
    method: Annotated[
        str, typer.Option(help="Importance method: fanova, sobol or permutation.")
    ] = "fanova",
    top_quantile: Annotated[
        float | None,
        typer.Option(
            "--top-quantile",
            min=0.0,
            max=1.0,
            help="Cap values worse than this quantile (what matters among good trials).",
        ),
    ] = None,
    n_bootstrap: Annotated[int, typer.Option(min=0, help="Draws behind each interval.")] = 50,
    objective: Annotated[int, typer.Option(min=0, help="Objective index (multi-objective).")] = 0,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the analysis.")] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (keys in hypersense.cli.analyze_command).")
    ] = False,
    write_config: Annotated[
        Path | None,
        typer.Option("--write-config", metavar="OUT.yaml", help="Write the narrowed config."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", metavar="IN.yaml", help="The config the study ran."),
    ] = None,
) -> None:
    """Rank what matters (importance with intervals) and advise what to change."""
    if (write_config is None) != (config is None):
        fail("--write-config and --config go together: give both (or neither)")
    if method.strip().lower() == "sobol":
        from hypersense._optional import require_optional

        try:  # before reading the study
            require_optional("SALib", extra="analysis", purpose="Sobol importance")
        except HypersenseError as exc:
            fail(str(exc))
    options = {
        "method": method,
        "top_quantile": top_quantile,
        "n_bootstrap": n_bootstrap,
        "objective": objective,
        "seed": seed,
    }
    try:
        result, advice, noise = _analyse(name, storage, options)
        written = command = None
        if write_config is not None and config is not None:
            from hypersense.analysis.narrowing import run_command, write_narrowed_config

            written = str(write_narrowed_config(config, advice, write_config))
            command = run_command(config, written, storage=storage)
    except (HypersenseError, ValueError, TypeError) as exc:
        fail(str(exc))
    if as_json:
        record = analysis_record(name, result, advice, noise=noise, narrowed_config=written)
        typer.echo(json.dumps(record, indent=2, allow_nan=False))
        return
    out = Console(highlight=False)
    out.print(analysis_tables(name, result, advice, noise=noise))
    if written is not None:
        out.print(Text(f"wrote the narrowed config to {written}; run it with:"), soft_wrap=True)
        out.print(Text(f"  {command}"), soft_wrap=True)
