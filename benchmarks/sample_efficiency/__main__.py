"""``python -m benchmarks.sample_efficiency``: see :mod:`benchmarks.sample_efficiency.cli`."""

from benchmarks.sample_efficiency.cli import main

if __name__ == "__main__":
    main()
