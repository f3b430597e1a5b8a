"""Validation of the tasks' keyword options, with errors that name the option."""

from __future__ import annotations

from typing import Any

from hypersense._options import check_int

__all__ = ["check_optional_int"]


def check_optional_int(
    name: str, value: Any, *, minimum: int, maximum: int | None = None
) -> int | None:
    """Like :func:`hypersense._options.check_int`, but None passes through
    (meaning "off" or "default")."""
    return None if value is None else check_int(name, value, minimum=minimum, maximum=maximum)
