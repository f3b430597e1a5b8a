"""fit() inside a study: reports, pruning stops training, attributes, budgets."""

from __future__ import annotations

import json

import torch

import hypersense as hs
from hypersense.history import StudyHistory
from hypersense.pruners import PruneDecision, Pruner, TrialAssignment
from hypersense.report import build_report
from hypersense.samplers import RandomSampler
from hypersense.torch import RecipeSpace, StopReason, TrainingAttr, TrainingRecipe, fit
from hypersense.trial import FrozenTrial
from tests.torch.helpers import ScalarModel, accuracy, blobs, mean_output, mlp, scalar_data

X, Y = blobs(120, seed=9)
SMALL = RecipeSpace().narrow({"batch_size": [16, 32]})


class PruneFromStep(Pruner):
    """Prunes every trial once it has reported ``step``; may grant a budget."""

    def __init__(self, step: int, budget: float | None = None) -> None:
        self._step = step
        self._budget = budget

    def assign(self, history: StudyHistory, number: int) -> TrialAssignment:
        return TrialAssignment(budget=self._budget)

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        last = trial.last_step
        return (
            PruneDecision.PRUNE
            if last is not None and last >= self._step
            else PruneDecision.CONTINUE
        )


class CountingScalar(ScalarModel):
    """Counts the forward passes made in training mode (one per optimiser step)."""

    train_forwards = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            CountingScalar.train_forwards += 1
        return super().forward(x)


def test_a_pruned_trial_stops_training_and_keeps_its_curves() -> None:
    CountingScalar.train_forwards = 0
    study = hs.create_study(pruner=PruneFromStep(2), sampler=RandomSampler(seed=0))

    def objective(trial: hs.Trial) -> float:
        recipe = TrainingRecipe(optimizer="sgd", lr=0.1, batch_size=4)
        return fit(
            lambda: CountingScalar(1.0),
            train=scalar_data(12),
            val=scalar_data(2),
            loss=mean_output,
            hparams=recipe,
            trial=trial,
            max_epochs=50,
        ).best_value

    study.optimize(objective, n_trials=1)
    (trial,) = study.trials
    assert trial.state is hs.TrialState.PRUNED
    assert CountingScalar.train_forwards == 3 * 3  # epochs 0, 1, 2 of three steps each
    assert sorted(trial.intermediate_values) == [0, 1, 2]
    assert trial.user_attrs[TrainingAttr.VAL_LOSS] == [
        trial.intermediate_values[s] for s in (0, 1, 2)
    ]
    assert len(trial.user_attrs[TrainingAttr.TRAIN_LOSS]) == 3
    assert trial.user_attrs[TrainingAttr.STOP_REASON] == "pruned"


def test_without_raising_a_pruned_run_returns_its_result() -> None:
    study = hs.create_study(pruner=PruneFromStep(1))
    trial = study.ask()
    result = fit(
        mlp,
        train=(X[:90], Y[:90]),
        val=(X[90:], Y[90:]),
        loss=torch.nn.functional.cross_entropy,
        hparams=trial,
        space=SMALL,
        max_epochs=5,
        raise_pruned=False,
    )
    assert result.pruned and result.stop_reason is StopReason.PRUNED and result.n_epochs == 2


def test_a_complete_trial_stores_json_curves_lr_n_params_and_the_recipe() -> None:
    study = hs.create_study(direction="maximize", sampler=RandomSampler(seed=3))
    results = []

    def objective(trial: hs.Trial) -> float:
        result = fit(
            mlp,
            train=(X[:90], Y[:90]),
            val=(X[90:], Y[90:]),
            loss=torch.nn.functional.cross_entropy,
            metric=accuracy,
            direction="maximize",
            hparams=trial,
            space=SMALL,
            max_epochs=3,
        )
        results.append(result)
        return result.best_value

    study.optimize(objective, n_trials=2)
    for trial, result in zip(study.trials, results, strict=True):
        assert trial.state is hs.TrialState.COMPLETE, trial.fail_reason
        attrs = dict(trial.user_attrs)
        assert attrs == json.loads(json.dumps(result.to_attrs()))
        assert attrs[TrainingAttr.VAL_METRIC] == [trial.intermediate_values[s] for s in range(3)]
        assert attrs[TrainingAttr.N_PARAMS] == 4 * 16 + 16 + 16 * 3 + 3
        assert len(attrs[TrainingAttr.LR]) == 3 and attrs[TrainingAttr.STOP_REASON] == "max_epochs"
        assert TrainingRecipe.from_dict(attrs[TrainingAttr.RECIPE]) == result.recipe
        assert SMALL.recipe_from_params(trial.params) == result.recipe
        assert trial.value == result.best_value
        # The final model's weights, layer by layer: what the report's figure reads.
        hists = attrs[TrainingAttr.WEIGHT_HISTOGRAMS]
        assert list(hists) == ["0", "3"]  # the two Linear layers of the MLP, no biases
        assert [sum(h["counts"]) for h in hists.values()] == [4 * 16, 16 * 3]
        first = result.model[0].weight.detach()
        assert hists["0"]["edges"][0] == float(first.min())
        assert hists["0"]["edges"][-1] == float(first.max())
    report = build_report(study)
    weights = report.figures["weight_distribution"]
    assert weights is not None and [layer.layer for layer in weights.layers] == ["0", "3"]


