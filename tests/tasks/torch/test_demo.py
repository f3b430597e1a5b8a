"""``hypersense demo``: the PyTorch digits CNN in SQLite, then what the search found:
the sealed test score, what matters with intervals, the noise floor and the
winner's curse from re-runs, advice, the report (with the weight figure) and the
next commands; a clear error without PyTorch."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hypersense as hs
from hypersense.cli.app import app
from hypersense.cli.demo import (
    DEMO_STUDY_NAME,
    DEMO_TASK,
    demo_config,
    evaluate_demo_on_test,
)
from hypersense.config.loader import parse_config
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

# A parameter line of the summary: name, importance, [low, high], verdict.
_PARAMETER_LINE = re.compile(
    r"^  (\S+)\s+(\S+)\s+\[(\S+), (\S+)\]\s+(matters|negligible|cannot tell)$"
)


def test_the_demo_config_searches_a_wide_learning_rate_without_pruning() -> None:
    config = demo_config(n_trials=40, n_jobs=2, seed=3, max_epochs=4)
    assert (config.study_name, config.task, DEMO_TASK) == (
        DEMO_STUDY_NAME,
        "torch-digits-cnn",
        "torch-digits-cnn",
    )
    assert config.task_options == {"max_epochs": 4}
    assert config.sampler.name == "tpe" and config.sampler.options == {"n_startup_trials": 20}
    # A pruned trial has no final value: the analysis would lose the bad learning rates.
    assert config.pruner.name == "none"
    assert (config.n_trials, config.n_jobs, config.seed) == (40, 2, 3)
    task = TorchDigitsCNNTask(**config.task_options)
    lr = config.space["lr"]
    assert (lr.low, lr.high, lr.log) == (1e-5, 1e-2, True)  # type: ignore[union-attr]
    assert set(config.space) < set(task.default_space())


@pytest.fixture(scope="module")
def short_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Path]:
    """A shortened demo run: its output, storage URL and report path."""
    tmp = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{tmp / 'demo.db'}"
    report = tmp / "demo.html"
    args = ["demo", "--n-trials", "40", "--n-jobs", "1", "--max-epochs", "3"]
    args += ["--n-repeats", "2", "--storage", url, "--report", str(report)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stdout, url, report


def test_the_demo_summary_names_a_parameter_that_matters_with_an_interval_above_zero(
    short_demo: tuple[str, str, Path],
) -> None:
    out, url, _ = short_demo
    lines = out.splitlines()
    assert lines[0] == f"study '{DEMO_STUDY_NAME}' in {url} (new): running 40 trials"
    start = next(i for i, line in enumerate(lines) if line.startswith("Best configuration: "))
    summary = lines[start:]
    assert re.match(
        r"Best configuration: trial \d+, validation accuracy 0\.\d{4}, sealed-test accuracy "
        r"0\.\d{4}",
        summary[0],
    )
    assert summary[1].startswith("What matters (fanova on the ")
    parameters = [m.groups() for line in summary if (m := _PARAMETER_LINE.match(line))]
    assert len(parameters) == 3
    assert {p[0] for p in parameters} <= set(TorchDigitsCNNTask.default_space())
    mattering = [p for p in parameters if p[4] == "matters" and float(p[2]) > 0.0]
    assert mattering, summary
    assert "lr" in {p[0] for p in mattering}  # three decades of learning rate, three epochs

    noise = next(line for line in summary if line.startswith("Noise floor: "))
    assert re.match(r"Noise floor: 2 re-runs of trial \d+ with other seeds give validation", noise)
    assert any(line.startswith("Winner's curse: the search's 0.") for line in summary)
    assert any(line.startswith("Advice: ") for line in summary)
    next_index = summary.index("Next:")
    assert summary[next_index + 1].startswith(f"  hypersense analyze {DEMO_STUDY_NAME} --storage")

    # What the summary says is stored: the re-runs in their companion study, the test score.
    reeval = hs.load_study(f"{DEMO_STUDY_NAME}:reeval", url)
    assert len([t for t in reeval.trials if t.state is hs.TrialState.COMPLETE]) == 2
    assert "test_accuracy" in hs.load_study(DEMO_STUDY_NAME, url).user_attrs


def test_the_demo_writes_a_report_with_the_weight_and_importance_figures(
    short_demo: tuple[str, str, Path],
) -> None:
    out, _, report = short_demo
    assert f"Report: {report.resolve()} (open it in a browser)" in out.splitlines()
    html = report.read_text(encoding="utf-8")
    for figure in ("weight_distribution", "importance", "reevaluation"):
        assert f'data-figure="{figure}"' in html, figure


def test_the_next_commands_the_demo_prints_run(short_demo: tuple[str, str, Path]) -> None:
    out, url, _ = short_demo
    lines = out.splitlines()
    commands = [line.split("#")[0].split() for line in lines[lines.index("Next:") + 1 :]]
    for words in commands:
        assert words[0] == "hypersense" and words[-2:] == ["--storage", url]
        if words[1] != "demo":  # running the demo again is the long part
            result = CliRunner().invoke(app, words[1:])
            assert result.exit_code == 0, (words, result.output)
        else:  # a resumed run keeps the epochs its trials were trained for
            assert words[2:6] == ["--n-trials", "120", "--max-epochs", "3"]


def test_running_the_config_again_resumes_and_the_test_score_is_stored(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    config = demo_config(n_trials=2, n_jobs=1, seed=0, max_epochs=2)
    run_config(config, storage=url)
    status = run_config(config, storage=url)  # resumes the finished study: nothing new
    assert status.n_new == 0 and isinstance(status.task, TorchDigitsCNNTask)
    evaluation = evaluate_demo_on_test(status, url)
    assert evaluation is not None and 0.0 <= evaluation.test_value <= 1.0
    assert evaluation.trial_number == status.best_trials[0].number
    stored = hs.load_study(DEMO_STUDY_NAME, url).user_attrs
    assert stored["test_accuracy"] == evaluation.test_value


def test_a_demo_study_over_another_space_is_refused_with_the_way_out(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    earlier = {"study_name": DEMO_STUDY_NAME, "task": DEMO_TASK, "n_trials": 1}
    run_config(parse_config({**earlier, "task_options": {"max_epochs": 1}}), storage=url)
    args = ["demo", "--n-trials", "2", "--n-jobs", "1", "--max-epochs", "1", "--storage", url]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2
    assert "run `hypersense demo --fresh` to replace it" in " ".join(refused.stderr.split())
    assert len(hs.load_study(DEMO_STUDY_NAME, url).trials) == 1  # nothing ran


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
