"""Writing config files and objective modules for the config and CLI tests."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_config(directory: Path, text: str, name: str = "study.yaml") -> Path:
    """Write dedented YAML ``text`` to ``directory/name`` and return the path."""
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def write_module(directory: Path, name: str, source: str) -> str:
    """Write a Python module ``name`` into ``directory``; return its name.

    Modules are imported into this test process and stay in ``sys.modules``,
    so every test must use its own module name.
    """
    (directory / f"{name}.py").write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return name
