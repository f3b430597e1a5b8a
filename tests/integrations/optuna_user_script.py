"""A typical Optuna script, as tutorials write it, with one line changed: the import.

Run by tests/integrations/test_optuna_user_script.py in its own process.
"""

import math
import sys

import hypersense as optuna


def objective(trial):
    classifier = trial.suggest_categorical("classifier", ["SVC", "RandomForest"])
    if classifier == "SVC":
        c = trial.suggest_float("svc_c", 1e-10, 1e10, log=True)
        score = -abs(math.log10(c))
    else:
        depth = trial.suggest_int("rf_max_depth", 2, 32, log=True)
        score = -abs(depth - 8)
    lr = trial.suggest_loguniform("lr", 1e-5, 1e-1)
    dropout = trial.suggest_uniform("dropout", 0.0, 0.5)
    units = trial.suggest_int("units", 16, 256, step=16)
    for epoch in range(10):
        intermediate = score - 1.0 / (epoch + 1) - abs(math.log10(lr) + 3) - dropout
        trial.report(intermediate, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    trial.set_user_attr("units_used", units)
    return intermediate


def multi(trial):
    x = trial.suggest_float("x", 0, 5)
    y = trial.suggest_float("y", 0, 3)
    return 4 * x**2 + 4 * y**2, (x - 5) ** 2 + (y - 5) ** 2


if __name__ == "__main__":
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=42),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=3),
        study_name="tutorial",
        storage=sys.argv[1],
        load_if_exists=True,
    )
    study.optimize(objective, n_trials=30, timeout=600)
    pruned = study.get_trials(deepcopy=False, states=[optuna.trial.TrialState.PRUNED])
    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    print("pruned", len(pruned), "complete", len(complete))
    trial = study.best_trial
    print("best", trial.value, trial.params, study.best_params == trial.params)
    importances = optuna.importance.get_param_importances(study)
    print("importances", list(importances))
    fig = optuna.visualization.plot_optimization_history(study)
    fig = optuna.visualization.plot_intermediate_values(study)
    df = study.trials_dataframe()
    print("df", len(df))
    mo = optuna.create_study(
        directions=["minimize", "minimize"], sampler=optuna.samplers.NSGAIISampler(seed=0)
    )
    mo.optimize(multi, n_trials=40)
    print("front", len(mo.best_trials), all(len(t.values) == 2 for t in mo.best_trials))
    print("names", optuna.get_all_study_names(storage=sys.argv[1]))
