"""An Optuna user's script runs unchanged against `import hypersense as optuna`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("optuna_user_script.py")


def test_an_optuna_tutorial_script_runs_with_hypersense_as_optuna(tmp_path: Path) -> None:
    assert "import hypersense as optuna\n" in SCRIPT.read_text()
    # Run from a folder of its own: beside this file, tests/integrations/sklearn would
    # shadow scikit-learn on the script's sys.path.
    script = tmp_path / SCRIPT.name
    script.write_text(SCRIPT.read_text())
    done = subprocess.run(
        [sys.executable, str(script), f"sqlite:///{tmp_path / 'study.db'}"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.strip().splitlines())
    pruned, complete = lines["pruned"].split(" complete ")
    assert int(pruned) > 0 and int(pruned) + int(complete) == 30  # the median pruner acted
    assert lines["best"].endswith("True")
    assert lines["df"] == "30" and lines["names"] == "['tutorial']"
    assert lines["front"].endswith("True") and int(lines["front"].split()[0]) >= 5
    # The deprecated calls warned (once each), naming the modern call.
    assert done.stderr.count("FutureWarning") == 2
    assert "use trial.suggest_float(name, low, high, log=True)" in done.stderr
