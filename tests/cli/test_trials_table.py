"""``hypersense trials NAME`` fits the terminal: a 9-parameter study in 100 columns,
long names broken at underscores, the columns left out named, ``--columns`` and
``--all`` to choose (run as the real console script, COLUMNS set as a terminal would)."""

from __future__ import annotations

import math
import os
import subprocess
from pathlib import Path

import pytest

import hypersense as hs
from hypersense import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersense.cli.trials_table import header_lines

SPACE = {
    "lr": FloatDistribution(1e-5, 1.0, log=True),
    "weight_decay": FloatDistribution(1e-6, 1e-2, log=True),
    "schedule": CategoricalDistribution(("constant", "cosine", "one_cycle")),
    "batch_size": CategoricalDistribution((16, 32, 64, 128, 256)),
    "channels": IntDistribution(2, 32, log=True),
    "batch_norm": CategoricalDistribution((False, True)),
    "dropout": FloatDistribution(0.0, 0.5),
    "max_shift_px": IntDistribution(0, 2),
    "max_rotation_deg": FloatDistribution(0.0, 20.0),
}


@pytest.fixture(scope="module")
def nine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("trials")
    study = hs.create_study(study_name="nine", storage=f"sqlite:///{directory / 'hypersense.db'}")

    def objective(trial: hs.Trial) -> float:
        params = {name: trial.suggest(name, d) for name, d in SPACE.items()}
        if trial.number == 3:
            raise ValueError("the loss diverged at epoch 2 after a learning-rate spike")
        return 1.0 - abs(math.log10(params["lr"]) + 2.5) / 10.0

    study.optimize(objective, n_trials=15, catch=(ValueError,))
    study.storage.close()
    return directory


def trials(directory: Path, hypersense_script: Path, *args: str, columns: int = 100) -> str:
    result = subprocess.run(
        [str(hypersense_script), "trials", "nine", *args],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": str(columns)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_nine_parameter_study_fits_100_columns(nine: Path, hypersense_script: Path) -> None:
    out = trials(nine, hypersense_script)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 100, "\n".join(lines)
    # Values are readable (not cut to "…"), long names break at underscores ...
    assert "…" not in out
    assert "weight_" in out and "decay" in out and "0.00" in out
    # ... and what did not fit is named, with the way to see it.
    hidden = " ".join(out.split()).split("not shown: ")[1]
    assert "max_rotation_deg" in hidden and "note" in hidden and "--all" in hidden


def test_columns_picks_and_all_shows_everything(nine: Path, hypersense_script: Path) -> None:
    picked = trials(nine, hypersense_script, "--columns", "max_rotation_deg,lr")
    header = picked[: picked.index("┡")]
    assert "rotation_" in header and "lr" in header and "schedule" not in header
    assert picked.index("rotation_") < picked.index(" lr ")
    assert "not shown" not in picked and "diverged" in picked  # room for the note
    everything = trials(nine, hypersense_script, "--all", columns=80)
    assert "not shown" not in everything
    for name in ("dropout", "channels", "rotation_", "diverged at epoch 2"):
        assert name in everything


def test_an_unknown_column_is_a_usage_error(nine: Path, hypersense_script: Path) -> None:
    result = subprocess.run(
        [str(hypersense_script), "trials", "nine", "--columns", "lr,momentum"],
        cwd=nine,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown parameter(s) ['momentum']" in result.stderr


def test_header_lines_break_after_underscores() -> None:
    assert header_lines("max_rotation_deg", 5) == ["max_", "rotation_", "deg"]
    assert header_lines("max_rotation_deg", 13) == ["max_rotation_", "deg"]
    assert header_lines("lr", 1) == ["lr"]
