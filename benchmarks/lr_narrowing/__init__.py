"""Does narrowing the learning-rate range with a range test pay?

Two arms per (task, seed), run side by side in one run on the same data split:

- ``full``: a study of ``n_trials`` trials over the task's default space
  (its learning rate ranges over 1e-4 .. 3e-2 on a log scale);
- ``narrowed``: a range test on the task's reference configuration first
  (:func:`hypersense.lr.task_range_test`, 3 seeds x 100 steps), the learning
  rate's range replaced by :func:`hypersense.lr.search_range` of it, then as
  many trials as the compute left allows.

Compute is counted in training examples processed (forward and backward
passes): a trial costs ``max_epochs x training rows`` (no pruning, no early
stopping, so every trial costs the same), a range test the examples of every
step it took. The narrowed arm gets ``floor(n_trials - test cost / trial cost)``
trials, so it never spends more than the full arm. Both arms use the default
sampler (``AutoSampler``) with the same seed. The score is the best validation
error (1 - accuracy) found.
"""
