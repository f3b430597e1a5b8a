"""Checkpoints: an objective's state saved as files, so a retried trial resumes.

An objective calls ``trial.save_checkpoint(state)`` (any picklable object, or a
``pathlib.Path`` to a file or directory it wrote) and ``trial.load_checkpoint()``
to get the newest one back. A trial retried with the same parameters
(``max_retries``) finds the checkpoint of the trial it retries. The files live
in a study-scoped directory (:class:`CheckpointStore`), written by whichever
process runs the objective; on a cluster that directory must be on a
filesystem every worker reaches.
"""

from hypersense.checkpoints.files import load_latest, save_atomically
from hypersense.checkpoints.store import CheckpointStore, default_checkpoint_root

__all__ = ["CheckpointStore", "default_checkpoint_root", "load_latest", "save_atomically"]
