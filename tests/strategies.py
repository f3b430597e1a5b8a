"""Hypothesis strategies shared by the test suites: random distributions and spaces."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from hypersense.space import (
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
)


@st.composite
def float_distributions(draw: st.DrawFn) -> FloatDistribution:
    kind = draw(st.sampled_from(["linear", "log", "step"]))
    if kind == "log":
        low = draw(st.floats(1e-6, 1e3))
        high = low * draw(st.floats(1.0, 1e6))
        return FloatDistribution(low, high, log=True)
    low = draw(st.floats(-1e4, 1e4))
    if kind == "step":
        step = draw(st.sampled_from([0.5, 0.25, 1.0, 2.0, 0.125]))
        n = draw(st.integers(0, 50))
        return FloatDistribution(low, low + n * step, step=step)
    width = draw(st.floats(0.0, 1e4))
    high = low + width
    if not math.isfinite(high):
        high = low
    return FloatDistribution(low, high)


@st.composite
def int_distributions(draw: st.DrawFn) -> IntDistribution:
    if draw(st.booleans()):
        low = draw(st.integers(1, 1000))
        return IntDistribution(low, low + draw(st.integers(0, 10**5)), log=True)
    low = draw(st.integers(-1000, 1000))
    step = draw(st.integers(1, 7))
    return IntDistribution(low, low + step * draw(st.integers(0, 60)), step=step)


choices = st.one_of(
    st.text(min_size=0, max_size=5),
    st.integers(-100, 100),
    st.floats(-10, 10, allow_nan=False),
    st.booleans(),
    st.none(),
)


@st.composite
def categorical_distributions(draw: st.DrawFn) -> CategoricalDistribution:
    values = draw(st.lists(choices, min_size=1, max_size=6))
    unique = []
    seen = set()
    for v in values:
        key = (type(v).__name__, v)
        if key not in seen:
            seen.add(key)
            unique.append(v)
    return CategoricalDistribution(tuple(unique))


def distributions() -> st.SearchStrategy[Distribution]:
    return st.one_of(float_distributions(), int_distributions(), categorical_distributions())


@st.composite
def spaces(draw: st.DrawFn, max_size: int = 5) -> dict[str, Distribution]:
    n = draw(st.integers(1, max_size))
    return {f"p{i}": draw(distributions()) for i in range(n)}
