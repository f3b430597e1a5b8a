"""The live dashboard beside optuna-dashboard: first paint and update latency."""
