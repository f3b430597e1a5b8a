"""The public surface, compared with a committed list so API changes show in review."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

API_FILE = Path(__file__).with_name("public_api.json")
MODULES = [
    "hypersense",
    "hypersense.space",
    "hypersense.trial",
    "hypersense.study",
    "hypersense.storage",
    "hypersense.samplers",
    "hypersense.pruners",
    "hypersense.execution",
    "hypersense.lr",
]


def current_api() -> dict[str, list[str]]:
    return {m: sorted(importlib.import_module(m).__all__) for m in MODULES}


@pytest.mark.parametrize("module", MODULES)
def test_public_names_match_the_committed_list(module: str) -> None:
    committed = json.loads(API_FILE.read_text())
    assert current_api()[module] == committed[module], (
        f"the public API of {module} changed; if on purpose, regenerate {API_FILE.name} with "
        "`python -m tests.test_public_api`"
    )


@pytest.mark.parametrize("module", MODULES)
def test_every_public_name_exists(module: str) -> None:
    mod = importlib.import_module(module)
    for name in mod.__all__:
        assert getattr(mod, name) is not None


if __name__ == "__main__":
    API_FILE.write_text(json.dumps(current_api(), indent=2) + "\n")
