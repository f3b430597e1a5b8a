"""A full disk under a SQLite study: writes wait for space, no finished result is lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Runs inside its own mount namespace, on a real 4 MB tmpfs.
_SCRIPT = """
import json, os, sys, threading, time, logging
import hypersense as hs
from hypersense.samplers import RandomSampler
from hypersense.storage.sql import SQLStorage

logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
disk = sys.argv[1]
storage = SQLStorage(f"sqlite:///{disk}/study.db", reconnect_timeout_s=float(sys.argv[2]))
study = hs.create_study("full", storage, sampler=RandomSampler(seed=0))
done = []

def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    trial.set_user_attr("padding", "p" * 2000)  # each trial takes some room
    time.sleep(0.01)
    done.append((trial.number, x))
    return x

def fill_then_free():
    # Trial 20 in its objective: trials 0-19 were told and stored (one worker).
    while len(done) < 21:
        time.sleep(0.01)
    # Unbuffered: a buffered file keeps what the full disk refused and raises
    # ENOSPC again when closed, which would end this thread before it frees
    # the disk (it did, now and then, depending on how the last write split).
    try:
        with open(f"{disk}/filler", "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"0" * 65536)
            except OSError:
                pass
        time.sleep(float(sys.argv[3]))
    finally:
        os.remove(f"{disk}/filler")

threading.Thread(target=fill_then_free, daemon=True).start()
outcome = "ok"
try:
    study.optimize(objective, n_trials=60)
except hs.StorageError as exc:
    outcome = str(exc)
os.path.exists(f"{disk}/filler") and os.remove(f"{disk}/filler")
stored = {t.number: t.params.get("x") for t in study.trials if t.state is hs.TrialState.COMPLETE}
print(json.dumps({"outcome": outcome, "done": done, "stored": stored}))
"""


def _run(tmp_path: Path, window_s: float, full_for_s: float) -> tuple[dict[str, object], str]:
    disk = tmp_path / "disk"
    disk.mkdir()
    command = (
        f"mount -t tmpfs -o size=4m tmpfs {disk} && "
        f"exec {sys.executable} -c '{_SCRIPT}' {disk} {window_s} {full_for_s}"
    )
    done = subprocess.run(
        ["unshare", "--mount", "--fork", "sh", "-c", command],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_a_disk_that_fills_for_a_while_costs_no_result(tmp_path: Path) -> None:
    result, log = _run(tmp_path, window_s=30, full_for_s=1.5)
    assert result["outcome"] == "ok"
    assert "no space left on the disk of storage" in log and "works again" in log
    finished = {str(n): x for n, x in result["done"]}  # type: ignore[union-attr]
    assert result["stored"] == finished and len(finished) == 60


def test_a_disk_that_stays_full_stops_the_run_with_one_clear_error(tmp_path: Path) -> None:
    result, _ = _run(tmp_path, window_s=1, full_for_s=30)
    assert "had no space left on its disk for 1 s" in str(result["outcome"])
    stored = result["stored"]
    finished = {str(n): x for n, x in result["done"]}  # type: ignore[union-attr]
    # Every result stored before the disk filled is kept; none stored wrongly.
    assert set(stored).issubset(finished) and len(stored) >= 20  # type: ignore[arg-type]
