"""HyperSearchCV against scikit-learn's GridSearchCV and RandomizedSearchCV.

Same estimator, same search ranges, same folds and the same number of
candidates (so the same number of fits, except where pruning saves some), on
two data sets that ship with scikit-learn. Reported: best cross-validated
score, held-out test score of the refitted winner, wall time and fits.

Run from the repository root: ``python -m benchmarks.searchcv [--quick]``.
"""
