"""Problem registry, selection, space checks and translation to the tools."""

from __future__ import annotations

import numpy as np
import pytest
from benchmarks.problems.model_tuning import RandomForestWineProblem

import hypersense as hs
from benchmarks.problems import (
    PROBLEM_GROUPS,
    PROBLEMS,
    ParamSpec,
    params_from_skopt,
    select_problems,
    suggest_params,
)
from hypersense.samplers import RandomSampler


def test_suites_have_the_issue_problems_in_their_groups() -> None:
    twelve = select_problems(["twelve"])
    assert len(twelve) == 12
    assert [PROBLEM_GROUPS[n] for n in twelve].count("synthetic") == 7
    groups = list(PROBLEM_GROUPS.values())
    assert groups.count("model-tuning") == 10
    # 24 BBOB functions x 3 dimensions x 2 instances, in BBOB's five groups (5, 4, 5, 5, 5).
    assert len(select_problems(["bbob"])) == 144 and len(PROBLEMS) == 12 + 5 + 144
    assert groups.count("bbob-moderate-conditioning") == 4 * 6
    assert groups.count("bbob-multimodal-weak") == 5 * 6
    assert PROBLEM_GROUPS["bbob-f20-d10-i2"] == "bbob-multimodal-weak"


def test_dims_and_instances_filter_only_the_bbob_suite() -> None:
    chosen = select_problems(["bbob-f0?-*", "svc-breast-cancer"], dims=[2], instances=[1])
    assert chosen == [
        "svc-breast-cancer",
        *[f"bbob-f0{i}-d2-i1" for i in range(1, 10)],
    ]


def test_selectors_expand_groups_and_keep_suite_order() -> None:
    chosen = select_problems(["elastic-net-diabetes", "synthetic"])
    assert chosen[:2] == ["branin", "hartmann6"]
    assert chosen[-1] == "elastic-net-diabetes" and len(chosen) == 8
    with pytest.raises(ValueError, match="no-such-problem"):
        select_problems(["no-such-problem"])


def test_param_spec_rejects_bad_ranges_naming_the_parameter() -> None:
    with pytest.raises(ValueError, match="'lr'"):
        ParamSpec("lr", "float", 0.0, 1.0, log=True)
    with pytest.raises(ValueError, match="'depth'"):
        ParamSpec("depth", "int", 3, 1)


def test_suggest_params_draws_every_parameter_in_its_space() -> None:
    problem = RandomForestWineProblem()
    study = hs.create_study(sampler=RandomSampler(seed=3))
    for _ in range(20):
        trial = study.ask()
        params = suggest_params(trial, problem.space)
        problem.check_params(params)
        study.tell(trial, 0.0)
    assert isinstance(params["n_estimators"], int) and params["criterion"] in ("gini", "entropy")


def test_params_from_skopt_makes_python_values() -> None:
    space = RandomForestWineProblem.space
    point = [np.int64(50), np.int64(3), np.int64(2), np.float64(0.5), np.str_("gini")]
    params = params_from_skopt(space, point)
    assert params == {
        "n_estimators": 50,
        "max_depth": 3,
        "min_samples_leaf": 2,
        "max_features": 0.5,
        "criterion": "gini",
    }
    assert [type(v) for v in params.values()] == [int, int, int, float, str]


def test_check_params_names_the_offending_parameter() -> None:
    problem = RandomForestWineProblem()
    params = {
        "n_estimators": 50,
        "max_depth": 30,
        "min_samples_leaf": 2,
        "max_features": 0.5,
        "criterion": "gini",
    }
    with pytest.raises(ValueError, match="max_depth"):
        problem.check_params(params)
