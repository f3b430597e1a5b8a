"""Search spaces written the scikit-learn way, translated to hypersense distributions.

``HyperSearchCV`` accepts what ``GridSearchCV`` and ``RandomizedSearchCV``
accept, and hypersense distributions besides:

* a hypersense :class:`~hypersense.Distribution` is used as is;
* a list, tuple or 1-D array of values becomes a categorical parameter. Values
  a study cannot store (estimators, tuples, arrays...) are stored under their
  ``repr`` as label and handed to the estimator as the original objects;
* a ``range`` becomes an integer range with its step;
* scipy's frozen ``loguniform(a, b)`` becomes a log-scaled float range
  ``[a, b]``, ``uniform(loc, scale)`` the float range ``[loc, loc + scale]``
  and ``randint(low, high)`` the integer range ``[low, high - 1]``; any other
  scipy distribution is refused with an error naming the parameter;
* a list of such dicts gives alternative spaces (like ``GridSearchCV``'s list
  of grids): each trial first picks one, stored as the parameter
  ``search_space_alternative``, then suggests that alternative's parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hypersense.errors import InvalidDistributionError
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.space.search_space import SearchSpace
from hypersense.trial.trial import Trial

__all__ = [
    "ALTERNATIVE_PARAM",
    "EstimatorSpace",
    "ParameterTranslation",
    "to_search_space",
    "translate_parameter",
    "translate_search_space",
]

#: The parameter that records which alternative space a trial used.
ALTERNATIVE_PARAM = "search_space_alternative"

_STORABLE = (str, int, float, bool, type(None))
_SUPPORTED = (
    "(supported: a list of values, a hypersense Distribution, or scipy.stats "
    "loguniform, uniform or randint)"
)


@dataclass(frozen=True)
class ParameterTranslation:
    """The distribution a parameter is suggested from, and how a suggested value
    becomes the value the estimator receives.

    Attributes:
        distribution: What the study samples and stores.
        objects: For a categorical of labels, the original value behind each
            choice (same order); None when the stored value is the value.
    """

    distribution: Distribution
    objects: tuple[Any, ...] | None = None

    def to_estimator_value(self, value: Any) -> Any:
        """The value to hand to ``set_params`` for the stored ``value``."""
        if self.objects is None:
            return value
        assert isinstance(self.distribution, CategoricalDistribution)
        return self.objects[self.distribution.index(value)]


def _plain(value: Any) -> Any:
    """numpy scalars as Python scalars (a study stores only plain values)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _is_storable(value: Any) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return isinstance(value, _STORABLE)


def _labels(values: Sequence[Any]) -> tuple[str, ...]:
    labels = tuple(repr(v) for v in values)
    if len(set(labels)) == len(labels):
        return labels
    return tuple(f"{i}: {label}" for i, label in enumerate(labels))


def _from_values(values: Sequence[Any]) -> ParameterTranslation:
    plain = [_plain(v) for v in values]
    if all(_is_storable(v) for v in plain):
        return ParameterTranslation(CategoricalDistribution(tuple(plain)))
    return ParameterTranslation(CategoricalDistribution(_labels(plain)), tuple(values))


def _scipy_location_scale(frozen: Any) -> tuple[float, float]:
    """``loc`` and ``scale`` of a frozen scipy distribution, given by position or name."""
    n_shapes = int(getattr(frozen.dist, "numargs", 0))
    args = tuple(frozen.args)
    loc = args[n_shapes] if len(args) > n_shapes else frozen.kwds.get("loc", 0.0)
    scale = args[n_shapes + 1] if len(args) > n_shapes + 1 else frozen.kwds.get("scale", 1.0)
    return float(loc), float(scale)


def _from_scipy(frozen: Any) -> ParameterTranslation:
    kind = str(getattr(frozen.dist, "name", type(frozen.dist).__name__))
    low, high = (float(v) for v in frozen.support())
    if kind in {"loguniform", "reciprocal"}:
        loc, _ = _scipy_location_scale(frozen)
        if loc != 0.0:
            raise InvalidDistributionError(
                "a shifted scipy loguniform is not log-uniform; use loc=0", f"loc={loc!r}"
            )
        return ParameterTranslation(FloatDistribution(low, high, log=True))
    if kind == "uniform":
        return ParameterTranslation(FloatDistribution(low, high))
    if kind == "randint":
        return ParameterTranslation(IntDistribution(int(low), int(high)))
    raise InvalidDistributionError(
        f"scipy.stats.{kind} cannot be translated {_SUPPORTED}", f"{kind}{tuple(frozen.args)!r}"
    )


def _is_scipy_frozen(spec: Any) -> bool:
    return all(hasattr(spec, a) for a in ("dist", "rvs", "support", "args", "kwds"))


def translate_parameter(name: str, spec: Any) -> ParameterTranslation:
    """Translate one search-space entry; errors name the parameter ``name``."""
    try:
        if isinstance(spec, Distribution):
            return ParameterTranslation(spec)
        if _is_scipy_frozen(spec):
            return _from_scipy(spec)
        if isinstance(spec, range):
            if spec.step > 0 and len(spec) > 0:
                return ParameterTranslation(IntDistribution(spec[0], spec[-1], step=spec.step))
            return _from_values(list(spec))
        if isinstance(spec, np.ndarray) and spec.ndim == 1:
            return _from_values(list(spec))
        if isinstance(spec, Sequence) and not isinstance(spec, (str, bytes)):
            return _from_values(list(spec))
    except InvalidDistributionError as exc:
        raise exc.for_parameter(name) from None
    raise InvalidDistributionError(
        f"unsupported search-space entry {_SUPPORTED}", f"{spec!r} of type {type(spec).__name__}"
    ).for_parameter(name)


