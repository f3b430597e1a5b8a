"""Every ``--help`` page reads well: flags show no ``<bool>`` type, the usage line has
no braces around arguments."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from hypersense.cli.app import app

RUNNER = CliRunner()
COMMANDS = [
    "run", "demo", "studies", "trials", "best", "delete", "export",
    "report", "plot", "show", "analyze",
]  # fmt: skip


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_has_no_flag_types_and_no_braces(command: str | None) -> None:
    args = ["--help"] if command is None else [command, "--help"]
    result = RUNNER.invoke(app, args, terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    usage = next(line for line in result.output.splitlines() if "Usage:" in line)
    assert "{" not in usage and "}" not in usage, usage


def test_usage_names_the_arguments() -> None:
    run = RUNNER.invoke(app, ["run", "--help"], terminal_width=120).output
    assert "Usage: hypersense run [OPTIONS] CONFIG.yaml" in run
    plot = RUNNER.invoke(app, ["plot", "--help"], terminal_width=120).output
    assert "Usage: hypersense plot [OPTIONS] NAME FIGURE" in plot
    # Flags still work as flags.
    assert "--all" in RUNNER.invoke(app, ["trials", "--help"], terminal_width=120).output
