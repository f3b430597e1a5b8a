"""Pruning trials whose intermediate value leaves a range or diverges."""

from __future__ import annotations

import math
import numbers

from hypersense.history import StudyHistory
from hypersense.pruners.base import PruneDecision, Pruner
from hypersense.pruners.options import check_int
from hypersense.pruners.steps import decides_at
from hypersense.trial.frozen import FrozenTrial

__all__ = ["ThresholdPruner"]


class ThresholdPruner(Pruner):
    """Prunes a trial whose last intermediate value is below ``lower``, above
    ``upper``, or not finite (NaN or infinite: the run diverged).

    With neither bound it is a divergence guard. It reads only the trial's own
    values, so it works in studies with several objectives too.

    Assumes:
        Values outside ``[lower, upper]`` are hopeless whatever the step (a
        loss that explodes, an accuracy stuck at chance).

    Args:
        lower: Prune below this value (None: no lower bound).
        upper: Prune above this value (None: no upper bound).
        n_warmup_steps: No pruning before this step (divergence included).
        interval_steps: Decide only every this many steps after warm-up.
    """

    def __init__(
        self,
        *,
        lower: float | None = None,
        upper: float | None = None,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
    ) -> None:
        for name, bound in (("lower", lower), ("upper", upper)):
            if bound is not None and (
                not isinstance(bound, numbers.Real) or isinstance(bound, bool) or math.isnan(bound)
            ):
                raise ValueError(f"`{name}` must be a number or None (got {bound!r})")
        if lower is not None and upper is not None and lower > upper:
            raise ValueError(f"`lower` ({lower!r}) must not exceed `upper` ({upper!r})")
        self._lower = None if lower is None else float(lower)
        self._upper = None if upper is None else float(upper)
        self._n_warmup_steps = check_int("n_warmup_steps", n_warmup_steps, minimum=0)
        self._interval_steps = check_int("interval_steps", interval_steps, minimum=1)

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        step = trial.last_step
        if not decides_at(
            step, n_warmup_steps=self._n_warmup_steps, interval_steps=self._interval_steps
        ):
            return PruneDecision.CONTINUE
        value = trial.intermediate_values[step]
        outside = (
            not math.isfinite(value)
            or (self._lower is not None and value < self._lower)
            or (self._upper is not None and value > self._upper)
        )
        return PruneDecision.PRUNE if outside else PruneDecision.CONTINUE
