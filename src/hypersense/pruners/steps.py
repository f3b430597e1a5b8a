"""When a step-based pruning rule decides: after its warm-up, every few steps."""

from __future__ import annotations

__all__ = ["decides_at"]


def decides_at(step: int | None, *, n_warmup_steps: int, interval_steps: int) -> bool:
    """Whether a rule that waits ``n_warmup_steps`` and then decides every
    ``interval_steps`` steps decides at ``step`` (never before a first report,
    ``step`` None): at ``n_warmup_steps``, ``n_warmup_steps + interval_steps``, …"""
    return (
        step is not None
        and step >= n_warmup_steps
        and (step - n_warmup_steps) % interval_steps == 0
    )
