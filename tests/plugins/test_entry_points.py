"""Plugins installed for real (pip, entry points) and found by name.

The example plugin in ``example_plugin/`` (the one docs/plugins.md describes)
is installed into a temporary directory with pip and put on ``PYTHONPATH`` of
subprocesses, including the real ``hypersense`` command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SCRIPT = Path(sys.executable).with_name("hypersense")


def _install(projects: list[str], target: Path, scratch: Path) -> Path:
    """pip-install ``projects`` (dirs next to this file) into ``target``, building
    from copies so no build files land in the source tree."""
    for name in projects:
        copy = scratch / name
        shutil.copytree(HERE / name, copy)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "--no-index",
                "--target",
                str(target),
                str(copy),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return target


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the installed example plugin."""
    root = tmp_path_factory.mktemp("example-plugin")
    return _install(["example_plugin"], root / "site", root)


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the example plugin and the broken one."""
    root = tmp_path_factory.mktemp("broken-plugin")
    return _install(["example_plugin", "broken_plugin"], root / "site", root)


def _env(site: Path) -> dict[str, str]:
    paths = [str(site), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _python(site: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=_env(site),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_installed_plugins_are_found_by_name(example_site: Path) -> None:
    out = _python(
        example_site,
        """
        import json
        from hypersense.pruners.registry import PRUNER_REGISTRY, make_pruner
        from hypersense.samplers.registry import SAMPLER_REGISTRY, make_sampler
        from hypersense.tasks import TASK_REGISTRY, make_task
        sampler = make_sampler(" My_Sampler ", {"radius": 0.2, "seed": 3})
        pruner = make_pruner("my_pruner", {"threshold": 1.5})
        task = make_task("MY_TASK", {"n_steps": 2})
        print(json.dumps({
            "sampler": repr(sampler),
            "pruner": repr(pruner),
            "task": repr(task),
            "sampler_names": SAMPLER_REGISTRY.names(),
            "pruner_names": PRUNER_REGISTRY.names(),
            "task_names": TASK_REGISTRY.names(),
        }))
        """,
    )
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert found["sampler"] == "LocalSearchSampler(n_startup_trials=5, radius=0.2, seed=3)"
    assert found["pruner"] == "ThresholdPruner(threshold=1.5, n_warmup_steps=0)"
    assert found["task"] == "ShiftedQuadraticTask(n_steps=2)"
    assert "my_sampler" in found["sampler_names"] and "tpe" in found["sampler_names"]
    assert "my_pruner" in found["pruner_names"] and "median" in found["pruner_names"]
    assert "my_task" in found["task_names"]


def test_a_config_naming_the_plugins_runs_through_the_hypersense_command(
    example_site: Path, tmp_path: Path
) -> None:
    config = tmp_path / "plugin-study.yaml"
    config.write_text(
        textwrap.dedent(
            """
            task: my_task
            task_options: {n_steps: 3}
            sampler: {name: my_sampler, options: {n_startup_trials: 5, radius: 0.1}}
            pruner: {name: my_pruner, options: {threshold: 9.0}}
            n_trials: 20
            seed: 7
            storage: sqlite:///plugin.db
            """
        )
    )
    env = _env(example_site)
    run = subprocess.run(
        [str(SCRIPT), "run", str(config)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    listed = subprocess.run(
        [str(SCRIPT), "trials", "plugin-study", "--json", "--storage", "sqlite:///plugin.db"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    trials = json.loads(listed.stdout)["trials"]
    assert len(trials) == 20
    # The pruner's rule: step 0 reports 3 x loss, so exactly the trials with a
    # loss above 3 stop there.
    for t in trials:
        loss = (t["params"]["x"] - 0.3) ** 2 + (t["params"]["y"] + 1.0) ** 2
        assert t["state"] == ("PRUNED" if loss > 3.0 else "COMPLETE"), t
    assert {t["state"] for t in trials} == {"PRUNED", "COMPLETE"}
    # The sampler's rule: once 5 trials are COMPLETE, each draw lies within
    # 0.1 x the range (4) of the best COMPLETE trial before it. Uniform draws
    # would leave that box almost every time.
    local = 0
    for k, t in enumerate(trials):
        done = [u for u in trials[:k] if u["state"] == "COMPLETE"]
        if len(done) < 5:
            continue
        best = min(done, key=lambda u: u["values"][0])
        for name in ("x", "y"):
            assert abs(t["params"][name] - best["params"][name]) <= 0.4 + 1e-9, (k, name)
        local += 1
    assert local >= 5


def test_a_plugin_that_does_not_import_is_named_with_its_distribution(
    broken_site: Path, tmp_path: Path
) -> None:
    config = tmp_path / "broken.yaml"
    config.write_text(
        "objective: objective:f\nspace: {x: {type: float, low: 0, high: 1}}\n"
        "sampler: missing_sampler\nn_trials: 2\nstorage: sqlite:///broken.db\n"
    )
    (tmp_path / "objective.py").write_text("def f(trial):\n    return 0.0\n")
    run = subprocess.run(
        [str(SCRIPT), "run", str(config)],
        cwd=tmp_path,
        env=_env(broken_site),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    message = " ".join(run.stderr.split())
    assert "broken.yaml" in message
    assert "'missing_sampler = hypersense_broken_plugin.missing:MissingSampler'" in message
    assert "distribution 'hypersense-broken-plugin'" in message
    assert "ModuleNotFoundError" in message


def test_wrong_kinds_shadowed_built_ins_and_clashes_are_refused(broken_site: Path) -> None:
    out = _python(
        broken_site,
        """
        import logging
        from hypersense.errors import PluginError
        from hypersense.pruners.registry import pruner_class
        from hypersense.samplers import TPESampler
        from hypersense.samplers.registry import SAMPLER_REGISTRY, sampler_class
        logging.basicConfig(level=logging.WARNING, format="LOG %(message)s")
        assert sampler_class("TPE") is TPESampler
        assert "tpe" not in SAMPLER_REGISTRY.plugins()
        try:
            sampler_class("not_a_sampler")
        except PluginError as exc:
            print("WRONG KIND", exc)
        try:
            pruner_class("my_pruner")
        except ValueError as exc:
            print("CLASH", exc)
        """,
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout + out.stderr
    assert "WRONG KIND entry point 'not_a_sampler = hypersense_broken_plugin:NotASampler'" in text
    assert "which is not a subclass of Sampler" in text
    assert "CLASH pruner name 'my_pruner' is claimed by several plugins" in text
    assert "hypersense-broken-plugin" in text and "hypersense-example-plugin" in text
    assert "LOG ignoring entry point 'tpe = hypersense_broken_plugin:NotASampler'" in text
    assert "'tpe' is a built-in sampler name" in text


def test_unknown_names_list_built_ins_and_plugins(example_site: Path) -> None:
    out = _python(
        example_site,
        """
        from hypersense.samplers.registry import make_sampler
        try:
            make_sampler("nope")
        except ValueError as exc:
            print(exc)
        try:
            make_sampler("my_sampler", {"radius": 0.1, "colour": "red"})
        except TypeError as exc:
            print(exc)
        """,
    )
    assert out.returncode == 0, out.stderr
    assert "unknown sampler 'nope'; choose one of ['auto', 'cmaes'," in out.stdout
    assert "'my_sampler'" in out.stdout
    assert "bad options for sampler 'my_sampler':" in out.stdout and "colour" in out.stdout


def test_the_example_plugin_passes_the_conformance_suites(example_site: Path) -> None:
    out = _python(
        example_site,
        """
        from hypersense.testing import check_pruner, check_sampler
        from hypersense_example_plugin import LocalSearchSampler, ThresholdPruner
        sampler = check_sampler(lambda seed: LocalSearchSampler(n_startup_trials=3, seed=seed))
        pruner = check_pruner(lambda: ThresholdPruner(threshold=2.0))
        print("SAMPLER SKIPPED", sorted(sampler.skipped))
        print("PRUNER SKIPPED", sorted(pruner.skipped))
        """,
    )
    assert out.returncode == 0, out.stderr
    assert "SAMPLER SKIPPED ['check_multi_objective']" in out.stdout
    assert "PRUNER SKIPPED []" in out.stdout
