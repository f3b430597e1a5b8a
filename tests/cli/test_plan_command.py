"""``hypersense plan CONFIG.yaml``: the budget plan before a run and after it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hypersense.cli.app import app
from tests.config.helpers import write_config, write_module

runner = CliRunner()


def hyperband_config(tmp_path: Path, name: str, pruner: str, extra: str = "") -> Path:
    """A config whose trials are flat curves improving with the trial number, so
    every trial beats those before it and Hyperband prunes none."""
    module = write_module(
        tmp_path,
        f"plan_obj_{name}",
        """
        import hypersense as hs

        def objective(trial):
            trial.suggest_float("x", 0.0, 1.0)
            for step in range(9):
                trial.report(-float(trial.number), step)
                if trial.should_prune():
                    raise hs.TrialPruned
            return -float(trial.number)
        """,
    )
    return write_config(
        tmp_path,
        f"""
        study_name: planned
        storage: sqlite:///{tmp_path / "plan.db"}
        objective: {module}:objective
        sampler: random
        pruner: {pruner}
        seed: 0
        {extra}
        """,
    )


HYPERBAND = "{name: hyperband, options: {max_resource: 9, reduction_factor: 3}}"


def test_plan_before_and_after_a_run(tmp_path: Path) -> None:
    config = hyperband_config(tmp_path, "run", HYPERBAND, "n_trials: 8")
    before = runner.invoke(app, ["plan", str(config)])
    assert before.exit_code == 0, before.output
    assert "Budget plan of study 'planned'" in before.stdout
    assert "at most 72 (no pruning at all)" in before.stdout  # 8 trials * 9 steps
    assert "reached" not in before.stdout
    planned = json.loads(runner.invoke(app, ["plan", str(config), "--json"]).stdout)
    assert planned["steps_at_most"] == 72 and planned["steps_spent"] is None
    assert [b["n_trials"] for b in planned["brackets"]] == [4, 2, 2]
    assert [[r["step"] for r in b["rows"]] for b in planned["brackets"]] == [
        [1, 3, 8],
        [3, 8],
        [8],
    ]

    assert runner.invoke(app, ["run", str(config)]).exit_code == 0
    after = runner.invoke(app, ["plan", str(config)])
    assert after.exit_code == 0, after.output
    assert "reached" in after.stdout
    assert "spent: 72 steps by 8 trials (0 fewer than without pruning)" in after.stdout
    spent = json.loads(runner.invoke(app, ["plan", str(config), "--json"]).stdout)
    assert spent["steps_spent"] == spent["steps_at_most"] == 72
    for bracket in spent["brackets"]:
        assert [r["reached"] for r in bracket["rows"]] == [r["at_most"] for r in bracket["rows"]]


@pytest.mark.parametrize(
    ("pruner", "extra", "message"),
    [
        (HYPERBAND, "timeout_s: 60", "has no `n_trials`"),
        ("median", "n_trials: 5", "MedianPruner(n_startup_trials=5"),
        ("hyperband", "n_trials: 5", "integer `max_resource`"),
    ],
)
def test_what_cannot_be_planned_exits_2(
    tmp_path: Path, pruner: str, extra: str, message: str
) -> None:
    config = hyperband_config(tmp_path, f"bad{len(extra)}{len(pruner)}", pruner, extra)
    result = runner.invoke(app, ["plan", str(config)])
    assert result.exit_code == 2
    assert message in result.stderr