def _translate_mapping(spec: Mapping[Any, Any], where: str) -> dict[str, ParameterTranslation]:
    out: dict[str, ParameterTranslation] = {}
    for name, entry in spec.items():
        if not isinstance(name, str) or not name:
            raise InvalidDistributionError(
                f"parameter names must be non-empty strings{where}", f"name={name!r}"
            )
        if name == ALTERNATIVE_PARAM:
            raise InvalidDistributionError(
                f"the name {ALTERNATIVE_PARAM!r} is reserved for the choice of alternative",
                f"a parameter named {name!r}{where}",
            )
        out[name] = translate_parameter(name, entry)
    return out


def _check_one_kind_per_name(alternatives: Sequence[Mapping[str, ParameterTranslation]]) -> None:
    """A parameter keeps one kind (float, int, categorical) across alternatives: a
    study refuses a parameter whose kind changes between trials."""
    first: dict[str, tuple[int, str]] = {}
    for index, alternative in enumerate(alternatives):
        for name, translation in alternative.items():
            kind = translation.distribution.kind
            seen = first.setdefault(name, (index, kind))
            if seen[1] != kind:
                raise InvalidDistributionError(
                    f"a parameter must have one kind in every alternative space; it is "
                    f"{seen[1]} in alternative {seen[0]} and {kind} in alternative {index} "
                    "(give a list of values in both, or a distribution in both)",
                    f"{translation.distribution!r}",
                ).for_parameter(name)


class EstimatorSpace:
    """The translated search space of an estimator: one or several alternatives.

    Args:
        alternatives: One mapping of parameter name to translation per
            alternative space (at least one).
    """

    def __init__(self, alternatives: Sequence[Mapping[str, ParameterTranslation]]) -> None:
        if not alternatives:
            raise InvalidDistributionError("a search space needs at least one alternative", "[]")
        self._alternatives = tuple(dict(a) for a in alternatives)
        _check_one_kind_per_name(self._alternatives)

    def __repr__(self) -> str:
        return f"EstimatorSpace({list(self._alternatives)!r})"

    @property
    def alternatives(self) -> tuple[dict[str, ParameterTranslation], ...]:
        """The alternative spaces, in the order given."""
        return self._alternatives

    @property
    def names(self) -> tuple[str, ...]:
        """Every parameter name of any alternative, first appearance first."""
        seen: dict[str, None] = {}
        for alternative in self._alternatives:
            seen.update(dict.fromkeys(alternative))
        return tuple(seen)

    def suggest(self, trial: Trial) -> dict[str, Any]:
        """Suggest a configuration through ``trial``; return the estimator's values."""
        index = 0
        if len(self._alternatives) > 1:
            choices = CategoricalDistribution(tuple(range(len(self._alternatives))))
            index = int(trial.suggest(ALTERNATIVE_PARAM, choices))
        return {
            name: translation.to_estimator_value(trial.suggest(name, translation.distribution))
            for name, translation in self._alternatives[index].items()
        }

    def decode(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The estimator's values for a trial's stored ``params`` (the choice of
        alternative left out); parameters the space does not know pass through."""
        index = params.get(ALTERNATIVE_PARAM, 0)
        alternative = self._alternatives[index] if 0 <= index < len(self._alternatives) else {}
        out: dict[str, Any] = {}
        for name, value in params.items():
            if name == ALTERNATIVE_PARAM:
                continue
            translation = alternative.get(name)
            out[name] = value if translation is None else translation.to_estimator_value(value)
        return out

    def to_search_space(self) -> SearchSpace:
        """The distributions of a single-alternative space (e.g. for a GridSampler)."""
        if len(self._alternatives) != 1:
            raise ValueError(
                f"a search space of {len(self._alternatives)} alternatives has no single "
                "SearchSpace; sample it with a sampler that handles conditional parameters"
            )
        return SearchSpace({n: t.distribution for n, t in self._alternatives[0].items()})


def translate_search_space(spec: Any) -> EstimatorSpace:
    """Translate a scikit-learn-style search space (a dict, or a list of dicts).

    Raises:
        InvalidDistributionError: An entry cannot be translated; the message
            names the parameter.
        TypeError: ``spec`` is neither a mapping nor a list of mappings.
    """
    if isinstance(spec, Mapping):
        return EstimatorSpace([_translate_mapping(spec, "")])
    if isinstance(spec, Sequence) and not isinstance(spec, (str, bytes)) and spec:
        alternatives = []
        for i, entry in enumerate(spec):
            if not isinstance(entry, Mapping):
                raise TypeError(
                    f"`search_space` item {i} must be a dict of parameter name to values "
                    f"(got {type(entry).__name__})"
                )
            alternatives.append(_translate_mapping(entry, f" in alternative {i}"))
        return EstimatorSpace(alternatives)
    raise TypeError(
        "`search_space` must be a dict of parameter name to values or distributions, or a "
        f"non-empty list of such dicts (got {spec!r})"
    )


def to_search_space(spec: Any) -> SearchSpace:
    """The hypersense :class:`~hypersense.SearchSpace` of a scikit-learn-style dict,
    e.g. to build a ``GridSampler`` over the same values ``HyperSearchCV`` suggests."""
    return translate_search_space(spec).to_search_space()
