"""A config's learning rate from a range test: ``space: {lr: {from_range_test: true}}``.

Lifecycle inside :func:`hypersense.config.run_config`:

1. :func:`~hypersense.config.build.build_run` keeps a placeholder for the
   entry (the task's distribution, else the test's whole range).
2. :func:`resolve_lr_range`, before the study is opened, finds the range test:
   the one stored on the study (``hypersense lr-find CONFIG --study NAME``
   stores one, as does a first run), else, for a built-in PyTorch task, a new
   test on the task's reference configuration with the entry's options. A
   config with an ``objective`` and no stored test is refused: hypersense
   cannot build its model. The range is
   :func:`hypersense.lr.search_range` of the test, and the config comes back
   with the entry replaced by that log-scale range.
3. Once the study is open, :meth:`LRRangePlan.record` stores a new test and
   the range with its derivation on the study, for the report.

The stored test is reused on every later run, so a resumed study gets the very
same range (and the space check passes); changing ``span`` or ``cap_fraction``
changes the range, which the space check then reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersense.config.build import RunSpec
from hypersense.config.loader import config_source
from hypersense.config.schema import FloatParamConfig, RangeTestParamConfig, StudyConfig
from hypersense.errors import StudyNotFoundError
from hypersense.lr.records import RANGE_TEST_ATTR, record_search_range, store_range_test
from hypersense.lr.result import NoSuggestionError, RangeTestResult
from hypersense.lr.search_range import LRSearchRange, search_range
from hypersense.storage.base import Storage

if TYPE_CHECKING:
    from hypersense.study.study import Study

__all__ = ["LRRangePlan", "resolve_lr_range"]


@dataclass(frozen=True)
class LRRangePlan:
    """The range a config's ``from_range_test`` entry resolved to.

    Attributes:
        config: The config with the entry replaced by the log-scale range.
        lr_range: The range and how it was derived.
        new_test: A range test run now (to store on the study), or None when
            the study's stored one was used.
        context: What the new test trained (task, parameters), to store with it.
    """

    config: StudyConfig
    lr_range: LRSearchRange
    new_test: RangeTestResult | None
    context: dict[str, Any]

    def record(self, study: Study) -> None:
        """Store a new test and the derived range on ``study``."""
        if self.new_test is not None:
            store_range_test(study, self.new_test, context=self.context)
        record_search_range(study, self.lr_range)


def resolve_lr_range(config: StudyConfig, spec: RunSpec, storage: Storage) -> LRRangePlan | None:
    """The range of ``config``'s ``from_range_test`` entry (None without one).

    Raises:
        ConfigError: Naming the entry: no stored test and no PyTorch task to
            run one on, or a test from which no rule could suggest a rate.
    """
    param = spec.lr_from_range_test
    if param is None:
        return None
    entry = config.space[param]
    assert isinstance(entry, RangeTestParamConfig)
    source = config_source(config)
    stored = _stored_test(storage, spec.study_name)
    context: dict[str, Any] = {}
    if stored is None:
        if spec.task is None:
            raise source.error(
                ("space", param),
                f"`from_range_test` needs a range test stored on study {spec.study_name!r}, "
                "and hypersense cannot run one on an `objective` (it cannot build the "
                "model): run hypersense.lr.range_test on your model and store it with "
                "hypersense.lr.store_range_test(study, result)",
            )
        from hypersense.lr.tasks import task_context, task_range_test, torch_task

        try:
            task = torch_task(spec.task)
        except TypeError as exc:
            raise source.error(("space", param), str(exc)) from None
        test = task_range_test(
            task,
            num_steps=entry.num_steps,
            seeds=tuple(entry.seeds),
            start_lr=entry.start_lr,
            end_lr=entry.end_lr,
        )
        context = {**task_context(task, None), "source": "hypersense run"}
    else:
        test = stored
    try:
        lr_range = search_range(test, span=entry.span, cap_fraction=entry.cap_fraction, param=param)
    except NoSuggestionError as exc:
        raise source.error(("space", param), f"the range test gave no range: {exc}") from None
    concrete = FloatParamConfig(type="float", low=lr_range.low, high=lr_range.high, log=True)
    narrowed = config.model_copy(update={"space": {**config.space, param: concrete}})
    return LRRangePlan(narrowed, lr_range, None if stored is not None else test, context)


def _stored_test(storage: Storage, study_name: str) -> RangeTestResult | None:
    try:
        record = storage.get_study(study_name)
    except StudyNotFoundError:
        return None
    stored = record.system_attrs.get(RANGE_TEST_ATTR)
    return RangeTestResult.from_dict(stored) if stored is not None else None
