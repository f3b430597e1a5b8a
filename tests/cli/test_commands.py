"""The commands in this process (typer's runner): exit codes, one-line errors,
storage defaults, confirmation, the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hypersense as hs
from hypersense.cli.app import app
from tests.config.helpers import write_config, write_module

runner = CliRunner()


@pytest.fixture
def quick_config(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    module = write_module(
        tmp_path,
        f"cmd_obj_{request.node.name}",
        """
        def objective(trial):
            x = trial.params["x"]
            if x > 0.999:
                raise ZeroDivisionError("x hit the wall")
            return (x - 0.25) ** 2

        def always_fails(trial):
            raise ZeroDivisionError("boom")
        """,
    )
    return write_config(
        tmp_path,
        f"""
        study_name: quick
        objective: {module}:objective
        space:
          x: {{type: float, low: 0.0, high: 1.0}}
        n_trials: 3
        seed: 1
        """,
    )


def _one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_config_error_is_one_red_line_and_exit_2(tmp_path: Path) -> None:
    path = write_config(tmp_path, "objective: math:fabs\nn_trials: many\n")
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert _one_error_line(result.stderr) == (
        f"error: config file '{path}', line 2, field 'n_trials': expected an integer (got 'many')"
    )
    assert "Traceback" not in result.output


def test_missing_config_file_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2
    assert (
        _one_error_line(result.stderr)
        == f"error: config file '{tmp_path / 'absent.yaml'}' not found"
    )


def test_unknown_study_and_bad_storage_exit_2(quick_config: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert runner.invoke(app, ["run", str(quick_config), "--storage", url]).exit_code == 0
    for command in ("trials", "best", "delete"):
        result = runner.invoke(app, [command, "nope", "--storage", url])
        assert result.exit_code == 2, command
        assert "no study named 'nope'" in _one_error_line(result.stderr)
    result = runner.invoke(app, ["studies", "--storage", "not-a-url"])
    assert result.exit_code == 2
    assert "cannot parse storage URL 'not-a-url'" in _one_error_line(result.stderr)
    result = runner.invoke(app, ["studies", "--storage", f"sqlite:///{tmp_path / 'none.db'}"])
    assert result.exit_code == 2
    assert "no database file" in _one_error_line(result.stderr)
    assert not (tmp_path / "none.db").exists()  # reading never creates a database
    result = runner.invoke(app, ["run", str(quick_config), "--storage", "mysql://h/db"])
    assert result.exit_code == 2 and "cannot open storage 'mysql://h/db'" in result.stderr


def test_default_storage_is_hypersense_db_in_the_working_directory(
    quick_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["run", str(quick_config)]).exit_code == 0
    assert (tmp_path / "hypersense.db").is_file()
    listed = json.loads(runner.invoke(app, ["studies", "--json"]).stdout)
    assert [s["study_name"] for s in listed["studies"]] == ["quick"]


def test_config_storage_is_used_unless_the_flag_overrides_it(
    quick_config: Path, tmp_path: Path
) -> None:
    in_config = tmp_path / "from-config.db"
    quick_config.write_text(quick_config.read_text() + f"storage: sqlite:///{in_config}\n")
    assert runner.invoke(app, ["run", str(quick_config)]).exit_code == 0
    assert in_config.is_file()
    flag = tmp_path / "from-flag.db"
    result = runner.invoke(app, ["run", str(quick_config), "--storage", f"sqlite:///{flag}"])
    assert result.exit_code == 0 and flag.is_file()
    assert (
        result.stdout.splitlines()[0]
        == f"study 'quick' in sqlite:///{flag} (new): running 3 trials"
    )


def test_an_uncaught_objective_error_stops_the_run_with_exit_1(
    quick_config: Path, tmp_path: Path
) -> None:
    quick_config.write_text(quick_config.read_text().replace(":objective", ":always_fails"))
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = runner.invoke(app, ["run", str(quick_config), "--storage", url])
    assert result.exit_code == 1
    assert _one_error_line(result.stderr).startswith(
        "error: the run stopped on ZeroDivisionError: boom (finished trials are kept;"
    )
    [trial] = hs.load_study("quick", url).trials
    assert trial.state is hs.TrialState.FAIL and "ZeroDivisionError" in trial.fail_reason  # type: ignore[operator]
    best = runner.invoke(app, ["best", "quick", "--storage", url])
    assert best.exit_code == 1
    assert _one_error_line(best.stderr) == "error: study 'quick' has no COMPLETE trial yet"


def test_delete_asks_and_keeps_the_study_when_declined(quick_config: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert runner.invoke(app, ["run", str(quick_config), "--storage", url]).exit_code == 0
    declined = runner.invoke(app, ["delete", "quick", "--storage", url], input="n\n")
    assert declined.exit_code == 1
    assert f"Delete study 'quick' and its 3 trials from {url}? [y/N]" in declined.output
    assert hs.load_study("quick", url).trials
    accepted = runner.invoke(app, ["delete", "quick", "--storage", url], input="y\n")
    assert accepted.exit_code == 0
    with pytest.raises(hs.StudyNotFoundError):
        hs.load_study("quick", url)


def test_tables_and_csv_to_stdout(quick_config: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    runner.invoke(app, ["run", str(quick_config), "--storage", url])
    table = runner.invoke(app, ["trials", "quick", "--storage", url])
    assert table.exit_code == 0 and "Trials of study 'quick'" in table.stdout
    assert runner.invoke(app, ["studies", "--storage", url]).stdout.count("quick") == 1
    assert "Trial " in runner.invoke(app, ["best", "quick", "--storage", url]).stdout
    csv_out = runner.invoke(app, ["export", "quick", "-o", "-", "--storage", url]).stdout
    assert csv_out.splitlines()[0] == (
        "number,value,state,datetime_start,datetime_complete,duration_s,params_x,fail_reason"
    )
    assert len(csv_out.splitlines()) == 4
    bad = runner.invoke(
        app, ["export", "quick", "-o", str(tmp_path / "no" / "t.csv"), "--storage", url]
    )
    assert bad.exit_code == 2 and "cannot write" in _one_error_line(bad.stderr)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"hypersense {hs.__version__}"


def test_demo_runs_resumes_and_starts_fresh(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    args = ["demo", "--n-trials", "1", "--n-jobs", "1", "--max-epochs", "1", "--n-repeats", "2"]
    args += ["--storage", url, "--report", str(tmp_path / "demo.html")]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert lines[0] == f"study 'demo-torch-digits-cnn' in {url} (new): running 1 trial"
    assert (
        "What matters: not analysed (the analysis needs at least 12 COMPLETE trials; "
        "the study has 1)"
    ) in lines
    again = runner.invoke(app, args)
    assert "1/1 trials already; nothing to run" in again.stdout.splitlines()[0]
    fresh = runner.invoke(app, [*args, "--fresh"])
    assert "(new): running 1 trial" in fresh.stdout.splitlines()[0]
    study = hs.load_study("demo-torch-digits-cnn", url)
    assert len(study.trials) == 1
    assert 0.0 < study.user_attrs["test_accuracy"] <= 1.0
    # --fresh also deleted the re-runs of the old best configuration.
    assert len(hs.load_study("demo-torch-digits-cnn:reeval", url).trials) == 2
