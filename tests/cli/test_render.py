"""The best-trial table: value, parameters and their values, then user attributes
summarised (a per-epoch curve by its length and ends, a recipe by its keys)."""

from __future__ import annotations

import io

from rich.console import Console

from hypersense import TrialState
from hypersense.cli.render import attr_summary, params_table
from hypersense.trial import FrozenTrial


def test_the_best_table_summarises_curves_and_recipes() -> None:
    recipe = {f"field_{i}": i for i in range(23)}
    trial = FrozenTrial(
        number=7,
        state=TrialState.COMPLETE,
        values=(0.9812,),
        params={"lr": 0.00316, "batch_size": 64},
        user_attrs={
            "train_loss": [2.3 - 0.1 * i for i in range(20)],
            "recipe": recipe,
            "n_params": 9210,
        },
    )
    buffer = io.StringIO()
    Console(file=buffer, width=100).print(params_table(trial, "accuracy"))
    text = buffer.getvalue()
    assert "accuracy" in text and "0.9812" in text
    assert "lr" in text and "0.00316" in text and "batch_size" in text
    assert "20 values, 2.3 … 0.4" in text
    assert "field_22" not in text and "(23 keys)" in text
    assert "9210" in text
    assert max(len(line) for line in text.splitlines()) <= 100


def test_attr_summary_known_answers() -> None:
    assert attr_summary([1.0, 2.0]) == "[1, 2]"
    assert attr_summary(["a"] * 9) == "9 values"
    assert attr_summary({"a": 1, "b": 0.5}) == "a=1, b=0.5"
    assert attr_summary({"layer": {"edges": [0, 1]}}) == "{layer}"
    assert attr_summary("x" * 100).endswith("…") and len(attr_summary("x" * 100)) == 58
