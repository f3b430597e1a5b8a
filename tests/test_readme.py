"""The README works as written: its command-line block runs in a fresh directory;
every ``hypersense`` line of the README, docs/ and examples/README.md names a real
command with real options (and a real figure); every extra the README names
exists and is used; the README and docs link only to files in the repository.

``.ci/run`` runs the README's two commands (install + demo, install + tests)
from a clean clone, through ``.ci/readme_commands.py``, which these tests share.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import typer.main

from hypersense.cli.app import app
from hypersense.report.figures import figure_kind

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _readme_commands() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "readme_commands", ROOT / ".ci" / "readme_commands.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _text() -> str:
    return README.read_text(encoding="utf-8")


def _all_bash_lines() -> list[str]:
    """Every line of the bash blocks of the README, docs/ and examples/README.md."""
    documents = [README, *sorted((ROOT / "docs").glob("*.md")), ROOT / "examples" / "README.md"]
    text = "".join(d.read_text(encoding="utf-8") for d in documents)
    blocks = re.findall(r"^```bash\n(.*?)^```", text, re.M | re.S)
    # A line ending in a backslash continues on the next one: one command.
    commands = [re.sub(r"\\\n\s*", " ", block) for block in blocks]
    return [line for block in commands for line in block.splitlines() if line.strip()]


def _words(line: str) -> list[str]:
    return shlex.split(line, comments=True)


def test_the_two_commands_are_what_ci_runs() -> None:
    blocks = _readme_commands().bash_blocks(_text(), "Two commands")
    assert len(blocks) == 2
    demo, tests = (b.strip() for b in blocks)
    assert demo.endswith("&& hypersense demo") and "pip install" in demo
    assert tests.endswith("python -m pytest") and '".[dev,torch]"' in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'readme() { python3 .ci/readme_commands.py "Two commands" "$1"; }' in ci
    for n, block in enumerate(blocks, start=1):
        assert f'eval "$(readme {n})"' in ci
        printed = subprocess.run(
            [
                sys.executable,
                "-I",
                str(ROOT / ".ci" / "readme_commands.py"),
                "Two commands",
                str(n),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert printed.stdout == block


def test_the_command_line_block_runs_as_written_in_a_fresh_directory(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = dict(os.environ)
    # The `hypersense` script of this interpreter, importing this checkout's code.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    block = _readme_commands().bash_blocks(_text(), "The command line")[0]
    lines = [line for line in block.splitlines() if line.strip()]
    assert lines[0].startswith("hypersense run examples/")
    for line in lines:
        result = subprocess.run(
            ["bash", "-c", line],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, (line, result.stdout, result.stderr)
    assert (tmp_path / "trials.csv").stat().st_size > 0


@pytest.mark.parametrize("line", [x for x in _all_bash_lines() if x.startswith("hypersense ")])
def test_every_hypersense_line_names_a_real_command_and_options(
    line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # paths in the README are relative to the checkout
    group = typer.main.get_command(app)
    name, *args = _words(line)[1:]
    with group.make_context("hypersense", [name]) as parent:
        command = group.get_command(parent, name)  # type: ignore[attr-defined]
        assert command is not None, f"{line!r}: no command {name!r}"
        context = command.make_context(name, list(args), parent=parent)  # unknown options raise
    if name == "plot":  # the figure is checked when the command runs: check it here
        figure_kind(context.params["figure"])


def _pyproject_extras() -> set[str]:
    """The extras' names (tomllib is Python 3.11+; the section is plain ``name = [...]`` lines)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = text.split("[project.optional-dependencies]\n", 1)[1].split("\n[", 1)[0]
    return set(re.findall(r"^([a-z]+) = \[", section, re.M))


def _extras_the_code_names() -> set[str]:
    named: set[str] = set()
    for path in (ROOT / "src" / "hypersense").rglob("*.py"):
        named.update(re.findall(r'extra="([a-z]+)"', path.read_text(encoding="utf-8")))
    return named


def test_every_extra_the_readme_names_exists_and_the_code_uses_it() -> None:
    text = _text()
    named = set(re.findall(r"`\[([a-z]+)\]`", text))
    named |= {e for group in re.findall(r'\.\[([a-z,]+)\]"', text) for e in group.split(",")}
    assert {"torch", "dev"} <= named
    extras = _pyproject_extras()
    assert {"torch", "dev", "plot"} <= extras
    assert named <= extras, named - extras
    used = _extras_the_code_names() | {"dev"}  # dev: the tools, not a feature
    assert named <= used, f"advertised but unused: {sorted(named - used)}"


def test_the_readme_and_docs_link_only_to_files_in_the_repository() -> None:
    documents = [README, *sorted((ROOT / "docs").glob("*.md"))]
    for document in documents:
        text = document.read_text(encoding="utf-8")
        links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
        mentioned = re.findall(r"`((?:docs|benchmarks|examples|src|tests|\.ci)/[\w./-]+)`", text)
        for target in links:
            if re.match(r"[a-z]+://", target):
                continue
            assert (document.parent / target).exists(), f"{document.name} links to {target}"
        for target in mentioned:
            assert (ROOT / target).exists(), f"{document.name} mentions {target}"
        assert "shared/" not in text, f"{document.name} points outside the repository"
