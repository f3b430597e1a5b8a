"""decides_at: the steps at which a warm-up-then-interval rule decides."""

from __future__ import annotations

from hypersense.pruners.steps import decides_at


def test_decision_steps_after_warm_up_every_interval() -> None:
    steps = [s for s in range(12) if decides_at(s, n_warmup_steps=3, interval_steps=4)]
    assert steps == [3, 7, 11]
    assert [s for s in range(4) if decides_at(s, n_warmup_steps=0, interval_steps=1)] == [
        0,
        1,
        2,
        3,
    ]


def test_no_decision_before_a_first_report() -> None:
    assert not decides_at(None, n_warmup_steps=0, interval_steps=1)