def test_a_budget_granted_by_the_pruner_caps_the_epochs() -> None:
    study = hs.create_study(pruner=PruneFromStep(99, budget=2.0))
    trial = study.ask()
    result = fit(
        lambda: ScalarModel(1.0),
        train=scalar_data(4),
        val=scalar_data(2),
        loss=mean_output,
        hparams={"optimizer": "sgd", "batch_size": 4},
        trial=trial,
        max_epochs=10,
    )
    assert result.n_epochs == 2 and result.stop_reason is StopReason.MAX_EPOCHS


def test_a_budget_stops_the_run_early_without_annealing_its_schedule() -> None:
    # A cosine schedule over max_epochs=10: a run granted 2 epochs must use the
    # rates of the first 2 epochs of the 10-epoch schedule, not a whole cosine
    # squeezed into 2 epochs; the horizon and the planned curve are stored.
    hparams = {"optimizer": "sgd", "lr": 0.1, "batch_size": 2, "schedule": "cosine"}
    common = dict(train=scalar_data(4), val=scalar_data(2), loss=mean_output, hparams=hparams)
    full = fit(lambda: ScalarModel(1.0), max_epochs=10, **common)
    study = hs.create_study(pruner=PruneFromStep(99, budget=2.0))
    trial = study.ask()
    short = fit(lambda: ScalarModel(1.0), trial=trial, max_epochs=10, **common)
    assert short.n_epochs == 2 and short.lr == full.lr[:2]
    assert short.val_loss == full.val_loss[:2]  # the same steps, hence the same weights
    assert short.horizon_epochs == 10 and short.steps_per_epoch == 2
    attrs = study.trials[0].user_attrs
    assert attrs[TrainingAttr.HORIZON_EPOCHS] == 10
    plan = attrs[TrainingAttr.LR_PLAN]
    assert plan["steps"] == list(range(20)) and plan["steps_per_epoch"] == 2
    assert plan["lrs"][0] == 0.1 and plan["lrs"][-1] < 0.01  # the whole horizon's cosine


def test_a_failing_run_still_leaves_its_curves_on_the_trial() -> None:
    calls = {"n": 0}

    def loss_that_breaks(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        calls["n"] += 1
        if calls["n"] > 5:  # 2 epochs of (1 training + 1 validation) batches, then one more
            raise RuntimeError("out of memory, say")
        return outputs.mean()

    study = hs.create_study()

    def objective(trial: hs.Trial) -> float:
        return fit(
            lambda: ScalarModel(1.0),
            train=scalar_data(4),
            val=scalar_data(2),
            loss=loss_that_breaks,
            hparams={"batch_size": 4},
            trial=trial,
            max_epochs=5,
        ).best_value

    study.optimize(objective, n_trials=1, catch=RuntimeError)
    (trial,) = study.trials
    assert trial.state is hs.TrialState.FAIL
    assert len(trial.user_attrs[TrainingAttr.TRAIN_LOSS]) == 2
    assert trial.user_attrs[TrainingAttr.STOP_REASON] == "failed"


def test_a_trial_and_a_dict_are_the_same_recipe_under_the_same_seed() -> None:
    params = {
        "optimizer": "adam",
        "lr": 0.01,
        "weight_decay": 1e-4,
        "schedule": "constant",
        "batch_size": 16,
    }
    common = {
        "train": (X[:90], Y[:90]),
        "val": (X[90:], Y[90:]),
        "loss": torch.nn.functional.cross_entropy,
        "max_epochs": 2,
    }
    from_trial = fit(mlp, hparams=hs.FixedTrial(params, seed=4), **common)
    from_dict = fit(mlp, hparams=params, seed=4, **common)
    assert from_trial.recipe == from_dict.recipe
    assert from_trial.train_loss == from_dict.train_loss


def test_trials_in_worker_processes_store_their_curves() -> None:
    study = hs.create_study(sampler=RandomSampler(seed=1))

    def objective(trial: hs.Trial) -> float:
        return fit(
            lambda: ScalarModel(1.0),
            train=scalar_data(8),
            val=scalar_data(2),
            loss=mean_output,
            hparams=trial,
            space=SMALL.fix({"batch_size": 4}),
            max_epochs=2,
            n_threads=1,
        ).best_value

    study.optimize(objective, n_trials=2, n_jobs=2)
    for trial in study.trials:
        assert trial.state is hs.TrialState.COMPLETE, trial.fail_reason
        assert len(trial.user_attrs[TrainingAttr.VAL_LOSS]) == 2
