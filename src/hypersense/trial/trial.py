"""The define-by-run handle an objective receives."""

from __future__ import annotations

import contextlib
import json
import logging
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

from hypersense.errors import CheckpointError, InvalidDistributionError, ParameterConflictError
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalChoice, CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.trial.backend import TrialBackend
from hypersense.trial.deprecated import OptunaAliases
from hypersense.trial.frozen import SystemAttr
from hypersense.trial.series import SeriesBackend, check_series_name

__all__ = ["FixedTrial", "Trial"]

_log = logging.getLogger(__name__)


class Trial(OptunaAliases):
    """One evaluation of the objective: it draws parameters and reports progress.

    The objective calls ``suggest_*`` to get hyperparameter values (define-by-run:
    the space may depend on earlier values), optionally ``report`` intermediate
    scores and ``should_prune`` to stop early, then returns its value(s).

    An objective may save its state with ``save_checkpoint`` and get it back
    with ``load_checkpoint``; a trial retried after its worker died resumes
    from the checkpoint of the trial it retries.

    Users do not build trials; ``Study.ask`` and ``Study.optimize`` do. Older
    Optuna calls (``suggest_uniform``, ``suggest_loguniform``,
    ``suggest_discrete_uniform``) work too, with a FutureWarning.
    """

    def __init__(
        self,
        backend: TrialBackend,
        number: int,
        *,
        seed: int,
        budget: float | None = None,
        tags: Mapping[str, str] | None = None,
        checkpoints: Sequence[tuple[int, str]] = (),
    ) -> None:
        self._backend = backend
        self._checkpoints = tuple(checkpoints)
        self._resume_noted = False
        self._checkpoint_noted = False
        self._number = number
        self._seed = seed
        self._budget = budget
        self._tags = dict(tags or {})
        self._params: dict[str, Any] = {}
        self._distributions: dict[str, Distribution] = {}
        self._reported_steps: set[int] = set()
        self._user_attrs: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Trial(number={self._number}, params={self._params!r})"

    @property
    def number(self) -> int:
        """Position of this trial in its study (0-based)."""
        return self._number

    @property
    def seed(self) -> int:
        """An integer seed for the objective's own RNGs (torch, numpy, data splits).

        Derived from the sampler's seed and the trial number, so a re-run of the
        same study gives each trial the same seed whatever worker runs it.
        """
        return self._seed

    @property
    def budget(self) -> float | None:
        """The training budget (e.g. epochs) a multi-fidelity pruner assigned, if any."""
        return self._budget

    @property
    def tags(self) -> Mapping[str, str]:
        """Tags a pruner gave this trial (e.g. its Hyperband bracket)."""
        return dict(self._tags)

    @property
    def params(self) -> dict[str, Any]:
        """The parameters suggested so far (a copy)."""
        return dict(self._params)

    @property
    def distributions(self) -> dict[str, Distribution]:
        """The distributions of the parameters suggested so far (a copy)."""
        return dict(self._distributions)

    @property
    def user_attrs(self) -> dict[str, Any]:
        """The user attributes set so far by this handle (a copy)."""
        return dict(self._user_attrs)

    def suggest_float(
        self,
        name: str,
        low: float,
        high: float,
        *,
        step: float | None = None,
        log: bool = False,
    ) -> float:
        """Suggest a float in ``[low, high]``, on a log scale or a ``step`` grid."""
        key = (FloatDistribution, low, high, log, step)
        dist = _NUMERIC_CACHE.get(key)
        if dist is None:
            dist = self._build(name, FloatDistribution, low, high, log=log, step=step)
            _remember(key, dist)
        return float(self.suggest(name, dist))

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        """Suggest an integer in ``[low, high]``, on a log scale or a ``step`` grid."""
        key = (IntDistribution, low, high, log, step)
        dist = _NUMERIC_CACHE.get(key)
        if dist is None:
            dist = self._build(name, IntDistribution, low, high, log=log, step=step)
            _remember(key, dist)
        return int(self.suggest(name, dist))

    def suggest_categorical(
        self, name: str, choices: Sequence[CategoricalChoice]
    ) -> CategoricalChoice:
        """Suggest one of ``choices`` (str, int, float, bool or None)."""
        if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence):
            raise InvalidDistributionError(
                "`choices` must be a list or tuple of values", f"choices={choices!r}"
            ).for_parameter(name)
        dist = self._build(name, CategoricalDistribution, tuple(choices))
        value: CategoricalChoice = self.suggest(name, dist)
        return value

    def suggest(self, name: str, distribution: Distribution) -> Any:
        """Suggest a value for ``name`` from a ready-made distribution."""
        _check_name(name)
        if not isinstance(distribution, Distribution):
            raise TypeError(
                f"parameter {name!r} needs a Distribution, got {type(distribution).__name__}"
            )
        known = self._distributions.get(name)
        if known is not None:
            if known != distribution:
                raise ParameterConflictError(
                    f"parameter {name!r} was already suggested from {known!r} in trial "
                    f"{self._number}; it cannot be redefined as {distribution!r}"
                )
            return self._params[name]
        value = self._backend.suggest(self._number, name, distribution)
        self._params[name] = value
        self._distributions[name] = distribution
        return value

    @staticmethod
    def _build(name: str, cls: type[Distribution], *args: Any, **kwargs: Any) -> Distribution:
        try:
            return cls(*args, **kwargs)
        except InvalidDistributionError as exc:
            raise exc.for_parameter(name) from None

    def report(self, value: float | Sequence[float], step: int) -> None:
        """Report an intermediate score at ``step`` (e.g. the validation loss of an epoch).

        Pruners read these values. A step reported twice keeps its first value.
        In a study with several objectives ``value`` may be a tuple of one value
        per objective: the vector is stored as the trial's
        ``intermediate_vectors`` (for :class:`~hypersense.pruners.ParetoPruner`)
        and its first value as the step's intermediate value.
        """
        if not isinstance(step, numbers.Integral) or isinstance(step, bool) or step < 0:
            raise ValueError(f"`step` must be a non-negative integer (got step={step!r})")
        reported = _reported_value(value, step)
        step = int(step)
        if step in self._reported_steps:
            _log.warning(
                "trial %d already reported step %d; keeping the first value", self._number, step
            )
            return
        self._reported_steps.add(step)
        self._backend.report(self._number, step, reported)

    def should_prune(self) -> bool:
        """Whether the pruner advises stopping now; then ``raise hypersense.TrialPruned``."""
        return bool(self._backend.should_prune(self._number))

    def series(self, name: str) -> Trial:
        """A handle on this trial whose ``report`` and ``should_prune`` concern its
        side series ``name`` instead of its intermediate values.

        A cross-validated objective reports fold scores on the trial (step =
        fold) and each fold's epochs on ``trial.series(f"fold{k}")`` (step =
        epoch): the steps never collide, and the pruner judges the epochs of
        fold ``k`` against the other trials' epochs of fold ``k`` (see
        :class:`~hypersense.pruners.CrossValidationPruner`). Parameters and
        user attributes are the trial's own. The values are kept as
        ``FrozenTrial.series(name)``.
        """
        view = Trial(
            SeriesBackend(self._backend, check_series_name(name)),
            self._number,
            seed=self._seed,
            budget=self._budget,
            tags=self._tags,
        )
        # One trial: the handles share what was suggested and set.
        view._params = self._params
        view._distributions = self._distributions
        view._user_attrs = self._user_attrs
        return view

    def set_user_attr(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable attribute on the trial (curves, counts, notes)."""
        if not isinstance(key, str) or not key:
            raise ValueError(f"user attribute keys must be non-empty strings (got {key!r})")
        try:
            json.dumps(value, allow_nan=True)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"user attribute {key!r} must be JSON-serialisable (got {type(value).__name__})"
            ) from exc
        self._user_attrs[key] = value
        self._backend.set_user_attr(self._number, key, value)

    # ------------------------------------------------------------ checkpoints
    @property
    def checkpoint_dir(self) -> str | None:
        """This trial's checkpoint directory (None when the study has no checkpoint
        store); an objective may also keep its own files there."""
        return self._checkpoints[0][1] if self._checkpoints else None

    def save_checkpoint(self, state: Any) -> None:
        """Save ``state`` as this trial's newest checkpoint, replacing the previous one.

        ``state`` is any picklable object (a dict of ``state_dict()``s, an epoch
        number, ...), or a ``pathlib.Path`` of a file or directory the objective
        wrote, which is copied in. The write is atomic: a process dying during it
        leaves the previous checkpoint readable. The process running the
        objective writes the file itself, so on a cluster the study's checkpoint
        directory must be on a filesystem every worker reaches.

        Raises:
            CheckpointError: The study has no checkpoint directory.
        """
        from hypersense.checkpoints.files import save_atomically

        directory = self._own_checkpoint_dir()
        save_atomically(directory, state)
        if not self._checkpoint_noted:  # recorded once, for trials that have one only
            self._checkpoint_noted = True
            self._backend.set_system_attr(self._number, SystemAttr.CHECKPOINT_DIR, directory)

    def load_checkpoint(self, default: Any = None) -> Any:
        """The newest checkpoint of this trial or, for a retry, of the trial it retries
        (and so on back); ``default`` when there is none.

        A state saved as a ``Path`` comes back as the path of its stored copy.
        Resuming from a retried trial's checkpoint is recorded on this trial
        (system attribute ``resumed_from``).
        """
        from hypersense.checkpoints.files import load_latest

        if not self._checkpoints:
            return default
        found = load_latest(self._checkpoints)
        if found is None:
            return default
        number, state = found
        if number != self._number and not self._resume_noted:
            self._resume_noted = True
            where = dict(self._checkpoints)[number]
            self._backend.set_system_attr(
                self._number, SystemAttr.RESUMED_FROM, {"trial": number, "path": where}
            )
        return state

    def _own_checkpoint_dir(self) -> str:
        if not self._checkpoints:
            raise CheckpointError(
                f"trial {self._number} has no checkpoint directory: give the study one "
                "(create_study(..., checkpoint_dir=...); a SQLite study has one beside its "
                "file), on a filesystem every worker reaches"
            )
        return self._checkpoints[0][1]


# Numeric distributions are immutable and an objective builds the same ones every
# trial: reuse them instead of validating again (bounded, so it cannot grow forever).
_NUMERIC_CACHE: dict[tuple[Any, ...], Distribution] = {}
_NUMERIC_CACHE_MAX = 4096


def _remember(key: tuple[Any, ...], dist: Distribution) -> None:
    if len(_NUMERIC_CACHE) >= _NUMERIC_CACHE_MAX:
        _NUMERIC_CACHE.clear()
    with contextlib.suppress(TypeError):  # unhashable bounds: just do not cache
        _NUMERIC_CACHE[key] = dist


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _reported_value(value: object, step: int) -> float | tuple[float, ...]:
    """A reported number as a float, a vector of them as a tuple of floats."""
    if _is_number(value):
        return float(value)  # type: ignore[arg-type]
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        numbers_ = list(value)
        if numbers_ and all(_is_number(v) for v in numbers_):
            return tuple(float(v) for v in numbers_)
    raise TypeError(
        f"`value` reported at step {step} must be a number, or a tuple of one number per "
        f"objective (got {value!r})"
    )


def _check_name(name: object) -> None:
    if not isinstance(name, str) or not name:
        raise ValueError(f"parameter names must be non-empty strings (got {name!r})")


class _FixedBackend:
    """Serves fixed parameter values; reports are kept, never pruned."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = dict(params)
        self.intermediate_values: dict[int, float] = {}
        self.series: dict[str, dict[int, float]] = {}
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}

    def suggest(self, number: int, name: str, distribution: Distribution) -> Any:
        if name not in self.params:
            raise KeyError(f"FixedTrial has no value for parameter {name!r}")
        value = self.params[name]
        if not distribution.contains(value):
            raise ValueError(
                f"fixed value {value!r} for parameter {name!r} is not in {distribution!r}"
            )
        if isinstance(distribution, FloatDistribution) and isinstance(value, numbers.Real):
            return float(value)
        return value

    def report(self, number: int, step: int, value: float | tuple[float, ...]) -> None:
        self.intermediate_values[step] = value[0] if isinstance(value, tuple) else value

    def report_series(self, number: int, series: str, step: int, value: float) -> None:
        self.series.setdefault(series, {})[step] = value

    def should_prune(self, number: int) -> bool:
        return False

    def should_prune_series(self, number: int, series: str) -> bool:
        return False

    def set_user_attr(self, number: int, key: str, value: Any) -> None:
        self.user_attrs[key] = value

    def set_system_attr(self, number: int, key: str, value: Any) -> None:
        self.system_attrs[key] = value


class FixedTrial(Trial):
    """A trial with given parameter values, to run an objective outside a study.

    Useful to re-train a chosen configuration or to test an objective: every
    ``suggest_*`` returns the given value (checked against the distribution),
    ``report`` records, ``should_prune`` is always False.

    Args:
        params: Parameter name to value.
        number: The trial number the objective sees.
        seed: The seed the objective sees as ``trial.seed``.
    """

    def __init__(self, params: Mapping[str, Any], *, number: int = 0, seed: int = 0) -> None:
        backend = _FixedBackend(params)
        super().__init__(backend, number, seed=seed)
        self._fixed_backend = backend

    @property
    def intermediate_values(self) -> dict[int, float]:
        """Values reported so far, by step."""
        return dict(self._fixed_backend.intermediate_values)

    def __repr__(self) -> str:
        return f"FixedTrial(params={self._fixed_backend.params!r})"
