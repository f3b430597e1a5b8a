"""The public surface, compared with a committed list so API changes show in review.

Public means: every package of hypersense, at any depth, and every module
directly under ``hypersense``, whose import path has no part starting with an
underscore. Each must declare ``__all__`` (an empty one for a package that is
not Python API, such as the command line's); modules inside subpackages are
reached through their package's names.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import pytest

import hypersense

API_FILE = Path(__file__).with_name("public_api.json")


def public_modules() -> list[str]:
    """``hypersense``, its public packages and its public top-level modules, sorted."""
    found = ["hypersense"]
    for info in pkgutil.walk_packages(hypersense.__path__, "hypersense."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts):
            continue
        if info.ispkg or len(parts) == 2:
            found.append(info.name)
    return sorted(found)


MODULES = public_modules()


def current_api() -> dict[str, list[str]]:
    return {m: sorted(importlib.import_module(m).__all__) for m in MODULES}


def test_the_committed_list_names_every_public_module() -> None:
    committed = json.loads(API_FILE.read_text())
    assert sorted(committed) == MODULES, (
        f"public modules changed; if on purpose, regenerate {API_FILE.name} with "
        "`python -m tests.test_public_api`"
    )


@pytest.mark.parametrize("module", MODULES)
def test_every_public_module_declares_its_names(module: str) -> None:
    assert isinstance(getattr(importlib.import_module(module), "__all__", None), list), (
        f"{module} has no `__all__`"
    )


@pytest.mark.parametrize("module", MODULES)
def test_public_names_match_the_committed_list(module: str) -> None:
    committed = json.loads(API_FILE.read_text())
    assert current_api()[module] == committed.get(module), (
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
