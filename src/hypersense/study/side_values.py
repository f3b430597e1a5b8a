"""Values a running trial reports besides its intermediate values.

Two kinds, both stored as system attributes of the trial (JSON objects keyed
by step, written whole at each report) so that the intermediate-values table
and every existing database keep their one number per step:

- the *intermediate vectors* of a study with several objectives
  (``trial.report((loss, latency), step)``), under ``intermediate_vectors``;
- *side series* (``series:<name>``), e.g. the epochs of one cross-validation
  fold, whose steps would otherwise collide with the folds' own steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["check_vector", "with_side_value"]


def check_vector(number: int, step: int, values: tuple[float, ...], n_objectives: int) -> None:
    """ValueError unless ``values`` has one value per objective."""
    if len(values) != n_objectives:
        raise ValueError(
            f"trial {number} reported {len(values)} values at step {step}, but the study has "
            f"{n_objectives} objective(s): report one number per step, or a tuple of one value "
            "per objective"
        )


def with_side_value(
    stored: Mapping[str, Any] | None, step: int, value: Any
) -> dict[str, Any] | None:
    """``stored`` with ``step: value`` added, or None when the step is already
    there (its first value wins, as for intermediate values)."""
    out = dict(stored or {})
    if str(step) in out:
        return None
    out[str(step)] = value
    return out
