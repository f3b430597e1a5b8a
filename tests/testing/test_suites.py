"""The conformance suites themselves: they pass good implementations, name the
check a broken one fails, skip visibly, and import neither pytest nor hypothesis."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
import unittest
from typing import Any, ClassVar

import numpy as np
import pytest

from hypersense.analysis import FanovaImportanceEvaluator, ImportanceResult
from hypersense.history import StudyHistory
from hypersense.pruners import MedianPruner, PruneDecision, Pruner, TrialAssignment
from hypersense.samplers import CmaEsSampler, RandomSampler, SamplingContext
from hypersense.space import Distribution, ParamValue
from hypersense.storage import InMemoryStorage
from hypersense.testing import (
    SAMPLER_CHECKS,
    CheckSkipped,
    check_importance_evaluator,
    check_pruner,
    check_sampler,
    check_storage,
)
from hypersense.testing.pruners import check_multi_objective as check_pruner_multi_objective
from hypersense.testing.samplers import check_multi_objective as check_sampler_multi_objective
from hypersense.trial import FrozenTrial

# ---------------------------------------------------------------- samplers


class OutOfBoundsSampler(RandomSampler):
    """Proposes one step past the upper end of every numeric range."""

    def sample_independent(
        self, history: StudyHistory, context: SamplingContext, name: str, dist: Distribution
    ) -> ParamValue:
        value = super().sample_independent(history, context, name, dist)
        high = getattr(dist, "high", None)
        return value if high is None else high + 1


class UnseededSampler(RandomSampler):
    """Draws from fresh entropy, whatever its seed."""

    def sample_independent(
        self, history: StudyHistory, context: SamplingContext, name: str, dist: Distribution
    ) -> ParamValue:
        return dist.from_unit(float(np.random.default_rng().random()))


class CountingSampler(RandomSampler):
    """Shifts its draws by how often it was asked: state the history does not hold."""

    def __init__(self, *, seed: int | None = None) -> None:
        super().__init__(seed=seed)
        self.calls = 0

    def sample_independent(
        self, history: StudyHistory, context: SamplingContext, name: str, dist: Distribution
    ) -> ParamValue:
        self.calls += 1
        return dist.from_unit((context.uniform(name) + 0.37 * self.calls) % 1.0)


class SilentSingleObjectiveSampler(RandomSampler):
    """Declares it cannot handle two objectives, then runs them anyway."""

    supports_multi_objective: ClassVar[bool] = False


@pytest.mark.parametrize(
    ("sampler_class", "failed"),
    [
        (OutOfBoundsSampler, "check_respects_the_space"),
        (UnseededSampler, "check_same_seed_gives_same_proposals"),
        (CountingSampler, "check_proposal_depends_only_on_seed_and_history"),
        (SilentSingleObjectiveSampler, "check_multi_objective"),
    ],
)
def test_a_broken_sampler_fails_the_check_it_breaks(sampler_class: Any, failed: str) -> None:
    with pytest.raises(AssertionError, match=rf"{sampler_class.__name__} failed .*\n.*{failed}"):
        check_sampler(lambda seed: sampler_class(seed=seed), n_trials=6)


def test_a_good_sampler_passes_and_an_absent_capability_is_skipped_with_its_reason() -> None:
    report = check_sampler(lambda seed: RandomSampler(seed=seed), n_trials=6)
    assert set(report.passed) == {c.name for c in SAMPLER_CHECKS} and not report.skipped
    with pytest.raises(CheckSkipped, match="CmaEsSampler declares supports_multi_objective"):
        check_sampler_multi_objective(lambda seed: CmaEsSampler(seed=seed), n_trials=6)


def test_unittest_reports_a_skipped_check_as_skipped() -> None:
    class CmaEsConformance(unittest.TestCase):
        def test_multi_objective(self) -> None:
            check_sampler_multi_objective(lambda seed: CmaEsSampler(seed=seed), n_trials=4)

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(CmaEsConformance).run(result)
    assert result.wasSuccessful() and len(result.skipped) == 1


# ----------------------------------------------------------------- pruners


class BooleanPruner(Pruner):
    """Answers True or False instead of a PruneDecision."""

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        return bool(trial.intermediate_values)  # type: ignore[return-value]


class NanIntolerantPruner(Pruner):
    """Compares values without thinking of NaN, and says so loudly."""

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        if any(math.isnan(v) for v in trial.intermediate_values.values()):
            raise ValueError("cannot compare NaN")
        return PruneDecision.CONTINUE


class AlternatingPruner(Pruner):
    """Prunes every other time it is asked."""

    def __init__(self) -> None:
        self._calls = 0

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        self._calls += 1
        return PruneDecision.PRUNE if self._calls % 2 else PruneDecision.CONTINUE


class NumericTagsPruner(Pruner):
    """Tags trials with a number instead of a string."""

    def assign(self, history: StudyHistory, number: int) -> TrialAssignment:
        return TrialAssignment(budget=3.0, tags={"bracket": number % 2})  # type: ignore[dict-item]

    def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
        return PruneDecision.CONTINUE


@pytest.mark.parametrize(
    ("pruner_class", "failed"),
    [
        (BooleanPruner, "check_decide_returns_a_prune_decision"),
        (NanIntolerantPruner, "check_handles_nan_intermediate_values"),
        (AlternatingPruner, "check_deterministic_for_the_same_history"),
        (NumericTagsPruner, "check_assign_gives_a_budget_and_tags"),
    ],
)
def test_a_broken_pruner_fails_the_check_it_breaks(pruner_class: Any, failed: str) -> None:
    with pytest.raises(
        AssertionError, match=rf"{pruner_class.__name__} failed .*\n(.*\n)*.*{failed}"
    ):
        check_pruner(pruner_class)


def test_a_pruner_without_multi_objective_support_must_refuse_it() -> None:
    class Quiet(MedianPruner):
        def decide(self, history: StudyHistory, trial: FrozenTrial) -> PruneDecision:
            return PruneDecision.CONTINUE

    with pytest.raises(AssertionError, match="declares supports_multi_objective = False"):
        check_pruner_multi_objective(Quiet)
    with pytest.raises(CheckSkipped, match="refuses two-objective studies"):
        check_pruner_multi_objective(MedianPruner)


# -------------------------------------------------------------- importance


class ReversedFanova(FanovaImportanceEvaluator):
    """fANOVA with its parameters listed least important first."""

    def evaluate(self, study: Any, **options: Any) -> ImportanceResult:
        result = super().evaluate(study, **options)
        return dataclasses.replace(result, parameters=result.parameters[::-1])


def test_a_broken_importance_evaluator_fails_the_checks_it_breaks() -> None:
    with pytest.raises(AssertionError) as failure:
        check_importance_evaluator(lambda seed: ReversedFanova(n_bootstrap=2, seed=seed))
    message = str(failure.value)
    assert "ReversedFanova failed 3 conformance check(s)" in message
    assert "check_every_parameter_gets_a_normalised_importance_with_an_interval" in message
    assert "check_ranks_the_known_important_parameters_first" in message
    assert "check_multi_objective_studies_analyse_the_chosen_objective" in message


# ----------------------------------------------------------------- imports


def test_the_suites_import_neither_pytest_nor_hypothesis() -> None:
    code = (
        "import sys\n"
        "from hypersense.testing import check_sampler, check_pruner, check_importance_evaluator\n"
        "bad = sorted(m for m in ('pytest', '_pytest', 'hypothesis') if m in sys.modules)\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# ---------------------------------------------------------------- storages


class LenientStorage(InMemoryStorage):
    """Lets attributes be written to trials that have finished."""

    def set_trial_attrs(self, trial_id: int, attrs: Any, **kwargs: Any) -> None:
        super().set_trial_attrs(trial_id, attrs, **{**kwargs, "require_running": False})


class GreedyClaimStorage(InMemoryStorage):
    """Gives a unique attribute to every trial that asks."""

    def claim_unique_attr(self, trial_id: int, key: str, value: Any) -> bool:
        self.set_trial_attrs(trial_id, {key: value}, system=True)
        return True


@pytest.mark.parametrize(
    ("broken", "failed_check"),
    [
        (LenientStorage, "check_writes_to_a_finished_trial_change_nothing"),
        (GreedyClaimStorage, "check_a_unique_attribute_is_held_by_one_trial"),
    ],
)
def test_the_storage_suite_names_the_check_a_broken_storage_fails(
    broken: type[InMemoryStorage], failed_check: str
) -> None:
    assert check_storage(InMemoryStorage).skipped == {}
    with pytest.raises(
        AssertionError, match=rf"{broken.__name__} failed 1 conformance check"
    ) as info:
        check_storage(broken)
    assert f"  {failed_check}: AssertionError" in str(info.value)
