"""Optuna studies in and out, through the real optuna package and its storages."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import optuna
import pytest

import hypersense as hs
from hypersense.integrations.optuna import OptunaImportError, export_study, import_study

optuna.logging.set_verbosity(optuna.logging.WARNING)
# Optuna marks set_metric_names experimental; the tests use it as users do.
pytestmark = pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")


def _optuna_study(
    url: str, name: str = "legacy", n: int = 12, *, multi: bool = False
) -> optuna.Study:
    """A study written by Optuna itself: conditional parameters, user attributes, a
    pruned and a failed trial; two objectives, or one with intermediate values."""
    study = optuna.create_study(
        study_name=name, storage=url, sampler=optuna.samplers.RandomSampler(seed=0),
        directions=["minimize", "maximize"] if multi else ["minimize"],
    )  # fmt: skip
    study.set_user_attr("team", "vision")
    study.set_metric_names(["loss", "accuracy"] if multi else ["loss"])

    def objective(trial: optuna.Trial) -> float | tuple[float, float]:
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        layers = trial.suggest_int("layers", 1, 4)
        opt = trial.suggest_categorical("optimizer", ["sgd", "adam"])
        if opt == "sgd":
            trial.suggest_float("momentum", 0.0, 0.9, step=0.1)
        trial.set_user_attr("note", f"run {trial.number}")
        if not multi:
            for step in range(3):
                trial.report(lr * (step + 1), step)
        if trial.number == 5:
            raise optuna.TrialPruned()
        if trial.number == 7:
            raise ValueError("diverged")
        return (lr * layers, 1.0 - lr) if multi else lr * layers

    study.optimize(objective, n_trials=n, catch=(ValueError,))
    return study


@pytest.mark.parametrize("multi", [False, True])
def test_an_optuna_study_is_imported_field_by_field(tmp_path: Path, multi: bool) -> None:
    source = f"sqlite:///{tmp_path / 'optuna.db'}"
    original = _optuna_study(source, multi=multi)
    target = f"sqlite:///{tmp_path / 'hs.db'}"
    [report] = import_study(source, study_name="legacy", to_storage=target)
    assert (report.n_added, report.n_already, report.n_unfinished) == (12, 0, 0)
    study = hs.load_study("legacy", target)
    assert [d.value for d in study.directions] == [d.name.lower() for d in original.directions]
    assert study.user_attrs == {"team": "vision"}
    assert study.metric_names == original.metric_names
    for theirs, ours in zip(original.trials, study.trials, strict=True):
        assert ours.state.name == theirs.state.name
        assert ours.params == theirs.params
        assert ours.values == (None if theirs.values is None else tuple(theirs.values))
        assert dict(ours.intermediate_values) == theirs.intermediate_values
        assert ours.user_attrs == theirs.user_attrs
        assert ours.system_attrs["optuna_trial_number"] == theirs.number
        assert ours.started_at == pytest.approx(theirs.datetime_start.timestamp())
        assert ours.completed_at == pytest.approx(theirs.datetime_complete.timestamp())
        for name, dist in theirs.distributions.items():
            assert ours.distributions[name].contains(theirs.params[name])
            assert type(ours.distributions[name]).__name__ == type(dist).__name__


def test_importing_again_adds_only_new_trials(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'optuna.db'}"
    original = _optuna_study(source, n=6)
    target = f"sqlite:///{tmp_path / 'hs.db'}"
    import_study(source, study_name="legacy", to_storage=target)
    original.optimize(lambda t: t.suggest_float("lr", 1e-4, 1e-1, log=True), n_trials=3)
    [again] = import_study(source, study_name="legacy", to_storage=target)
    assert (again.n_added, again.n_already) == (3, 6)
    assert len(hs.load_study("legacy", target).trials) == 9


def test_the_analysis_runs_on_an_imported_study(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'optuna.db'}"
    study = optuna.create_study(study_name="q", storage=source,
                                sampler=optuna.samplers.RandomSampler(seed=1))  # fmt: skip
    study.optimize(
        lambda t: (t.suggest_float("x", -2, 2) ** 2) + 0.01 * t.suggest_float("y", -2, 2),
        n_trials=40,
    )
    target = f"sqlite:///{tmp_path / 'hs.db'}"
    import_study(source, to_storage=target)  # every study
    scores = hs.importance.get_param_importances(hs.load_study("q", target))
    assert next(iter(scores)) == "x"


def test_an_export_reimports_equal(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'optuna.db'}"
    _optuna_study(source, n=8)
    ours = f"sqlite:///{tmp_path / 'hs.db'}"
    import_study(source, study_name="legacy", to_storage=ours)
    back = f"sqlite:///{tmp_path / 'back.db'}"
    assert export_study("legacy", from_storage=ours, to_storage=back) == 8
    import_study(back, study_name="legacy", to_storage=f"sqlite:///{tmp_path / 'again.db'}")
    first = hs.load_study("legacy", ours).trials
    second = hs.load_study("legacy", f"sqlite:///{tmp_path / 'again.db'}").trials
    for a, b in zip(first, second, strict=True):
        assert (a.state, a.params, a.user_attrs) == (b.state, b.params, b.user_attrs)
        assert a.intermediate_values == b.intermediate_values
        if a.state is hs.TrialState.COMPLETE:
            assert a.values == b.values
        assert a.started_at == pytest.approx(b.started_at)


def test_a_corrupted_optuna_database_names_the_trial_and_writes_nothing(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'optuna.db'}"
    _optuna_study(source, n=5)
    with closing(sqlite3.connect(tmp_path / "optuna.db")) as conn:
        conn.execute(
            "UPDATE trial_params SET param_value = 99 WHERE param_name = 'layers' AND trial_id = "
            "(SELECT trial_id FROM trials WHERE number = 3)"
        )
        conn.commit()
    target = f"sqlite:///{tmp_path / 'hs.db'}"
    with pytest.raises(OptunaImportError, match=r"trial 3, parameter 'layers': 99 is not in"):
        import_study(source, study_name="legacy", to_storage=target)
    assert hs.get_all_study_names(target) == []


def test_an_unknown_optuna_distribution_names_the_trial_and_parameter(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'optuna.db'}"
    _optuna_study(source, n=5)
    with closing(sqlite3.connect(tmp_path / "optuna.db")) as conn:
        conn.execute(
            "UPDATE trial_params SET distribution_json = "
            '\'{"name": "FancyDistribution", "attributes": {}}\' '
            "WHERE param_name = 'layers' AND trial_id = "
            "(SELECT trial_id FROM trials WHERE number = 2)"
        )
        conn.commit()
    target = f"sqlite:///{tmp_path / 'hs.db'}"
    with pytest.raises(
        OptunaImportError, match=r"trial 2, parameter 'layers': .*FancyDistribution"
    ):
        import_study(source, study_name="legacy", to_storage=target)
    assert hs.get_all_study_names(target) == []


def test_a_study_in_postgresql_is_imported(tmp_path: Path, postgres_url: str) -> None:
    writer = optuna.storages.RDBStorage(postgres_url)
    try:
        original = _optuna_study(writer, n=6)
        expected = [(t.params, t.values and tuple(t.values)) for t in original.trials]
    finally:
        writer.engine.dispose()
    target = f"sqlite:///{tmp_path / 'hs.db'}"
    [report] = import_study(postgres_url, study_name="legacy", to_storage=target)
    assert (report.n_added, report.n_already) == (6, 0)
    study = hs.load_study("legacy", target)
    assert [(t.params, t.values) for t in study.trials] == expected
    [again] = import_study(postgres_url, study_name="legacy", to_storage=target)
    assert (again.n_added, again.n_already) == (0, 6)


def test_the_commands_import_and_export(tmp_path: Path) -> None:
    import subprocess
    import sys

    source = f"sqlite:///{tmp_path / 'optuna.db'}"
    _optuna_study(source, n=4)
    target = f"sqlite:///{tmp_path / 'hs.db'}"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "hypersense.cli", *args],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    done = cli("import-optuna", "--from", source, "--all", "--storage", target)
    assert done.returncode == 0, done.stderr
    assert "study 'legacy': 4 trial(s) imported" in done.stdout
    again = cli("import-optuna", "--from", source, "--study", "legacy", "--storage", target)
    assert "0 trial(s) imported" in again.stdout and "(4 already there" in again.stdout
    shown = cli("trials", "legacy", "--storage", target, "--json")
    assert shown.returncode == 0 and shown.stdout.count('"number"') == 4
    out = f"sqlite:///{tmp_path / 'out.db'}"
    exported = cli("export-optuna", "legacy", "--to", out, "--storage", target)
    assert exported.returncode == 0 and "exported 4 trial(s)" in exported.stdout
    assert len(optuna.load_study(study_name="legacy", storage=out).trials) == 4
    neither = cli("import-optuna", "--from", source, "--storage", target)
    assert neither.returncode == 2 and "--study NAME or --all" in neither.stderr


def test_a_journal_file_study_is_imported_and_exported(tmp_path: Path) -> None:
    journal = str(tmp_path / "optuna.log")
    backend = optuna.storages.journal.JournalFileBackend(journal)
    _optuna_study(optuna.storages.JournalStorage(backend), n=6)
    target = f"sqlite:///{tmp_path / 'hs.db'}"
    [report] = import_study(journal, study_name="legacy", to_storage=target)
    assert report.n_added == 6
    imported = hs.load_study("legacy", target).trials
    assert [t.system_attrs["optuna_trial_number"] for t in imported] == list(range(6))
    back = str(tmp_path / "back.log")
    assert export_study("legacy", from_storage=target, to_storage=back) == 6
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(back))
    assert len(optuna.load_study(study_name="legacy", storage=storage).trials) == 6
    with pytest.raises(FileNotFoundError, match=r"no Optuna journal file at .*missing\.log"):
        import_study(str(tmp_path / "missing.log"), to_storage=target)
