"""The configs in examples/ load, build and run (the digits one kept tiny)."""

from __future__ import annotations

from pathlib import Path

import hypersense as hs
from hypersense.config import build_run, load_config, run_config
from hypersense.pruners import plan_budget
from hypersense.tasks.sklearn_digits import DigitsMLPTask

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_every_example_config_builds() -> None:
    configs = sorted(EXAMPLES.glob("*.yaml"))
    assert [p.name for p in configs] == ["digits_mlp.yaml", "hyperband.yaml", "quadratic.yaml"]
    for path in configs:
        spec = build_run(load_config(path))
        assert spec.n_trials is not None and spec.n_trials > 0


def test_hyperband_example_prunes_and_spends_within_its_plan(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hb.db'}"
    config = load_config(EXAMPLES / "hyperband.yaml")
    status = run_config(config, storage=url)
    assert status.n_done == 40 and status.reached_target
    trials = hs.load_study("hyperband-curves", url).trials
    pruned = [t for t in trials if t.state is hs.TrialState.PRUNED]
    assert pruned and all(t.state in (hs.TrialState.COMPLETE, hs.TrialState.PRUNED) for t in trials)
    spec = build_run(config)
    plan = plan_budget(spec.pruner, 40, trials=trials)
    assert plan.trials_run == 40 and plan.steps_spent is not None
    # The objective reports every epoch, so the steps spent are the epochs trained.
    assert plan.steps_spent == sum((t.last_step or 0) + 1 for t in trials)
    assert plan.steps_at_least <= plan.steps_spent < plan.steps_at_most
    # The optimum of the simulated curve is near lr = 1e-2 and the widest layer.
    best = status.best_trials[0]
    assert 1e-3 < best.params["lr"] < 1e-1


def test_quadratic_example_runs_to_its_target_and_finds_the_bowl(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    status = run_config(load_config(EXAMPLES / "quadratic.yaml"), storage=url)
    assert status.study_name == "quadratic" and status.n_done == 20 and status.reached_target
    trials = hs.load_study("quadratic", url).trials
    assert all(t.state is hs.TrialState.COMPLETE for t in trials)
    for t in trials:  # the ridge shape suggests a second parameter, the bowl does not
        assert ("y" in t.params) == (t.params["shape"] == "ridge")
        assert t.params["scale"] == 2.0
    best = status.best_trials[0]
    # Known answer: 2 (x - 1)^2 >= 0 on the bowl, >= 0.5 on the ridge; 20 random
    # draws of x in [-5, 5] land within 0.5 of x = 1 with probability 1 - 0.95^20 > 0.6,
    # so only bound the value loosely and check its formula exactly.
    assert best.values is not None
    if best.params["shape"] == "bowl":
        assert best.values[0] == 2.0 * (best.params["x"] - 1.0) ** 2
    assert best.values[0] <= min(t.values[0] for t in trials if t.values is not None)


def test_digits_example_runs_a_tiny_version(tmp_path: Path) -> None:
    config = load_config(EXAMPLES / "digits_mlp.yaml")
    tiny = config.model_copy(update={"n_trials": 2, "task_options": {"max_iter": 3}})
    status = run_config(tiny, storage=f"sqlite:///{tmp_path / 'd.db'}")
    assert status.study_name == "digits-mlp" and status.n_done == 2
    assert isinstance(status.task, DigitsMLPTask)
    for trial in hs.load_study("digits-mlp", f"sqlite:///{tmp_path / 'd.db'}").trials:
        assert trial.state is hs.TrialState.COMPLETE
        assert 0.0 < trial.objective_value() <= 1.0
        assert trial.params["n_layers"] in (1, 2)  # the example narrows the task's 1-3
