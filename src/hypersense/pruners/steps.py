"""When a step-based pruning rule decides: after its warm-up, every few steps."""

from __future__ import annotations

from typing import TypeGuard

__all__ = ["decides_at"]


def decides_at(step: int | None, *, n_warmup_steps: int, interval_steps: int) -> TypeGuard[int]:
    """Whether a rule that waits ``n_warmup_steps`` and then decides every
    ``interval_steps`` steps decides at ``step`` (never before a first report,
    ``step`` None): at ``n_warmup_steps``, ``n_warmup_steps + interval_steps``, …

    A type guard, so a caller that returns when it is False may use ``step``
    as an ``int`` afterwards."""
    return (
        step is not None
        and step >= n_warmup_steps
        and (step - n_warmup_steps) % interval_steps == 0
    )
