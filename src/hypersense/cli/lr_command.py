"""``hypersense lr-find``: the learning-rate range test of a built-in PyTorch task.

``hypersense lr-find --task NAME`` tests the task's reference configuration
(``--param name=value`` fixes parameters; the others take the middle of their
distributions); ``hypersense lr-find CONFIG.yaml`` tests the config's task
with the config's fixed values and options, and with the options of its
``{from_range_test: true}`` entry, if any (flags win). ``--study NAME``
stores the curves on that study (created if needed) as its system attribute
``lr_range_test``, where ``hypersense run`` with ``from_range_test`` and the
report (``hypersense plot NAME lr_range_test``) find them.
``--batch-sizes 32,64,128`` runs one test per batch size instead and fits
``lr ∝ batch^k`` (stored as ``lr_batch_size_study``).

``--json`` prints one object:

    task          string; params: the reference configuration (object)
    settings      the test's settings (start_lr, end_lr, num_steps, mode,
                  optimizer, batch_size: the effective one, seeds ...)
    suggested_lr  float or null; interval: [low, high] or null
    suggestions   {rule: {"lr": float or null, "reason": string or null}}
    divergence_lr float or null
    curves        list of {seed, lrs, losses, smoothed_losses, divergence_lr,
                  suggestions} (non-finite losses as null)
    search_range  the range a config's from_range_test entry would get, or null
    study         the study the test was stored on, or null
    batch_sizes   with --batch-sizes: {points, fit, method, notes, verdict}
                  (then the test's keys are absent)

Exit codes: 0 a rate was suggested; 1 no rule could suggest (reasons printed);
2 bad input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from hypersense.cli.report_command import fail
from hypersense.config.storage_url import DEFAULT_STORAGE, open_storage
from hypersense.errors import HypersenseError

if TYPE_CHECKING:
    from hypersense.lr import BatchSizeStudy, LRSearchRange, RangeTestResult
    from hypersense.tasks.torch_task import TorchTask

__all__ = ["lr_find"]


def lr_find(
    config: Annotated[
        Path | None,
        typer.Argument(help="A study config naming a built-in task.", metavar="[CONFIG.yaml]"),
    ] = None,
    task: Annotated[
        str | None, typer.Option("--task", help="A built-in PyTorch task.", metavar="NAME")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", help="Fix a parameter: name=value (repeatable).", metavar="N=V"),
    ] = None,
    steps: Annotated[
        int | None, typer.Option(min=5, help="Optimiser steps per ramp (default 100).")
    ] = None,
    seeds: Annotated[
        str | None, typer.Option(help="Comma-separated seeds, one ramp each (default 0,1,2).")
    ] = None,
    start_lr: Annotated[float | None, typer.Option(help="First rate (default 1e-7).")] = None,
    end_lr: Annotated[float | None, typer.Option(help="Last rate (default 10).")] = None,
    mode: Annotated[str, typer.Option(help="Ramp spacing: exp or linear.")] = "exp",
    batch_sizes: Annotated[
        str | None,
        typer.Option(help="Comma-separated batch sizes: fit lr ∝ batch^k.", metavar="B1,B2,..."),
    ] = None,
    study: Annotated[
        str | None, typer.Option("--study", help="Store the result on this study.", metavar="NAME")
    ] = None,
    storage: Annotated[
        str | None,
        typer.Option(
            "--storage",
            metavar="URL",
            help=f"Database URL for --study (default: the config's, else {DEFAULT_STORAGE}).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (keys above).")] = False,
) -> None:
    """Find a learning rate with a range test (suggestion, interval, divergence)."""
    setup = _Setup.resolve(config, task, param or [])
    options = setup.options(steps=steps, seeds=seeds, start_lr=start_lr, end_lr=end_lr, mode=mode)
    if batch_sizes is not None:
        _batch_size_study(
            setup, _ints(batch_sizes, "--batch-sizes"), options, study, storage, as_json
        )
        return
    from hypersense.lr.tasks import task_context, task_range_test

    try:
        result = task_range_test(setup.task, params=setup.params, **options)
    except (HypersenseError, ValueError, TypeError) as exc:
        fail(str(exc))
    lr_range = setup.search_range(result)
    stored = None
    if study is not None:
        from hypersense.lr.records import store_range_test

        context = {**task_context(setup.task, setup.params), "source": "hypersense lr-find"}
        stored = _on_study(
            study,
            storage or setup.storage,
            setup.task,
            lambda s: store_range_test(s, result, context=context),
        )
    if as_json:
        typer.echo(json.dumps(_record(setup, result, lr_range, stored), indent=2, allow_nan=False))
    else:
        _print_result(setup, result, lr_range, stored)
    if not result.has_suggestion:
        from hypersense.cli.app import EXIT_STOPPED

        raise typer.Exit(EXIT_STOPPED)


class _Setup:
    """What to test: the task, fixed parameters, the config's range-test entry."""

    def __init__(
        self, task: TorchTask, params: dict[str, Any], entry: Any, storage: str | None
    ) -> None:
        self.task, self.params, self.entry, self.storage = task, params, entry, storage

    @classmethod
    def resolve(cls, config: Path | None, task: str | None, pairs: list[str]) -> _Setup:
        from hypersense.lr.tasks import torch_task

        if (config is None) == (task is None):
            fail("give a CONFIG.yaml or --task NAME (one of them)")
        params = _pairs(pairs)
        try:
            if task is not None:
                return cls(torch_task(task), params, None, None)
            assert config is not None
            return cls._from_config(config, params)
        except (HypersenseError, ValueError, TypeError) as exc:
            fail(str(exc))

    @classmethod
    def _from_config(cls, path: Path, params: dict[str, Any]) -> _Setup:
        from hypersense.config.build import build_run
        from hypersense.config.loader import load_config
        from hypersense.lr.tasks import torch_task

        config = load_config(path)
        if config.task is None:
            raise ValueError(
                f"{path}: lr-find needs a config naming a built-in PyTorch `task`; for your own "
                "`objective`, run hypersense.lr.range_test on your model in Python"
            )
        spec = build_run(config)
        entry = None if spec.lr_from_range_test is None else config.space[spec.lr_from_range_test]
        assert spec.task is not None
        return cls(torch_task(spec.task), params, entry, config.storage)

    def options(self, **flags: Any) -> dict[str, Any]:
        """Range-test options: flags, else the config entry's, else the defaults."""
        entry = self.entry
        seeds = flags["seeds"]
        out: dict[str, Any] = {
            "num_steps": flags["steps"] or (entry.num_steps if entry else 100),
            "seeds": _ints(seeds, "--seeds")
            if seeds
            else tuple(entry.seeds if entry else (0, 1, 2)),
            "start_lr": flags["start_lr"] or (entry.start_lr if entry else 1e-7),
            "end_lr": flags["end_lr"] or (entry.end_lr if entry else 10.0),
            "mode": flags["mode"],
        }
        return out

    def search_range(self, result: RangeTestResult) -> LRSearchRange | None:
        """The range the config's from_range_test entry would get (None without one)."""
        from hypersense.lr import search_range

        if self.entry is None or not result.has_suggestion:
            return None
        return search_range(result, span=self.entry.span, cap_fraction=self.entry.cap_fraction)


