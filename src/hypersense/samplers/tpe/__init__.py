"""Tree-structured Parzen estimator (TPE) sampling.

``parzen`` and ``kernels`` hold the numerical core (pure numpy functions),
``split`` the good/bad split (multi-objective and constrained, on the fronts,
hypervolume and crowding distance of :mod:`hypersense.pareto`), ``groups`` the
decomposition of conditional spaces, ``columns`` how each encoded column is
modelled, ``startup`` the quasi-random start-up, ``observations`` the reading
of trials into arrays, and ``sampler`` the :class:`TPESampler` adapter.
"""

from hypersense.samplers.tpe.sampler import TPESampler

__all__ = ["TPESampler"]
