"""Two budgets: folds and, within each fold, epochs (CrossValidationPruner,
trial.series, cross_validate_trial)."""

from __future__ import annotations

import logging
import re

import numpy as np
import pytest

import hypersense as hs
from hypersense.integrations import cross_validate_trial, fold_series
from hypersense.pruners import (
    CrossValidationPruner,
    MedianPruner,
    PruneDecision,
    SuccessiveHalvingPruner,
    ThresholdPruner,
    WilcoxonPruner,
    make_pruner,
)
from hypersense.pruners.cross_validation import series_history, series_trial
from hypersense.samplers import RandomSampler
from hypersense.trial import FixedTrial
from hypersense.trial.frozen import SystemAttr
from tests.pruners.trials import history

CONTINUE, PRUNE = PruneDecision.CONTINUE, PruneDecision.PRUNE


def cv_trial(
    number: int,
    folds: list[float],
    epochs: dict[int, list[float]],
    *,
    state: hs.TrialState = hs.TrialState.COMPLETE,
    attrs: dict[str, object] | None = None,
) -> hs.FrozenTrial:
    """Fold scores as intermediate values, each fold's epochs as series ``fold<k>``."""
    system: dict[str, object] = {
        SystemAttr.SERIES_PREFIX + fold_series(k): {str(e): v for e, v in enumerate(curve)}
        for k, curve in epochs.items()
    }
    system.update(attrs or {})
    return hs.FrozenTrial(
        number=number,
        state=state,
        values=(float(np.mean(folds)),) if state is hs.TrialState.COMPLETE else None,
        intermediate_values=dict(enumerate(folds)),
        system_attrs=system,
    )


DONE = [
    cv_trial(i, [1.0 + i, 1.0 + i, 1.0 + i], {0: [5.0, 3.0, 1.0 + i], 1: [5.0, 3.0, 1.0 + i]})
    for i in range(5)
]


def test_a_series_view_reads_the_series_as_intermediate_values() -> None:
    trial = cv_trial(
        9, [2.0], {0: [4.0, 3.0]}, state=hs.TrialState.RUNNING, attrs={"passed_rung": 1}
    )
    view = series_trial(trial, "fold0")
    assert dict(view.intermediate_values) == {0: 4.0, 1: 3.0}
    assert "passed_rung" not in view.system_attrs  # recorded about the fold scores
    assert dict(series_trial(trial, "fold1").intermediate_values) == {}
    viewed = series_history(history(DONE), "fold1").trials()
    assert dict(viewed[0].intermediate_values) == {0: 5.0, 1: 3.0, 2: 1.0}


def test_folds_and_epochs_are_judged_by_their_own_pruner() -> None:
    pruner = CrossValidationPruner(
        MedianPruner(n_startup_trials=3), epoch_pruner=ThresholdPruner(upper=4.5)
    )
    h = history(DONE)
    # Fold scores: fold 0 at 10 is worse than the median 3 of the others.
    bad_folds = cv_trial(9, [10.0], {0: [4.0]}, state=hs.TrialState.RUNNING)
    assert pruner.judge(h, bad_folds).decision is PRUNE
    assert pruner.judge_series(h, bad_folds, "fold0").decision is CONTINUE  # 4.0 <= 4.5
    # Within fold 1: epoch 1 at 6.0 is above the threshold; its fold scores are fine.
    bad_epochs = cv_trial(9, [1.0], {1: [4.0, 6.0]}, state=hs.TrialState.RUNNING)
    assert pruner.judge(h, bad_epochs).decision is CONTINUE
    assert pruner.judge_series(h, bad_epochs, "fold1").decision is PRUNE
    assert pruner.judge_series(h, bad_epochs, "fold0").decision is CONTINUE  # no epochs there
    no_epochs = CrossValidationPruner(MedianPruner())
    assert no_epochs.judge_series(h, bad_epochs, "fold1").decision is CONTINUE


def test_what_the_epoch_pruner_records_is_kept_per_fold() -> None:
    pruner = CrossValidationPruner(
        WilcoxonPruner(), epoch_pruner=SuccessiveHalvingPruner(min_resource=1, max_resource=3)
    )
    running = cv_trial(9, [1.0], {1: [4.0, 2.0]}, state=hs.TrialState.RUNNING)
    verdict = pruner.judge_series(history(DONE), running, "fold1")
    assert verdict.decision is CONTINUE
    assert dict(verdict.system_attrs) == {"series_attrs:fold1": {"passed_rung": 1}}
    # Recorded on the trial, it is read back for that fold only.
    recorded = running.replace(system_attrs={**running.system_attrs, **verdict.system_attrs})
    assert series_trial(recorded, "fold1").system_attrs["passed_rung"] == 1
    assert "passed_rung" not in series_trial(recorded, "fold0").system_attrs


