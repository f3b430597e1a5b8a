"""``hypersense run CONFIG`` with --n-trials, --n-jobs, --timeout, --sampler and
--pruner on top of the config: each one changes the run, and the first line says so."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hypersense as hs
from hypersense.cli.app import app
from hypersense.trial import SystemAttr
from tests.config.helpers import write_config, write_module

RUNNER = CliRunner()


@pytest.fixture
def config(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    module = write_module(
        tmp_path,
        f"override_obj_{request.node.name}",
        """
        import time

        def objective(trial):
            x = trial.params["x"]
            for step in range(4):
                trial.report(x * x + 1.0 / (step + 1), step)
                if trial.should_prune():
                    import hypersense
                    raise hypersense.TrialPruned
            time.sleep(float(trial.params["sleep_s"]))
            return x * x
        """,
    )
    return write_config(
        tmp_path,
        f"""
        study_name: over
        objective: {module}:objective
        space:
          x: {{type: float, low: -1.0, high: 1.0}}
          sleep_s: 0.0
        sampler: random
        n_trials: 12
        seed: 0
        """,
    )


def run(config: Path, *args: str) -> tuple[str, hs.Study]:
    url = f"sqlite:///{config.parent / 'over.db'}"
    result = RUNNER.invoke(app, ["run", str(config), "--storage", url, *args])
    assert result.exit_code == 0, result.output
    return result.stdout, hs.load_study("over", url)


def test_n_trials(config: Path) -> None:
    out, study = run(config, "--n-trials", "5")
    assert len(study.trials) == 5
    assert "running 5 trials [config overridden by --n-trials 5]" in out


def test_sampler_keeps_the_seed(config: Path) -> None:
    _, random_run = run(config, "--n-trials", "3")
    xs = [t.params["x"] for t in random_run.trials]
    assert not any("auto_sampler" in t.system_attrs for t in random_run.trials)
    hs.delete_study("over", random_run.storage)
    out, auto = run(config, "--sampler", "auto", "--n-trials", "3")
    # AutoSampler names the sampler that proposed each trial; the config's had none.
    assert all("auto_sampler" in t.system_attrs for t in auto.trials)
    assert [t.params["x"] for t in auto.trials] != xs
    assert "[config overridden by --n-trials 3, --sampler auto]" in out


def test_pruner(config: Path) -> None:
    _, plain = run(config)
    assert not [t for t in plain.trials if t.state is hs.TrialState.PRUNED]
    hs.delete_study("over", plain.storage)
    out, pruned = run(config, "--pruner", "median")
    assert [t for t in pruned.trials if t.state is hs.TrialState.PRUNED]
    assert "[config overridden by --pruner median]" in out


def test_n_jobs_runs_trials_in_worker_processes(config: Path) -> None:
    out, study = run(config, "--n-jobs", "2", "--n-trials", "6")
    pids = {str(t.system_attrs[SystemAttr.WORKER]).rsplit(":", 1)[1] for t in study.trials}
    assert str(os.getpid()) not in pids and len(study.trials) == 6
    assert "--n-jobs 2" in out


def test_timeout_stops_starting_trials(config: Path) -> None:
    text = (
        config.read_text()
        .replace("sleep_s: 0.0", "sleep_s: 0.3")
        .replace("n_trials: 12", "n_trials: 1000")
    )
    config.write_text(text)
    start = time.monotonic()
    out, study = run(config, "--timeout", "1")
    assert len(study.trials) < 1000 and time.monotonic() - start < 60
    assert "[config overridden by --timeout 1.0]" in out


def test_a_bad_override_names_the_option(config: Path) -> None:
    url = f"sqlite:///{config.parent / 'over.db'}"
    result = RUNNER.invoke(app, ["run", str(config), "--storage", url, "--sampler", "nope"])
    assert result.exit_code == 2
    assert "option --sampler (overriding `sampler`): " in result.stderr
    assert "nope" in result.stderr
