"""Every code block of docs/coming-from.md runs: the ``python`` blocks of a
section (a ``##`` heading, or a ``###`` one under it) in order, in one
namespace, in a fresh folder; each line of a ``bash`` block is a ``hypersense``
command run there."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import hypersense
from hypersense.torch.runtime import torch_threads

DOC = Path(__file__).parents[2] / "docs" / "coming-from.md"
README = Path(__file__).parents[2] / "README.md"
_FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block: its language, first line in the file, and code."""

    language: str
    line: int
    code: str


def sections(text: str) -> dict[str, list[Block]]:
    """The code blocks of each section (``## A`` or ``## A`` / ``### B``: "A / B"), in order."""
    found: dict[str, list[Block]] = {}
    title = chapter = ""
    language, start, lines = None, 0, list[str]()
    for number, line in enumerate(text.splitlines(), start=1):
        fence = _FENCE.match(line)
        if language is None and line.startswith("## "):
            title = chapter = line[3:].strip()
        elif language is None and line.startswith("### "):
            title = f"{chapter} / {line[4:].strip()}"
        elif language is None and fence:
            language, start, lines = fence.group(1), number + 1, []
        elif language is not None and line.startswith("```"):
            found.setdefault(title, []).append(Block(language, start, "\n".join(lines)))
            language = None
        elif language is not None:
            lines.append(line)
    return found


SECTIONS = sections(DOC.read_text())


def test_the_page_has_its_sections_and_the_readme_links_it() -> None:
    assert list(SECTIONS) == [
        "Optuna / Your objective and study, unchanged",
        "Optuna / Plots and importances",
        "Optuna / Your Optuna studies, analysed",
        "Optuna / Tracking in MLflow",
        "scikit-learn: GridSearchCV and RandomizedSearchCV",
        "scikit-optimize: BayesSearchCV",
        "Keras (and KerasTuner)",
        "PyTorch Lightning",
    ]
    languages = {b.language for blocks in SECTIONS.values() for b in blocks}
    assert languages == {"python", "bash"}  # nothing that would be left unrun
    assert "docs/coming-from.md" in README.read_text()


def _run_command(line: str, cwd: Path) -> None:
    words = shlex.split(line)
    assert words[0] == "hypersense", f"a bash block of the page runs hypersense only: {line}"
    env = dict(os.environ)
    src = str(Path(hypersense.__file__).parents[1])
    env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
    done = subprocess.run(
        [sys.executable, "-m", "hypersense.cli", *words[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"


# Advice for real runs that the page's tiny examples trigger, from the libraries shown.
@pytest.mark.filterwarnings("ignore:.*does not have many workers:UserWarning")
@pytest.mark.filterwarnings("ignore:.*log_every_n_steps:UserWarning")
@pytest.mark.filterwarnings("ignore:.*isinstance.treespec, LeafSpec.:FutureWarning")
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SADeprecationWarning")
@pytest.mark.parametrize("title", list(SECTIONS))
def test_the_section_runs(title: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__coming_from__"}
    # One PyTorch thread: the page's tiny Keras and Lightning fits run ten times
    # slower when their threads compete for a busy machine's cores.
    with torch_threads(1):
        for block in SECTIONS[title]:
            if block.language == "python":
                exec(compile(block.code, f"{DOC}:{block.line}", "exec"), namespace)
            else:
                for line in block.code.splitlines():
                    if line.strip() and not line.lstrip().startswith("#"):
                        _run_command(line, tmp_path)