def test_options_config_names_and_several_objectives() -> None:
    with pytest.raises(TypeError, match=re.escape("`fold_pruner` must be a Pruner (got 'x')")):
        CrossValidationPruner("x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="`epoch_pruner` must be a Pruner or None"):
        CrossValidationPruner(MedianPruner(), epoch_pruner=3)  # type: ignore[arg-type]
    built = make_pruner(
        "cross_validation",
        {"fold_pruner": "wilcoxon", "epoch_pruner": {"name": "median", "options": {}}},
    )
    assert repr(built).startswith("CrossValidationPruner(fold_pruner=WilcoxonPruner(")
    assert "epoch_pruner=MedianPruner(" in repr(built)
    with pytest.raises(ValueError, match="CrossValidationPruner supports single-objective"):
        hs.create_study(directions=["minimize", "minimize"], pruner=built)


def test_series_handles() -> None:
    trial = FixedTrial({"x": 0.5})
    fold = trial.series("fold0")
    assert fold.suggest_float("x", 0.0, 1.0) == 0.5 and trial.params == {"x": 0.5}
    fold.report(1.0, 0)
    trial.report(2.0, 0)  # not the same step: no warning, both kept
    assert trial.intermediate_values == {0: 2.0}
    assert trial._fixed_backend.series == {"fold0": {0: 1.0}}
    assert not fold.should_prune()
    with pytest.raises(TypeError, match="series 'fold0' takes one number per step"):
        fold.report((1.0, 2.0), 1)
    for bad in ("", "a/b", 3):
        with pytest.raises(ValueError, match="`series` must be a non-empty string"):
            trial.series(bad)  # type: ignore[arg-type]


N_FOLDS, N_EPOCHS = 3, 6
X = np.arange(30.0)


def objective(trial: hs.Trial) -> float:
    """Each fold's epochs descend to ``quality + fold/10``: bad configurations
    (large quality) look bad from their first epochs. A fragile one trains like
    a good one, but its fold scores (measured after training) are 3 worse."""
    quality = trial.suggest_float("quality", 0.0, 1.0)
    fragile = trial.suggest_categorical("fragile", [False, True])

    def fit_and_score(train: np.ndarray, val: np.ndarray, fold: int) -> float:
        epochs = trial.series(fold_series(fold))
        final = quality + fold / 10
        for epoch in range(N_EPOCHS):
            epochs.report(final + 2.0 * quality * (N_EPOCHS - 1 - epoch), epoch)
            if epochs.should_prune():
                raise hs.TrialPruned(f"fold {fold}, epoch {epoch}")
        return final + (3.0 if fragile else 0.0)

    return cross_validate_trial(trial, X, fit_and_score=fit_and_score, cv=N_FOLDS)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_cross_validated_study_is_pruned_between_and_within_folds(
    sqlite_url: str, n_jobs: int, caplog: pytest.LogCaptureFixture
) -> None:
    # Between folds: a fold score above 2 (only fragile trials score so); within a
    # fold: an epoch worse than the median of the other trials' same epoch of that fold.
    pruner = CrossValidationPruner(
        ThresholdPruner(upper=2.0), epoch_pruner=MedianPruner(n_startup_trials=3)
    )
    study = hs.create_study(storage=sqlite_url, sampler=RandomSampler(seed=2), pruner=pruner)
    with caplog.at_level(logging.WARNING):
        study.optimize(objective, n_trials=20, n_jobs=n_jobs)
    assert not [r for r in caplog.records if "reported twice" in r.getMessage()]
    trials = study.trials
    within = between = 0
    for t in trials:
        assert set(t.intermediate_values) <= set(range(N_FOLDS))  # folds only
        folds_run = len(t.user_attrs["cv_fold_scores"])
        epochs = [t.series(fold_series(k)) for k in range(N_FOLDS)]
        assert all(set(e) <= set(range(N_EPOCHS)) for e in epochs)
        if t.state is hs.TrialState.COMPLETE:
            assert folds_run == N_FOLDS and all(len(e) == N_EPOCHS for e in epochs)
        elif t.state is hs.TrialState.PRUNED:
            last = max(k for k in range(N_FOLDS) if epochs[k])
            # Within a fold, its score is missing; between folds, it is there.
            assert folds_run in (last, last + 1)
            within += folds_run == last
            between += folds_run == last + 1
    assert within >= 3 and between >= 1
    assert not any(t.params["fragile"] for t in trials if t.state is hs.TrialState.COMPLETE)
    robust = [t for t in trials if not t.params["fragile"]]
    best = min(robust, key=lambda t: t.params["quality"])
    assert best.state is hs.TrialState.COMPLETE
