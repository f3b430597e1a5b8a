"""The numerical core of Gaussian processes, shared by the GP sampler and the
analysis surrogate.

Not public API: the users are :class:`~hypersense.samplers.gp.GPSampler` and
:class:`~hypersense.analysis.surrogates.GaussianProcessSurrogate`. Pure
functions on numpy arrays (shapes in the docstrings); this package imports
neither samplers nor analysis. Modules:

- ``kernels``: the Matérn-5/2 correlation and its two ARD kernel shapes (the
  Matérn of the scaled distance, the product of one-dimensional Matérns), with
  categorical columns compared by Hamming distance;
- ``linalg``: Cholesky with jitter escalation and its one failure policy,
  triangular solves, posterior mean, variance and covariance;
- ``likelihood``: the log marginal likelihood and its hyperparameter gradients;
- ``fitting``: L-BFGS-B from several starts that survives failed factorisations.
"""

__all__: list[str] = []
