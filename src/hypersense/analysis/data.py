"""From a study's trials to encoded design matrices, branch by branch.

Analysis reads a study (or a list of frozen trials with their directions) and
never writes to it. Values are encoded with the search space's one encoding
(:meth:`hypersense.space.SearchSpace.encode_many`: the unit cube, log scales
linear there).

Conditional spaces: an inactive parameter is not a missing value. The whole
study is analysed over the parameters active in *every* trial (so a branch
choice is judged over all trials); each set of parameters that are active
together in only some trials forms a *branch*, analysed over the trials where
it is active, with every parameter active throughout that branch.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense.analysis.quadrature import Quadrature, parameter_quadrature
from hypersense.direction import StudyDirection, parse_direction
from hypersense.history import StudyHistory
from hypersense.space.base import Distribution
from hypersense.space.search_space import SearchSpace
from hypersense.study.study import Study
from hypersense.trial.frozen import FrozenTrial
from hypersense.trial.state import TrialState

__all__ = [
    "AnalysisScope",
    "Design",
    "TrialSource",
    "build_design",
    "collect_trials",
    "find_scopes",
    "pruned_trials_note",
    "replicate_noise_variance",
    "search_space_of",
]

_log = logging.getLogger(__name__)

#: What an analysis reads: a study, a history, or finished trials.
TrialSource = Study | StudyHistory | Sequence[FrozenTrial]


def collect_trials(
    source: TrialSource,
    *,
    directions: Sequence[str | StudyDirection] | None = None,
    objective: int = 0,
) -> tuple[tuple[FrozenTrial, ...], StudyDirection]:
    """The COMPLETE trials with finite values of ``source`` and the direction of
    the analysed objective.

    PRUNED trials are left out: their last values were reached on a smaller
    budget than the complete trials' (see :func:`pruned_trials_note`).

    Args:
        source: A :class:`Study`, a :class:`StudyHistory` or a sequence of
            :class:`FrozenTrial`.
        directions: The directions of a bare sequence of trials (default: one
            ``"minimize"``); ignored for a study or a history, which know theirs.
        objective: Index of the objective to analyse.
    """
    trials, dirs = _source_trials(source, directions)
    if not isinstance(objective, int) or not 0 <= objective < len(dirs):
        raise ValueError(
            f"`objective` must be an index in [0, {len(dirs) - 1}] (got {objective!r})"
        )
    complete = tuple(t for t in trials if t.is_valid_value())
    for t in complete:
        if t.values is not None and len(t.values) != len(dirs):
            raise ValueError(
                f"trial {t.number} has {len(t.values)} values but {len(dirs)} directions were given"
            )
    return complete, dirs[objective]


def pruned_trials_note(source: TrialSource) -> str | None:
    """A note saying how many PRUNED trials an analysis leaves out, or None."""
    trials, _ = _source_trials(source, None)
    n = sum(1 for t in trials if t.state is TrialState.PRUNED)
    if not n:
        return None
    return (
        f"{n} pruned trial{'s' if n > 1 else ''} left out: stopped on a smaller budget, "
        "their values are not comparable with the complete trials'"
    )


def _source_trials(
    source: TrialSource, directions: Sequence[str | StudyDirection] | None
) -> tuple[Sequence[FrozenTrial], tuple[StudyDirection, ...]]:
    if isinstance(source, Study):
        return source.trials, source.directions
    if isinstance(source, StudyHistory):
        return source.trials(), source.directions
    if isinstance(source, Sequence) and all(isinstance(t, FrozenTrial) for t in source):
        given = ["minimize"] if directions is None else list(directions)
        return source, tuple(parse_direction(d) for d in given)
    raise TypeError(
        "`study` must be a Study, a StudyHistory or a sequence of FrozenTrial "
        f"(got {type(source).__name__})"
    )


def search_space_of(trials: Sequence[FrozenTrial]) -> SearchSpace:
    """Every parameter any trial used, in first-seen order, each with the
    distribution of the latest trial that used it."""
    latest: dict[str, Distribution] = {}
    order: list[str] = []
    for t in trials:
        for name, dist in t.distributions.items():
            if name not in latest:
                order.append(name)
            elif latest[name] != dist:
                _log.info("parameter %r changed distribution; using the latest one", name)
            latest[name] = dist
    return SearchSpace({name: latest[name] for name in order})


@dataclass(frozen=True, eq=False)
class AnalysisScope:
    """A set of trials analysed together, and the parameters analysed there.

    Attributes:
        condition: What the branch's trials share, e.g. ``{"kind": "linear"}``
            (parameters that are constant in the branch but vary outside it);
            empty for the whole study.
        parameters: Parameters active in every trial of the scope whose
            distribution has more than one value (a branch's condition excluded).
        trials: The trials of the scope.
        branch_parameters: For a branch, the parameters that define it (active
            exactly in its trials); empty for the whole study.
    """

    condition: Mapping[str, Any]
    parameters: tuple[str, ...]
    trials: tuple[FrozenTrial, ...]
    branch_parameters: tuple[str, ...] = field(default=())


def find_scopes(
    trials: Sequence[FrozenTrial], space: SearchSpace
) -> tuple[AnalysisScope, tuple[AnalysisScope, ...]]:
    """The whole-study scope and one scope per conditional branch.

    Parameters active in the same set of trials form one branch; a nested
    branch is found the same way (its trials are a subset of its parent's).
    """
    names = space.names
    active = np.array([[n in t.params for n in names] for t in trials], dtype=bool).reshape(
        len(trials), len(names)
    )
    everywhere = np.asarray(active.all(axis=0), dtype=bool)
    root = AnalysisScope({}, _analysable(names, everywhere, space), tuple(trials))
    groups: dict[bytes, list[int]] = {}
    for j in np.flatnonzero(~everywhere & active.any(axis=0)):
        groups.setdefault(active[:, j].tobytes(), []).append(int(j))
    branches = []
    for columns in groups.values():
        mask = active[:, columns[0]]
        members = tuple(t for t, m in zip(trials, mask, strict=True) if m)
        inside = np.asarray(active[mask].all(axis=0), dtype=bool)
        condition = _branch_condition(trials, mask, names, inside, active)
        branches.append(
            AnalysisScope(
                condition,
                tuple(n for n in _analysable(names, inside, space) if n not in condition),
                members,
                tuple(names[j] for j in columns),
            )
        )
    return root, tuple(branches)


def _analysable(
    names: tuple[str, ...], mask: NDArray[np.bool_], space: SearchSpace
) -> tuple[str, ...]:
    return tuple(n for n, m in zip(names, mask, strict=True) if m and not space[n].is_single)


def _branch_condition(
    trials: Sequence[FrozenTrial],
    mask: NDArray[np.bool_],
    names: tuple[str, ...],
    inside: NDArray[np.bool_],
    active: NDArray[np.bool_],
) -> dict[str, Any]:
    """Parameters with one value throughout the branch and other values outside it."""
    condition: dict[str, Any] = {}
    for j, name in enumerate(names):
        if not inside[j]:
            continue
        in_values = {repr(t.params[name]) for t, m in zip(trials, mask, strict=True) if m}
        if len(in_values) != 1:
            continue
        outside = [
            repr(t.params[name])
            for t, m, a in zip(trials, mask, active[:, j], strict=True)
            if not m and a
        ]
        if outside and any(v not in in_values for v in outside):
            first = next(t for t, m in zip(trials, mask, strict=True) if m)
            condition[name] = first.params[name]
    return condition


@dataclass(frozen=True, eq=False)
class Design:
    """Encoded inputs and objective values of one analysis scope.

    Attributes:
        names: Parameter names, one per column.
        distributions: Their distributions.
        quadratures: The measure of each column (see :mod:`.quadrature`).
        x: Encoded parameters in the unit cube; shape ``(n, d)``.
        y: Objective values (capped when ``top_quantile`` is set); shape ``(n,)``.
        trial_numbers: Trial number of each row; shape ``(n,)``.
    """

    names: tuple[str, ...]
    distributions: tuple[Distribution, ...]
    quadratures: tuple[Quadrature, ...]
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    trial_numbers: NDArray[np.int64]

    @property
    def n_trials(self) -> int:
        """Number of rows."""
        return int(self.x.shape[0])

    @property
    def categorical(self) -> NDArray[np.bool_]:
        """Shape ``(d,)``; True for unordered (categorical) columns."""
        return np.array([q.is_categorical for q in self.quadratures], dtype=bool)


def build_design(
    scope: AnalysisScope,
    space: SearchSpace,
    *,
    objective: int,
    direction: StudyDirection,
    top_quantile: float | None,
) -> Design:
    """Encode a scope's trials; with ``top_quantile``, cap values worse than that
    quantile at it (Hutter et al., 2014, "importance in good regions")."""
    sub = SearchSpace({n: space[n] for n in scope.parameters})
    x = sub.encode_many([dict(t.params) for t in scope.trials])
    y = np.array([t.values[objective] for t in scope.trials if t.values is not None], dtype=float)
    if top_quantile is not None and y.size:
        loss = y if direction is StudyDirection.MINIMIZE else -y
        capped = np.minimum(loss, np.quantile(loss, top_quantile))
        y = capped if direction is StudyDirection.MINIMIZE else -capped
    return Design(
        names=sub.names,
        distributions=tuple(sub.values()),
        quadratures=tuple(parameter_quadrature(d) for d in sub.values()),
        x=x.reshape(len(scope.trials), len(sub)),
        y=y,
        trial_numbers=np.array([t.number for t in scope.trials], dtype=np.int64),
    )


def replicate_noise_variance(x: NDArray[np.float64], y: NDArray[np.float64]) -> float | None:
    """Pooled variance of ``y`` between rows of ``x`` that are the same configuration.

    Args:
        x: Encoded configurations; shape ``(n, d)``.
        y: Values; shape ``(n,)``.

    Returns:
        The within-configuration variance (seeds, data splits), or None when no
        configuration occurs twice.
    """
    if x.shape[0] < 2:
        return None
    _, inverse, counts = np.unique(np.round(x, 12), axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    if counts.max() < 2:
        return None
    sums = np.bincount(inverse, weights=y)
    means = sums / counts
    resid = y - means[inverse]
    dof = int(np.sum(counts - 1))
    return float(np.sum(resid**2) / dof)
