"""Multi-fidelity methods side by side on synthetic learning curves with known
final values (crossing curves included), several seeds.

Run ``python -m benchmarks.multifidelity [--seeds N] [--configs N]`` from the
repository root.
"""
