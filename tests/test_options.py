"""The shared option checks (hypersense/_options.py): what passes, and the
error that names the option for what does not."""

from __future__ import annotations

import numpy as np
import pytest

from hypersense._options import check_bool, check_int, check_number


@pytest.mark.parametrize(
    ("value", "minimum", "maximum", "expected"),
    [(3, 1, None, 3), (np.int64(0), 0, None, 0), (10, 2, 10, 10), (2, 2, 10, 2)],
)
def test_check_int_passes_integers_in_range(
    value: object, minimum: int, maximum: int | None, expected: int
) -> None:
    got = check_int("n", value, minimum=minimum, maximum=maximum)
    assert got == expected and type(got) is int


@pytest.mark.parametrize(
    ("value", "maximum", "message"),
    [
        (0, None, r"`n_folds` must be an integer >= 1 \(got 0\)"),
        (True, None, r"`n_folds` must be an integer >= 1 \(got True\)"),
        (2.0, None, r"`n_folds` must be an integer >= 1 \(got 2.0\)"),
        ("3", None, r"`n_folds` must be an integer >= 1 \(got '3'\)"),
        (11, 10, r"`n_folds` must be an integer in \[1, 10\] \(got 11\)"),
    ],
)
def test_check_int_names_the_option_and_the_bound(
    value: object, maximum: int | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        check_int("n_folds", value, minimum=1, maximum=maximum)


def test_check_number_passes_real_numbers_in_the_closed_range() -> None:
    assert check_number("p", 0, minimum=0, maximum=1) == 0.0
    assert check_number("p", np.float32(0.5), minimum=0, maximum=1) == 0.5
    assert type(check_number("p", 1, minimum=0, maximum=1)) is float


@pytest.mark.parametrize("value", [1.5, -0.1, float("nan"), True, "0.5", None])
def test_check_number_names_the_option_and_the_range(value: object) -> None:
    with pytest.raises(ValueError, match=r"`test_fraction` must be a number in \[0, 0.5\]"):
        check_number("test_fraction", value, minimum=0, maximum=0.5)


def test_check_bool() -> None:
    assert check_bool("flag", np.bool_(True)) is True
    with pytest.raises(TypeError, match=r"`flag` must be True or False \(got 1\)"):
        check_bool("flag", 1)
