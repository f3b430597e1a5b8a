"""One optimisation run's record, and the objective wrapper that fills it.

Every tool drives its own loop (``study.optimize``, ``gp_minimize``); the
wrapper sits where the tool calls the black box. Wall time spent *between*
evaluations is the tool's time for that step (tell + ask + suggest + its
bookkeeping), measured the same way for every tool.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from benchmarks.problems.base import Problem

__all__ = ["EvaluationLog", "RunRecord", "run_key"]


def run_key(method: str, problem: str, seed: int) -> str:
    """The results-file key of one (method, problem, seed) run."""
    return f"{method}|{problem}|{seed}"


@dataclass
class RunRecord:
    """Everything one (method, problem, seed) run produced, JSON-ready.

    Attributes:
        method: Method entry, e.g. ``"optuna:tpe"``.
        problem: Problem name.
        group: The problem's group.
        seed: Seed given to the method.
        optimum: The problem's known optimum (None if unknown).
        values: Objective values in evaluation order, length ``budget``.
        params: The evaluated configurations, in order.
        tool_time_s: Seconds the tool spent before each evaluation.
        eval_time_s: Seconds each evaluation took (0 for memoised repeats).
        memo_hits: How many evaluations repeated an earlier configuration.
        wall_time_s: Seconds for the whole run.
        tool_version: The method's package and version (hypersense: with commit).
    """

    method: str
    problem: str
    group: str
    seed: int
    optimum: float | None
    values: list[float] = field(default_factory=list)
    params: list[dict[str, Any]] = field(default_factory=list)
    tool_time_s: list[float] = field(default_factory=list)
    eval_time_s: list[float] = field(default_factory=list)
    memo_hits: int = 0
    wall_time_s: float = 0.0
    tool_version: str = ""

    @property
    def key(self) -> str:
        """The results-file key of this run."""
        return run_key(self.method, self.problem, self.seed)

    @property
    def budget(self) -> int:
        """How many evaluations the run made."""
        return len(self.values)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict of every field."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunRecord:
        """Rebuild a record written by :meth:`to_json`."""
        return cls(**dict(data))


class EvaluationLog:
    """The black box as the tools see it: evaluates, memoises and times.

    Identical configurations within one run are evaluated once (the problems
    are deterministic, so the value is the same); the repeat still counts as
    an evaluation of the budget, as it would for a real user.

    Args:
        problem: The problem to evaluate.
        record: The run record to append to.
    """

    def __init__(self, problem: Problem, record: RunRecord) -> None:
        self._problem = problem
        self._record = record
        self._memo: dict[tuple[tuple[str, Any], ...], float] = {}
        self._last_end = time.perf_counter()

    @property
    def record(self) -> RunRecord:
        """The record being filled."""
        return self._record

    def restart_clock(self) -> None:
        """Start timing the tool's first step from now (call just before the tool starts)."""
        self._last_end = time.perf_counter()

    def evaluate(self, params: Mapping[str, Any]) -> float:
        """The problem's value at ``params``, recorded with its timings."""
        start = time.perf_counter()
        self._problem.check_params(params)
        key = tuple(sorted(params.items()))
        if key in self._memo:
            value = self._memo[key]
            self._record.memo_hits += 1
        else:
            value = float(self._problem.evaluate(params))
            self._memo[key] = value
        end = time.perf_counter()
        self._record.values.append(value)
        self._record.params.append(dict(params))
        self._record.tool_time_s.append(start - self._last_end)
        self._record.eval_time_s.append(end - start)
        self._last_end = end
        return value
