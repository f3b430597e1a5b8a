"""Group decomposition of conditional spaces."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from hypersense.samplers.tpe.groups import decompose_into_groups


def test_conditional_branches_become_groups() -> None:
    sets = [["kind", "c"], ["kind", "depth", "frac"], ["kind", "c"], ["kind", "depth", "frac"]]
    assert decompose_into_groups(sets) == [("kind",), ("c",), ("depth", "frac")]


def test_a_static_space_is_one_group() -> None:
    sets = [["x", "y", "z"]] * 5
    assert decompose_into_groups(sets) == [("x", "y", "z")]


def test_no_trials_no_groups() -> None:
    assert decompose_into_groups([]) == []


def test_parameters_that_sometimes_part_are_split() -> None:
    sets = [["a", "b", "c"], ["a", "b"], ["a", "c"]]
    assert decompose_into_groups(sets) == [("a",), ("b",), ("c",)]


names = st.sampled_from(list("abcdefg"))


@given(st.lists(st.lists(names, unique=True), max_size=12))
def test_every_trial_is_a_union_of_whole_groups(sets: list[list[str]]) -> None:
    groups = decompose_into_groups(sets)
    flat = [n for g in groups for n in g]
    assert len(flat) == len(set(flat)) == len({n for s in sets for n in s})
    for s in sets:
        for g in groups:
            assert set(g) <= set(s) or not set(g) & set(s)
    # Coarsest: names of different groups do not always co-occur (else they would share one).
    for g1, g2 in itertools.combinations(groups, 2):
        assert any((g1[0] in s) != (g2[0] in s) for s in sets)
