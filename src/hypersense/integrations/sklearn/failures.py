"""What a search says about failed fits: a warning when some failed, an error when
no candidate is left to choose, both quoting the first error."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hypersense.errors import HypersenseError
from hypersense.integrations.sklearn.results import Candidate

__all__ = ["SearchFailedError", "raise_if_none_finished", "warn_about_failed_fits"]


class SearchFailedError(HypersenseError, ValueError):
    """No candidate of a search has a finite mean score, so none can be chosen."""


def _fit_errors(candidates: Sequence[Candidate]) -> list[str]:
    """Error texts of the failed fits, in trial and fold order."""
    return [f.error for c in candidates for f in c.folds if f is not None and f.error]


def raise_if_none_finished(
    results: Mapping[str, Any], candidates: Sequence[Candidate], metric: str
) -> None:
    """Raise :class:`SearchFailedError` when no candidate has a finite mean
    ``metric`` score (``GridSearchCV`` raises when every fit failed), quoting the
    first failed fit, else the first trial's fail reason."""
    means = results[f"mean_test_{metric}"]
    if np.isfinite(means).any():
        return
    states = sorted(set(results["trial_state"]))
    errors = _fit_errors(candidates)
    reasons = [c.fail_reason for c in candidates if c.fail_reason]
    if errors:
        cause = f"; the first of {len(errors)} failed fits: {errors[0]}"
    elif reasons:
        cause = f"; the first trial's fail reason: {reasons[0]}"
    else:
        cause = ""
    raise SearchFailedError(
        f"none of the {len(means)} candidates has a finite mean {metric!r} score "
        f"(trial states: {states}){cause}"
    )


def warn_about_failed_fits(candidates: Sequence[Candidate]) -> None:
    """Warn with a FitFailedWarning, as ``GridSearchCV`` does, when some fits failed."""
    from sklearn.exceptions import FitFailedWarning

    errors = _fit_errors(candidates)
    if not errors:
        return
    n_fits = sum(f is not None for c in candidates for f in c.folds)
    warnings.warn(
        f"{len(errors)} of the {n_fits} fits failed and got `error_score`; the first error: "
        f"{errors[0]}",
        FitFailedWarning,
        stacklevel=4,
    )
