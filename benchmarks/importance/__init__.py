"""Importance benchmark: recovery of known Sobol indices beside Optuna's evaluators."""
