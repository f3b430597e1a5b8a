"""Aliases and nesting in a config file are bounded before anything is built from them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hypersense import ConfigError
from hypersense.config import load_config
from hypersense.config.yaml_reading import MAX_EXPANDED_NODES, read_yaml


def _alias_bomb(levels: int = 8, fanout: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * fanout)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append(f"objective: math:fabs\nspace: {{x: *a{levels - 1}}}")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_in_a_fresh_process_within_seconds(tmp_path: Path) -> None:
    # 8 levels of 9 aliases: a few hundred bytes that expand to 9**8 = 43 million values
    # (227 s and 8.9 GB before the bound). The bound is a liveness limit, not a speed claim.
    path = tmp_path / "bomb.yaml"
    path.write_text(_alias_bomb())
    assert path.stat().st_size < 600
    code = (
        "import sys\n"
        "from hypersense.config import load_config\n"
        "from hypersense import ConfigError\n"
        "try:\n"
        f"    load_config({str(path)!r})\n"
        "except ConfigError as exc:\n"
        "    print(exc)\n"
        "    sys.exit(0)\n"
        "sys.exit(1)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    assert f"aliases expand to more than {MAX_EXPANDED_NODES:,} values" in done.stdout
    assert str(path) in done.stdout


def test_aliases_that_share_a_few_values_still_work(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    # Written plainly: an anchor on the first use, an alias on the second.
    path.write_text(
        "objective: math:fabs\n"
        "n_trials: 3\n"
        "space:\n"
        "  lr: &lr {type: float, low: 1.0e-4, high: 1.0e-1, log: true}\n"
        "  lr_head: *lr\n"
    )
    config = load_config(path)
    assert config.space["lr"] == config.space["lr_head"]


def test_a_recursive_alias_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("objective: math:fabs\nspace: &s\n  x: *s\n")
    with pytest.raises(ConfigError, match=r"line 2: a YAML alias refers to a value that contains"):
        read_yaml(path)


def test_absurdly_deep_nesting_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("space: " + "[" * 20_000 + "]" * 20_000 + "\n")
    with pytest.raises(ConfigError, match="nested too deeply"):
        read_yaml(path)
