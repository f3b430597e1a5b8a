"""The methods compared: hypersense's samplers and the peers, as named entries.

Each entry knows whether it can run here (and why not) and how to run one
optimisation of a problem with a seed and a budget through an
:class:`~benchmarks.sample_efficiency.recording.EvaluationLog`. Tool defaults
are used except where the issue fixes a setting (Optuna TPE: multivariate).
Entries ending in ``-batch4`` propose 4 trials before any of them is told (ask
4, evaluate 4, tell 4), as ``n_jobs=4`` produces: the sampler sees 3 pending
trials at each ask but the first of a batch.
hypersense samplers come from its registry, so samplers that land later are
picked up without changing this file.
"""

from __future__ import annotations

import importlib.util
import subprocess
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from benchmarks.problems.base import Problem
from benchmarks.problems.translation import (
    configspace_space,
    params_from_configspace,
    params_from_skopt,
    skopt_dimensions,
    suggest_params,
)
from benchmarks.sample_efficiency.recording import EvaluationLog

__all__ = ["METHODS", "Method", "package_version", "select_methods"]

RunFunction = Callable[[Problem, EvaluationLog, int, int], None]


@dataclass(frozen=True)
class Method:
    """A named way to minimise a problem.

    Attributes:
        name: Entry name, ``"<tool>:<sampler>"``.
        run: ``run(problem, log, seed, budget)`` makes ``budget`` evaluations through ``log``.
        unavailable_reason: Returns why the method cannot run here, or None.
        tool_version: Returns the tool's package and version.
    """

    name: str
    run: RunFunction
    unavailable_reason: Callable[[], str | None]
    tool_version: Callable[[], str]

    @property
    def tool(self) -> str:
        """``"hypersense"``, ``"optuna"``, ``"skopt"`` or ``"smac"``."""
        return self.name.partition(":")[0]


#: Trials proposed together (pending) by the ``-batch4`` entries.
BATCH_SIZE = 4


def package_version(distribution: str) -> str:
    """The installed version of ``distribution``, or ``"not installed"``."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def _needs_modules(*modules: str) -> Callable[[], str | None]:
    """An availability check: the reason when any of ``modules`` is not installed."""

    def check() -> str | None:
        missing = [m for m in modules if importlib.util.find_spec(m) is None]
        if not missing:
            return None
        return (
            f"not installed: {', '.join(missing)} "
            "(pip install -r benchmarks/requirements-samplers.txt)"
        )

    return check


def _run_in_batches(study: Any, problem: Problem, log: EvaluationLog, budget: int) -> None:
    """``budget`` evaluations of ``problem`` through ``study``'s ask/tell, ``BATCH_SIZE`` at a time.

    Every trial of a batch is asked (and its parameters suggested) before any of
    them is evaluated and told, so the sampler sees the others as pending. The
    study is hypersense's or Optuna's: both have ``ask()`` and ``tell(trial, value)``.
    """
    done = 0
    while done < budget:
        batch = []
        for _ in range(min(BATCH_SIZE, budget - done)):
            trial = study.ask()
            batch.append((trial, suggest_params(trial, problem.space)))
        for trial, params in batch:
            study.tell(trial, log.evaluate(params))
        done += len(batch)


# ----------------------------------------------------------------- hypersense
def _hypersense_commit() -> str:
    """The short git commit of the working tree hypersense is imported from, if any."""
    import hypersense

    src = Path(hypersense.__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=src,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown commit"
    return out.stdout.strip()


def _hypersense_version() -> str:
    return f"hypersense {package_version('hypersense')} @ {_hypersense_commit()}"


def _hypersense_unavailable(sampler: str) -> Callable[[], str | None]:
    def check() -> str | None:
        from hypersense.samplers.registry import sampler_class

        try:
            sampler_class(sampler)
        except Exception as exc:  # a half-landed sampler may fail in any way
            return f"{type(exc).__name__}: {exc}"
        return None

    return check


def _hypersense_run(sampler_name: str, *, batched: bool = False, **options: Any) -> RunFunction:
    """A hypersense sampler's run with constructor ``options``: sequential, or 4
    pending trials at a time (``batched``)."""

    def run(problem: Problem, log: EvaluationLog, seed: int, budget: int) -> None:
        import hypersense as hs
        from hypersense.samplers.registry import make_sampler

        sampler = make_sampler(sampler_name, {"seed": seed, **options})
        study = hs.create_study(sampler=sampler, heartbeat_interval_s=None)
        log.restart_clock()
        if batched:
            _run_in_batches(study, problem, log, budget)
        else:
            study.optimize(
                lambda trial: log.evaluate(suggest_params(trial, problem.space)), n_trials=budget
            )
        study.close()

    return run


# --------------------------------------------------------------------- optuna
def _optuna_sampler(kind: str, seed: int) -> Any:
    import optuna

    if kind == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if kind == "tpe":
        return optuna.samplers.TPESampler(multivariate=True, seed=seed)
    if kind == "gp":
        return optuna.samplers.GPSampler(seed=seed)
    if kind == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    raise ValueError(f"unknown Optuna sampler kind {kind!r}")


def _optuna_run(kind: str, *, batched: bool = False) -> RunFunction:
    """An Optuna sampler's run: sequential, or 4 pending trials at a time (``batched``)."""

    def run(problem: Problem, log: EvaluationLog, seed: int, budget: int) -> None:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            study = optuna.create_study(sampler=_optuna_sampler(kind, seed))
            log.restart_clock()
            if batched:
                _run_in_batches(study, problem, log, budget)
            else:
                study.optimize(
                    lambda trial: log.evaluate(suggest_params(trial, problem.space)),
                    n_trials=budget,
                )

    return run


