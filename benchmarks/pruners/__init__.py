"""Time per pruning decision of the pruners that fit or scan the history.

Run ``python -m benchmarks.pruners [--decisions N]`` from the repository root.
"""
