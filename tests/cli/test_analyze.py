"""``hypersense analyze``: the ranked table and advice, ``--json`` with its
documented keys, the narrowed config it writes (which runs), and its errors."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import hypersense as hs
from hypersense.cli.app import app
from tests.config.helpers import write_config, write_module

RUNNER = CliRunner()
NAME = "known"

OBJECTIVE = """
import math

def objective(trial):
    p = trial.params
    band = max(abs(p["z"] - 0.5) - 0.15, 0.0)
    return 4.0 * p["x"] ** 2 + 0.001 * p["y"] + 20.0 * band ** 2 + 0.5 * math.log10(p["lr"])
"""

CONFIG = """
study_name: known
objective: cli_analyze_objective:objective
space:
  x: {type: float, low: -1.0, high: 1.0}
  y: {type: float, low: 0.0, high: 1.0}
  z: {type: float, low: 0.0, high: 1.0}
  lr: {type: float, low: 1.0e-4, high: 1.0, log: true}
sampler: random
n_trials: 45
seed: 3
"""

#: The top-level keys the module docstring promises.
KEYS = {
    "study",
    "method",
    "direction",
    "objective",
    "n_trials",
    "top_quantile",
    "confidence",
    "surrogate",
    "parameters",
    "interactions",
    "shares",
    "noise_floor",
    "branches",
    "notes",
    "advice",
    "narrowed_config",
}
PARAMETER_KEYS = {
    "name",
    "condition",
    "importance",
    "ci_low",
    "ci_high",
    "main_effect",
    "main_effect_ci_low",
    "main_effect_ci_high",
    "total_effect",
    "total_effect_ci_low",
    "total_effect_ci_high",
    "method",
    "surrogate",
    "r2",
    "verdict",
    "reason",
    "scale",
    "swing",
    "changes",
    "suggested",
}


def _add_noise_companion(url: str) -> None:
    """Three configurations of the study, each repeated with three seeds whose
    values differ by +-0.01, linked as ``analyze_noise`` links its repeats."""
    study = hs.load_study(NAME, url)
    companion = hs.create_study(f"{NAME}:noise", url)
    study.set_system_attr("companion:noise", f"{NAME}:noise")
    for c, trial in enumerate(study.trials[:3]):
        for r in range(3):
            attrs = {"design_key": f"{c}#{r}", "design_configuration": c}
            companion.enqueue_trial(dict(trial.params), user_attrs=attrs)

    def repeat(t: hs.Trial) -> float:
        base = 4.0 * t.suggest_float("x", -1.0, 1.0) ** 2
        return base + 0.01 * (t.number % 3 - 1)

    companion.optimize(repeat, n_trials=9)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    directory = tmp_path_factory.mktemp("analyze")
    write_module(directory, "cli_analyze_objective", OBJECTIVE)
    config = write_config(directory, CONFIG, name="known.yaml")
    url = f"sqlite:///{directory / 'studies.db'}"
    result = RUNNER.invoke(app, ["run", str(config), "--storage", url])
    assert result.exit_code == 0, result.output
    _add_noise_companion(url)
    return url, config


@pytest.fixture(scope="module")
def as_json(stored: tuple[str, Path]) -> dict[str, Any]:
    url, config = stored
    out = config.with_name("narrowed.yaml")
    args = ["analyze", NAME, "--storage", url, "--json", "--n-bootstrap", "10"]
    result = RUNNER.invoke(app, [*args, "--write-config", str(out), "--config", str(config)])
    assert result.exit_code == 0, result.output
    record: dict[str, Any] = json.loads(result.stdout)
    return record


def test_json_has_the_documented_keys_and_the_known_verdicts(as_json: dict[str, Any]) -> None:
    assert set(as_json) == KEYS
    assert (as_json["study"], as_json["method"], as_json["direction"]) == (
        NAME,
        "fanova",
        "minimize",
    )
    assert as_json["n_trials"] == 45 and as_json["branches"] == []
    assert as_json["surrogate"]["kind"] in ("gp", "rf") and as_json["surrogate"]["r2"] > 0.9
    assert as_json["surrogate"]["reason"].startswith(as_json["surrogate"]["kind"] + " ")
    params = {p["name"]: p for p in as_json["parameters"]}
    assert set(params) == {"x", "y", "z", "lr"}
    assert all(set(p) == PARAMETER_KEYS for p in params.values())
    assert as_json["parameters"][0]["name"] == "x"
    assert params["y"]["verdict"] == "negligible"
    assert params["y"]["changes"][0]["kind"] == "fix"
    assert params["x"]["verdict"] == params["z"]["verdict"] == "matters"
    assert params["lr"]["scale"] == "log"
    assert params["x"]["ci_low"] <= params["x"]["importance"] <= params["x"]["ci_high"]
    assert {"explained", "unexplained", "noise"} <= set(as_json["shares"])
    assert any(step.startswith("Fix 'y' at ") for step in as_json["advice"])


def test_the_noise_floor_comes_from_the_noise_companion(as_json: dict[str, Any]) -> None:
    floor = as_json["noise_floor"]
    # Every configuration's repeats are base - 0.01, base, base + 0.01: sd 0.01.
    assert math.isclose(floor["value"], 0.01, rel_tol=1e-6)
    assert f"'{NAME}:noise'" in floor["source"]


def test_the_written_config_runs_the_narrowed_study(
    as_json: dict[str, Any], stored: tuple[str, Path]
) -> None:
    url, _ = stored
    written = Path(as_json["narrowed_config"])
    text = written.read_text(encoding="utf-8")
    assert "study_name: known-narrowed" in text and "# Fix 'y' at " in text
    result = RUNNER.invoke(app, ["run", str(written), "--storage", url])
    assert result.exit_code == 0, result.output
    narrowed = hs.load_study(f"{NAME}-narrowed", url)
    assert len(narrowed.trials) == 45
    y = next(p for p in as_json["parameters"] if p["name"] == "y")["changes"][0]["value"]
    assert {t.params["y"] for t in narrowed.trials} == {y}


def test_the_table_ranks_parameters_and_numbers_the_advice(stored: tuple[str, Path]) -> None:
    url, _ = stored
    args = ["analyze", NAME, "--storage", url, "--method", "sobol", "--n-bootstrap", "5"]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = result.stdout
    flowing = " ".join(out.split())  # rich wraps long lines at the terminal's width
    assert "Importance: sobol on the gp surrogate (cross-validated R²" in flowing
    assert "surrogate: gp " in flowing  # why that surrogate, once, under the table
    assert out.index("│ x ") < out.index("│ y ")
    assert "noise floor (seed sd) 0.01 from repeats in study 'known:noise'" in flowing
    advice = out[out.index("Advice") :]
    assert "1. " in advice and "Fix 'y' at " in advice


def _one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "missing"], "no study named 'missing'"),
        (["analyze", "tiny"], "cannot analyse this study: 3 complete trials"),
        (["analyze", NAME, "--method", "shap"], "unknown importance method 'shap'"),
        (["analyze", NAME, "--write-config", "o.yaml"], "--write-config and --config go together"),
        (["analyze", NAME, "--top-quantile", "1.0"], "`top_quantile` must be None or a float"),
    ],
    ids=["unknown-study", "too-few-trials", "bad-method", "config-missing", "bad-quantile"],
)
def test_errors_are_one_red_line_and_exit_2(
    stored: tuple[str, Path], args: list[str], message: str
) -> None:
    url, _ = stored
    tiny = hs.create_study("tiny", url, load_if_exists=True)
    if not tiny.trials:
        tiny.optimize(lambda t: t.suggest_float("a", 0.0, 1.0), n_trials=3)
    result = RUNNER.invoke(app, [*args, "--storage", url])
    assert result.exit_code == 2, result.output
    assert message in _one_error_line(result.stderr)


def test_the_printed_command_runs_a_config_written_elsewhere(
    stored: tuple[str, Path], tmp_path: Path
) -> None:
    """The narrowed config lands in another directory than the objective's module:
    the command analyze prints still runs, as printed, in a shell."""
    import os
    import subprocess
    import sys

    url, config = stored
    out = tmp_path / "elsewhere" / "narrow.yaml"
    out.parent.mkdir()
    args = ["analyze", NAME, "--storage", url, "--n-bootstrap", "5"]
    result = RUNNER.invoke(
        app, [*args, "--write-config", str(out), "--config", str(config)], terminal_width=400
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    command = lines[lines.index(f"wrote the narrowed config to {out}; run it with:") + 1].strip()
    assert command.startswith(f"PYTHONPATH={config.parent}") and "--storage" in command
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    if "PYTHONPATH" in os.environ:  # the tests' own source tree stays importable
        command = command.replace("PYTHONPATH=", f"PYTHONPATH={os.environ['PYTHONPATH']}:", 1)
    ran = subprocess.run(
        ["bash", "-c", command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert len(hs.load_study("known-narrowed", url).trials) == 45
    hs.delete_study("known-narrowed", url)
