"""The objective of ``quadratic.yaml``: a known minimum of 0 at x = 1, shape "bowl"."""

from __future__ import annotations

import hypersense as hs


def objective(trial: hs.Trial) -> float:
    """``scale * (x - 1)^2``, plus a penalised second parameter for the ridge shape."""
    x = trial.params["x"]
    scale = trial.params["scale"]
    if trial.params["shape"] == "bowl":
        return float(scale * (x - 1.0) ** 2)
    y = trial.suggest_float("y", -2.0, 2.0)  # only the ridge has a second parameter
    return float(scale * (x - 1.0) ** 2 + 10.0 * y**2 + 0.5)
