"""The exact fANOVA core against brute-force enumeration on discrete grids."""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray
from sklearn.tree import DecisionTreeRegressor

from hypersense.analysis.methods.decomposition import (
    decompose,
    decompose_rows,
    main_effect_curves,
    pair_effect_surfaces,
)
from hypersense.analysis.quadrature import Quadrature, composite_gauss_legendre
from hypersense.analysis.surrogates.base import SeparableExpansion
from hypersense.analysis.surrogates.trees import TreeExpansion, leaf_boxes


class TableExpansion(SeparableExpansion):
    """Factors given as tables on discrete quadrature points."""

    def __init__(
        self,
        weights: NDArray[np.float64],
        tables: list[NDArray[np.float64]],
        quads: list[Quadrature],
    ) -> None:
        super().__init__(0.0, weights, np.arange(weights.shape[0]))
        self.tables, self.quads = tables, quads

    def column_values(self, column: int, points: NDArray[np.float64]) -> NDArray[np.float64]:
        index = [int(np.argmin(np.abs(self.quads[column].points - p))) for p in points]
        return self.tables[column][:, index]

    def column_means(self) -> list[NDArray[np.float64]]:
        return [t @ q.weights for t, q in zip(self.tables, self.quads, strict=True)]

    def column_grams(self) -> list[NDArray[np.float64]]:
        return [(t * q.weights) @ t.T for t, q in zip(self.tables, self.quads, strict=True)]


def discrete(weights: list[float]) -> Quadrature:
    w = np.array(weights) / np.sum(weights)
    return Quadrature(np.linspace(0.1, 0.9, len(w)), w, is_discrete=True, is_categorical=False)


def brute_force(values: NDArray[np.float64], quads: list[Quadrature]) -> dict[str, object]:
    """ANOVA of a function tabulated on the full product grid (shape (G_1, ..., G_d))."""
    d = values.ndim
    weight = np.ones_like(values)
    for j, q in enumerate(quads):
        shape = [1] * d
        shape[j] = q.size
        weight = weight * q.weights.reshape(shape)
    mean = float(np.sum(weight * values))
    variance = float(np.sum(weight * (values - mean) ** 2))

    def closed(keep: tuple[int, ...]) -> float:
        drop = tuple(j for j in range(d) if j not in keep)
        cond = np.sum(weight * values, axis=drop) / np.sum(weight, axis=drop)
        w_keep = np.sum(weight, axis=drop)
        return float(np.sum(w_keep * (cond - mean) ** 2))

    main = [closed((j,)) for j in range(d)]
    total = [variance - closed(tuple(k for k in range(d) if k != j)) for j in range(d)]
    pair = {
        (j, k): closed((j, k)) - main[j] - main[k] for j, k in itertools.combinations(range(d), 2)
    }
    return {"mean": mean, "variance": variance, "main": main, "total": total, "pair": pair}


def test_random_expansions_match_brute_force_enumeration() -> None:
    rng = np.random.default_rng(0)
    quads = [discrete([1, 2, 3]), discrete([1, 1]), discrete([2, 1, 1, 4])]
    tables = [rng.normal(size=(5, q.size)) for q in quads]
    weights = rng.normal(size=(2, 5))
    parts = decompose_rows(
        weights,
        [t @ q.weights for t, q in zip(tables, quads, strict=True)],
        [(t * q.weights) @ t.T for t, q in zip(tables, quads, strict=True)],
        pairs=True,
    )
    for r in range(2):
        grid = np.einsum("t,ta,tb,tc->abc", weights[r], *tables)
        truth = brute_force(grid, quads)
        assert np.isclose(parts.mean[r], truth["mean"])
        assert np.isclose(parts.variance[r], truth["variance"])
        assert np.allclose(parts.main[r], truth["main"])
        assert np.allclose(parts.total[r], truth["total"])
        assert parts.pair is not None
        for (j, k), v in truth["pair"].items():  # type: ignore[attr-defined]
            assert np.isclose(parts.pair[r, j, k], v) and np.isclose(parts.pair[r, k, j], v)


def test_hand_computed_two_by_two_example() -> None:
    # f = x1 + 2 x2 + 4 x1 x2 on {0, 1}^2 with equal weights:
    # f values 0, 2, 1, 7; mean 2.5; V = 7.25; V1 = 2.25^2 = 9/4 -> (E[f|x1]) = 1, 4;
    # E[f|x2] = 0.5, 4.5 -> V2 = 4; V12 = 7.25 - 2.25 - 4 = 1.
    quad = Quadrature(np.array([0.0, 1.0]), np.array([0.5, 0.5]), True, False)
    ones, ident = np.array([1.0, 1.0]), np.array([0.0, 1.0])
    tables = [np.array([ident, ones, ident]), np.array([ones, ident, ident])]
    expansion = TableExpansion(np.array([[1.0, 2.0, 4.0]]), tables, [quad, quad])
    parts = decompose([expansion], 1, pairs=True)
    assert np.isclose(parts.mean[0], 2.5)
    assert np.isclose(parts.variance[0], 7.25)
    assert np.allclose(parts.main[0], [2.25, 4.0])
    assert parts.pair is not None and np.isclose(parts.pair[0, 0, 1], 1.0)
    assert np.allclose(parts.total[0], [3.25, 5.0])
    curve = main_effect_curves([expansion], 1, 0, np.array([0.0, 1.0]))
    assert np.allclose(curve, [[1.0, 4.0]])
    surface = pair_effect_surfaces([expansion], 1, (0, 1), (quad.points, quad.points))
    assert np.allclose(surface[0], [[0.0, 2.0], [1.0, 7.0]])


def test_tree_decomposition_is_exact_on_the_cells_of_its_splits() -> None:
    rng = np.random.default_rng(1)
    x = rng.random((200, 2))
    y = np.sin(6 * x[:, 0]) * x[:, 1] + x[:, 1]
    tree = DecisionTreeRegressor(max_leaf_nodes=12, random_state=0).fit(x, y)
    cont = composite_gauss_legendre()
    expansion = TreeExpansion(leaf_boxes(tree.tree_, 2), 0, [cont, cont])
    parts = decompose([expansion], 1, pairs=True)
    # Brute force: the tree is constant on the cells between its thresholds.
    quads = []
    for j in range(2):
        cuts = np.unique(tree.tree_.threshold[tree.tree_.feature == j])
        edges = np.concatenate([[0.0], cuts[(cuts > 0) & (cuts < 1)], [1.0]])
        quads.append(Quadrature((edges[:-1] + edges[1:]) / 2, np.diff(edges), False, False))
    grid = np.array([[tree.predict([[a, b]])[0] for b in quads[1].points] for a in quads[0].points])
    truth = brute_force(grid, quads)
    assert np.isclose(parts.mean[0], truth["mean"])
    assert np.isclose(parts.variance[0], truth["variance"])
    assert np.allclose(parts.main[0], truth["main"])
    assert np.allclose(parts.total[0], truth["total"])


def test_draws_spread_over_rows_are_averaged() -> None:
    quad = Quadrature(np.array([0.0, 1.0]), np.array([0.5, 0.5]), True, False)
    ident = np.array([[0.0, 1.0]])
    first = TableExpansion(np.array([[1.0]]), [ident], [quad])
    second = TableExpansion(np.array([[3.0]]), [ident], [quad])
    second.draws = np.array([0])
    parts = decompose([first, second], 1, pairs=False)
    # Average of the two rows' decompositions: variances 0.25 and 2.25.
    assert np.isclose(parts.variance[0], 1.25)
    assert np.isclose(parts.mean[0], 1.0)
