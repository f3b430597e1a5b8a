"""A trial's side series: values reported apart from its intermediate values.

A cross-validated objective has two budgets: folds and, within each fold,
epochs. Its fold scores are the trial's intermediate values (step = fold);
the epochs of fold ``k`` go to the side series ``"fold<k>"`` through the
handle :meth:`hypersense.Trial.series` returns, whose ``report`` and
``should_prune`` concern that series only, so a fold's epoch 0 never collides
with the fold scores' step 0 or with another fold's epoch 0.
"""

from __future__ import annotations

from typing import Any

from hypersense.space.base import Distribution
from hypersense.trial.backend import TrialBackend

__all__ = ["SeriesBackend", "check_series_name", "fold_series"]


def check_series_name(name: object) -> str:
    """``name`` if it is a non-empty string without ``/`` (which nests series)."""
    if not isinstance(name, str) or not name or "/" in name:
        raise ValueError(f"`series` must be a non-empty string without '/' (got {name!r})")
    return name


def fold_series(fold: int) -> str:
    """The side series of the epochs of cross-validation fold ``fold``: ``"fold<k>"``."""
    return f"fold{fold}"


class SeriesBackend:
    """Serves a trial handle whose reports and pruning questions go to the side
    series ``series`` of the trial; everything else goes to ``inner`` unchanged."""

    def __init__(self, inner: TrialBackend, series: str) -> None:
        self._inner = inner
        self._series = series

    def suggest(self, number: int, name: str, distribution: Distribution) -> Any:
        return self._inner.suggest(number, name, distribution)

    def report(self, number: int, step: int, value: float | tuple[float, ...]) -> None:
        if isinstance(value, tuple):
            raise TypeError(
                f"series {self._series!r} takes one number per step (got {value!r} at step {step})"
            )
        self._inner.report_series(number, self._series, step, value)

    def report_series(self, number: int, series: str, step: int, value: float) -> None:
        self._inner.report_series(number, f"{self._series}/{series}", step, value)

    def should_prune(self, number: int) -> bool:
        return self._inner.should_prune_series(number, self._series)

    def should_prune_series(self, number: int, series: str) -> bool:
        return self._inner.should_prune_series(number, f"{self._series}/{series}")

    def set_user_attr(self, number: int, key: str, value: Any) -> None:
        self._inner.set_user_attr(number, key, value)

    def set_system_attr(self, number: int, key: str, value: Any) -> None:
        self._inner.set_system_attr(number, key, value)
