"""Forwarding a fitted search's ``predict``, ``transform``, ``score``... to the
refitted best estimator, as scikit-learn's searches do.

Each forwarded method exists only when ``refit`` is on and the estimator has it
(``available_if``), so ``hasattr(search, "predict_proba")`` answers as it
would for the estimator itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sklearn.exceptions import NotFittedError
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

__all__ = ["BestEstimatorDelegation"]

_Method = TypeVar("_Method", bound=Callable[..., Any])


def _estimator_has(attr: str) -> Callable[[BestEstimatorDelegation], bool]:
    """Whether the search can delegate ``attr`` (for ``available_if``): it needs
    ``refit`` and the attribute on the refitted (else the base) estimator."""

    def check(self: BestEstimatorDelegation) -> bool:
        _require_refit(self, attr)
        getattr(getattr(self, "best_estimator_", self.estimator), attr)  # AttributeError if not
        return True

    return check


def _delegated(attr: str) -> Callable[[_Method], _Method]:
    """``available_if`` for a method that forwards ``attr`` to ``best_estimator_``."""
    decorator: Callable[[_Method], _Method] = available_if(_estimator_has(attr))
    return decorator


def _require_refit(search: BestEstimatorDelegation, attr: str) -> None:
    if not search.refit:
        raise AttributeError(
            f"this {type(search).__name__} was built with refit=False; {attr} needs the "
            "best configuration refitted on all the data (refit it by hand from `best_params_`)"
        )


class BestEstimatorDelegation:
    """Methods of a search that forward to ``best_estimator_``; mixed into
    :class:`~hypersense.integrations.sklearn.HyperSearchCV`."""

    # Set by the search's constructor and ``fit``.
    estimator: Any
    refit: bool | str | Callable[[dict[str, Any]], int]
    best_estimator_: Any
    scorer_: Any
    multimetric_: bool

    def score(self, X: Any, y: Any = None) -> float:  # noqa: N803 - scikit-learn's name
        """Score ``X``, ``y`` with the refitted best estimator and the search's
        scorer (the ``refit`` metric with several metrics)."""
        _require_refit(self, "score")
        check_is_fitted(self)
        if self.multimetric_:
            if not isinstance(self.refit, str):
                raise ValueError(
                    "with several metrics and a callable `refit`, `score` does not know which "
                    "metric to use; call one of `scorer_` on `best_estimator_` instead"
                )
            scorers: dict[str, Any] = self.scorer_
            scorer = scorers[self.refit]
        else:
            scorer = self.scorer_
        return float(scorer(self.best_estimator_, X, y))

    @_delegated("predict")
    def predict(self, X: Any) -> Any:  # noqa: N803 - scikit-learn's name
        """``best_estimator_.predict(X)``."""
        check_is_fitted(self)
        return self.best_estimator_.predict(X)

    @_delegated("predict_proba")
    def predict_proba(self, X: Any) -> Any:  # noqa: N803 - scikit-learn's name
        """``best_estimator_.predict_proba(X)``."""
        check_is_fitted(self)
        return self.best_estimator_.predict_proba(X)

    @_delegated("predict_log_proba")
    def predict_log_proba(self, X: Any) -> Any:  # noqa: N803 - scikit-learn's name
        """``best_estimator_.predict_log_proba(X)``."""
        check_is_fitted(self)
        return self.best_estimator_.predict_log_proba(X)

    @_delegated("decision_function")
    def decision_function(self, X: Any) -> Any:  # noqa: N803 - scikit-learn's name
        """``best_estimator_.decision_function(X)``."""
        check_is_fitted(self)
        return self.best_estimator_.decision_function(X)

    @_delegated("score_samples")
    def score_samples(self, X: Any) -> Any:  # noqa: N803 - scikit-learn's name
        """``best_estimator_.score_samples(X)``."""
        check_is_fitted(self)
        return self.best_estimator_.score_samples(X)

    @_delegated("transform")
    def transform(self, X: Any) -> Any:  # noqa: N803 - scikit-learn's name
        """``best_estimator_.transform(X)``."""
        check_is_fitted(self)
        return self.best_estimator_.transform(X)

    @_delegated("inverse_transform")
    def inverse_transform(self, X: Any) -> Any:  # noqa: N803 - scikit-learn's name
        """``best_estimator_.inverse_transform(X)``."""
        check_is_fitted(self)
        return self.best_estimator_.inverse_transform(X)

    @property
    def classes_(self) -> Any:
        """Class labels of the refitted best classifier."""
        _estimator_has("classes_")(self)
        return self.best_estimator_.classes_

    @property
    def n_features_in_(self) -> int:
        """Number of features seen by the refitted best estimator."""
        try:
            check_is_fitted(self)
        except NotFittedError as exc:
            raise AttributeError(
                f"{type(self).__name__} has no n_features_in_ before it is fitted"
            ) from exc
        return int(self.best_estimator_.n_features_in_)
