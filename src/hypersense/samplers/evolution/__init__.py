"""Shared machinery of the evolutionary samplers (CMA-ES, genetic, NSGA-II).

Not public API: the samplers are :class:`~hypersense.samplers.cma_es.CmaEsSampler`,
:class:`~hypersense.samplers.genetic.GeneticSampler` and
:class:`~hypersense.samplers.nsga2.NSGAIISampler`. The modules, numerical
cores first:

- ``selection``: the preference order for elitist survival (constrained
  fronts and crowding distance from :mod:`hypersense.pareto`), and tournaments;
- ``operators``: crossover and mutation on the unit cube, for numeric and
  categorical genes;
- ``constraints``: constraint violations of finished trials;
- ``generations``: generation numbers derived from trial tags;
- ``generational``: the engine of the genetic samplers (trials to arrays and back);
- ``cma_settings``: population sizes, bounds and restart rules of CMA-ES;
- ``cma_replay``: the CMA-ES optimizer rebuilt from tagged trials;
- ``trial_memo``: caches over finished trials that keep asks cheap.
"""

__all__: list[str] = []
