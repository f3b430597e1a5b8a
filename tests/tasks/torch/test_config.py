"""The PyTorch tasks from YAML config files: options, narrowed spaces, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import hypersense as hs
from hypersense.config.loader import load_config
from hypersense.config.run import run_config
from hypersense.errors import ConfigError
from hypersense.space import CategoricalDistribution, IntDistribution
from tests.config.helpers import write_config


def test_a_config_runs_a_pytorch_task_with_options_and_a_narrowed_space(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        study_name: cancer
        task: torch-breast-cancer-mlp
        task_options:
          max_epochs: 2
          cv_folds: 3
        space:
          width: 16
          normalization: [none, layer]
        sampler: random
        seed: 1
        n_trials: 2
        """,
    )
    url = f"sqlite:///{tmp_path / 'cancer.db'}"
    status = run_config(load_config(path), storage=url)
    assert status.n_done == 2
    study = hs.load_study("cancer", url)
    for trial in study.trials:
        assert trial.state is hs.TrialState.COMPLETE, trial.fail_reason
        assert trial.params["width"] == 16
        assert trial.distributions["width"] == IntDistribution(16, 16)
        assert trial.distributions["normalization"] == CategoricalDistribution(("none", "layer"))
        assert len(trial.user_attrs["accuracy_fold_scores"]) == 3


def test_a_bad_task_option_names_its_field(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        task: torch-diabetes-mlp
        task_options:
          cv_folds: 1
        n_trials: 1
        """,
    )
    with pytest.raises(ConfigError, match=r"field 'task_options.cv_folds'.*`cv_folds`"):
        run_config(load_config(path))
    wrong_way = write_config(
        tmp_path, "task: torch-diabetes-mlp\nn_trials: 1\ndirection: maximize\n", "w.yaml"
    )
    with pytest.raises(ConfigError, match="should minimize rmse"):
        run_config(load_config(wrong_way))
