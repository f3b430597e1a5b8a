"""Turning a study's history into the arrays the Parzen estimators are fitted on.

This is the adapter half of TPE: it reads trials, never models them. For one
group of parameters (a :class:`SearchSpace`) it collects

* completed trials that drew every parameter of the group from the same
  distribution: their encoded points, losses and (optionally) constraint
  violations;
* pruned trials and *pending* trials (running in other workers; their
  ``proposed_params`` say where they will land): points that are always put
  in the bad set. For pending points this is the "constant liar" rule: a
  parallel worker's point is treated as a poor result until it is known, so
  two workers do not propose the same point.

Finished trials never change, so what TPE needs from each (encoded values,
losses, constraint violation) is computed once and kept in a
:class:`RecordCache`, keyed by the trial object the study's trial cache hands
out again at every ask. A long study then costs a few dictionary look-ups per
trial and ask, not a re-encoding of its whole history.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hypersense.direction import to_minimization
from hypersense.fidelity import BudgetObservations
from hypersense.history import StudyHistory
from hypersense.space.base import Distribution
from hypersense.space.search_space import SearchSpace
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = [
    "GroupObservations",
    "HistoryTable",
    "RecordCache",
    "TrialRecord",
    "collect_observations",
    "latest_distributions",
    "param_sets",
    "table_at_budget",
]

#: Returns the total constraint violation of a completed trial (0 = feasible).
ViolationOf = Callable[[FrozenTrial], float]


@dataclass(eq=False)
class TrialRecord:
    """What TPE needs from one finished trial.

    Attributes:
        number: The trial's number.
        distributions: Parameter name to its distribution.
        units: Parameter name to its encoded value.
        keys: ``(name, token)`` pairs, ``token`` naming the distribution, so
            "drew this group from the same distributions" is a subset test.
        losses: Objective values in minimisation form (completed trials), or None.
        trial: The trial itself.
        violation: Total constraint violation of a completed trial, filled in by
            :meth:`RecordCache.violations` the first time it is needed.
        bad_weight: Weight of the trial as a bad observation (pruned records),
            in (0, 1]; below 1 for a trial stopped below a multi-fidelity
            model's level (:func:`table_at_budget`).
    """

    number: int
    distributions: Mapping[str, Distribution]
    units: Mapping[str, float]
    keys: frozenset[tuple[str, int]]
    losses: tuple[float, ...] | None
    trial: FrozenTrial
    violation: float | None = None
    bad_weight: float = 1.0


@dataclass(frozen=True, eq=False)
class HistoryTable:
    """The records of one history snapshot, by state.

    Attributes:
        completed: COMPLETE trials with finite values, in number order.
        pruned: PRUNED trials, in number order.
        running: RUNNING trials (raw: they still change).
    """

    completed: tuple[TrialRecord, ...]
    pruned: tuple[TrialRecord, ...]
    running: tuple[FrozenTrial, ...]


@dataclass(frozen=True, eq=False)
class GroupObservations:
    """What the history says about one group of parameters.

    Attributes:
        completed_points: Shape ``(n, d)``, encoded points of completed trials.
        losses: Shape ``(n, k)``, their objective values in minimisation form.
        violations: Shape ``(n,)`` total constraint violations, or None when
            the study has no constraints.
        bad_points: Shape ``(p, d)``, points of pruned and pending trials.
        bad_weights: Shape ``(p,)``, their weights as bad observations.
    """

    completed_points: NDArray[np.float64]
    losses: NDArray[np.float64]
    violations: NDArray[np.float64] | None
    bad_points: NDArray[np.float64]
    bad_weights: NDArray[np.float64]


class RecordCache:
    """Records of finished trials, computed once per trial object.

    Args:
        violation_of: Total constraint violation of a completed trial, or None
            when the study has no constraints.
    """

    def __init__(self, violation_of: ViolationOf | None) -> None:
        self._violation_of = violation_of
        self._records: dict[int, tuple[FrozenTrial, TrialRecord | None]] = {}
        self._tokens: dict[Distribution, int] = {}
        self._last: tuple[StudyHistory, HistoryTable] | None = None

    def token(self, distribution: Distribution) -> int:
        """A small integer naming ``distribution`` (equal distributions share one)."""
        token = self._tokens.get(distribution)
        if token is None:
            token = self._tokens[distribution] = len(self._tokens)
        return token

    def space_keys(self, space: SearchSpace) -> frozenset[tuple[str, int]]:
        """The ``(name, token)`` pairs a record must hold to belong to ``space``."""
        return frozenset((name, self.token(dist)) for name, dist in space.items())

    def _record(self, trial: FrozenTrial, history: StudyHistory) -> TrialRecord:
        losses = None
        if trial.state is TrialState.COMPLETE:
            assert trial.values is not None
            losses = tuple(to_minimization(np.array([trial.values]), history.directions)[0])
        dists = dict(trial.distributions)
        return TrialRecord(
            number=trial.number,
            distributions=dists,
            units={name: dists[name].to_unit(value) for name, value in trial.params.items()},
            keys=frozenset((name, self.token(d)) for name, d in dists.items()),
            losses=losses,
            trial=trial,
        )

    def violations(self, records: list[TrialRecord]) -> NDArray[np.float64] | None:
        """Total constraint violation of each completed record (None without constraints).

        Each trial's constraints are evaluated once, the first time they are needed.
        """
        if self._violation_of is None:
            return None
        for record in records:
            if record.violation is None:
                record.violation = self._violation_of(record.trial)
        return np.array([r.violation for r in records], dtype=float)

    def table(self, history: StudyHistory) -> HistoryTable:
        """The records of ``history`` (memoised for the last history object seen)."""
        last = self._last
        if last is not None and last[0] is history:
            return last[1]
        # Rebuilt every time so that records of trials no longer handed out are dropped;
        # a kept record holds its trial, so an id is never reused while cached.
        # A COMPLETE trial without finite values is cached as None (not modelled).
        records: dict[int, tuple[FrozenTrial, TrialRecord | None]] = {}
        completed: list[TrialRecord] = []
        pruned: list[TrialRecord] = []
        for trial in history.trials((TrialState.COMPLETE, TrialState.PRUNED)):
            hit = self._records.get(id(trial))
            if hit is not None and hit[0] is trial:
                record = hit[1]
            elif trial.state is TrialState.COMPLETE and not trial.is_valid_value():
                record = None
            else:
                record = self._record(trial, history)
            records[id(trial)] = (trial, record)
            if record is not None:
                (completed if record.losses is not None else pruned).append(record)
        self._records = records
        table = HistoryTable(tuple(completed), tuple(pruned), history.running())
        self._last = (history, table)
        return table


def table_at_budget(table: HistoryTable, observations: BudgetObservations) -> HistoryTable:
    """``table`` as a multi-fidelity model sees it: the trials observed at the
    budget level, with their losses there, as the modelled ones; running
    trials as they are; as bad points, the trials that diverged (weight 1)
    and those stopped below the level, weighted by how well the level they
    lost at ranks trials like this one
    (:attr:`~hypersense.fidelity.BudgetObservations.below_weights`).

    Counting every trial stopped below as fully bad, as if ranks never changed
    between levels, pushed the model away from the slow starters that end
    best when learning curves cross; leaving them all out, as BOHB does,
    throws away what low rungs do say when ranks persist. A weight of 0
    leaves a trial out.
    """
    by_number = {r.number: r for r in (*table.completed, *table.pruned)}
    observed = tuple(
        dataclasses.replace(by_number[t.number], losses=(float(loss),))
        for t, loss in zip(observations.trials, observations.losses, strict=True)
        if t.number in by_number
    )
    below = tuple(
        dataclasses.replace(by_number[t.number], losses=None, bad_weight=float(w))
        for t, w in zip(observations.stopped_below, observations.below_weights, strict=True)
        if t.number in by_number and w > 0.0
    )
    diverged = tuple(
        dataclasses.replace(by_number[t.number], losses=None)
        for t in observations.diverged
        if t.number in by_number
    )
    bad = tuple(sorted((*below, *diverged), key=lambda r: r.number))
    return HistoryTable(observed, bad, table.running)


def _pending_row(trial: FrozenTrial, space: SearchSpace) -> list[float] | None:
    """Encoded point of a running trial in ``space``, if known for every parameter."""
    values = trial.proposed_params
    dists = trial.distributions
    row = []
    for name, dist in space.items():
        if name not in values:
            return None
        drawn_from: Distribution | None = dists.get(name)
        if drawn_from is not None and drawn_from != dist:
            return None
        if drawn_from is None and not dist.contains(values[name]):
            return None
        row.append(dist.to_unit(values[name]))
    return row


def _rows(records: list[TrialRecord], names: tuple[str, ...]) -> NDArray[np.float64]:
    out = np.empty((len(records), len(names)))
    for j, name in enumerate(names):
        out[:, j] = [r.units[name] for r in records]
    return out


def collect_observations(
    table: HistoryTable,
    space: SearchSpace,
    space_keys: frozenset[tuple[str, int]],
    *,
    n_objectives: int,
    current_number: int,
    include_pending: bool,
    violations: Callable[[list[TrialRecord]], NDArray[np.float64] | None] | None = None,
) -> GroupObservations:
    """Collect the observations of the parameters of ``space``.

    Args:
        table: The records of the history.
        space: The group of parameters to collect.
        space_keys: ``RecordCache.space_keys(space)``.
        n_objectives: Number of objectives (columns of the losses).
        current_number: The trial being proposed for; never its own observation.
        include_pending: Add running trials' proposed points as bad points.
        violations: Total constraint violations of completed records
            (``RecordCache.violations``), or None without constraints.
    """
    names = space.names
    completed = [r for r in table.completed if space_keys <= r.keys]
    pruned = [r for r in table.pruned if space_keys <= r.keys]
    bad = _rows(pruned, names)
    bad_weights = np.array([r.bad_weight for r in pruned], dtype=float)
    if include_pending:
        pending = [
            row
            for t in table.running
            if t.number != current_number and (row := _pending_row(t, space)) is not None
        ]
        if pending:
            bad = np.concatenate([bad, np.array(pending)], axis=0)
            bad_weights = np.concatenate([bad_weights, np.ones(len(pending))])
    losses = np.array([r.losses for r in completed], dtype=float).reshape(-1, n_objectives)
    return GroupObservations(
        completed_points=_rows(completed, names),
        losses=losses,
        violations=None if violations is None else violations(completed),
        bad_points=bad,
        bad_weights=bad_weights,
    )


def latest_distributions(records: tuple[TrialRecord, ...]) -> dict[str, Distribution]:
    """Each parameter's distribution in the last record that has it, names in
    order of first appearance."""
    # Records with equal keys drew the same parameters from the same distributions:
    # only the last record of each distinct key set matters.
    last_of_keys: dict[frozenset[tuple[str, int]], TrialRecord] = {}
    for record in records:
        last_of_keys[record.keys] = record
    order = dict.fromkeys(name for r in last_of_keys.values() for name in r.distributions)
    latest: dict[str, Distribution] = {}
    for record in sorted(last_of_keys.values(), key=lambda r: r.number):
        latest.update(record.distributions)
    return {name: latest[name] for name in order}


def param_sets(
    records: tuple[TrialRecord, ...], keys: tuple[tuple[str, int], ...]
) -> list[list[str]]:
    """The distinct sets of names of ``keys`` (in that order) that records drew from
    those distributions, in order of first appearance.

    Duplicates are dropped: they do not change a co-occurrence decomposition.
    """
    distinct = dict.fromkeys(r.keys for r in records)
    return [[name for name, token in keys if (name, token) in ks] for ks in distinct]
