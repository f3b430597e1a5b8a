"""Hand-made studies for the report tests: snapshots with known answers, and a
snapshot holding data for every figure."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from hypersense import (
    CategoricalDistribution,
    FloatDistribution,
    FrozenTrial,
    IntDistribution,
    StudyDirection,
    TrialState,
)
from hypersense.report.data import (
    ImportanceData,
    InteractionData,
    InteractionSurface,
    MarginalCurve,
    MarginalData,
    ParameterImportance,
    StudySnapshot,
)
from hypersense.trial import SystemAttr

LR = FloatDistribution(1e-4, 1.0, log=True)
LAYERS = IntDistribution(1, 4)
OPTIMIZER = CategoricalDistribution(("sgd", "adam"))
SPACE = {"lr": LR, "layers": LAYERS, "optimizer": OPTIMIZER}


def trial(
    number: int,
    value: float | Sequence[float] | None,
    *,
    state: TrialState = TrialState.COMPLETE,
    params: Mapping[str, Any] | None = None,
    curve: Sequence[float] = (),
    user_attrs: Mapping[str, Any] | None = None,
    system_attrs: Mapping[str, Any] | None = None,
    started_at: float | None = None,
    duration_s: float = 1.0,
) -> FrozenTrial:
    """A finished trial; ``params`` default to a point of :data:`SPACE`."""
    chosen = dict(params) if params is not None else {"lr": 0.01, "layers": 2, "optimizer": "sgd"}
    values = None if value is None else (value,) if isinstance(value, (int, float)) else value
    start = 1000.0 + number if started_at is None else started_at
    return FrozenTrial(
        number=number,
        state=state,
        values=None if values is None else tuple(float(v) for v in values),
        params=chosen,
        distributions={k: SPACE[k] for k in chosen if k in SPACE},
        intermediate_values={i: float(v) for i, v in enumerate(curve)},
        user_attrs=dict(user_attrs or {}),
        system_attrs={SystemAttr.WORKER: "host:1", **(system_attrs or {})},
        started_at=start,
        completed_at=start + duration_s,
        trial_id=number,
    )


def snapshot(
    trials: Sequence[FrozenTrial],
    *,
    directions: Sequence[StudyDirection] = (StudyDirection.MINIMIZE,),
    name: str = "hand",
    user_attrs: Mapping[str, Any] | None = None,
    system_attrs: Mapping[str, Any] | None = None,
    companions: Mapping[str, StudySnapshot] | None = None,
) -> StudySnapshot:
    """A snapshot of ``trials`` (companions linked as the experiments link them)."""
    links = {f"companion:{k}": v.study_name for k, v in (companions or {}).items()}
    return StudySnapshot(
        study_name=name,
        directions=tuple(directions),
        trials=tuple(trials),
        user_attrs=dict(user_attrs or {}),
        system_attrs={**links, **(system_attrs or {})},
        created_at=1000.0,
        companions=dict(companions or {}),
        storage="InMemoryStorage()",
    )


def importance_data() -> ImportanceData:
    """Importances with intervals; ``optimizer`` is below the noise floor."""
    return ImportanceData(
        method="fANOVA",
        parameters=(
            ParameterImportance("layers", 0.2, 0.1, 0.3),
            ParameterImportance("lr", 0.7, 0.6, 0.8),
            ParameterImportance("optimizer", 0.02, 0.0, 0.05),
        ),
        noise_floor=0.06,
        r2=0.83,
        confidence=0.95,
        n_trials=40,
    )


def marginal_data() -> MarginalData:
    """A model curve for ``lr`` (log axis) and observed-only slices for the others."""
    grid = (1e-4, 1e-3, 1e-2, 1e-1, 1.0)
    return MarginalData(
        "loss",
        (
            MarginalCurve(
                "lr",
                "log",
                grid,
                (4.0, 1.0, 0.0, 1.0, 4.0),
                (3.5, 0.5, -0.4, 0.6, 3.4),
                (4.5, 1.5, 0.4, 1.4, 4.6),
                (1e-3, 1e-2),
                (1.1, 0.1),
            ),
            MarginalCurve(
                "optimizer",
                "categorical",
                ("sgd", "adam"),
                (1.0, 0.5),
                (0.8, 0.3),
                (1.2, 0.7),
                ("sgd", "adam"),
                (1.05, 0.45),
            ),
        ),
        band="95% interval over trees",
    )


def interaction_data() -> InteractionData:
    """One 3 x 2 surface."""
    surface = InteractionSurface(
        "lr",
        "layers",
        "log",
        "linear",
        (1e-3, 1e-2, 1e-1),
        (1, 4),
        ((1.0, 0.5, 0.9), (0.7, 0.1, 0.6)),
        0.12,
    )
    return InteractionData("loss", (surface,), measure="variance share")


def histograms() -> dict[str, Any]:
    """Weight histograms of two layers, as the attribute stores them."""
    return {
        "conv1.weight": {"edges": [-1.0, 0.0, 1.0], "counts": [30, 10]},
        "fc.weight": {"edges": [-0.5, -0.25, 0.0, 0.25, 0.5], "counts": [1, 4, 4, 1]},
    }


def lr_range_test() -> dict[str, Any]:
    """A range test of two seeds as the study's system attribute stores it: a fall
    of the loss centred at lr 1e-3, the second seed diverging at 10^-1.25."""
    from hypersense.lr import RangeTestSettings, Suggestion, lr_ramp, smooth_losses
    from hypersense.lr.result import RangeTestResult, SeedCurve

    settings = RangeTestSettings(
        start_lr=1e-5, end_lr=1.0, num_steps=21, mode="exp", optimizer="sgd", batch_size=32,
        accumulation_steps=1, diverge_factor=4.0, beta=0.5, seeds=(0, 1),
    )  # fmt: skip
    lrs = [float(x) for x in lr_ramp(1e-5, 1.0, 21, "exp")]
    curves = []
    for seed, stop in ((0, 21), (1, 16)):
        losses = [2.3 - 0.1 * i if i < 15 else 2.3 + (i - 15) for i in range(stop)]
        said = (Suggestion("steepest", 1e-3 * (1 + seed)), Suggestion("minimum", 5e-4))
        curves.append(SeedCurve(
            seed, tuple(lrs[:stop]), tuple(losses),
            tuple(float(x) for x in smooth_losses(losses, beta=0.5)),
            lrs[stop - 1] if stop < 21 else None, said,
        ))  # fmt: skip
    combined = {"steepest": Suggestion("steepest", 1.4e-3), "minimum": Suggestion("minimum", 5e-4)}
    result = RangeTestResult(settings, tuple(curves), combined)
    return {**result.to_dict(), "context": {"task": "torch-digits-mlp", "params": {"width": 16}}}


def lr_search_range() -> dict[str, Any]:
    """The search range a config derived from :func:`lr_range_test`."""
    return {
        "low": 1.6e-4, "high": 6.3e-3, "interval": [5e-4, 2e-3], "suggested_lr": 1e-3,
        "divergence_lr": 10**-1.25, "cap": 0.028, "span": 10**0.5, "cap_fraction": 0.5,
        "param": "lr", "note": "interval [0.0005, 0.002] widened 3.16x each way",
    }  # fmt: skip


def lr_batch_size_study() -> dict[str, Any]:
    """A batch-size study with the square-root rule planted."""
    from hypersense.lr import BatchSizePoint, BatchSizeStudy, fit_batch_scaling

    points = [
        BatchSizePoint.from_samples(b, [1e-3 * (b / 32) ** 0.5 * f for f in (0.8, 1.0, 1.25)])
        for b in (16, 32, 64, 128)
    ]
    return BatchSizeStudy(tuple(points), fit_batch_scaling(points), "range_test").to_dict()


def rich_snapshot(n_trials: int = 12) -> StudySnapshot:
    """Completed, pruned and failed trials with curves, training attributes, brackets
    and rungs, on two workers, plus a range test, its search range and a batch-size
    study on the study."""
    trials = []
    for i in range(n_trials):
        lr = 10 ** (-4 + 4 * i / max(n_trials - 1, 1))
        params = {"lr": lr, "layers": 1 + i % 4, "optimizer": ("sgd", "adam")[i % 2]}
        loss = (math.log10(lr) + 2) ** 2 + 0.1 * (i % 4)
        curve = [loss + 1.0 / (s + 1) for s in range(10)]
        tags = {"bracket": str(i % 2), "rungs": "1,3,9"}
        common = dict(
            params=params, system_attrs={SystemAttr.WORKER: f"host:{i % 2}", SystemAttr.TAGS: tags}
        )
        if i % 5 == 4:
            trials.append(trial(i, curve[2], state=TrialState.PRUNED, curve=curve[:3], **common))
        elif i == n_trials - 1:
            trials.append(trial(i, None, state=TrialState.FAIL, **common))
        else:
            attrs = {
                "lr": [lr * 0.5**e for e in range(10)],
                "horizon_epochs": 12,
                "lr_plan": {
                    "steps": [0, 12, 24, 36],
                    "lrs": [lr, lr / 2, lr / 4, lr / 8],
                    "steps_per_epoch": 3,
                },
                "recipe": {
                    "schedule": "exponential",
                    "warmup_fraction": None,
                    "final_lr_ratio": 0.01,
                },
                "n_params": 100 * (1 + i % 4),
                "train_loss": curve,
                "val_loss": curve,
                "weight_histograms": histograms(),
            }
            trials.append(trial(i, curve[-1], curve=curve, user_attrs=attrs, **common))
    system = {
        "lr_range_test": lr_range_test(),
        "lr_search_range": lr_search_range(),
        "lr_batch_size_study": lr_batch_size_study(),
    }
    return snapshot(trials, name="rich", system_attrs=system)


def design_trial(
    number: int, metric: float, params: Mapping[str, Any], **design: Any
) -> FrozenTrial:
    """A companion-study trial of one design point, as the experiments store it."""
    key = repr(sorted(design.items()))
    attrs = {"design_key": key, **{f"design_{k}": v for k, v in design.items()}}
    return trial(number, metric, params=params, user_attrs=attrs)


def with_companions(parent: StudySnapshot) -> StudySnapshot:
    """``parent`` with hand-made local, noise and re-evaluation companion studies
    around its best trial."""
    best = parent.best_trial()
    assert best is not None
    ref = dict(best.params)
    local = [
        design_trial(0, 1.0, ref, reference=True, replicate=0),
        design_trial(1, 1.2, ref, reference=True, replicate=1),
    ]
    for i, (name, value, metric) in enumerate([("lr", 0.5, 3.0), ("layers", 4, 1.5)]):
        for r in range(2):
            local.append(
                design_trial(
                    2 + 2 * i + r,
                    metric + 0.1 * r,
                    {**ref, name: value},
                    parameter=name,
                    value=value,
                    replicate=r,
                )
            )
    noise, reeval = [], []
    ranked = sorted(parent.completed(), key=lambda t: t.objective_value())
    for c, t in enumerate(ranked[:3]):
        for r in range(3):
            noise.append(
                design_trial(
                    len(noise),
                    t.values[0] + 0.05 * r,
                    t.params,  # type: ignore[index]
                    configuration=c,
                    replicate=r,
                )
            )
            reeval.append(
                design_trial(
                    len(reeval),
                    t.values[0] + 0.1 + 0.05 * r,
                    t.params,  # type: ignore[index]
                    rank=c + 1,
                    replicate=r,
                )
            )
    companions = {
        "local": snapshot(local, name=f"{parent.study_name}:local"),
        "noise": snapshot(noise, name=f"{parent.study_name}:noise"),
        "reeval": snapshot(reeval, name=f"{parent.study_name}:reeval"),
    }
    return snapshot(
        parent.trials,
        name=parent.study_name,
        user_attrs=parent.user_attrs,
        system_attrs=parent.system_attrs,
        companions=companions,
    )


def pareto_snapshot() -> StudySnapshot:
    """Two objectives (minimise, maximise) over ten trials."""
    trials = [trial(i, (float(i), float(i * i % 7))) for i in range(10)]
    return snapshot(
        trials, directions=(StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE), name="pareto"
    )
