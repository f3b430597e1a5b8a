"""examples/torch_recipe.py runs end to end (with a tiny budget)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import hypersense as hs

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "torch_recipe.py"


def test_the_digits_recipe_example_tunes_and_stores_curves() -> None:
    spec = importlib.util.spec_from_file_location("torch_recipe_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    study = module.main(n_trials=2, max_epochs=2)
    assert len(study.trials) == 2
    for trial in study.trials:
        assert trial.state is hs.TrialState.COMPLETE, trial.fail_reason
        assert 0.0 <= trial.value <= 1.0
        assert len(trial.user_attrs["val_metric"]) == 2
