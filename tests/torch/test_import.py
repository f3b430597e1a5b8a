"""hypersense.torch needs PyTorch; without it, its import names the extra."""

from __future__ import annotations

import pytest

from tests.test_optional_dependencies import BLOCKER, run_python


@pytest.mark.parametrize("module", ["hypersense.torch", "hypersense.torch.spaces"])
def test_without_torch_the_import_names_the_torch_extra(module: str) -> None:
    code = (
        BLOCKER.format(blocked=["torch"])
        + f"""
import hypersense as hs
try:
    import {module}
except hs.MissingDependencyError as exc:
    print("MESSAGE", exc)
"""
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert 'pip install "hypersense[torch]"' in result.stdout
    assert "'torch'" in result.stdout


def test_importing_hypersense_does_not_import_hypersense_torch() -> None:
    result = run_python("import sys, hypersense; print('hypersense.torch' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