def _batch_size_study(
    setup: _Setup,
    sizes: tuple[int, ...],
    options: dict[str, Any],
    study: str | None,
    storage: str | None,
    as_json: bool,
) -> None:
    from hypersense.lr.records import store_batch_size_study
    from hypersense.lr.tasks import task_batch_size_study, task_context

    try:
        result = task_batch_size_study(
            setup.task, batch_sizes=sizes, params=setup.params, **options
        )
    except (HypersenseError, ValueError, TypeError) as exc:
        fail(str(exc))
    stored = None
    if study is not None:
        stored = _on_study(
            study, storage or setup.storage, setup.task, lambda s: store_batch_size_study(s, result)
        )
    if as_json:
        record = {
            "task": setup.task.name,
            "params": task_context(setup.task, setup.params)["params"],
            "study": stored,
            "batch_sizes": result.to_dict(),
        }
        typer.echo(json.dumps(record, indent=2, allow_nan=False))
    else:
        _print_batch_sizes(setup, result, stored)


def _on_study(name: str, url: str | None, task: TorchTask, write: Any) -> str:
    """Create (or load) study ``name`` and let ``write`` store on it; its name."""
    from hypersense.study.management import create_study

    url = url or DEFAULT_STORAGE
    try:
        store = open_storage(url)
        try:
            created = create_study(name, store, direction=task.direction, load_if_exists=True)
            write(created)
            created.close()
        finally:
            store.close()
    except (HypersenseError, ValueError) as exc:
        fail(str(exc))
    return name


