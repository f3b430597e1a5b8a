"""What counts toward a config's ``n_trials``, so that a run can be resumed.

``n_trials`` in a config is the *study's* target number of finished trials,
not a number to add per run: running the same config again continues up to
the target, and runs nothing once it is reached. A trial counts when it has
finished as COMPLETE, PRUNED, or FAIL *because of the trial itself* (the
objective raised, returned NaN, or its worker process died). It does not count
when it is still RUNNING or WAITING, or when it FAILed for reasons outside the
trial:

- interrupted: Ctrl-C, SIGTERM or an exception that stopped the study marked
  it (system attribute ``interrupted`` is True);
- its process died: another process found its owner gone or its heartbeat
  stale and failed it (also ``interrupted``);
- not run for lack of proposals: the grid's last points went to other
  processes before its objective was called (``not_run``, also
  ``interrupted``);
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
    """How many of ``trials`` count toward a config's ``n_trials``.

    A failed trial whose retry is among ``trials`` does not count even when the
    ``retried_by`` mark on it has not been read yet (another process wrote it).
    """
    listed = list(trials)
    retried = {t.system_attrs.get(SystemAttr.RETRY_OF) for t in listed}
    return sum(
        1
        for t in listed
        if counts_toward_target(t) and not (t.state is TrialState.FAIL and t.number in retried)
    )
