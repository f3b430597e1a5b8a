"""A command that needs a missing optional package says so before any work, naming
the pip package and the extra to install (never a module path such as ``plotly.io``).

The package is blocked in a fresh interpreter (as in tests/test_optional_dependencies.py);
"before any work" is checked two ways: neither the analysis nor SQLAlchemy (so no storage)
was imported, and a storage that does not exist is never opened (its error would come
first otherwise).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import hypersense as hs
from tests.test_optional_dependencies import BLOCKER

RUN_MAIN = """
import sys
sys.argv = ["hypersense", *{args!r}]
from hypersense.cli.app import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
started = sorted(m for m in ("hypersense.analysis.api", "sqlalchemy")
                 if m in sys.modules)
print("EXIT", code, "STARTED", started)
"""


def run_blocked(
    blocked: list[str], args: list[str], cwd: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    code = BLOCKER.format(blocked=blocked) + RUN_MAIN.format(args=args)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, **env},
        check=False,
    )


@pytest.fixture
def study_db(tmp_path: Path) -> str:
    """A SQLite study with 30 trials: enough that report and analyze would analyse it."""
    url = f"sqlite:///{tmp_path / 'studies.db'}"
    study = hs.create_study(study_name="q", storage=url)
    study.optimize(
        lambda t: t.suggest_float("x", 0, 1) ** 2 + t.suggest_float("y", 0, 1), n_trials=30
    )
    study.storage.close()
    return url


def _assert_named_before_work(result: subprocess.CompletedProcess[str], package: str) -> None:
    assert "EXIT 2 STARTED []" in result.stdout, result.stdout + result.stderr
    message = " ".join(result.stderr.split())
    assert f"'{package}'" in message, message
    assert "needs the package" in message and " need " not in message, message


@pytest.mark.parametrize("storage", ["study", "missing file"])
def test_report_names_plotly_and_the_plot_extra_before_reading_the_study(
    tmp_path: Path, study_db: str, storage: str
) -> None:
    url = study_db if storage == "study" else f"sqlite:///{tmp_path / 'nothing-here.db'}"
    result = run_blocked(["plotly"], ["report", "q", "--storage", url], tmp_path)
    _assert_named_before_work(result, "plotly")
    assert 'pip install "hypersense[plot]"' in " ".join(result.stderr.split())
    assert not (tmp_path / "report.html").exists()


def test_plot_names_kaleido_not_a_module_path(tmp_path: Path, study_db: str) -> None:
    result = run_blocked(
        ["kaleido"], ["plot", "q", "history", "-o", "h.png", "--storage", study_db], tmp_path
    )
    _assert_named_before_work(result, "kaleido")
    message = " ".join(result.stderr.split())
    assert 'pip install "hypersense[plot]"' in message
    assert "plotly.io" not in message


def test_plot_without_a_browser_says_how_to_get_one_before_any_work(
    tmp_path: Path, study_db: str
) -> None:
    result = run_blocked(
        [],
        ["plot", "q", "history", "-o", "h.png", "--storage", study_db],
        tmp_path,
        BROWSER_PATH=str(tmp_path / "no-such-chrome"),
    )
    assert "EXIT 2 STARTED []" in result.stdout, result.stdout + result.stderr
    message = " ".join(result.stderr.split())
    assert "needs Chrome or Chromium" in message and "apt-get install chromium" in message
    assert "BROWSER_PATH" in message


def test_sobol_analysis_names_salib_and_the_analysis_extra(tmp_path: Path, study_db: str) -> None:
    result = run_blocked(
        ["SALib"], ["analyze", "q", "--method", "sobol", "--storage", study_db], tmp_path
    )
    _assert_named_before_work(result, "SALib")
    message = " ".join(result.stderr.split())
    assert 'pip install "hypersense[analysis]"' in message
    assert "SALib.sample" not in message
