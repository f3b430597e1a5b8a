"""Writing advice as a new config: it loads, builds the advised space, says why,
and runs with ``hypersense run``."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.config.helpers import write_config, write_module
from tests.strategies import categorical_distributions, float_distributions, int_distributions
from typer.testing import CliRunner

import hypersense as hs
from hypersense.analysis.advice.changes import (
    Change,
    ChangeScale,
    DropChoices,
    FixValue,
    NarrowRange,
)
from hypersense.analysis.advice.results import Advice, ParameterAdvice, ScopeFit, Verdict
from hypersense.analysis.advice.rules import AdviceRules
from hypersense.analysis.narrowing import (
    narrowed_config,
    narrowed_study_name,
    write_narrowed_config,
)
from hypersense.cli.app import app
from hypersense.config import build_run, load_config
from hypersense.errors import ConfigError
from hypersense.space import (
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
)

RUNNER = CliRunner()


def advised(
    name: str,
    searched: Distribution,
    suggested: Distribution,
    changes: tuple[Change, ...],
    condition: dict[str, Any] | None = None,
) -> ParameterAdvice:
    verdict = Verdict.NEGLIGIBLE if suggested.is_single else Verdict.MATTERS
    return ParameterAdvice(
        name=name,
        verdict=verdict,
        reason=f"{verdict.value}: because",
        importance=0.5,
        ci_low=0.4,
        ci_high=0.6,
        main_effect=None,
        total_effect=None,
        method="fanova",
        surrogate="gp",
        r2=0.95,
        searched=searched,
        suggested=suggested,
        changes=changes,
        condition=condition or {},
    )


def advice_of(*parameters: ParameterAdvice) -> Advice:
    fit = ScopeFit({}, "gp", 0.95, {"gp": 0.95, "rf": 0.8}, 40, True)
    return Advice(parameters, (fit,), "fanova", "minimize", None, None, AdviceRules())


ADVICE = advice_of(
    advised(
        "x",
        FloatDistribution(-1.0, 1.0),
        FloatDistribution(-0.4, 0.4),
        (NarrowRange(-0.4, 0.4, "its optimum is near 0"),),
    ),
    advised(
        "lr",
        FloatDistribution(1e-4, 1.0),
        FloatDistribution(1e-4, 0.01, log=True),
        (NarrowRange(1e-4, 0.01, "small is good"), ChangeScale(True, "log fits")),
    ),
    advised(
        "opt",
        CategoricalDistribution(("sgd", "adam", "rms")),
        CategoricalDistribution(("adam", "rms")),
        (DropChoices(("sgd",), ("adam", "rms"), "sgd is clearly worse"),),
    ),
    advised("n", IntDistribution(1, 64), IntDistribution(4, 32), (NarrowRange(4, 32, "mid"),)),
    advised(
        "y",
        FloatDistribution(0.0, 1.0),
        FloatDistribution(0.238, 0.238),
        (FixValue(0.238, "flat"),),
    ),
    advised(
        "w",
        FloatDistribution(0.0, 1.0),
        FloatDistribution(0.5, 1.0),
        (NarrowRange(0.5, 1.0, "high w"),),
        condition={"kind": "a"},
    ),
)


@pytest.fixture
def config(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    module = write_module(
        tmp_path,
        f"narrow_obj_{request.node.name.replace('[', '_').replace(']', '_')}",
        """
        def objective(trial):
            p = trial.params
            if trial.suggest_categorical("kind", ["a", "b"]) == "a":
                trial.suggest_float("w", 0.0, 1.0)
            return p["x"] ** 2 + p["y"] + p["lr"] + p["n"] + (p["opt"] == "sgd") + p["c"]
        """,
    )
    return write_config(
        tmp_path,
        f"""
        # my study
        study_name: quick
        objective: {module}:objective
        space:
          x: {{type: float, low: -1.0, high: 1.0}}
          y: {{type: float, low: 0.0, high: 1.0}}
          lr: {{type: float, low: 1e-4, high: 1.0}}
          n: {{type: int, low: 1, high: 64}}
          opt: [sgd, adam, rms]
          c: 3
        sampler: {{name: random, options: {{}}}}
        n_trials: 4
        seed: 7
        """,
    )


def test_the_written_config_builds_the_advised_space(config: Path) -> None:
    out = write_narrowed_config(config, ADVICE, config.with_name("narrowed.yaml"))
    loaded = load_config(out)
    assert loaded.study_name == "quick-narrowed"
    assert (loaded.n_trials, loaded.seed, loaded.sampler.name) == (4, 7, "random")
    assert loaded.objective == load_config(config).objective
    space = build_run(loaded).space
    assert space is not None and dict(space) == {
        "x": FloatDistribution(-0.4, 0.4),
        "y": FloatDistribution(0.238, 0.238),
        "lr": FloatDistribution(1e-4, 0.01, log=True),
        "n": IntDistribution(4, 32),
        "opt": CategoricalDistribution(("adam", "rms")),
        "c": IntDistribution(3, 3),
    }


def test_every_change_is_explained_and_unwritable_advice_is_listed(config: Path) -> None:
    text = narrowed_config(config, ADVICE)
    assert "  # Narrow 'x' to [-0.4, 0.4] (searched [-1, 1]): its optimum is near 0" in text
    assert (
        "  x: {type: float, low: -0.4, high: 0.4}  # was: {type: float, low: -1.0, high: 1.0}"
        in text
    )
    assert "  y: 0.238  # was: {type: float, low: 0.0, high: 1.0}" in text
    assert "  opt: [adam, rms]  # was: [sgd, adam, rms]" in text
    assert "  c: 3\n" in text
    assert "# Search 'lr' on a log scale (searched on a linear one): log fits" in text
    # w is suggested in the objective's code: its advice is a closing comment.
    unwritten = text[text.index("# Advice not written above") :]
    assert "#   [kind='a'] Narrow 'w' to [0.5, 1] (searched [0, 1]): high w" in unwritten
    assert "  w:" not in text


def test_the_narrowed_config_runs_a_new_study_in_the_advised_space(
    config: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    out = write_narrowed_config(config, ADVICE, tmp_path / "narrowed.yaml")
    result = RUNNER.invoke(app, ["run", str(out), "--storage", url])
    assert result.exit_code == 0, result.output
    study = hs.load_study("quick-narrowed", url)
    assert len(study.trials) == 4
    for t in study.trials:
        assert -0.4 <= t.params["x"] <= 0.4 and t.params["y"] == 0.238
        assert 1e-4 <= t.params["lr"] <= 0.01 and 4 <= t.params["n"] <= 32
        assert t.params["opt"] in ("adam", "rms")


def test_a_task_config_gets_entries_for_advised_task_parameters(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        task: sklearn-digits-mlp
        task_options: {max_iter: 5}
        space:
          n_layers: {type: int, low: 1, high: 2}
        n_trials: 2
        """,
        name="digits.yaml",
    )
    alpha = advised(
        "alpha",
        FloatDistribution(1e-6, 1e-1, log=True),
        FloatDistribution(1e-6, 1e-3, log=True),
        (NarrowRange(1e-6, 1e-3, "small penalties"),),
    )
    layers = advised(
        "n_layers", IntDistribution(1, 2), IntDistribution(1, 1), (FixValue(1, "flat"),)
    )
    out = write_narrowed_config(path, advice_of(alpha, layers), tmp_path / "out.yaml")
    loaded = load_config(out)
    assert loaded.study_name == "digits-narrowed" == narrowed_study_name(load_config(path))
    space = build_run(loaded).space
    assert space is not None
    assert space["alpha"] == FloatDistribution(1e-6, 1e-3, log=True)
    assert space["n_layers"] == IntDistribution(1, 1)
    assert "  alpha: {type: float, low: 1.0e-06, high: 0.001, log: true}  # task default" in (
        out.read_text(encoding="utf-8")
    )


