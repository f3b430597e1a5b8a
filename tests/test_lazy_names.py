"""Every public name, lazy ones included, is listed by dir() and reachable as an attribute."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

import hypersense as hs

PUBLIC = json.loads(Path(__file__).with_name("public_api.json").read_text())


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_every_public_name_is_in_dir_and_reachable(module: str) -> None:
    mod = importlib.import_module(module)
    listed = set(dir(mod))
    for name in PUBLIC[module]:
        assert name in listed, f"{module}.{name} is missing from dir()"
        assert getattr(mod, name) is not None


@pytest.mark.parametrize(
    "name", ["analysis", "report", "samplers", "pruners", "storage", "testing", "integrations"]
)
def test_subpackages_are_attributes_of_the_package(name: str) -> None:
    assert name in dir(hs)
    assert getattr(hs, name) is importlib.import_module(f"hypersense.{name}")


def test_the_gp_sampler_is_where_the_readme_says() -> None:
    from hypersense.samplers.gp import GPSampler

    assert hs.samplers.GPSampler is GPSampler
