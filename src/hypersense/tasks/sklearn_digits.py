"""scikit-learn's MLPClassifier on the bundled 8x8 digits, cross-validated.

The first built-in task: it needs nothing beyond scikit-learn, runs a trial in
about one to three seconds on one core (training epochs are capped), and its
hyperparameters have effects of very different sizes, so importance analysis
has something to find.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hypersense._options import check_int, check_number
from hypersense.direction import StudyDirection
from hypersense.errors import TrialPruned
from hypersense.space.base import Distribution
from hypersense.space.categorical import CategoricalDistribution
from hypersense.space.numeric import FloatDistribution, IntDistribution
from hypersense.space.search_space import SearchSpace
from hypersense.tasks.base import Task
from hypersense.trial.trial import Trial

__all__ = ["DigitsMLPTask", "DigitsSplit", "fit_and_score", "split_digits"]

# Pixel values of load_digits are integers in [0, 16]: dividing by the known
# maximum scales inputs to [0, 1] without fitting anything on validation data.
_PIXEL_MAX = 16.0


@dataclass(frozen=True)
class DigitsSplit:
    """The digits data cut into a search part (with CV folds) and a test part.

    Attributes:
        x_search: Shape ``(n_search, 64)``, pixels scaled to [0, 1].
        y_search: Shape ``(n_search,)``, labels 0-9.
        x_test: Shape ``(n_test, 64)``; ``n_test`` is 0 without a test set.
        y_test: Shape ``(n_test,)``.
        folds: ``(train_indices, validation_indices)`` into the search part, one
            pair per fold, stratified by label.
    """

    x_search: NDArray[np.float64]
    y_search: NDArray[np.int64]
    x_test: NDArray[np.float64]
    y_test: NDArray[np.int64]
    folds: tuple[tuple[NDArray[np.intp], NDArray[np.intp]], ...]


def split_digits(*, n_folds: int, split_seed: int, test_fraction: float) -> DigitsSplit:
    """Load the digits, hold out a stratified ``test_fraction`` and cut the rest
    into ``n_folds`` stratified folds; every cut is fixed by ``split_seed``."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import StratifiedKFold, train_test_split

    x, y = load_digits(return_X_y=True)
    x = np.asarray(x, dtype=float) / _PIXEL_MAX
    y = np.asarray(y, dtype=np.int64)
    if test_fraction > 0:
        x_search, x_test, y_search, y_test = train_test_split(
            x, y, test_size=test_fraction, stratify=y, random_state=split_seed
        )
    else:
        x_search, y_search = x, y
        x_test, y_test = x[:0], y[:0]
    cv = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=split_seed)
    folds = tuple((tr, va) for tr, va in cv.split(x_search, y_search))
    return DigitsSplit(x_search, y_search, x_test, y_test, folds)


def _thread_limit(n_threads: int | None) -> AbstractContextManager[Any]:
    if n_threads is None:
        return nullcontext()
    from threadpoolctl import threadpool_limits

    limits: AbstractContextManager[Any] = threadpool_limits(limits=n_threads)
    return limits


