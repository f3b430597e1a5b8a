"""``hypersense demo``: the PyTorch digits CNN in SQLite with a pruner, its final
test evaluation stored, and a clear error without PyTorch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import hypersense as hs
from hypersense.cli.app import app
from hypersense.cli.demo import (
    DEMO_STUDY_NAME,
    DEMO_TASK,
    demo_config,
    demo_result_text,
    evaluate_demo_on_test,
)
from hypersense.config.run import run_config
from hypersense.tasks.torch_digits import TorchDigitsCNNTask

BLOCK_TORCH = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "torch":
            raise ImportError(f"blocked for the test: {name}")
        return None
sys.meta_path.insert(0, Block())
"""


def test_the_demo_config_tunes_the_cnn_task_with_tpe_and_a_median_pruner() -> None:
    config = demo_config(n_trials=7, n_jobs=2, seed=3)
    assert (config.study_name, config.task, DEMO_TASK) == (
        DEMO_STUDY_NAME,
        "torch-digits-cnn",
        "torch-digits-cnn",
    )
    assert config.sampler.name == "tpe" and config.pruner.name == "median"
    assert (config.n_trials, config.n_jobs, config.seed) == (7, 2, 3)


def test_demo_runs_end_to_end_into_sqlite_and_stores_the_test_score(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = CliRunner().invoke(app, ["demo", "--n-trials", "2", "--n-jobs", "1", "--storage", url])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"study '{DEMO_STUDY_NAME}' in {url} (new): running 2 trials"
    assert "on the held-out test set: 0." in lines[-1]
    study = hs.load_study(DEMO_STUDY_NAME, url)
    assert len(study.trials) == 2
    assert set(study.trials[0].params) == set(TorchDigitsCNNTask.default_space())

    # Running the config again resumes the finished study: nothing new to train.
    status = run_config(demo_config(n_trials=2, n_jobs=1, seed=0), storage=url)
    assert status.n_new == 0 and isinstance(status.task, TorchDigitsCNNTask)
    evaluation = evaluate_demo_on_test(status, url)
    assert evaluation is not None and 0.5 < evaluation.test_value <= 1.0
    assert evaluation.trial_number == status.best_trials[0].number
    stored = hs.load_study(DEMO_STUDY_NAME, url).user_attrs
    assert stored["test_accuracy"] == evaluation.test_value
    text = demo_result_text(evaluation)
    number = evaluation.trial_number
    assert text.startswith(f"validation accuracy of the best configuration (trial {number}): ")
    assert text.endswith(
        f"on the held-out test set: {evaluation.test_value:.4f} "
        "(stored as study attribute 'test_accuracy')"
    )
    assert " ± 0.0100;" in demo_result_text(evaluation, sem=0.01)


def test_without_pytorch_the_demo_names_the_extra_that_installs_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    code = BLOCK_TORCH + (
        "from hypersense.cli.app import main\n"
        f"sys.argv = ['hypersense', 'demo', '--n-trials', '1', '--storage', {url!r}]\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2, result.stderr
    assert 'pip install "hypersense[torch]"' in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr


def test_the_registry_imports_pytorch_only_for_a_pytorch_task() -> None:
    code = (
        "import sys\n"
        "from hypersense.tasks import TASKS, task_class\n"
        "assert 'torch-digits-cnn' in TASKS\n"
        "task_class('sklearn-digits-mlp')\n"
        "assert 'torch' not in sys.modules, 'imported too early'\n"
        "task_class('torch-digits-cnn')\n"
        "assert 'torch' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
