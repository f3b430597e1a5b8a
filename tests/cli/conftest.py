"""Running the real ``hypersense`` console script in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def hypersense_script() -> Path:
    """The console script pip installed next to this interpreter."""
    script = Path(sys.executable).with_name("hypersense")
    assert script.is_file(), f"no console script at {script}; is hypersense installed?"
    return script


@pytest.fixture
def hypersense(
    hypersense_script: Path, tmp_path: Path
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``hypersense(*args, input=None)`` runs the command in ``tmp_path``."""

    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(hypersense_script), *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            input=input,
            timeout=300,
            check=False,
        )

    return run
