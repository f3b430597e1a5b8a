"""Sample-efficiency benchmark of samplers, side by side with Optuna and scikit-optimize.

``run`` optimises every benchmark problem with every method and seed and
stores each run's values and timings (resumable); ``report`` computes the
per-problem best-so-far tables, normalised scores with seed-bootstrap
intervals, paired Wilcoxon comparisons and the issue's targets, as Markdown.
"""
