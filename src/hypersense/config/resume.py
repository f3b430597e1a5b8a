"""What counts toward a config's ``n_trials``, so that a run can be resumed.

``n_trials`` in a config is the *study's* target number of finished trials,
not a number to add per run: running the same config again continues up to
the target, and runs nothing once it is reached. A trial counts when it has
finished as COMPLETE, PRUNED, or FAIL *because of the trial itself* (the
objective raised, returned NaN, or its worker process died). It does not count
when it is still RUNNING or WAITING, or when it FAILed for reasons outside the
trial:

- interrupted: Ctrl-C or an exception that stopped the study marked it
  (system attribute ``interrupted`` is True);
- stale heartbeat: another process found its worker silent and failed it;
- retried: it was re-queued (system attribute ``retried_by``), so its retry
  stands for it.

So a study stopped at any point and run again ends with exactly ``n_trials``
trials that count (one process); several processes sharing one study may
overshoot by the trials already running when the target is reached.
"""

from __future__ import annotations

from collections.abc import Iterable

from hypersense.trial.frozen import FrozenTrial, SystemAttr
from hypersense.trial.state import TrialState

__all__ = ["count_toward_target", "counts_toward_target"]


def counts_toward_target(trial: FrozenTrial) -> bool:
    """Whether ``trial`` counts toward a config's ``n_trials`` (see module doc)."""
    if not trial.state.is_finished:
        return False
    if trial.state is not TrialState.FAIL:
        return True
    attrs = trial.system_attrs
    # Both Ctrl-C and a stale heartbeat set `interrupted`; a retried trial's retry
    # stands for it.
    return not (attrs.get(SystemAttr.INTERRUPTED) or SystemAttr.RETRIED_BY in attrs)


def count_toward_target(trials: Iterable[FrozenTrial]) -> int:
    """How many of ``trials`` count toward a config's ``n_trials``."""
    return sum(1 for t in trials if counts_toward_target(t))
