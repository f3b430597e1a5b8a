"""Random-forest surrogate, with bootstrap refits as its draws.

scikit-learn's ``RandomForestRegressor`` on the encoded unit cube (a
categorical column is its choice code; trees can isolate any choice). Its
variance decomposition is the mean over trees of each tree's exact
decomposition (as in Hutter et al., 2014). Its uncertainty is a bootstrap:
each draw is a smaller forest refitted on trials resampled with replacement,
so intervals reflect which trials happened to be run, not only the spread
between trees of one forest.

Cost is bounded on large studies: each tree is grown on at most
``max_tree_samples`` trials drawn with replacement (a subsampled forest; the
trees' leaves are capped too), so the time to fit and decompose the ~1,000
trees behind an analysis does not grow with the study.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.ensemble import RandomForestRegressor

from hypersense.analysis.quadrature import Quadrature
from hypersense.analysis.surrogates.base import (
    FittedSurrogate,
    FunctionDraws,
    SeparableExpansion,
    Surrogate,
)
from hypersense.analysis.surrogates.trees import TreeExpansion, leaf_boxes

__all__ = ["FittedRandomForest", "RandomForestSurrogate"]


class RandomForestSurrogate(Surrogate):
    """A random forest of regression trees.

    Args:
        n_trees: Trees of the forest fitted on all trials.
        min_samples_leaf: Fewest trials in a leaf (smooths the fit).
        max_features: Fraction of the columns tried at each split.
        max_leaf_nodes: Most leaves per tree. Bounds the cost of the exact
            decomposition, which grows with the square of the leaves per tree.
        n_draw_trees: Trees of each bootstrap refit behind the intervals.
        max_tree_samples: Most trials each tree is grown on (drawn with
            replacement); bounds the cost of very large studies.
    """

    name = "rf"

    def __init__(
        self,
        *,
        n_trees: int = 32,
        min_samples_leaf: int = 2,
        max_features: float = 1.0,
        max_leaf_nodes: int = 128,
        n_draw_trees: int = 8,
        max_tree_samples: int = 512,
    ) -> None:
        for arg, value in (
            ("n_trees", n_trees),
            ("min_samples_leaf", min_samples_leaf),
            ("max_leaf_nodes", max_leaf_nodes),
            ("n_draw_trees", n_draw_trees),
            ("max_tree_samples", max_tree_samples),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"`{arg}` must be an integer >= 1 (got {value!r})")
        if not isinstance(max_features, (int, float)) or not 0.0 < float(max_features) <= 1.0:
            raise ValueError(f"`max_features` must be in (0, 1] (got {max_features!r})")
        self.n_trees = n_trees
        self.min_samples_leaf = min_samples_leaf
        self.max_features = float(max_features)
        if max_leaf_nodes < 2:
            raise ValueError(f"`max_leaf_nodes` must be an integer >= 2 (got {max_leaf_nodes!r})")
        self.max_leaf_nodes = max_leaf_nodes
        self.n_draw_trees = n_draw_trees
        self.max_tree_samples = max_tree_samples

    def _params(self) -> dict[str, object]:
        return {
            "n_trees": self.n_trees,
            "min_samples_leaf": self.min_samples_leaf,
            "max_features": self.max_features,
            "max_leaf_nodes": self.max_leaf_nodes,
            "n_draw_trees": self.n_draw_trees,
            "max_tree_samples": self.max_tree_samples,
        }

    def make_forest(
        self, n_trees: int, n_rows: int, rng: np.random.Generator
    ) -> RandomForestRegressor:
        """An unfitted scikit-learn forest of ``n_trees`` trees for ``n_rows``
        training rows, seeded from ``rng``."""
        return RandomForestRegressor(
            n_estimators=n_trees,
            min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features,
            max_leaf_nodes=self.max_leaf_nodes,
            max_samples=min(n_rows, self.max_tree_samples),
            n_jobs=1,
            random_state=int(rng.integers(0, 2**31 - 1)),
        )

    def fit(
        self,
        x: NDArray[np.float64],
        y: NDArray[np.float64],
        categorical: NDArray[np.bool_],
        rng: np.random.Generator,
    ) -> FittedRandomForest:
        forest = self.make_forest(self.n_trees, x.shape[0], rng).fit(x, y)
        return FittedRandomForest(self, forest, x, y)


class FittedRandomForest(FittedSurrogate):
    """A forest fitted to one scope's trials."""

    def __init__(
        self,
        config: RandomForestSurrogate,
        forest: RandomForestRegressor,
        x: NDArray[np.float64],
        y: NDArray[np.float64],
    ) -> None:
        self._config = config
        self._forest = forest
        self._x = x
        self._y = y

    @property
    def interval_kind(self) -> str:
        return "bootstrap"

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        out: NDArray[np.float64] = self._forest.predict(x)
        return out

    def refit(
        self, x: NDArray[np.float64], y: NDArray[np.float64], rng: np.random.Generator
    ) -> FittedRandomForest:
        return self._config.fit(x, y, np.zeros(x.shape[1], dtype=bool), rng)

    def draws(self, n_draws: int, rng: np.random.Generator) -> FunctionDraws:
        forests = [self._forest]
        n = self._x.shape[0]
        for _ in range(n_draws):
            rows = rng.integers(0, n, n)
            forest = self._config.make_forest(self._config.n_draw_trees, n, rng)
            forests.append(forest.fit(self._x[rows], self._y[rows]))
        return _ForestDraws(forests, self._x.shape[1])


class _ForestDraws(FunctionDraws):
    """The forest on all trials (draw 0) and bootstrap refits."""

    def __init__(self, forests: list[RandomForestRegressor], n_columns: int) -> None:
        self._forests = forests
        self._n_columns = n_columns

    @property
    def n_draws(self) -> int:
        return len(self._forests)

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.vstack([f.predict(x) for f in self._forests])

    def expansions(self, quadratures: Sequence[Quadrature]) -> Iterator[SeparableExpansion]:
        for draw, forest in enumerate(self._forests):
            estimators: list[Any] = list(forest.estimators_)
            for tree in estimators:
                yield TreeExpansion(leaf_boxes(tree.tree_, self._n_columns), draw, quadratures)
