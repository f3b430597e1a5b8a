"""The experiment modules import neither SALib nor pandas until they are used."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_experiments_loads_no_optional_package() -> None:
    code = (
        "import sys\n"
        "import hypersense.analysis.experiments, hypersense.analysis.noise\n"
        "import hypersense.analysis.reevaluation\n"
        "print(sorted(m for m in ('SALib', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
