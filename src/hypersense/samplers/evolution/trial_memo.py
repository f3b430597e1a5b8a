"""In-memory memos over finished trials, so an ask costs little more than a scan.

A finished trial never changes, and the study hands samplers the *same*
:class:`~hypersense.trial.frozen.FrozenTrial` object for it ask after ask. The
memos here key on that object's identity (holding a reference, so the id
cannot be reused while cached): what a sampler derives from a finished trial
(its tag, its encoded point, its loss) is computed once. They are caches only:
dropping them (pickling a sampler does) changes no result.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

from hypersense.samplers.space_inference import intersection_space
from hypersense.space.base import Distribution
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import FrozenTrial

__all__ = ["IncrementalIntersection", "TrialMemo"]

T = TypeVar("T")

# A memo is cleared when it holds this many more entries than the history has
# trials (the sampler moved to another study, or the search space changed).
_SLACK = 256


class TrialMemo(Generic[T]):
    """``compute(trial)`` for finished trials, computed once per trial and context.

    Running trials are always recomputed (their proposal and params grow).
    """

    def __init__(self) -> None:
        self._context: Hashable = None
        self._items: dict[int, tuple[FrozenTrial, T]] = {}

    def get(self, trial: FrozenTrial, compute: Callable[[FrozenTrial], T]) -> T:
        """The memoised value for ``trial`` (computed now if new or still running)."""
        hit = self._items.get(id(trial))
        if hit is not None and hit[0] is trial:  # only finished trials are stored
            return hit[1]
        value = compute(trial)
        if not trial.state.is_finished:
            return value
        self._items[id(trial)] = (trial, value)
        return value

    def begin(self, context: Hashable, n_trials: int) -> None:
        """Start an ask: values depend on ``context`` (e.g. the search space), and
        the history holds ``n_trials`` trials. A new context clears the memo."""
        if context != self._context or len(self._items) > n_trials + _SLACK:
            self._items.clear()
            self._context = context


class IncrementalIntersection:
    """:func:`~hypersense.samplers.space_inference.intersection_space`, updated
    with the trials not seen before instead of recomputed over all of them.

    Gives exactly the batch result, ordered like the first trial's parameters.
    """

    def __init__(self) -> None:
        self._seen: dict[int, FrozenTrial] = {}
        self._common: dict[str, Distribution] = {}

    def __call__(self, trials: Sequence[FrozenTrial]) -> SearchSpace:
        """The parameters shared, with one distribution, by all ``trials``."""
        if not trials:
            self._seen, self._common = {}, {}
            return SearchSpace()
        fresh = [t for t in trials if self._seen.get(id(t)) is not t]
        if not self._seen or len(trials) - len(fresh) != len(self._seen):
            # Some trial folded in before is gone (another history): start over.
            self._seen = {id(t): t for t in trials}
            self._common = dict(intersection_space(trials, include_single=True))
        else:
            for trial in fresh:
                self._seen[id(trial)] = trial
                for name in list(self._common):
                    if trial.distributions.get(name) != self._common[name]:
                        del self._common[name]
        order = trials[0].distributions
        return SearchSpace(
            {
                name: order[name]
                for name in order
                if name in self._common and not self._common[name].is_single
            }
        )
