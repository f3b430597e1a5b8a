"""Pruned trials are left out of the importance analysis, and it says how many."""

from __future__ import annotations

import numpy as np

import hypersense as hs
from hypersense.analysis import importance
from hypersense.report.data.importance_adapter import importance_data_from_result
from hypersense.report.data.snapshot import StudySnapshot

SPACE = {"x": hs.FloatDistribution(0.0, 1.0), "y": hs.FloatDistribution(0.0, 1.0)}


def finished(number: int, x: float, y: float, state: hs.TrialState) -> hs.FrozenTrial:
    """A COMPLETE trial's value depends on x only; a PRUNED one stopped early on
    a much worse value when y is large (a lower budget, not comparable)."""
    complete = state is hs.TrialState.COMPLETE
    value = x if complete else 10.0 + 10.0 * y
    return hs.FrozenTrial(
        number=number,
        state=state,
        values=(value,),
        params={"x": x, "y": y},
        distributions=SPACE,
        intermediate_values={0: value},
    )


def trials() -> list[hs.FrozenTrial]:
    rng = np.random.default_rng(0)
    points = rng.uniform(size=(36, 2))
    states = [hs.TrialState.COMPLETE] * 24 + [hs.TrialState.PRUNED] * 12
    return [finished(i, x, y, s) for i, ((x, y), s) in enumerate(zip(points, states, strict=True))]


def test_pruned_trials_are_left_out_and_counted() -> None:
    result = importance(trials(), method="permutation", surrogate="rf", seed=0)
    assert result.n_trials == 24
    assert any(n.startswith("12 pruned trials left out") for n in result.notes)
    by_name = {p.name: p.importance for p in result.parameters}
    assert by_name["x"] > 5 * by_name["y"]  # y matters only among the pruned values

    snap = StudySnapshot("s", (hs.StudyDirection.MINIMIZE,), tuple(trials()))
    data = importance_data_from_result(result, snap=snap)
    assert data.n_pruned_left_out == 12


def test_no_note_without_pruned_trials() -> None:
    complete = [t for t in trials() if t.state is hs.TrialState.COMPLETE]
    result = importance(complete, method="permutation", surrogate="rf", seed=0)
    assert not any("pruned" in n for n in result.notes)
