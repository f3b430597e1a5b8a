"""Gaussian-process Bayesian optimisation: :class:`GPSampler`.

The kernel, the linear algebra and the marginal likelihood are the shared core
:mod:`hypersense.gp`. Modules: ``priors`` and ``fitting`` (hyperparameters by
maximum a posteriori), ``model`` (posterior), ``warping``
(output standardisation and power warp), ``acquisition`` (log expected
improvement), ``optimize_acquisition`` (mixed-space maximiser), ``model_space``
(how a search space appears to the GP), ``schedule`` (cost cap), ``startup``
(initial design), ``scalarization`` (several objectives), ``sampler`` (the
adapter).
"""

from hypersense.samplers.gp.sampler import GPSampler

__all__ = ["GPSampler"]
