"""Sobol evaluator: its intervals carry SALib's Monte Carlo error.

Every draw of the surrogate is estimated on the same Sobol points, so without
an explicit term the estimator's own error would be shared by all draws and
leave the interval as narrow with 16 base samples as with 1,024.
"""

from __future__ import annotations

import numpy as np
from tests.analysis.known_functions import ishigami, random_study

from hypersense.analysis import SobolImportanceEvaluator
from hypersense.analysis.methods.sobol import _mc_sd


def test_salib_half_widths_become_standard_deviations() -> None:
    np.testing.assert_allclose(_mc_sd([1.959963984540054, 0.0, float("nan")]), [1.0, 0.0, 0.0])


def test_few_base_samples_give_wider_intervals_than_many() -> None:
    function = ishigami()
    study = random_study(function, 300, 0)

    def mean_width(n_base_samples: int) -> float:
        result = SobolImportanceEvaluator(
            n_base_samples=n_base_samples, n_bootstrap=40, seed=0
        ).evaluate(study)
        return float(np.mean([result[n].ci_high - result[n].ci_low for n in function.names]))

    assert mean_width(16) > 3.0 * mean_width(1024)
