"""Older Optuna suggest calls: the same distribution and value as the modern call, one warning."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import hypersense as hs

_CHECK = """
import json, warnings
import hypersense as hs
from hypersense.samplers import RandomSampler
warnings.simplefilter("always")

def run(objective):
    study = hs.create_study(sampler=RandomSampler(seed=3))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        study.optimize(objective, n_trials=3)
    return study, [str(w.message) for w in caught if issubclass(w.category, FutureWarning)]

old, messages = run(lambda t: t.{old})
new, _ = run(lambda t: t.{new})
print(json.dumps({{
    "same_values": [t.params for t in old.trials] == [t.params for t in new.trials],
    "same_distributions": [t.distributions for t in old.trials]
    == [t.distributions for t in new.trials],
    "messages": messages,
}}))
"""


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("suggest_uniform('x', -2.0, 3.0)", "suggest_float('x', -2.0, 3.0)"),
        ("suggest_loguniform('lr', 1e-5, 1e-1)", "suggest_float('lr', 1e-5, 1e-1, log=True)"),
        (
            "suggest_discrete_uniform('d', 0.0, 1.0, 0.25)",
            "suggest_float('d', 0.0, 1.0, step=0.25)",
        ),
    ],
)
def test_an_old_call_equals_the_modern_one_and_warns_once(old: str, new: str) -> None:
    # A fresh process: "once" is per process.
    code = _CHECK.format(old=old, new=new)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(done.stdout)
    assert result["same_values"] and result["same_distributions"]
    name = old.split("(")[0]
    assert len(result["messages"]) == 1  # three trials, one warning
    assert f"trial.{name}(...) is deprecated" in result["messages"][0]
    assert "use trial.suggest_float(name, low, high" in result["messages"][0]


@pytest.mark.filterwarnings("ignore:trial.suggest_loguniform:FutureWarning")
def test_a_fixed_trial_answers_the_old_calls_too() -> None:
    trial = hs.FixedTrial({"lr": 0.01})
    assert trial.suggest_loguniform("lr", 1e-5, 1e-1) == 0.01
    assert trial.distributions == {"lr": hs.FloatDistribution(1e-5, 1e-1, log=True)}
