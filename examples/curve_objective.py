"""The objective of ``hyperband.yaml``: a training run simulated in microseconds.

Each "epoch" the validation loss falls towards a floor that depends on the
learning rate (best near 1e-2) and the width; the trial reports it every epoch,
so a multi-fidelity pruner can stop hopeless runs early.
"""

from __future__ import annotations

import math

import hypersense as hs


def objective(trial: hs.Trial) -> float:
    """The loss after ``trial.budget`` epochs (27 when no pruner sets a budget),
    reported at steps 0, 1, ... (step ``s`` after ``s + 1`` epochs)."""
    lr = trial.params["lr"]
    width = trial.params["width"]
    floor = 0.05 + 0.3 * math.log10(lr / 1e-2) ** 2 + 2.0 / width
    speed = 0.15 + 0.5 * min(lr / 1e-2, 1.0)
    loss = floor
    for step in range(int(trial.budget or 27)):
        loss = floor + 2.0 * math.exp(-speed * (step + 1))
        trial.report(loss, step)
        if trial.should_prune():
            raise hs.TrialPruned()
    return loss
