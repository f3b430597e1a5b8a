"""Designed experiments that run new trials through a study.

Each experiment builds a design around a searched study, runs it in a
companion study of the same storage (``"<study>:morris"``, ``"<study>:local"``,
``"<study>:noise"``, ``"<study>:reeval"``) so the trials are stored, run in
parallel, can be pruned and can be resumed, and returns a frozen result with
``to_dict()`` and ``to_pandas()``. See :mod:`.base` for the lifecycle.

- :func:`morris_screening`: Morris elementary effects to rank many parameters
  cheaply (needs the optional SALib, extra ``analysis``).
- :func:`local_sensitivity`: one-at-a-time sweeps around the best
  configuration, with curves, intervals, F-tests and a tornado ranking.

The seed-noise analysis and the re-evaluation of the best configurations
(:mod:`hypersense.analysis.noise`, :mod:`hypersense.analysis.reevaluation`)
are built on the same machinery.
"""

from hypersense.analysis.experiments.base import (
    DesignOutcome,
    DesignPoint,
    companion_study_name,
    run_design,
)
from hypersense.analysis.experiments.local import (
    LocalSensitivity,
    SensitivityCurve,
    SweepPoint,
    TornadoBar,
    local_sensitivity,
)
from hypersense.analysis.experiments.morris import (
    MorrisEffect,
    MorrisScreening,
    morris_screening,
)
from hypersense.analysis.experiments.repeats import IntervalEstimate, RepeatSummary

__all__ = [
    "DesignOutcome",
    "DesignPoint",
    "IntervalEstimate",
    "LocalSensitivity",
    "MorrisEffect",
    "MorrisScreening",
    "RepeatSummary",
    "SensitivityCurve",
    "SweepPoint",
    "TornadoBar",
    "companion_study_name",
    "local_sensitivity",
    "morris_screening",
    "run_design",
]
