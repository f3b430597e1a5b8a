"""Speed benchmarks of the core (storage throughput, concurrency, n_jobs scaling),
side by side with Optuna in the same run. Run: ``python -m benchmarks.core``."""
