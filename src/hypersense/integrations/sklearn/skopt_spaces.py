"""``BayesSearchCV``'s way of writing a space, translated to hypersense distributions.

scikit-optimize users write, per parameter, a list of choices, a
``(low, high)`` or ``(low, high, prior)`` tuple of numbers (integers give an
integer range; ``prior="log-uniform"`` a log scale), or scikit-optimize's
``Real``, ``Integer`` and ``Categorical`` objects. Those objects are read by
their attributes, so scikit-optimize need not be installed to translate a
space that does not use them; anything else is translated as
:func:`~hypersense.integrations.sklearn.spaces.translate_parameter` does.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

from hypersense.errors import InvalidDistributionError
from hypersense.integrations.sklearn.spaces import (
    EstimatorSpace,
    ParameterTranslation,
    translate_parameter,
)
from hypersense.space.numeric import FloatDistribution, IntDistribution

__all__ = ["translate_bayes_parameter", "translate_bayes_space"]

_PRIORS = {"uniform": False, "log-uniform": True}


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _range(low: Any, high: Any, prior: Any, integer: bool) -> ParameterTranslation:
    if prior not in _PRIORS:
        raise InvalidDistributionError(
            f"`prior` must be one of {sorted(_PRIORS)}", f"prior={prior!r}"
        )
    if integer:
        return ParameterTranslation(IntDistribution(int(low), int(high), log=_PRIORS[prior]))
    return ParameterTranslation(FloatDistribution(float(low), float(high), log=_PRIORS[prior]))


def _skopt_dimension(spec: Any) -> ParameterTranslation | None:
    """A scikit-optimize Real/Integer/Categorical, read by its attributes."""
    kind = type(spec).__name__
    if kind in ("Real", "Integer") and hasattr(spec, "low") and hasattr(spec, "high"):
        return _range(spec.low, spec.high, getattr(spec, "prior", "uniform"), kind == "Integer")
    if kind == "Categorical" and hasattr(spec, "categories"):
        return translate_parameter("", list(spec.categories))
    return None


def translate_bayes_parameter(name: str, spec: Any) -> ParameterTranslation:
    """Translate one ``search_spaces`` entry; errors name the parameter ``name``."""
    try:
        dimension = _skopt_dimension(spec)
        if dimension is not None:
            return dimension
        if (
            isinstance(spec, tuple)
            and len(spec) in (2, 3)
            and _is_number(spec[0])
            and _is_number(spec[1])
        ):
            prior = spec[2] if len(spec) == 3 else "uniform"
            integer = all(isinstance(v, numbers.Integral) for v in spec[:2])
            return _range(spec[0], spec[1], prior, integer)
    except InvalidDistributionError as exc:
        raise exc.for_parameter(name) from None
    return translate_parameter(name, spec)


def _translate(spec: Mapping[Any, Any]) -> dict[str, ParameterTranslation]:
    out = {}
    for name, entry in spec.items():
        if not isinstance(name, str) or not name:
            raise InvalidDistributionError(
                "parameter names must be non-empty strings", f"name={name!r}"
            )
        out[name] = translate_bayes_parameter(name, entry)
    return out


def translate_bayes_space(spec: Any) -> EstimatorSpace:
    """Translate ``search_spaces``: a dict, or a list of dicts (alternative spaces)."""
    if isinstance(spec, Mapping):
        return EstimatorSpace([_translate(spec)])
    if isinstance(spec, Sequence) and not isinstance(spec, (str, bytes)) and spec:
        alternatives = []
        for i, entry in enumerate(spec):
            if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], Mapping):
                entry = entry[0]  # BayesSearchCV's (space, n_iter): the budget is ours to set
            if not isinstance(entry, Mapping):
                raise TypeError(
                    f"`search_spaces` item {i} must be a dict of parameter name to "
                    f"dimension (got {type(entry).__name__})"
                )
            alternatives.append(_translate(entry))
        return EstimatorSpace(alternatives)
    raise TypeError(
        "`search_spaces` must be a dict of parameter name to dimension, or a non-empty list "
        f"of such dicts (got {spec!r})"
    )