# ---------------------------------------------------------------------- skopt
#: gp_minimize's own default number of random initial points.
_SKOPT_INITIAL_POINTS = 10


def _skopt_run(problem: Problem, log: EvaluationLog, seed: int, budget: int) -> None:
    """scikit-optimize's ``gp_minimize`` with its default settings."""
    from skopt import gp_minimize

    dimensions = skopt_dimensions(problem.space)
    log.restart_clock()
    with warnings.catch_warnings():
        # gp_minimize warns when its optimiser proposes an already evaluated point
        # (it then evaluates it again); that is its behaviour, not our concern here.
        warnings.filterwarnings("ignore", message="The objective has been evaluated")
        gp_minimize(
            lambda x: log.evaluate(params_from_skopt(problem.space, x)),
            dimensions,
            n_calls=budget,
            n_initial_points=min(_SKOPT_INITIAL_POINTS, budget),
            random_state=seed,
        )


# ---------------------------------------------------------------------- smac
def _smac_run(problem: Problem, log: EvaluationLog, seed: int, budget: int) -> None:
    """SMAC3's ``HyperparameterOptimizationFacade`` (random forest) with its defaults.

    Driven by ask/tell; the problems are deterministic, so ``deterministic=True``
    (no repeated evaluations of a configuration); its run files go to a
    temporary directory.
    """
    import tempfile

    from smac import HyperparameterOptimizationFacade, Scenario
    from smac.runhistory.dataclasses import TrialValue

    with tempfile.TemporaryDirectory(prefix="smac-") as folder:
        scenario = Scenario(
            configspace_space(problem.space, seed),
            deterministic=True,
            n_trials=budget,
            seed=seed,
            output_directory=Path(folder),
        )
        smac = HyperparameterOptimizationFacade(
            scenario, target_function=_unused_target, overwrite=True, logging_level=40
        )
        log.restart_clock()
        for _ in range(budget):
            info = smac.ask()
            value = log.evaluate(params_from_configspace(problem.space, info.config))
            smac.tell(info, TrialValue(cost=value))


def _unused_target(config: Any, seed: int = 0) -> float:
    """SMAC's facade wants a target function; the ask/tell loop above never calls it."""
    raise RuntimeError("the SMAC run is driven by ask/tell")


# -------------------------------------------------------------------- catalog
def _catalog() -> dict[str, Method]:
    methods: dict[str, Method] = {}
    for sampler in ("random", "qmc", "tpe", "gp", "cmaes", "auto"):
        name = f"hypersense:{sampler}"
        methods[name] = Method(
            name, _hypersense_run(sampler), _hypersense_unavailable(sampler), _hypersense_version
        )
    # The default as it was before its first trial took the middle of the ranges.
    methods["hypersense:auto-uniform-first"] = Method(
        "hypersense:auto-uniform-first",
        _hypersense_run("auto", first_trial_at_centre=False),
        _hypersense_unavailable("auto"),
        _hypersense_version,
    )
    # The default with its GP handing over to TPE at 100 finished trials instead of 300.
    methods["hypersense:auto-tpe-from-100"] = Method(
        "hypersense:auto-tpe-from-100",
        _hypersense_run("auto", gp_max_trials=100),
        _hypersense_unavailable("auto"),
        _hypersense_version,
    )
    methods["hypersense:auto-batch4"] = Method(
        "hypersense:auto-batch4",
        _hypersense_run("auto", batched=True),
        _hypersense_unavailable("auto"),
        _hypersense_version,
    )
    optuna_needs: dict[str, tuple[str, ...]] = {
        "random": (),
        "tpe": (),
        "gp": ("torch",),
        "cmaes": ("cmaes",),
    }
    for kind, extra in optuna_needs.items():
        methods[f"optuna:{kind}"] = Method(
            f"optuna:{kind}",
            _optuna_run(kind),
            _needs_modules("optuna", *extra),
            lambda: f"optuna {package_version('optuna')}",
        )
    methods["optuna:tpe-batch4"] = Method(
        "optuna:tpe-batch4",
        _optuna_run("tpe", batched=True),
        _needs_modules("optuna"),
        lambda: f"optuna {package_version('optuna')}",
    )
    methods["skopt:gp"] = Method(
        "skopt:gp",
        _skopt_run,
        _needs_modules("skopt"),
        lambda: f"scikit-optimize {package_version('scikit-optimize')}",
    )
    methods["smac:hpo"] = Method(
        "smac:hpo",
        _smac_run,
        _needs_modules("smac", "ConfigSpace"),
        lambda: f"smac {package_version('smac')}",
    )
    return methods


#: Every method entry, in report order.
METHODS: dict[str, Method] = _catalog()


def select_methods(selectors: list[str]) -> list[str]:
    """Method names for command-line selectors (names, ``<tool>:*`` or ``all``), in order."""
    wanted: set[str] = set()
    for selector in selectors:
        if selector == "all":
            wanted.update(METHODS)
        elif selector.endswith(":*"):
            tool = selector[:-2]
            matched = {m for m in METHODS if m.startswith(f"{tool}:")}
            if not matched:
                raise ValueError(f"no method of tool {tool!r}; choose from {list(METHODS)}")
            wanted.update(matched)
        elif selector in METHODS:
            wanted.add(selector)
        else:
            raise ValueError(f"unknown method {selector!r}; choose from {list(METHODS)}")
    return [m for m in METHODS if m in wanted]
