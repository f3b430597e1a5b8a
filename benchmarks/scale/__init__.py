"""Scale benchmarks: load on one study (processes and Dask workers), faults on a Dask
cluster, scaling of worker processes and Dask workers, and a virtual-clock simulation of
many workers driving the real coordinator. Run: ``python -m benchmarks.scale --help``."""
