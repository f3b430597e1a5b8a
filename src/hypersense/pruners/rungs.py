"""Rung and bracket arithmetic of successive halving and Hyperband, as pure functions.

Vocabulary (resources are steps, as reported with ``trial.report``):

- ``r``: the minimum resource, ``R``: the maximum resource, ``eta``: the
  reduction factor, ``s``: the minimum early-stopping rate of a bracket.
- The rungs of a bracket are the steps ``r * eta**(s + k)`` for ``k = 0, 1, ...``
  below ``R``. A rung at ``R`` itself would only judge trials that have
  finished their training, so there is none.
- Hyperband runs ``floor(log_eta(R / r)) + 1`` brackets, ``s = 0`` (the most
  aggressive: a rung at ``r``) up to the last one, which never prunes. Bracket
  ``s`` gets trials in proportion to ``ceil(n * eta**m / (m + 1))`` with
  ``n`` brackets and ``m = n - 1 - s``: the number of configurations the
  Hyperband paper starts that bracket with.

A rung judges values that carry noise (a validation error measured on a few
hundred examples moves by a few examples from one epoch to the next). Two
trials whose values at a rung differ by less than that noise are not ranked
by the rung at all, so cutting between them is a coin toss that can stop the
configuration that wins at the end. :func:`curve_jitter` estimates the noise
from the curves themselves and :func:`is_promotable` lets a trial within a
margin of the last promoted value go on.

The bracket arithmetic is exact integer arithmetic (no floating-point logarithms, so
``R = 243, eta = 3`` has the 6 brackets it should).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "RungLayout",
    "bracket_budgets",
    "bracket_of",
    "bracket_schedule",
    "curve_jitter",
    "is_promotable",
    "loss_of",
    "n_brackets",
    "rung_steps",
    "rungs_to_judge",
]


def rung_steps(
    min_resource: int, reduction_factor: int, *, min_early_stopping_rate: int = 0, below: int
) -> tuple[int, ...]:
    """The rung steps ``r * eta**(s + k)``, ``k >= 0``, that are ``< below``, increasing."""
    step = min_resource * reduction_factor**min_early_stopping_rate
    out: list[int] = []
    while step < below:
        out.append(step)
        step *= reduction_factor
    return tuple(out)


def rungs_to_judge(rungs: Sequence[int], passed_rung: int | None, last_step: int) -> list[int]:
    """The rungs a trial reached and has not been judged at yet: those in
    ``(passed_rung, last_step]`` (``passed_rung`` None: no rung passed yet)."""
    low = -1 if passed_rung is None else passed_rung
    return [r for r in rungs if low < r <= last_step]


def is_promotable(
    own_loss: float,
    other_losses: Sequence[float],
    reduction_factor: int,
    *,
    margin: float = 0.0,
) -> bool:
    """Whether ``own_loss`` is among the best ``max(1, n // eta)`` of the ``n`` losses at a
    rung (the trial's own and ``other_losses``; smaller is better; ties go on), or at
    most ``margin`` (>= 0) worse than the last of them: a tie within the noise."""
    losses = sorted([own_loss, *other_losses])
    n_kept = max(1, len(losses) // reduction_factor)
    return own_loss <= losses[n_kept - 1] + margin


def curve_jitter(curves: Iterable[Sequence[float]]) -> float:
    """The noise of one value of a learning curve: the standard deviation ``sigma``
    of values scattered around a curve that is locally a straight line.

    Each curve is a trial's values in step order (consecutive reports), shape
    ``(n_i,)``. The second difference ``y[i-1] - 2 y[i] + y[i+1]`` of a straight
    line is 0 and that of independent noise has variance ``6 sigma**2``, so
    ``sigma`` is the root mean square of all second differences of all curves
    over ``sqrt(6)``. A curve that bends adds its curvature: early, steep parts
    of learning curves count as noisier, which is the cautious side. Triples
    with a non-finite value are skipped; 0.0 when no curve has three finite
    consecutive values.
    """
    total, count = 0.0, 0
    for curve in curves:
        y = np.asarray(curve, dtype=float)
        if y.size < 3:
            continue
        second = y[:-2] - 2.0 * y[1:-1] + y[2:]
        second = second[np.isfinite(second)]
        total += float(np.square(second).sum())
        count += int(second.size)
    return 0.0 if count == 0 else math.sqrt(total / count / 6.0)


def n_brackets(min_resource: int, max_resource: int, reduction_factor: int) -> int:
    """``floor(log_eta(R / r)) + 1``: how many ``k >= 0`` have ``r * eta**k <= R`` (>= 1)."""
    count, step = 1, min_resource * reduction_factor
    while step <= max_resource:
        count += 1
        step *= reduction_factor
    return count


def bracket_budgets(n: int, reduction_factor: int) -> tuple[int, ...]:
    """Trial budget of each bracket ``s = 0 .. n - 1``: ``ceil(n * eta**m / (m + 1))``,
    ``m = n - 1 - s`` (exact: ``-(-a // b)`` is the ceiling of ``a / b``)."""
    return tuple(-(-n * reduction_factor ** (n - 1 - s) // (n - s)) for s in range(n))


def bracket_schedule(budgets: Sequence[int]) -> tuple[int, ...]:
    """One cycle of brackets, ``sum(budgets)`` long, bracket ``s`` appearing
    ``budgets[s]`` times and spread evenly (smooth weighted round robin: each
    turn, every bracket earns its budget and the richest, the lowest on ties,
    pays the total)."""
    total = sum(budgets)
    credit = [0] * len(budgets)
    cycle: list[int] = []
    for _ in range(total):
        for s, w in enumerate(budgets):
            credit[s] += w
        chosen = max(range(len(budgets)), key=lambda s: (credit[s], -s))
        credit[chosen] -= total
        cycle.append(chosen)
    return tuple(cycle)


def bracket_of(number: int, schedule: Sequence[int]) -> int:
    """The bracket of trial ``number``: its place in the repeated ``schedule``."""
    return schedule[number % len(schedule)]


def loss_of(value: float, maximize: bool) -> float:
    """``value`` as a loss (smaller is better); a NaN or infinite value, a diverged
    run, is the worst loss, ``+inf``."""
    if not math.isfinite(value):
        return math.inf
    return -value if maximize else value


@dataclass(frozen=True)
class RungLayout:
    """The rungs a multi-fidelity pruner uses once its resources are known.

    Attributes:
        max_resource: Steps of a full training ``R`` (steps ``0 .. R - 1``).
        reduction_factor: ``eta``: a rung keeps the best ``1/eta``.
        bracket_rungs: The rung steps of each bracket, increasing (one bracket
            for successive halving; the last Hyperband bracket has none).
        schedule: The repeated cycle of brackets by trial number
            (:func:`bracket_of`); ``(0,)`` for successive halving.
    """

    max_resource: int
    reduction_factor: int
    bracket_rungs: tuple[tuple[int, ...], ...]
    schedule: tuple[int, ...]