def test_writing_elsewhere_warns_where_the_objective_lives(
    config: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    with caplog.at_level(logging.WARNING, logger="hypersense.analysis.narrowing"):
        out = write_narrowed_config(config, ADVICE, elsewhere / "n.yaml")
    assert "on PYTHONPATH" in caplog.text
    assert f"# The objective's module {load_config(config).objective.split(':')[0]!r} lives in" in (  # type: ignore[union-attr]
        out.read_text(encoding="utf-8")
    )
    assert "lives in" not in narrowed_config(config, ADVICE, output_dir=tmp_path)


def test_bad_names_and_paths_are_errors(config: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="`study_name` must be a non-empty string"):
        narrowed_config(config, ADVICE, study_name=" ")
    with pytest.raises(ConfigError, match="cannot write the narrowed config"):
        write_narrowed_config(config, ADVICE, tmp_path / "missing" / "n.yaml")
    with pytest.raises(ConfigError, match="not found"):
        narrowed_config(tmp_path / "absent.yaml", ADVICE)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(float_distributions(), int_distributions(), categorical_distributions()),
        min_size=1,
        max_size=4,
    )
)
def test_any_suggested_distribution_is_written_so_that_it_reads_back(
    suggested: list[Distribution],
) -> None:
    parameters = [
        advised(f"p{i}", FloatDistribution(0.0, 1.0), d, (NarrowRange(0.0, 1.0, "why"),))
        for i, d in enumerate(suggested)
    ]
    lines = ["study_name: prop", "objective: math:fabs", "n_trials: 1", "space:"]
    lines += [f"  p{i}: {{type: float, low: 0.0, high: 1.0}}" for i in range(len(suggested))]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "space.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out = write_narrowed_config(path, advice_of(*parameters), Path(directory) / "out.yaml")
        space = build_run(load_config(out)).space
    assert space is not None
    for i, d in enumerate(suggested):
        got = space[f"p{i}"]
        if d.is_single:  # written as a plain value: the one value is what counts
            assert got.is_single and got.from_unit(0.5) == d.from_unit(0.5)
        else:
            assert got == d