def _record(
    setup: _Setup, result: RangeTestResult, lr_range: LRSearchRange | None, study: str | None
) -> dict[str, Any]:
    from hypersense.lr.tasks import task_context

    data = result.to_dict()
    return {
        "task": setup.task.name,
        "params": task_context(setup.task, setup.params)["params"],
        "settings": data["settings"],
        "suggested_lr": data.get("suggested_lr"),
        "interval": data.get("interval"),
        "suggestions": {
            s["rule"]: {"lr": s["lr"], "reason": s["reason"]} for s in data["suggestions"]
        },
        "divergence_lr": data["divergence_lr"],
        "curves": data["curves"],
        "search_range": None if lr_range is None else lr_range.to_dict(),
        "study": study,
    }


def _print_result(
    setup: _Setup, result: RangeTestResult, lr_range: LRSearchRange | None, study: str | None
) -> None:
    out = Console(highlight=False)
    s = result.settings
    out.print(
        Text(
            f"LR range test of {setup.task.name} ({s.optimizer}, batch {s.batch_size}, "
            f"{len(s.seeds)} seed(s) x {s.num_steps} steps, lr {s.start_lr:.3g} to "
            f"{s.end_lr:.3g})"
        ),
        soft_wrap=True,
    )
    if result.has_suggestion:
        low, high = result.interval
        out.print(
            Text(
                f"suggested lr {result.suggested_lr:.3g}, interval [{low:.3g}, {high:.3g}]",
                style="bold",
            )
        )
    else:
        out.print(Text("no suggestion: no rule could read any seed's curve", style="bold red"))
    table = Table(show_header=True, header_style="bold")
    table.add_column("rule")
    table.add_column("lr", justify="right")
    table.add_column("why not")
    for name, said in result.suggestions.items():
        table.add_row(name, "-" if said.lr is None else f"{said.lr:.3g}", said.reason or "")
    out.print(table)
    divergence = result.divergence_lr
    out.print(
        Text(
            f"diverged at lr {divergence:.3g}"
            if divergence is not None
            else f"never diverged up to end_lr {s.end_lr:.3g}"
        )
    )
    if lr_range is not None:
        out.print(
            Text(
                f"search range of the config's from_range_test entry: "
                f"[{lr_range.low:.3g}, {lr_range.high:.3g}] ({lr_range.note})"
            ),
            soft_wrap=True,
        )
    if study is not None:
        out.print(Text(f"stored on study {study!r} (system attribute 'lr_range_test')"))


def _print_batch_sizes(setup: _Setup, result: BatchSizeStudy, study: str | None) -> None:
    out = Console(highlight=False)
    out.print(Text(f"Best learning rate per batch size of {setup.task.name} (range tests)"))
    table = Table(show_header=True, header_style="bold")
    for column in ("batch size", "lr", "interval"):
        table.add_column(column, justify="right")
    for p in result.points:
        table.add_row(str(p.batch_size), f"{p.lr:.3g}", f"[{p.low:.3g}, {p.high:.3g}]")
    out.print(table)
    out.print(Text(result.fit.verdict(), style="bold"), soft_wrap=True)
    for note in result.notes:
        out.print(Text(note, style="yellow"), soft_wrap=True)
    if study is not None:
        out.print(Text(f"stored on study {study!r} (system attribute 'lr_batch_size_study')"))


def _pairs(pairs: list[str]) -> dict[str, Any]:
    import yaml

    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            fail(f"--param must be name=value (got {pair!r})")
        out[name.strip()] = yaml.safe_load(value)
    return out


def _ints(text: str, option: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        fail(f"{option} must be comma-separated integers (got {text!r})")
    if not values:
        fail(f"{option} must name at least one integer (got {text!r})")
    return values
