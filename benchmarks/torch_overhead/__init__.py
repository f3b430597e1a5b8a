"""Overhead of ``hypersense.torch.fit`` against a hand-written PyTorch loop.

Run ``python -m benchmarks.torch_overhead [--quick]`` from the repository root.
"""