def fit_and_score(
    params: Mapping[str, Any],
    x_train: NDArray[np.float64],
    y_train: NDArray[np.int64],
    x_eval: NDArray[np.float64],
    y_eval: NDArray[np.int64],
    *,
    seed: int,
    max_iter: int,
    n_threads: int | None,
) -> float:
    """Train one MLPClassifier and return its accuracy on the evaluation data.

    Args:
        params: ``hidden_width``, ``n_layers``, ``alpha``, ``learning_rate_init``
            and ``batch_size``.
        x_train: Shape ``(n_train, n_features)``.
        y_train: Shape ``(n_train,)``.
        x_eval: Shape ``(n_eval, n_features)``.
        y_eval: Shape ``(n_eval,)``.
        seed: Seed of the weight initialisation and the mini-batch order.
        max_iter: Cap on training epochs.
        n_threads: BLAS threads while training (None: the library's default).
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=(int(params["hidden_width"]),) * int(params["n_layers"]),
        alpha=float(params["alpha"]),
        learning_rate_init=float(params["learning_rate_init"]),
        batch_size=min(int(params["batch_size"]), len(y_train)),
        max_iter=max_iter,
        random_state=seed,
    )
    with _thread_limit(n_threads), warnings.catch_warnings():
        # Capping epochs is deliberate (a trial must stay short), so the warning
        # that training did not converge says nothing the user can act on.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x_train, y_train)
    return float(model.score(x_eval, y_eval))


class DigitsMLPTask(Task):
    """A multi-layer perceptron classifying the 8x8 digits (1,797 images, 10 classes).

    Each trial trains scikit-learn's ``MLPClassifier`` (Adam) on every fold of a
    stratified K-fold split of the search data, reports each fold's validation
    accuracy at step = fold index, asks ``should_prune`` between folds, and
    returns the mean accuracy (to maximise). The user attributes
    ``fold_accuracies`` and ``accuracy_sem`` (standard error of the mean over
    folds) are stored on the trial. Weights are initialised from ``trial.seed``;
    the data split is fixed by ``split_seed``, so every trial sees the same folds.

    Args:
        space: Distributions to suggest (default: :meth:`default_space`).
        max_iter: Cap on training epochs per fit; keeps a trial short.
        n_folds: Folds of the cross-validation, in [2, 10].
        split_seed: Seed of the test hold-out and of the folds.
        test_fraction: Share of the data held out for :meth:`evaluate_test`,
            in [0, 0.5]; 0 cross-validates on everything and has no test set.
        n_threads: BLAS threads per fit (None: the library's default). One
            thread keeps parallel trials from fighting over the cores.
    """

    name = "sklearn-digits-mlp"
    direction = StudyDirection.MAXIMIZE
    metric_name = "accuracy"

    def __init__(
        self,
        *,
        space: Mapping[str, Distribution] | None = None,
        max_iter: int = 30,
        n_folds: int = 3,
        split_seed: int = 0,
        test_fraction: float = 0.2,
        n_threads: int | None = 1,
    ) -> None:
        super().__init__(space=space)
        self._max_iter = check_int("max_iter", max_iter, minimum=1)
        self._n_folds = check_int("n_folds", n_folds, minimum=2, maximum=10)
        self._split_seed = check_int("split_seed", split_seed, minimum=0)
        self._test_fraction = check_number("test_fraction", test_fraction, minimum=0, maximum=0.5)
        self._n_threads: int | None = (
            None if n_threads is None else check_int("n_threads", n_threads, minimum=1)
        )
        self._split: DigitsSplit | None = None

    @classmethod
    def default_space(cls) -> SearchSpace:
        """Width and depth of the hidden layers, L2 penalty, Adam's step size and
        the mini-batch size; widths and rates on log scales."""
        return SearchSpace(
            {
                "hidden_width": IntDistribution(16, 128, log=True),
                "n_layers": IntDistribution(1, 3),
                "alpha": FloatDistribution(1e-6, 1e-1, log=True),
                "learning_rate_init": FloatDistribution(1e-4, 1e-1, log=True),
                "batch_size": CategoricalDistribution((32, 64, 128, 256)),
            }
        )

    @property
    def has_test_set(self) -> bool:
        return self._test_fraction > 0

    def data(self) -> DigitsSplit:
        """The split data, built on first use and kept."""
        if self._split is None:
            self._split = split_digits(
                n_folds=self._n_folds,
                split_seed=self._split_seed,
                test_fraction=self._test_fraction,
            )
        return self._split

    def objective(self, trial: Trial) -> float:
        """Cross-validate one configuration; prune between folds when advised."""
        params = self.suggest_params(trial)
        data = self.data()
        scores: list[float] = []
        for fold, (train, val) in enumerate(data.folds):
            score = fit_and_score(
                params,
                data.x_search[train],
                data.y_search[train],
                data.x_search[val],
                data.y_search[val],
                seed=trial.seed,
                max_iter=self._max_iter,
                n_threads=self._n_threads,
            )
            scores.append(score)
            trial.report(score, fold)
            if fold < len(data.folds) - 1 and trial.should_prune():
                raise TrialPruned()
        trial.set_user_attr("fold_accuracies", scores)
        sem = float(np.std(scores, ddof=1) / math.sqrt(len(scores)))
        trial.set_user_attr("accuracy_sem", sem)
        return float(np.mean(scores))

    def evaluate_test(self, params: Mapping[str, Any], *, seed: int = 0) -> float:
        """Train on all search data with ``params``; return test-set accuracy."""
        if not self.has_test_set:
            raise NotImplementedError(
                f"task {self.name!r} was built with test_fraction=0 and has no test set"
            )
        data = self.data()
        return fit_and_score(
            params,
            data.x_search,
            data.y_search,
            data.x_test,
            data.y_test,
            seed=seed,
            max_iter=self._max_iter,
            n_threads=self._n_threads,
        )
